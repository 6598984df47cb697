/** The task browser's calls: the filtered task list, one task's history, and the
 * manager's controls over a task (docs/workflow.md, "History and control"). */
import type { ApiClient } from "../api/client";
import type { Page, Stage, Task } from "../api/types";
import { apiQuery, type TaskQuery } from "./filters";

/** A task as reviewers and managers see it in the browser. */
export interface BrowsedTask extends Task {
  is_gold?: boolean;
  state?: string;
  frozen?: boolean;
  overlap?: number;
  taken?: number;
  round?: number;
  agreement?: number | null;
  annotators?: number[];
  open_flags?: number;
  score?: number | null;
  thumbnail?: string | null;
}

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: string;
  tier: string;
}

export interface HistoryAnnotation {
  id: number;
  author_id: number;
  stage: Stage;
  status: string;
  version: number;
  parent_id: number | null;
  guideline_version: number;
  schema_version: number;
  gold_score: number | null;
  submitted_at: string | null;
}

export interface HistoryAssignment {
  id: number;
  user_id: number;
  stage: Stage;
  kind: string;
  expires_at: string | null;
  [key: string]: unknown;
}

export interface HistoryEvent {
  id: number;
  at: string;
  actor_id: number | null;
  action: string;
  object_type: string;
  object_id: number | null;
  details: Record<string, unknown>;
}

export interface TaskHistory {
  task: BrowsedTask;
  assignments: HistoryAssignment[];
  annotations: HistoryAnnotation[];
  events: HistoryEvent[];
}

const project = (projectId: number) => `/api/projects/${projectId}`;

export function listTasks(
  client: ApiClient,
  projectId: number,
  query: TaskQuery,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<Page<BrowsedTask>> {
  const options: Parameters<ApiClient["request"]>[2] = { query: apiQuery(query, cursor, limit) };
  if (signal) options.signal = signal;
  return client.request<Page<BrowsedTask>>("GET", `${project(projectId)}/tasks`, options);
}

export function listMembers(client: ApiClient, projectId: number): Promise<Member[]> {
  return client.request<Member[]>("GET", `${project(projectId)}/members`);
}

export function taskHistory(client: ApiClient, projectId: number, taskId: number): Promise<TaskHistory> {
  return client.request<TaskHistory>("GET", `${project(projectId)}/tasks/${taskId}/history`);
}

/** The manager's controls; each answers with the server's view of what it did. */
export type TaskControl = "release" | "reopen" | "freeze" | "unfreeze";

export function controlTask(client: ApiClient, projectId: number, taskId: number, control: TaskControl): Promise<unknown> {
  return client.request<unknown>("POST", `${project(projectId)}/tasks/${taskId}/${control}`);
}

export function assignTask(client: ApiClient, projectId: number, taskId: number, userId: number, stage: Stage): Promise<unknown> {
  return client.request<unknown>("POST", `${project(projectId)}/tasks/${taskId}/assign`, {
    body: { user_id: userId, stage },
  });
}
