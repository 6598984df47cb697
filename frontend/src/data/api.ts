import type { ApiClient } from "../api/client";
import { CSRF_HEADER } from "../api/client";
import { ApiError, NETWORK_ERROR, toApiError } from "../api/errors";
import type { AnonymousOr, Session } from "../api/types";

export type JobKind = "import" | "export";
export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

/** A background import or export, as `GET /api/projects/{id}/jobs/{job_id}` returns it. */
export interface Job {
  id: number;
  project_id: number;
  kind: JobKind;
  format: string;
  state: JobState;
  phase: string | null;
  progress: { done: number; total: number | null };
  result: Record<string, number> | null;
  error: string | null;
  error_details: Record<string, unknown> | null;
  file_name: string | null;
  file_size: number | null;
  file_sha256: string | null;
  file_available: boolean;
  download_url: string | null;
  created_by: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
}

/** One import/export format, as `GET /api/projects/{id}/formats` describes it. */
export interface FormatInfo {
  name: string;
  title: string;
  description: string;
  extension: string;
  layout: "file" | "folder";
  modality: "image" | "text" | "audio" | "video" | "any";
  carries: string[];
  import: boolean;
  export: boolean;
  exports: "records" | "items";
  /** The format's own settings: name → what it means; and those of each side. */
  settings: Record<string, string>;
  import_settings: Record<string, string>;
  export_settings: Record<string, string>;
}

/** What a file's labels become, and where its media are (docs/formats.md). */
export interface ImportOptions {
  target?: "annotations" | "predictions" | "gold" | "tasks";
  author?: string;
  model_version?: string;
  media_prefix?: string;
  copy_media?: boolean;
  settings?: Record<string, string>;
}

export interface ExportOptions {
  regions?: "final" | "gold" | "predictions";
  include_media?: boolean;
  settings?: Record<string, string>;
}

export function listFormats(client: ApiClient, projectId: number): Promise<FormatInfo[]> {
  return client.request<{ items: FormatInfo[] }>("GET", `/api/projects/${projectId}/formats`).then((body) => body.items);
}

export interface JobList {
  items: Job[];
  next_cursor: string | null;
  formats: { import: string[]; export: string[] };
}

const jobsPath = (projectId: number) => `/api/projects/${projectId}/jobs`;

export function listJobs(client: ApiClient, projectId: number, limit = 10, signal?: AbortSignal): Promise<JobList> {
  return client.request<JobList>("GET", jobsPath(projectId), signal ? { query: { limit }, signal } : { query: { limit } });
}

export function getJob(client: ApiClient, projectId: number, jobId: number, signal?: AbortSignal): Promise<Job> {
  return client.request<Job>("GET", `${jobsPath(projectId)}/${jobId}`, signal ? { signal } : {});
}

export function startExport(client: ApiClient, projectId: number, format: string, options: ExportOptions = {}): Promise<Job> {
  return client.request<Job>("POST", `/api/projects/${projectId}/exports`, { body: { format, options } });
}

export function cancelJob(client: ApiClient, projectId: number, jobId: number): Promise<Job> {
  return client.request<Job>("POST", `${jobsPath(projectId)}/${jobId}/cancel`);
}

/**
 * Upload `file` (multipart part `file`) and queue its import. XMLHttpRequest rather than
 * fetch, for the upload's progress; the CSRF token the cookie session needs is read from
 * `GET /api/auth/session` first.
 */
export async function uploadImport(
  client: ApiClient,
  projectId: number,
  file: File,
  format: string,
  options: ImportOptions,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Job> {
  const session = await client.request<AnonymousOr<Session>>("GET", "/api/auth/session");
  if (session.user === null) throw new ApiError(401, "not_authenticated", "Log in first.");
  const form = new FormData();
  form.append("file", file, file.name);
  const query = new URLSearchParams({ format, options: JSON.stringify(options) });
  const url = `/api/projects/${projectId}/imports?${query.toString()}`;
  return new Promise<Job>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader(CSRF_HEADER, session.csrf_token);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, "The upload failed: could not reach the server."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body !== undefined) resolve(body as Job);
      else reject(toApiError(xhr.status, xhr.statusText, body));
    };
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
