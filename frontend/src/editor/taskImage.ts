/**
 * The task's image, fetched as soon as the task is known (before the editor renders its
 * regions) and shown through a blob: URL, so the one download serves both the size probe
 * and the canvas (media answers are `no-store`, so a second <img> would download again).
 */
import { mediaUrl } from "../api/client";
import type { Task } from "../api/types";
import { dataKey, isShapeType, type DataField, type Schema } from "../lib/schema";

export interface TaskImage {
  url: string;
  width: number;
  height: number;
}

export type ImageState = { status: "loading" } | { status: "ready"; image: TaskImage } | { status: "failed"; message: string };

/** The image field the shape labels annotate (else the first image field). */
export function imageFieldOf(schema: Schema): DataField | null {
  const shapeLabel = schema.labels.find((l) => isShapeType(l.type));
  const name = shapeLabel?.source ?? schema.data.find((d) => d.type === "image")?.name;
  return schema.data.find((d) => d.name === name && d.type === "image") ?? null;
}

/** Starts the download; `release` revokes the blob URL once the task is done with. */
export function loadTaskImage(schema: Schema, projectId: number, task: Task): { ready: Promise<ImageState>; release: () => void } {
  const field = imageFieldOf(schema);
  let url: string | null = null;
  let released = false;
  const release = () => {
    released = true;
    if (url) URL.revokeObjectURL(url);
  };
  if (!field) return { ready: Promise.resolve({ status: "failed", message: "The schema has no image field." }), release };
  const value = task.data[dataKey(field)];
  if (typeof value !== "string" || value === "") {
    return { ready: Promise.resolve({ status: "failed", message: `This task has no image in its "${dataKey(field)}" field.` }), release };
  }
  const failed = (why: string): ImageState => ({ status: "failed", message: `The image "${value}" could not be loaded: ${why}.` });
  const ready = (async (): Promise<ImageState> => {
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
