/**
 * The API calls of the project settings pages, as small typed functions over the shared
 * client (docs/api.md: projects, members, schema and guideline versions, workflow).
 */
import type { ApiClient } from "../api/client";
import type { Guidelines, Page, ProjectRole, SchemaVersion, Task } from "../api/types";
import type { Schema } from "../lib/schema";

export type Tier = "junior" | "senior" | "expert";
export const TIERS: readonly Tier[] = ["junior", "senior", "expert"];
export const ROLES: readonly ProjectRole[] = ["annotator", "reviewer", "manager"];

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: ProjectRole;
  tier: Tier;
  created_at: string;
}

/** A schema version as listed (the list carries each version's document too). */
export interface SchemaVersionEntry extends SchemaVersion {
  created_by: number | null;
}

export interface GuidelineVersionEntry {
  version: number;
  note: string;
  created_by: number | null;
  created_at: string;
}

/** One problem the server found in a schema: where (`labels[0].type`) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const project = (id: number) => `/api/projects/${id}`;

// --- schema ---------------------------------------------------------------------------------

/** The canonical form of a valid schema; an invalid one rejects with a 422 `ApiError` whose
 * `details.problems` lists `{path, message}`. */
export async function validateSchema(client: ApiClient, document: unknown, signal?: AbortSignal): Promise<Schema> {
  const options = signal ? { body: document, signal } : { body: document };
  const answer = await client.request<{ ok: true; schema: Schema }>("POST", "/api/schema/validate", options);
  return answer.schema;
}

export async function schemaFromLabelStudio(client: ApiClient, xml: string): Promise<Schema> {
  const answer = await client.request<{ schema: Schema }>("POST", "/api/schema/from-label-studio", { body: { xml } });
  return answer.schema;
}

export function listSchemaVersions(client: ApiClient, projectId: number): Promise<SchemaVersionEntry[]> {
  return client.request<SchemaVersionEntry[]>("GET", `${project(projectId)}/schema/versions`);
}

export function publishSchema(client: ApiClient, projectId: number, schema: unknown, note: string): Promise<SchemaVersionEntry> {
  return client.request<SchemaVersionEntry>("POST", `${project(projectId)}/schema/versions`, { body: { schema, note } });
}

/** The project's first task (for the live preview), or null when it has none. */
export async function firstTask(client: ApiClient, projectId: number): Promise<Task | null> {
  const page = await client.request<Page<Task>>("GET", `${project(projectId)}/tasks`, { query: { limit: 1 } });
  return page.items[0] ?? null;
}

// --- guidelines -----------------------------------------------------------------------------

export function listGuidelineVersions(client: ApiClient, projectId: number): Promise<GuidelineVersionEntry[]> {
  return client.request<GuidelineVersionEntry[]>("GET", `${project(projectId)}/guidelines/versions`);
}

export function getGuidelineVersion(client: ApiClient, projectId: number, version: number): Promise<Guidelines> {
  return client.request<Guidelines>("GET", `${project(projectId)}/guidelines/versions/${version}`);
}

export function publishGuidelines(client: ApiClient, projectId: number, body: string, note: string): Promise<Guidelines> {
  return client.request<Guidelines>("POST", `${project(projectId)}/guidelines/versions`, { body: { body, note } });
}

// --- workflow -------------------------------------------------------------------------------

/** The policy as the server sends it: every field, defaults included (docs/workflow.md). */
export type Policy = Record<string, unknown>;

export function getWorkflow(client: ApiClient, projectId: number): Promise<Policy> {
  return client.request<Policy>("GET", `${project(projectId)}/workflow`);
}

/** Change the fields given (and only them); a bad value is a 422 naming `workflow.<field>`. */
export function patchWorkflow(client: ApiClient, projectId: number, changes: Policy): Promise<Policy> {
  return client.request<Policy>("PATCH", `${project(projectId)}/workflow`, { body: changes });
}

export function pilotReport(client: ApiClient, projectId: number): Promise<Record<string, unknown>> {
  return client.request<Record<string, unknown>>("GET", `${project(projectId)}/workflow/pilot`);
}

export function approvePilot(client: ApiClient, projectId: number): Promise<Policy> {
  return client.request<Policy>("POST", `${project(projectId)}/workflow/pilot/approve`);
}

export function calibrationReport(client: ApiClient, projectId: number): Promise<Record<string, unknown>> {
  return client.request<Record<string, unknown>>("GET", `${project(projectId)}/workflow/calibration`);
}

// --- members --------------------------------------------------------------------------------

export function listMembers(client: ApiClient, projectId: number): Promise<Member[]> {
  return client.request<Member[]>("GET", `${project(projectId)}/members`);
}

export function addMember(client: ApiClient, projectId: number, email: string, role: ProjectRole, tier: Tier): Promise<Member> {
  return client.request<Member>("POST", `${project(projectId)}/members`, { body: { email, role, tier } });
}

export function updateMember(
  client: ApiClient,
  projectId: number,
  userId: number,
  changes: { role?: ProjectRole; tier?: Tier },
): Promise<Member> {
  return client.request<Member>("PATCH", `${project(projectId)}/members/${userId}`, { body: changes });
}

export function removeMember(client: ApiClient, projectId: number, userId: number): Promise<void> {
  return client.request<void>("DELETE", `${project(projectId)}/members/${userId}`);
}
