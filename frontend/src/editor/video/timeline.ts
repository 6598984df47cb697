/**
 * The timeline's layout, pure: frames to pixels and back, each track's visible ranges and
 * keyframes reduced to what a canvas of `width` pixels can show. A 10-minute video has
 * 15,000 frames and an imported track a keyframe on each: drawn per pixel column instead,
 * the cost is bounded by the timeline's width, not by the video's length.
 */
import type { Keyframe } from "../../lib/regions";

/** The left edge of `frame`'s slot, in pixels from the timeline's start. */
export function frameToX(frame: number, frameCount: number, width: number): number {
  return (frame / Math.max(frameCount, 1)) * width;
}

/** The frame under pixel `x`. */
export function xToFrame(x: number, frameCount: number, width: number): number {
  const frame = Math.floor((x / Math.max(width, 1)) * frameCount);
  return Math.min(Math.max(frame, 0), Math.max(frameCount - 1, 0));
}

/** The [start, stop) frame ranges as pixel spans [x0, x1), each at least one pixel wide and
 * spans that meet or overlap joined. */
export function rangeSpans(ranges: readonly [number, number][], frameCount: number, width: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, stop] of ranges) {
    const x0 = Math.floor(frameToX(start, frameCount, width));
    const x1 = Math.max(x0 + 1, Math.ceil(frameToX(stop, frameCount, width)));
    const last = out[out.length - 1];
    if (last && x0 <= last[1]) last[1] = Math.max(last[1], x1);
    else out.push([x0, x1]);
  }
  return out;
}

/** The pixel columns that hold at least one keyframe, each once, in order. */
export function keyframeColumns(keyframes: readonly Keyframe[], frameCount: number, width: number): number[] {
  const out: number[] = [];
  for (const k of keyframes) {
    const x = Math.floor(frameToX(k.frame + 0.5, frameCount, width));
    if (out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

/** The rows a window of `height` pixels scrolled to `scrollTop` shows: [first, stop). */
export function rowsInView(scrollTop: number, height: number, rowPx: number, total: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowPx));
  return [Math.min(first, total), Math.min(total, Math.ceil((scrollTop + height) / rowPx))];
}
