import { ApiError, INVALID_RESPONSE, NETWORK_ERROR, parseRetryAfter, toApiError } from "./errors";
import type { Region } from "../lib/regions";
import type {
  Annotation,
  AnonymousOr,
  Guidelines,
  NextTask,
  Page,
  Prediction,
  ProjectDetail,
  ProjectSummary,
  QueueCounts,
  SchemaVersion,
  Session,
  Stage,
} from "./types";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const UNSAFE_METHODS: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CSRF_HEADER = "X-CSRF-Token";

export interface ApiClientOptions {
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Injected for tests; defaults to a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Total attempts for a request answered with 429, including the first. */
  maxAttempts?: number;
  /** A 429 asking us to wait longer than this is not retried but surfaced to the user. */
  maxRetryAfterSeconds?: number;
  /** Seconds to wait on a 429 without a usable `Retry-After` header. */
  defaultRetryAfterSeconds?: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Typed client for the Accord API. Sends cookies same-origin, adds the CSRF token to every
 * unsafe request, retries 429 answers after `Retry-After` (bounded), and rejects with
 * `ApiError` on any failure.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly defaultRetryAfterSeconds: number;

  constructor(options: ApiClientOptions = {}) {
    // Bind so `window.fetch` is not called with the client as `this` ("Illegal invocation").
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 30;
    this.defaultRetryAfterSeconds = options.defaultRetryAfterSeconds ?? 1;
  }

  get hasCsrfToken(): boolean {
    return this.csrfToken !== null;
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const url = withQuery(path, options.query);
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    if (UNSAFE_METHODS.has(method) && this.csrfToken !== null) {
      headers[CSRF_HEADER] = this.csrfToken;
    }
    const init: RequestInit = { method, headers, credentials: "same-origin" };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;

    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, init);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        throw new ApiError(0, NETWORK_ERROR, "Could not reach the server. Check your connection and try again.");
      }
      if (response.ok) return (await readSuccess(response)) as T;

      const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
      if (
        response.status === 429 &&
        attempt < this.maxAttempts &&
        (retryAfter ?? this.defaultRetryAfterSeconds) <= this.maxRetryAfterSeconds
      ) {
        await response.body?.cancel().catch(() => undefined);
        await this.sleep((retryAfter ?? this.defaultRetryAfterSeconds) * 1000);
        continue;
      }
      throw toApiError(response.status, response.statusText, await readJson(response), retryAfter);
    }
  }

  // --- auth -------------------------------------------------------------------------------

  /** Who is logged in. `/api/auth/session` answers 200 even when nobody is, so an anonymous
   * visit logs no failed request; that case becomes a 401 `ApiError` here. */
  async me(): Promise<Session> {
    const session = await this.request<AnonymousOr<Session>>("GET", "/api/auth/session");
    if (session.user === null) {
      this.csrfToken = null;
      throw new ApiError(401, "not_authenticated", "Log in first.", {});
    }
    this.csrfToken = session.csrf_token;
    return session as Session;
  }

  async login(email: string, password: string): Promise<Session> {
    const session = await this.request<Session>("POST", "/api/auth/login", {
      body: { email, password },
    });
    this.csrfToken = session.csrf_token;
    return session;
  }

  async logout(): Promise<void> {
    try {
      await this.request<void>("POST", "/api/auth/logout");
    } finally {
      this.csrfToken = null;
    }
  }

  // --- projects ---------------------------------------------------------------------------

  listProjects(
    params: { limit?: number; cursor?: string | null } = {},
    signal?: AbortSignal,
  ): Promise<Page<ProjectSummary>> {
    const options: RequestOptions = { query: { limit: params.limit ?? 50, cursor: params.cursor } };
    if (signal) options.signal = signal;
    return this.request<Page<ProjectSummary>>("GET", "/api/projects", options);
  }

  getProject(projectId: number): Promise<ProjectDetail> {
    return this.request<ProjectDetail>("GET", `/api/projects/${projectId}`);
  }

  getSchema(projectId: number): Promise<SchemaVersion> {
    return this.request<SchemaVersion>("GET", `/api/projects/${projectId}/schema`);
  }

  /** The current guidelines, or null when the project has none yet. */
  async getGuidelines(projectId: number): Promise<Guidelines | null> {
    try {
      return await this.request<Guidelines>("GET", `/api/projects/${projectId}/guidelines`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  // --- labeling ---------------------------------------------------------------------------

  queues(projectId: number, signal?: AbortSignal): Promise<QueueCounts> {
    const options: RequestOptions = {};
    if (signal) options.signal = signal;
    return this.request<QueueCounts>("GET", `/api/projects/${projectId}/queues`, options);
  }

  /** Lease the caller's next task in `stage` (the same one again while its lease runs). */
  nextTask(projectId: number, stage: Stage): Promise<NextTask> {
    return this.request<NextTask>("POST", `/api/projects/${projectId}/queues/${stage}/next`);
  }

  /** The caller's draft of a task, or null when there is none. */
  async getDraft(projectId: number, taskId: number): Promise<Annotation | null> {
    try {
      return await this.request<Annotation>("GET", taskPath(projectId, taskId, "draft"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Autosave; `base_version` makes a stale save a 409 `stale_draft` that stores nothing. */
  saveDraft(
    projectId: number,
    taskId: number,
    body: { regions: Region[]; lead_time_s: number; started_at: string; base_version: number },
  ): Promise<Annotation> {
    return this.request<Annotation>("PUT", taskPath(projectId, taskId, "draft"), { body });
  }

  /** Submit; a retry with the same idempotency key returns the first annotation. */
  submitAnnotation(
    projectId: number,
    taskId: number,
    body: { regions: Region[]; lead_time_s: number; started_at: string; schema_version?: number },
    idempotencyKey: string,
  ): Promise<Annotation> {
    return this.request<Annotation>("POST", taskPath(projectId, taskId, "annotations"), {
      body,
      headers: { "Idempotency-Key": idempotencyKey },
    });
  }

  predictions(projectId: number, taskId: number): Promise<Prediction[]> {
    return this.request<Prediction[]>("GET", taskPath(projectId, taskId, "predictions"));
  }

  /** Give the task back for good: it is never offered to the caller again. */
  skipTask(projectId: number, taskId: number): Promise<void> {
    return this.request<void>("POST", taskPath(projectId, taskId, "skip"));
  }

  /** Flag the task as ambiguous instead of guessing; it waits in the managers' queue. */
  flagTask(projectId: number, taskId: number, note: string): Promise<unknown> {
    return this.request<unknown>("POST", taskPath(projectId, taskId, "flags"), { body: { note } });
  }
}

/** The URL of a task's media file (a data field naming a local file). */
export function mediaUrl(projectId: number, taskId: number, field: string): string {
  return taskPath(projectId, taskId, `media/${encodeURIComponent(field)}`);
}

function taskPath(projectId: number, taskId: number, rest: string): string {
  return `/api/projects/${projectId}/tasks/${taskId}/${rest}`;
}

function withQuery(path: string, query: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.set(key, String(value));
  }
  const encoded = params.toString();
  return encoded ? `${path}?${encoded}` : path;
}

async function readSuccess(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ApiError(0, NETWORK_ERROR, "The connection was lost while reading the server's response.");
  }
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(response.status, INVALID_RESPONSE, "The server sent a response that could not be read.");
  }
}

/** The parsed JSON body of an error response, or undefined when it is not JSON. */
async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  }
}
