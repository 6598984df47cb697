/**
 * Wire types of the Accord REST API, written by hand against the agreed API contract.
 * To be replaced by types generated from the OpenAPI document (`/api/openapi.json`)
 * once the backend routes are in place (STYLE §10).
 */
import type { Region } from "../lib/regions";
import type { Schema } from "../lib/schema";

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

// --- labeling ---------------------------------------------------------------------------

export type Stage = "label" | "review" | "adjudicate";

export interface ProjectDetail extends ProjectSummary {
  schema_version: number;
  guideline_version: number;
}

/** A task as an annotator sees it (reviewers and managers get workflow fields too). */
export interface Task {
  id: number;
  project_id: number;
  data: Record<string, unknown>;
  media_url: string | null;
  batch: string | null;
  priority: number;
  created_at: string;
}

export interface Lease {
  id: number;
  stage: Stage;
  kind: string;
  expires_at: string | null;
}

/** Body of `POST /api/projects/{id}/queues/{stage}/next`; `task` is null when there is none. */
export interface NextTask {
  task: Task | null;
  lease: Lease | null;
  answers: Annotation[];
  /** In labeling: the caller's own draft of the task, or null. */
  draft: Annotation | null;
  reason: string | null;
}

export interface QueueCount {
  available: number;
  /** More than `available` could be counted cheaply. */
  more: boolean;
  /** Tasks already leased or assigned to the caller. */
  mine: number;
}

/** `GET /api/projects/{id}/queues`: the stages the caller may take. */
export type QueueCounts = Partial<Record<Stage, QueueCount>>;

export interface Annotation {
  id: number;
  task_id: number;
  project_id: number;
  author_id: number;
  stage: Stage;
  status: string;
  regions: Region[];
  schema_version: number;
  guideline_version: number;
  started_at: string | null;
  submitted_at: string | null;
  lead_time_s: number | null;
  parent_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Prediction {
  id: number;
  task_id: number;
  regions: Region[];
  score: number | null;
  model_version: string;
  created_at: string;
}

export interface SchemaVersion {
  version: number;
  schema: Schema;
  note: string;
  created_at: string;
}

export interface Guidelines {
  version: number;
  body: string;
  note: string;
  created_at: string;
}
