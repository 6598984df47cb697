/**
 * The canonical region format (docs/regions.md): every annotation, draft and prediction is
 * a list of these. Image coordinates are pixels of the full-resolution image, origin at the
 * top-left, y downwards; box rotation is in degrees, clockwise on screen, about the centre.
 * Text offsets count Unicode code points, as the server does (lib/textOffsets.ts converts
 * to and from JavaScript's UTF-16 indices), `end` exclusive; audio is in seconds; video in
 * frames from 0.
 */
import type { AttributeValue } from "./schema";

export type Point = [number, number];
/** x, y and COCO visibility: 0 not labelled, 1 labelled but hidden, 2 visible. */
export type Keypoint = [number, number, 0 | 1 | 2];

export interface BoxValue {
  class: string;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation?: number;
}

export interface PointsValue {
  class: string;
  points: Point[];
}

export interface KeypointsValue {
  class: string;
  points: Keypoint[];
}

/** COCO RLE, column-major, runs alternate background/foreground starting with background. */
export interface Rle {
  size: [number, number];
  counts: number[] | string;
}

export interface MaskValue {
  class: string;
  rle: Rle;
}

export interface ClassificationValue {
  class: string;
}

export interface MultilabelValue {
  classes: string[];
}

export interface RatingValue {
  rating: number;
}

export interface TranscriptionValue {
  text: string;
  region?: string;
}

export interface SpanValue {
  class: string;
  start: number;
  end: number;
}

/** A link between two regions of the same list; `class` when the relation label has classes. */
export interface RelationValue {
  from: string;
  to: string;
  class?: string;
}

export interface AudioSegmentValue {
  class: string;
  start: number;
  end: number;
}

/** A track's box on one frame; `outside` marks the frame where the object leaves the view
 * (boxes between two keyframes are interpolated linearly, none after an `outside` one). */
export interface Keyframe {
  frame: number;
  x: number;
  y: number;
  width: number;
  height: number;
  outside?: boolean;
  attributes?: Record<string, AttributeValue>;
}

/** A range of frames, `end` exclusive: one frame is a frame-level classification. */
export interface VideoSegmentValue {
  class: string;
  start: number;
  end: number;
}

export interface VideoTrackValue {
  class: string;
  track_id: number;
  keyframes: Keyframe[];
}

interface RegionBase<T extends string, V> {
  id: string;
  label: string;
  type: T;
  value: V;
  attributes?: Record<string, AttributeValue>;
  /** A model's confidence, 0 to 1 (predictions only). */
  score?: number;
}

export type BoxRegion = RegionBase<"bbox", BoxValue>;
export type PolygonRegion = RegionBase<"polygon", PointsValue>;
export type PolylineRegion = RegionBase<"polyline", PointsValue>;
export type KeypointsRegion = RegionBase<"keypoints", KeypointsValue>;
export type MaskRegion = RegionBase<"mask", MaskValue>;
export type ClassificationRegion = RegionBase<"classification", ClassificationValue>;
export type MultilabelRegion = RegionBase<"multilabel", MultilabelValue>;
export type RatingRegion = RegionBase<"rating", RatingValue>;
export type TranscriptionRegion = RegionBase<"transcription", TranscriptionValue>;
export type SpanRegion = RegionBase<"span", SpanValue>;
export type RelationRegion = RegionBase<"relation", RelationValue>;
export type AudioSegmentRegion = RegionBase<"audio_segment", AudioSegmentValue>;
export type VideoTrackRegion = RegionBase<"video_track", VideoTrackValue>;
export type VideoSegmentRegion = RegionBase<"video_segment", VideoSegmentValue>;

export type ShapeRegion = BoxRegion | PolygonRegion | PolylineRegion | KeypointsRegion | MaskRegion;
export type ItemRegion = ClassificationRegion | MultilabelRegion | RatingRegion | TranscriptionRegion;
/** Regions placed on a text, a recording or a video (each modality's stage draws them). */
export type MediaRegion = SpanRegion | AudioSegmentRegion | VideoTrackRegion | VideoSegmentRegion;
export type Region = ShapeRegion | ItemRegion | MediaRegion | RelationRegion;

/** The class a region carries, if its type has one. */
export function regionClass(region: Region): string | undefined {
  const value = region.value as { class?: unknown };
  return typeof value.class === "string" ? value.class : undefined;
}

/** A fresh id unique within `existing`: "r1", "r2", … */
export function nextRegionId(existing: readonly Pick<Region, "id">[]): string {
  const used = new Set(existing.map((r) => r.id));
  let n = existing.length + 1;
  while (used.has(`r${n}`)) n++;
  return `r${n}`;
}

/** A region not yet given its id (Omit, distributed over the union so `type` still narrows). */
export type Unsaved<R extends Region = Region> = R extends unknown ? Omit<R, "id"> : never;

/** `existing` with copies of `regions` appended under fresh ids, without model scores
 * (accepted pre-labels, the previous task's shapes). */
export function withCopies(existing: readonly Region[], regions: readonly Region[]): Region[] {
  const out = [...existing];
  for (const region of regions) {
    const { score: _score, ...copy } = region;
    out.push({ ...copy, id: nextRegionId(out) } as Region);
  }
  return out;
}
