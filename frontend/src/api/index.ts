export { ApiClient, CSRF_HEADER } from "./client";
export type { ApiClientOptions, RequestOptions } from "./client";
export { ApiError, isApiError, parseRetryAfter, toApiError } from "./errors";
export type * from "./types";
