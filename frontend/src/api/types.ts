/**
 * Wire types of the Accord REST API, written by hand against the agreed API contract.
 * To be replaced by types generated from the OpenAPI document (`/api/openapi.json`)
 * once the backend routes are in place (STYLE §10).
 */

export interface User {
  id: number;
  email: string;
  name: string;
  is_admin: boolean;
}

/** Body of `GET /api/auth/session` and `POST /api/auth/login`. */
export interface Session {
  user: User;
  csrf_token: string;
}

export type ProjectRole = "manager" | "reviewer" | "annotator";

export interface ProjectSummary {
  id: number;
  name: string;
  description: string;
  task_count: number;
  annotated_count: number;
  accepted_count: number;
  /** The caller's role in the project; null for admins who are not members. */
  role: ProjectRole | null;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** A cursor-paginated list. `next_cursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Body of every error response. */
export interface ErrorBody {
  ok: false;
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** `GET /api/auth/session` has `user: null` when nobody is logged in. */
export type AnonymousOr<T extends { user: unknown }> = Omit<T, "user"> & { user: T["user"] | null };
