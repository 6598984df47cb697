import { describe, expect, it } from "vitest";
import type { Keyframe, VideoTrackValue } from "../../lib/regions";
import { adjacentKeyframe, attributesAt, clampBox, newTrack, toggleOutside, withBox, withKeyframe, withKeyframeAttribute, withoutKeyframe } from "./keyframes";
import { boxAt } from "./tracks";

const box = { x: 10, y: 20, width: 30, height: 40 };
const track = (...keyframes: Keyframe[]): VideoTrackValue => ({ class: "car", track_id: 3, keyframes });
const key = (frame: number, x: number, extra: Partial<Keyframe> = {}): Keyframe => ({ frame, x, y: 0, width: 10, height: 10, ...extra });

describe("keyframe edits", () => {
  it("starts a track with one keyframe, to 1/100 px", () => {
    expect(newTrack("car", 3, 12, { x: 1.004, y: 2.3333, width: 3, height: 4 })).toEqual({
      class: "car",
      track_id: 3,
      keyframes: [{ frame: 12, x: 1, y: 2.33, width: 3, height: 4 }],
    });
  });

  it("adds a keyframe where a box moves on a frame between two, keeping frame order", () => {
    const moved = withBox(track(key(0, 0), key(10, 100)), 4, box);
    expect(moved.keyframes.map((k) => k.frame)).toEqual([0, 4, 10]);
    expect(boxAt(moved.keyframes, 4)).toEqual(box);
    expect(boxAt(moved.keyframes, 7)).toEqual({ x: 10 + (100 - 10) * 0.5, y: 10, width: 30 + (10 - 30) * 0.5, height: 25 });
  });

  it("changes the keyframe on that frame instead of adding one", () => {
    const moved = withBox(track(key(0, 0), key(10, 100)), 10, box);
    expect(moved.keyframes).toEqual([key(0, 0), { frame: 10, ...box }]);
  });

  it("keeps a keyframe's attributes when its box moves; a new keyframe needs none", () => {
    const t = track(key(0, 0, { attributes: { moving: true } }));
    expect(withBox(t, 0, box).keyframes).toEqual([{ frame: 0, ...box, attributes: { moving: true } }]);
    expect(withBox(t, 5, box).keyframes[1]).toEqual({ frame: 5, ...box });
  });

  it("reads the attributes in force on a frame: the track's, then each keyframe's up to it", () => {
    const t = track(key(0, 0), key(12, 0, { attributes: { occluded: true } }), key(20, 0, { attributes: { occluded: false, lane: 2 } }));
    const own = { occluded: false, make: "ford" };
    expect(attributesAt(own, t, 11)).toEqual(own);
    expect(attributesAt(own, t, 12)).toEqual({ occluded: true, make: "ford" });
    expect(attributesAt(own, t, 19)).toEqual({ occluded: true, make: "ford" });
    expect(attributesAt(own, t, 25)).toEqual({ occluded: false, make: "ford", lane: 2 });
    expect(attributesAt(undefined, t, -1)).toEqual({});
  });

  it("marks where the object leaves, and brings it back with the box it left with", () => {
    const leaving = toggleOutside(track(key(0, 0), key(10, 100)), 5);
    expect(leaving.keyframes[1]).toEqual({ frame: 5, x: 50, y: 0, width: 10, height: 10, outside: true });
    expect(boxAt(leaving.keyframes, 5)).toBeNull();
    expect(boxAt(leaving.keyframes, 7)).toBeNull();
    const back = toggleOutside(leaving, 7);
    expect(back.keyframes[2]).toEqual({ frame: 7, x: 50, y: 0, width: 10, height: 10 });
    expect(boxAt(back.keyframes, 7)).toEqual({ x: 50, y: 0, width: 10, height: 10 });
  });

  it("switches outside off again on its own keyframe", () => {
    const once = toggleOutside(track(key(0, 0), key(4, 40)), 4);
    expect(once.keyframes[1]?.outside).toBe(true);
    expect(toggleOutside(once, 4).keyframes[1]).toEqual(key(4, 40));
  });

  it("adds a keyframe holding the interpolated box, and no second one", () => {
    const t = track(key(0, 0), key(10, 100));
    const made = withKeyframe(t, 3);
    expect(made.keyframes[1]).toEqual(key(3, 30));
    expect(withKeyframe(made, 3)).toBe(made);
  });

  it("deletes a keyframe, and the track with its last one", () => {
    const t = track(key(0, 0), key(10, 100));
    expect(withoutKeyframe(t, 10)?.keyframes).toEqual([key(0, 0)]);
    expect(withoutKeyframe(t, 5)).toBe(t);
    expect(withoutKeyframe(track(key(0, 0)), 0)).toBeNull();
  });

  it("sets and removes an attribute of one keyframe", () => {
    const t = withKeyframeAttribute(track(key(0, 0), key(10, 100)), 10, "occluded", true);
    expect(t.keyframes[1]?.attributes).toEqual({ occluded: true });
    expect(t.keyframes[0]?.attributes).toBeUndefined();
    expect(withKeyframeAttribute(t, 10, "occluded", undefined).keyframes[1]).toEqual(key(10, 100));
    expect(withKeyframeAttribute(t, 4, "occluded", true)).toBe(t);
  });

  it("finds the next and previous keyframe", () => {
    const keyframes = [key(2, 0), key(6, 0), key(9, 0)];
    expect([0, 2, 5, 9].map((f) => adjacentKeyframe(keyframes, f, 1))).toEqual([2, 6, 6, null]);
    expect([0, 2, 5, 6, 40].map((f) => adjacentKeyframe(keyframes, f, -1))).toEqual([null, null, 2, 2, 9]);
  });

  it("keeps a box inside the frame", () => {
    expect(clampBox({ x: -5, y: 230, width: 20, height: 20 }, 320, 240)).toEqual({ x: 0, y: 220, width: 20, height: 20 });
    expect(clampBox({ x: 0, y: 0, width: 500, height: 0 }, 320, 240)).toEqual({ x: 0, y: 0, width: 320, height: 1 });
  });
});
