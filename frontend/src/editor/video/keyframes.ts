/**
 * Edits of a track's keyframes, pure: each returns a new track value (or null when the
 * track has no keyframe left), keeping frames strictly increasing as the server requires.
 * Coordinates are kept to 1/100 px, as the image editor stores them (precision.ts).
 */
import type { AttributeValue } from "../../lib/schema";
import type { Keyframe, VideoTrackValue } from "../../lib/regions";
import { round2 } from "../precision";
import { boxAt, keyframeBefore, keyframeOn, type Box } from "./tracks";

export function roundBox(box: Box): Box {
  return { x: round2(box.x), y: round2(box.y), width: round2(box.width), height: round2(box.height) };
}

/** A box kept inside a frame of `width` × `height` pixels, no side below `min`. */
export function clampBox(box: Box, width: number, height: number, min = 1): Box {
  const w = Math.min(Math.max(box.width, min), width);
  const h = Math.min(Math.max(box.height, min), height);
  return { x: Math.min(Math.max(box.x, 0), width - w), y: Math.min(Math.max(box.y, 0), height - h), width: w, height: h };
}

function keyframe(frame: number, box: Box, rest: Pick<Keyframe, "outside" | "attributes"> = {}): Keyframe {
  const made: Keyframe = { frame, ...roundBox(box) };
  if (rest.outside) made.outside = true;
  if (rest.attributes && Object.keys(rest.attributes).length > 0) made.attributes = { ...rest.attributes };
  return made;
}

function inserted(keyframes: readonly Keyframe[], made: Keyframe): Keyframe[] {
  const at = keyframeBefore(keyframes, made.frame);
  const out = [...keyframes];
  if (at >= 0 && (keyframes[at] as Keyframe).frame === made.frame) out[at] = made;
  else out.splice(at + 1, 0, made);
  return out;
}

/** A new track: one keyframe on `frame`. */
export function newTrack(cls: string, trackId: number, frame: number, box: Box): VideoTrackValue {
  return { class: cls, track_id: trackId, keyframes: [keyframe(frame, box)] };
}

/**
 * The track with its box on `frame` set to `box`: that frame's keyframe changed (its
 * attributes kept), or a new keyframe there (which needs none: attributes set earlier stay
 * in force, docs/regions.md). A box placed where the object was outside brings it back.
 */
export function withBox(track: VideoTrackValue, frame: number, box: Box): VideoTrackValue {
  const on = track.keyframes[keyframeOn(track.keyframes, frame)];
  return { ...track, keyframes: inserted(track.keyframes, keyframe(frame, box, { attributes: on?.attributes })) };
}

/** The attributes in force on `frame`: the track's, overridden by each keyframe's at or
 * before it, in order (docs/regions.md, per-frame attributes). */
export function attributesAt(trackAttributes: Readonly<Record<string, AttributeValue>> | undefined, track: VideoTrackValue, frame: number): Record<string, AttributeValue> {
  const out = { ...trackAttributes };
  const last = keyframeBefore(track.keyframes, frame);
  for (let i = 0; i <= last; i++) Object.assign(out, track.keyframes[i]?.attributes);
  return out;
}

/** Whether the object is in view on `frame`. */
export function isVisible(track: VideoTrackValue, frame: number): boolean {
  return boxAt(track.keyframes, frame) !== null;
}

/** The box a keyframe made on `frame` starts from: the one shown there, else the last one
 * before it (where the object left the view), else the first. */
function boxFor(track: VideoTrackValue, frame: number): Box {
  const shown = boxAt(track.keyframes, frame);
  if (shown) return shown;
  const k = track.keyframes[Math.max(0, keyframeBefore(track.keyframes, frame))] as Keyframe;
  return { x: k.x, y: k.y, width: k.width, height: k.height };
}

/**
 * "Outside" switched on `frame`: where the object is in view, a keyframe there marks where it
 * leaves; where it is not, the keyframe there brings it back (with the box it left with).
 */
export function toggleOutside(track: VideoTrackValue, frame: number): VideoTrackValue {
  const on = keyframeOn(track.keyframes, frame);
  if (on >= 0) {
    const k = track.keyframes[on] as Keyframe;
    const keyframes = [...track.keyframes];
    keyframes[on] = keyframe(k.frame, k, { outside: !k.outside, attributes: k.attributes });
    return { ...track, keyframes };
  }
  return { ...track, keyframes: inserted(track.keyframes, keyframe(frame, boxFor(track, frame), { outside: isVisible(track, frame) })) };
}

/** A keyframe on `frame` holding the box shown there (or the last one known). */
export function withKeyframe(track: VideoTrackValue, frame: number): VideoTrackValue {
  if (keyframeOn(track.keyframes, frame) >= 0) return track;
  return withBox(track, frame, boxFor(track, frame));
}

/** The track without its keyframe on `frame`; null when it was the only one. */
export function withoutKeyframe(track: VideoTrackValue, frame: number): VideoTrackValue | null {
  const on = keyframeOn(track.keyframes, frame);
  if (on < 0) return track;
  if (track.keyframes.length === 1) return null;
  return { ...track, keyframes: track.keyframes.filter((_, i) => i !== on) };
}

/** One attribute of the keyframe on `frame` set (undefined: removed); the track unchanged
 * when that frame has no keyframe. */
export function withKeyframeAttribute(track: VideoTrackValue, frame: number, name: string, value: AttributeValue | undefined): VideoTrackValue {
  const on = keyframeOn(track.keyframes, frame);
  if (on < 0) return track;
  const k = track.keyframes[on] as Keyframe;
  const attributes = { ...k.attributes };
  if (value === undefined) delete attributes[name];
  else attributes[name] = value;
  const changed: Keyframe = { ...k, attributes };
  if (Object.keys(attributes).length === 0) delete changed.attributes;
  const keyframes = [...track.keyframes];
  keyframes[on] = changed;
  return { ...track, keyframes };
}

/** The frame of the next (step 1) or previous (step -1) keyframe from `frame`, or null. */
export function adjacentKeyframe(keyframes: readonly Keyframe[], frame: number, step: 1 | -1): number | null {
  if (step === 1) {
    const next = keyframes[keyframeBefore(keyframes, frame) + 1];
    return next ? next.frame : null;
  }
  const at = keyframeBefore(keyframes, frame - 1);
  return at >= 0 ? (keyframes[at] as Keyframe).frame : null;
}
