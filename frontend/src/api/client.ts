import { ApiError, INVALID_RESPONSE, NETWORK_ERROR, parseRetryAfter, toApiError } from "./errors";
import type { AnonymousOr, Page, ProjectSummary, Session } from "./types";

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
    const headers: Record<string, string> = { Accept: "application/json" };
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
