/**
 * Segment edits on the waveform, pure: a new segment from a drag, a move, an edge resize,
 * the lanes that keep overlapping segments apart, and the transcriptions tied to segments.
 *
 * Times are stored to the millisecond (`roundMs`): finer than a pointer can place at the
 * closest zoom (0.5 ms a pixel), and free of float noise, so what the annotator placed is
 * what the API returns. A segment stays inside [0, duration] and at least MIN_SEGMENT_S long.
 */
import type { AudioSegmentRegion, Region, TranscriptionRegion } from "../../lib/regions";
import type { Label, Schema } from "../../lib/schema";

/** The shortest segment: one millisecond, the stored precision (end must be after start). */
export const MIN_SEGMENT_S = 0.001;

/** Seconds rounded to the millisecond; -0 as 0. */
export function roundMs(seconds: number): number {
  const rounded = Math.round(seconds * 1000) / 1000;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** The last whole millisecond inside the recording: a stored end never passes its length. */
export function lastMs(duration: number): number {
  return Math.floor(duration * 1000 + 1e-6) / 1000;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

export interface Range {
  start: number;
  end: number;
}

/** The range between a drag's two ends, in either order, inside the recording; null when
 * shorter than MIN_SEGMENT_S once rounded. */
export function rangeFromDrag(from: number, to: number, duration: number): Range | null {
  const top = lastMs(duration);
  const start = roundMs(clamp(Math.min(from, to), 0, top));
  const end = roundMs(clamp(Math.max(from, to), 0, top));
  return end - start >= MIN_SEGMENT_S - 1e-9 ? { start, end } : null;
}

/** `range` moved by `dt` seconds, its length kept, stopped at either end of the recording. */
export function moveRange(range: Range, dt: number, duration: number): Range {
  const length = range.end - range.start;
  const top = lastMs(duration);
  const start = roundMs(clamp(range.start + dt, 0, Math.max(0, top - length)));
  return { start, end: roundMs(start + length) };
}

/** `range` with one edge at `t`, never crossing the other edge (it stops MIN_SEGMENT_S short). */
export function resizeRange(range: Range, edge: "start" | "end", t: number, duration: number): Range {
  const top = lastMs(duration);
  if (edge === "start") return { start: roundMs(clamp(t, 0, range.end - MIN_SEGMENT_S)), end: range.end };
  return { start: range.start, end: roundMs(clamp(t, range.start + MIN_SEGMENT_S, top)) };
}

/**
 * Lane of each segment, so that segments sharing a lane never overlap: by start time, each
 * takes the lowest lane whose last segment ended by its start (interval partitioning, the
 * fewest lanes possible). Touching segments (one ends where the next starts) share a lane.
 */
export function lanes(segments: readonly { id: string; value: Range }[]): { lane: Map<string, number>; count: number } {
  const order = [...segments].sort((a, b) => a.value.start - b.value.start || a.value.end - b.value.end || (a.id < b.id ? -1 : 1));
  const ends: number[] = [];
  const lane = new Map<string, number>();
  for (const segment of order) {
    let free = ends.findIndex((end) => end <= segment.value.start);
    if (free < 0) free = ends.length;
    ends[free] = segment.value.end;
    lane.set(segment.id, free);
  }
  return { lane, count: ends.length };
}

/** Which part of a segment a pointer at `x` is over: an edge within `grabPx`, else the body. */
export function partAt(x: number, left: number, right: number, grabPx = 6): "start" | "end" | "body" {
  // A segment narrower than two grab zones is split between its edges at the middle.
  const zone = Math.min(grabPx, (right - left) / 3);
  if (x <= left + zone) return "start";
  if (x >= right - zone) return "end";
  return "body";
}

export function isSegment(region: Region): region is AudioSegmentRegion {
  return region.type === "audio_segment";
}

/** The segments of `regions` on the field `field`'s labels. */
export function segmentsOf(schema: Schema, regions: readonly Region[], field: string): AudioSegmentRegion[] {
  const names = new Set(schema.labels.filter((l) => l.type === "audio_segment" && l.source === field).map((l) => l.name));
  return regions.filter((r): r is AudioSegmentRegion => isSegment(r) && names.has(r.label));
}

/** The transcription labels of the recording: each gives a segment one text. */
export function transcriptionLabels(schema: Schema, field: string): Label[] {
  return schema.labels.filter((l) => l.type === "transcription" && l.source === field);
}

/** The transcription of `segmentId` under `label`, if there is one. */
export function transcriptionOf(regions: readonly Region[], label: string, segmentId: string): TranscriptionRegion | undefined {
  return regions.find((r): r is TranscriptionRegion => r.type === "transcription" && r.label === label && r.value.region === segmentId);
}

/**
 * The segment a selection is about: the selected segment, or the segment whose
 * transcription is selected (adding a transcription selects it).
 */
export function segmentInFocus(regions: readonly Region[], selected: string | null): AudioSegmentRegion | null {
  if (selected === null) return null;
  const region = regions.find((r) => r.id === selected);
  if (!region) return null;
  if (isSegment(region)) return region;
  if (region.type === "transcription" && region.value.region !== undefined) {
    const target = regions.find((r) => r.id === region.value.region);
    return target && isSegment(target) ? target : null;
  }
  return null;
}

/** The text shown in a segment's accessible name and tooltip: "speech 1.250–2.000 s". */
export function describeSegment(segment: AudioSegmentRegion): string {
  return `${segment.value.class} ${segment.value.start.toFixed(3)}–${segment.value.end.toFixed(3)} s`;
}
