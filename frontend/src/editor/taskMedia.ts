/**
 * What the editor works on, known as soon as the task is: an image, fetched at once (before
 * the editor renders its regions) and shown through a blob: URL, so the one download serves
 * both the size probe and the canvas (media answers are `no-store`, so a second <img> would
 * download again); or a text, a recording or a video, each shown by its modality's stage
 * (MediaStage.tsx). A recording or a video is not fetched here: the browser streams it from
 * the media route, seeking with range requests.
 */
import { mediaUrl } from "../api/client";
import type { Task } from "../api/types";
import { videoTiming } from "./video/frames";
import { dataKey, isMediaType, isShapeType, type DataField, type Schema } from "../lib/schema";

export interface TaskImage {
  url: string;
  width: number;
  height: number;
}

/** A text (plain, or HTML to be shown sanitised), or where to stream a recording or a video. */
export type StageMedia =
  | { kind: "text"; field: DataField; text: string; html: boolean }
  | { kind: "audio" | "video"; field: DataField; url: string; /** A video's rate and frame count, when the task's data gives them (video/frames.ts). */ fps?: number; frameCount?: number };

export type StageKind = "image" | StageMedia["kind"];

export type MediaState =
  | { status: "loading" }
  | { status: "ready"; image: TaskImage }
  | { status: "media"; media: StageMedia }
  | { status: "failed"; message: string };

const STAGE_OF: Partial<Record<DataField["type"], StageKind>> = { image: "image", text: "text", html: "text", audio: "audio", video: "video" };

/** The field the editor's stage shows: the one the schema's shape or media labels annotate,
 * else the first image (as before other media had stages), else the first field a stage can
 * show; null when there is none. */
export function stageFieldOf(schema: Schema): DataField | null {
  const placed = schema.labels.find((l) => isShapeType(l.type) || isMediaType(l.type));
  const annotated = placed ? schema.data.find((d) => d.name === placed.source && STAGE_OF[d.type]) : undefined;
  return annotated ?? schema.data.find((d) => d.type === "image") ?? schema.data.find((d) => STAGE_OF[d.type] !== undefined) ?? null;
}

/** Which stage shows `schema`'s tasks. */
export function stageKindOf(schema: Schema): StageKind | null {
  const field = stageFieldOf(schema);
  return field ? (STAGE_OF[field.type] ?? null) : null;
}

/** The image field the shape labels annotate (else the first image field). */
export function imageFieldOf(schema: Schema): DataField | null {
  const shapeLabel = schema.labels.find((l) => isShapeType(l.type));
  const name = shapeLabel?.source ?? schema.data.find((d) => d.type === "image")?.name;
  return schema.data.find((d) => d.name === name && d.type === "image") ?? null;
}

/** Starts what must be fetched; `release` revokes an image's blob URL once the task is done with. */
export function loadTaskMedia(schema: Schema, projectId: number, task: Task): { ready: Promise<MediaState>; release: () => void } {
  const staged = stageFieldOf(schema);
  const kind = staged ? STAGE_OF[staged.type] : undefined;
  if (staged && kind && kind !== "image") {
    return { ready: Promise.resolve(stageMedia(staged, kind, projectId, task)), release: () => undefined };
  }
  const field = imageFieldOf(schema);
  let url: string | null = null;
  let released = false;
  const release = () => {
    released = true;
    if (url) URL.revokeObjectURL(url);
  };
  if (!field) return { ready: Promise.resolve({ status: "failed", message: "The schema has no field to label: no image, text, audio or video." }), release };
  const value = task.data[dataKey(field)];
  if (typeof value !== "string" || value === "") {
    return { ready: Promise.resolve({ status: "failed", message: `This task has no image in its "${dataKey(field)}" field.` }), release };
  }
  const failed = (why: string): MediaState => ({ status: "failed", message: `The image "${value}" could not be loaded: ${why}.` });
  const ready = (async (): Promise<MediaState> => {
    let response: Response;
    try {
      response = await fetch(mediaUrl(projectId, task.id, dataKey(field)), { credentials: "same-origin" });
    } catch {
      return failed("the server could not be reached");
    }
    if (!response.ok) return failed(response.status === 404 ? "no such file" : `the server answered ${response.status}`);
    const blob = await response.blob();
    if (released) return { status: "loading" };
    url = URL.createObjectURL(blob);
    const size = await naturalSize(url);
    if (!size) return failed("it is not an image this browser can show");
    return { status: "ready", image: { url, ...size } };
  })();
  return { ready, release };
}

function naturalSize(url: string): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const probe = new Image();
    probe.onload = () => resolve({ width: probe.naturalWidth, height: probe.naturalHeight });
    probe.onerror = () => resolve(null);
    probe.src = url;
  });
}

function stageMedia(field: DataField, kind: Exclude<StageKind, "image">, projectId: number, task: Task): MediaState {
  const value = task.data[dataKey(field)];
  if (typeof value !== "string") {
    return { status: "failed", message: `This task has no ${field.type} in its "${dataKey(field)}" field.` };
  }
  if (kind === "text") return { status: "media", media: { kind, field, text: value, html: field.type === "html" } };
  if (value === "") return { status: "failed", message: `This task has no ${field.type} in its "${dataKey(field)}" field.` };
  return { status: "media", media: { kind, field, url: mediaUrl(projectId, task.id, dataKey(field)), ...(kind === "video" ? videoTiming(task.data) : {}) } };
}
