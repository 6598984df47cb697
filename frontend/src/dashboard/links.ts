/**
 * Links from a figure to the tasks behind it: the task browser (`/projects/:id/tasks`) with
 * query parameters named exactly like the server's task filters (docs/api.md).
 */

export type TaskFilter =
  | "state"
  | "annotator"
  | "batch"
  | "gold"
  | "flagged"
  | "error_category"
  | "label"
  | "class"
  | "guideline_version"
  | "agreement_min"
  | "agreement_max"
  | "submitted_from"
  | "submitted_to"
  | "sort";

export type TaskQuery = Partial<Record<TaskFilter, string | number | boolean>>;

/** `/projects/{id}/tasks?…`, parameters in the order given. */
export function taskLink(projectId: number, query: TaskQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.append(name, String(value));
  }
  const text = params.toString();
  return `/projects/${projectId}/tasks${text ? `?${text}` : ""}`;
}

/** An instant as the task filters take it: ISO 8601 in UTC, whole seconds when it has no
 * fraction (`2026-11-30T00:00:00Z`). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** The half-open interval of submission times [from, from + length). */
export function submittedIn(from: number, length: number): TaskQuery {
  return { submitted_from: isoTime(from), submitted_to: isoTime(from + length) };
}
