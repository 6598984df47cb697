import { describe, expect, it } from "vitest";
import type { Keyframe, Region } from "../../lib/regions";
import reference from "./tracks.reference.json";
import { boxAt, keyframeBefore, keyframeOn, nextTrackId, visibleRanges, withUniqueTrackIds } from "./tracks";

type Reference = { keyframes: Keyframe[]; boxes: ([number, number, number, number] | null)[]; frames16: number[] };
const cases = Object.entries(reference.tracks as Record<string, Reference>);

/** Every frame in the [start, stop) ranges, in order. */
function framesOf(ranges: [number, number][]): number[] {
  return ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
}

describe("boxAt mirrors core/tracks.py box_at", () => {
  it.each(cases)("%s: the same box, or none, on every frame", (_name, track) => {
    track.boxes.forEach((expected, frame) => {
      const box = boxAt(track.keyframes, frame);
      if (expected === null) expect(box, `frame ${frame}`).toBeNull();
      else expect(box && [box.x, box.y, box.width, box.height], `frame ${frame}`).toEqual(expected);
    });
  });

  it("interpolates toward an outside keyframe and shows nothing from it", () => {
    const keyframes: Keyframe[] = [
      { frame: 0, x: 0, y: 0, width: 10, height: 10 },
      { frame: 4, x: 8, y: 0, width: 10, height: 10 },
      { frame: 6, x: 8, y: 0, width: 10, height: 10, outside: true },
    ];
    expect(boxAt(keyframes, 2)).toEqual({ x: 4, y: 0, width: 10, height: 10 });
    expect(boxAt(keyframes, 6)).toBeNull();
    expect(boxAt(keyframes, 60)).toBeNull();
  });

  it("reads `outside: false`, as the server sends it, as in view", () => {
    expect(boxAt([{ frame: 1, x: 1, y: 2, width: 3, height: 4, outside: false }], 3)).toEqual({ x: 1, y: 2, width: 3, height: 4 });
  });

  it("has no box for a track without keyframes", () => {
    expect(boxAt([], 0)).toBeNull();
  });
});

describe("visibleRanges mirrors core/tracks.py frames_of", () => {
  it.each(cases)("%s: the frames in view of a 16-frame video", (_name, track) => {
    expect(framesOf(visibleRanges(track.keyframes, 16))).toEqual(track.frames16);
  });

  it("ends a track at its last keyframe when the frame count is unknown", () => {
    expect(visibleRanges([{ frame: 3, x: 0, y: 0, width: 1, height: 1 }, { frame: 5, x: 0, y: 0, width: 1, height: 1 }], null)).toEqual([[3, 6]]);
  });

  it("joins the ranges of consecutive visible keyframes", () => {
    const k = (frame: number, outside = false): Keyframe => ({ frame, x: 0, y: 0, width: 1, height: 1, ...(outside ? { outside } : {}) });
    expect(visibleRanges([k(0), k(2), k(4, true), k(7), k(8)], 10)).toEqual([[0, 4], [7, 10]]);
  });
});

describe("keyframe search", () => {
  const keyframes: Keyframe[] = [0, 5, 9].map((frame) => ({ frame, x: 0, y: 0, width: 1, height: 1 }));
  it("finds the last keyframe at or before a frame", () => {
    expect([-1, 0, 4, 5, 8, 9, 100].map((f) => keyframeBefore(keyframes, f))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
  });
  it("finds a keyframe only on its own frame", () => {
    expect([0, 1, 5, 9, 10].map((f) => keyframeOn(keyframes, f))).toEqual([0, -1, 1, 2, -1]);
  });
});

describe("nextTrackId", () => {
  const track = (id: string, track_id: number): Region => ({ id, label: "objects", type: "video_track", value: { class: "car", track_id, keyframes: [] } });
  it("starts at 1", () => {
    expect(nextTrackId([])).toBe(1);
  });
  it("is one past the highest id, never one a deleted track had", () => {
    expect(nextTrackId([track("r1", 1), track("r2", 7)])).toBe(8);
  });
  it("ignores other regions", () => {
    expect(nextTrackId([{ id: "r1", label: "scene", type: "classification", value: { class: "day" } }])).toBe(1);
  });
});

describe("withUniqueTrackIds", () => {
  const track = (id: string, trackId: number): Region => ({ id, label: "objects", type: "video_track", value: { class: "car", track_id: trackId, keyframes: [{ frame: 0, x: 0, y: 0, width: 5, height: 5 }] } });
  const mine = [track("r1", 1), track("r2", 4)];

  it("gives an accepted track whose id is one of the work's the next free id; others keep theirs", () => {
    const out = withUniqueTrackIds([...mine, track("r3", 4), track("r4", 2), track("r5", 4)], mine.length);
    expect(out.map((r) => (r.value as { track_id: number }).track_id)).toEqual([1, 4, 5, 2, 6]);
    expect(out.slice(0, 2)).toEqual(mine);
  });

  it("leaves the work's own ids alone, even repeated, and other regions untouched", () => {
    const span: Region = { id: "s", label: "words", type: "transcription", value: { text: "x" } };
    const out = withUniqueTrackIds([track("r1", 3), track("r2", 3), span, track("r3", 3)], 3);
    expect(out.map((r) => (r.type === "video_track" ? r.value.track_id : r.id))).toEqual([3, 3, "s", 4]);
  });
});
