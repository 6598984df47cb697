/** Client-side error codes, used when the server's JSON error body is unavailable. */
export const NETWORK_ERROR = "network_error";
export const HTTP_ERROR = "http_error";
export const INVALID_RESPONSE = "invalid_response";

/** Every failed API call rejects with one of these. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** Seconds the server asked us to wait (429/503 `Retry-After`), when it said so. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Build an ApiError from an HTTP status and the parsed body (or `undefined` when the body
 * was not JSON). Trusts only well-typed fields of the body, so a proxy's HTML error page or a
 * malformed body still yields a usable error.
 */
export function toApiError(
  status: number,
  statusText: string,
  body: unknown,
  retryAfterSeconds: number | null = null,
): ApiError {
  const fallback = `Request failed (${status}${statusText ? ` ${statusText}` : ""})`;
  if (!isRecord(body)) {
    return new ApiError(status, HTTP_ERROR, fallback, {}, retryAfterSeconds);
  }
  const code = typeof body.code === "string" && body.code ? body.code : HTTP_ERROR;
  const message = typeof body.message === "string" && body.message ? body.message : fallback;
  const details = isRecord(body.details) ? body.details : {};
  return new ApiError(status, code, message, details, retryAfterSeconds);
}

/**
 * Parse a `Retry-After` header: delta-seconds or an HTTP-date. Returns seconds (>= 0) or
 * null when absent or unparseable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP-dates always name the weekday or month; this keeps Date.parse from reading "-1" as a year.
  if (!/[A-Za-z]/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
