/**
 * Frame-level and segment classification: `video_segment` regions, [start, end) in frames
 * (docs/regions.md). Marking a frame next to a segment of the same class grows that segment
 * instead of starting another, so stepping and marking frame after frame makes one range.
 */
import type { Region, VideoSegmentRegion, VideoSegmentValue } from "../../lib/regions";

export function isSegment(region: Region): region is VideoSegmentRegion {
  return region.type === "video_segment";
}

/** A segment from frame `a` to frame `b` inclusive, in either order. */
export function segmentBetween(cls: string, a: number, b: number): VideoSegmentValue {
  return { class: cls, start: Math.min(a, b), end: Math.max(a, b) + 1 };
}

/** The segments of `label` holding `frame`. */
export function segmentsAt(regions: readonly Region[], frame: number, label?: string): VideoSegmentRegion[] {
  return regions.filter((r): r is VideoSegmentRegion => isSegment(r) && (label === undefined || r.label === label) && r.value.start <= frame && frame < r.value.end);
}

export type SegmentEdit = { kind: "add"; value: VideoSegmentValue } | { kind: "update"; region: VideoSegmentRegion } | { kind: "none" };

/**
 * What marking `frame` with `label`'s class `cls` does: nothing where a segment of that class
 * already holds it; grows a segment of that class ending just before it or starting just after
 * it; else a new one-frame segment.
 */
export function markFrame(regions: readonly Region[], label: string, cls: string, frame: number): SegmentEdit {
  const same = regions.filter((r): r is VideoSegmentRegion => isSegment(r) && r.label === label && r.value.class === cls);
  if (same.some((r) => r.value.start <= frame && frame < r.value.end)) return { kind: "none" };
  const before = same.find((r) => r.value.end === frame);
  if (before) return { kind: "update", region: { ...before, value: { ...before.value, end: frame + 1 } } };
  const after = same.find((r) => r.value.start === frame + 1);
  if (after) return { kind: "update", region: { ...after, value: { ...after.value, start: frame } } };
  return { kind: "add", value: segmentBetween(cls, frame, frame) };
}

/** The segment with its first (`edge` start) or last (`edge` end) frame moved to `frame`;
 * null when that would leave it empty. */
export function withEdge(segment: VideoSegmentValue, edge: "start" | "end", frame: number): VideoSegmentValue | null {
  const next = edge === "start" ? { ...segment, start: frame } : { ...segment, end: frame + 1 };
  return next.end > next.start ? next : null;
}
