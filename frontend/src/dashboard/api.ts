/** The dashboard's API calls (docs/api.md): the QA report, the members (to turn the report's
 * annotator emails into the user ids task filters take) and the flags queue. */
import type { ApiClient } from "../api/client";
import { readReport } from "./readReport";
import type { Report } from "./report";

export async function fetchReport(client: ApiClient, projectId: number, signal?: AbortSignal): Promise<Report> {
  const json = await client.request<unknown>("GET", `/api/projects/${projectId}/qa/report`, signal ? { signal } : {});
  return readReport(json);
}

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: string;
}

export function listMembers(client: ApiClient, projectId: number, signal?: AbortSignal): Promise<Member[]> {
  return client.request<Member[]>("GET", `/api/projects/${projectId}/members`, signal ? { signal } : {});
}

export interface Flag {
  id: number;
  task_id: number;
  author_id: number;
  note: string;
  status: "open" | "resolved";
  resolution: string | null;
  resolved_by: number | null;
  guideline_version: number | null;
  created_at: string;
  resolved_at: string | null;
}

export interface FlagPage {
  items: Flag[];
  next_cursor: string | null;
}

export function listOpenFlags(client: ApiClient, projectId: number, cursor: string | null = null): Promise<FlagPage> {
  return client.request<FlagPage>("GET", `/api/projects/${projectId}/flags`, {
    query: { status: "open", limit: 50, cursor },
  });
}

/** Resolve a flag with a note; with `guidelines`, publish them as the next version too. */
export function resolveFlag(
  client: ApiClient,
  projectId: number,
  flagId: number,
  resolution: string,
  guidelines?: string,
): Promise<Flag> {
  const body: { resolution: string; guidelines?: string } = { resolution };
  if (guidelines !== undefined) body.guidelines = guidelines;
  return client.request<Flag>("POST", `/api/projects/${projectId}/flags/${flagId}/resolve`, { body });
}
