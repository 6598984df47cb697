/**
 * Where a video track's box is on each frame: the rules of src/accord/core/tracks.py
 * (box_at, boxes_at, expand_tracks), so the stage draws what the exports and the QA engine
 * read. On a frame f, take the last keyframe k at or before f:
 *
 * - none (f before the first), or k is `outside`: the object is not in view;
 * - k is on f, or k is the last keyframe: k's box (it holds to the video's last frame);
 * - else the box moves linearly from k to the next keyframe k' (an `outside` k' too: its box
 *   is where the object leaves): t = (f - k.frame) / (k'.frame - k.frame), each of x, y,
 *   width and height is a + (b - a) * t.
 *
 * Keyframes are in strictly increasing frame order (the server refuses others), so a frame's
 * keyframe is found by binary search: a track imported from MOT has one per frame.
 */
import type { Keyframe, Region, VideoTrackRegion } from "../../lib/regions";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The index of the last keyframe at or before `frame`, or -1 (numpy's searchsorted right, minus one). */
export function keyframeBefore(keyframes: readonly Keyframe[], frame: number): number {
  let lo = 0;
  let hi = keyframes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keyframes[mid] as Keyframe).frame <= frame) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The index of the keyframe on `frame`, or -1 when that frame has none. */
export function keyframeOn(keyframes: readonly Keyframe[], frame: number): number {
  const at = keyframeBefore(keyframes, frame);
  return at >= 0 && (keyframes[at] as Keyframe).frame === frame ? at : -1;
}

/** The track's box on `frame`, or null where the object is not in view (core/tracks.py box_at). */
export function boxAt(keyframes: readonly Keyframe[], frame: number): Box | null {
  const at = keyframeBefore(keyframes, frame);
  if (at < 0) return null;
  const a = keyframes[at] as Keyframe;
  if (a.outside) return null;
  const b = keyframes[at + 1];
  if (!b || a.frame === frame) return { x: a.x, y: a.y, width: a.width, height: a.height };
  const t = (frame - a.frame) / (b.frame - a.frame);
  return {
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
    width: a.width + (b.width - a.width) * t,
    height: a.height + (b.height - a.height) * t,
  };
}

/**
 * The frames the object is in view, as [start, stop) ranges in order, adjacent ones joined
 * (core/tracks.py expand_tracks): from each visible keyframe to the next keyframe, the last
 * one up to `frameCount` (or one frame, when the count is unknown or already passed).
 */
export function visibleRanges(keyframes: readonly Keyframe[], frameCount: number | null): [number, number][] {
  const out: [number, number][] = [];
  keyframes.forEach((k, i) => {
    if (k.outside) return;
    const next = keyframes[i + 1];
    const stop = next ? next.frame : Math.max(frameCount ?? -1, k.frame + 1);
    if (stop <= k.frame) return;
    const last = out[out.length - 1];
    if (last && last[1] === k.frame) last[1] = stop;
    else out.push([k.frame, stop]);
  });
  return out;
}

export function isTrack(region: Region): region is VideoTrackRegion {
  return region.type === "video_track";
}

/** The id a new track gets: one more than the highest in the work (ids are never reused,
 * so a deleted track's id does not come back on another object), from 1 as MOT counts. */
export function nextTrackId(regions: readonly Region[]): number {
  let highest = 0;
  for (const r of regions) if (isTrack(r)) highest = Math.max(highest, r.value.track_id);
  return highest + 1;
}

/**
 * `regions` with each track from index `from` on whose track_id is already taken (by a
 * region before it) given the next free id (one more than the highest so far, as
 * nextTrackId counts): a model's or a previous task's track accepted into the work must not
 * share an id with one of the annotator's, or the exports and QA would read two objects as
 * one. The regions before `from` keep theirs; a track that collides with nothing keeps its.
 */
export function withUniqueTrackIds(regions: readonly Region[], from: number): Region[] {
  const used = new Set<number>();
  let highest = 0;
  return regions.map((region, i) => {
    if (!isTrack(region)) return region;
    let id = region.value.track_id;
    if (i >= from && used.has(id)) id = highest + 1;
    used.add(id);
    highest = Math.max(highest, id);
    return id === region.value.track_id ? region : { ...region, value: { ...region.value, track_id: id } };
  });
}
