/**
 * The labeling schema as the API sends it (docs/schema.md): what a task holds and what
 * annotators mark on it. The server has parsed and validated it, so the UI trusts its shape.
 */

export type DataType = "image" | "text" | "audio" | "video" | "html" | "metadata";

export type LabelType =
  | "classification"
  | "multilabel"
  | "rating"
  | "transcription"
  | "bbox"
  | "polygon"
  | "polyline"
  | "keypoints"
  | "mask"
  | "span"
  | "relation"
  | "audio_segment"
  | "video_track"
  | "video_segment";

export interface DataField {
  name: string;
  type: DataType;
  /** The key in a task's `data` holding this field, when it differs from `name`. */
  source?: string;
}

export interface LabelClass {
  name: string;
  /** One printable key after optional modifiers: "1", "q", "ctrl+1", "alt+shift+x". */
  hotkey?: string;
  /** "#rrggbb" */
  color?: string;
  /** Keypoint classes: the names of their points, in order. */
  keypoints?: string[];
  skeleton?: [string, string][];
}

export type AttributeType = "bool" | "enum" | "number" | "text";
export type AttributeValue = boolean | number | string;

export interface Attribute {
  name: string;
  type: AttributeType;
  required?: boolean;
  default?: AttributeValue;
  values?: string[];
  min?: number;
  max?: number;
  max_length?: number;
}

export interface LabelRules {
  required?: boolean;
  min_instances?: number;
  max_instances?: number;
  min_width?: number;
  min_height?: number;
  min_area?: number;
  min_points?: number;
  inside_image?: boolean;
  allow_overlap?: boolean;
  max_length?: number;
}

export interface RatingScale {
  min: number;
  max: number;
  anchors?: { value: number; description: string }[];
}

export interface Label {
  name: string;
  type: LabelType;
  /** The data field annotated. */
  source: string;
  description?: string;
  classes?: LabelClass[];
  attributes?: Attribute[];
  rules?: LabelRules;
  between?: string[];
  scale?: RatingScale;
}

export interface Schema {
  data: DataField[];
  labels: Label[];
}

/** The image-plane label types: drawn with a tool on an image. */
export const SHAPE_TYPES = ["bbox", "polygon", "polyline", "keypoints", "mask"] as const;
export type ShapeType = (typeof SHAPE_TYPES)[number];

export function isShapeType(type: LabelType): type is ShapeType {
  return (SHAPE_TYPES as readonly string[]).includes(type);
}

/** The label types placed on a text, a recording or a video, each by its modality's stage. */
export const MEDIA_TYPES = ["span", "audio_segment", "video_track", "video_segment"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function isMediaType(type: LabelType): type is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(type);
}

/** The key in a task's `data` that holds `field`. */
export function dataKey(field: DataField): string {
  return field.source ?? field.name;
}
