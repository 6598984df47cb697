/**
 * The review, adjudication and sent-back calls the UI makes, as small typed functions over
 * the public `ApiClient.request`. Answers the server may not send yet (a workflow without
 * `review_categories`, a label offer without `returned`) are read defensively.
 */
import type { ApiClient } from "../api/client";
import type { Annotation, NextTask, QueueCount, QueueCounts } from "../api/types";
import type { Region } from "../lib/regions";

const project = (projectId: number) => `/api/projects/${projectId}`;

export interface ReviewCategory {
  name: string;
  description: string;
}

/** A task in review or adjudication: the task and the answers to judge. */
export interface Offer extends NextTask {
  task: (NextTask["task"] & { agreement?: number | null; state?: string; round?: number }) | null;
}

export function nextOffer(client: ApiClient, projectId: number, stage: "review" | "adjudicate"): Promise<Offer> {
  return client.request<Offer>("POST", `${project(projectId)}/queues/${stage}/next`);
}

/** The project's error taxonomy; [] when the workflow does not carry one. */
export async function reviewCategories(client: ApiClient, projectId: number): Promise<ReviewCategory[]> {
  const workflow = await client.request<Record<string, unknown>>("GET", `${project(projectId)}/workflow`);
  return parseCategories(workflow?.review_categories);
}

export function parseCategories(raw: unknown): ReviewCategory[] {
  if (!Array.isArray(raw)) return [];
  const out: ReviewCategory[] = [];
  for (const entry of raw) {
    if (typeof entry === "string") out.push({ name: entry, description: "" });
    else if (entry && typeof entry === "object" && typeof (entry as { name?: unknown }).name === "string") {
      const description = (entry as { description?: unknown }).description;
      out.push({ name: (entry as { name: string }).name, description: typeof description === "string" ? description : "" });
    }
  }
  return out;
}

export interface ProjectMember {
  user_id: number;
  email: string;
  name: string;
  role: string;
}

export function projectMembers(client: ApiClient, projectId: number): Promise<ProjectMember[]> {
  return client.request<ProjectMember[]>("GET", `${project(projectId)}/members`);
}

/** One fused cluster of the server's consensus (accord.core.consensus.regions). */
export interface ConsensusCluster {
  members: [number, number][];
  support: number;
  agreement: number | null;
  meets_quorum?: boolean;
}

export interface ConsensusLabel {
  label: string;
  type: string;
  method: string;
  regions: Region[];
  consensus: { regions?: ConsensusCluster[] } | null;
}

/** One answer's score against the proposed consensus (null: nothing comparable). */
export interface AnswerScore {
  annotation_id: number;
  score: number | null;
}

export interface ConsensusResponse {
  task_id: number;
  /** Emails, in the order cluster members count them. */
  annotators: string[];
  labels: ConsensusLabel[];
  scores: AnswerScore[];
}

export async function taskConsensus(client: ApiClient, projectId: number, taskId: number): Promise<ConsensusResponse> {
  const raw = await client.request<ConsensusResponse>("GET", `${project(projectId)}/qa/consensus/${taskId}`);
  return {
    task_id: raw.task_id,
    annotators: Array.isArray(raw.annotators) ? raw.annotators : [],
    labels: Array.isArray(raw.labels) ? raw.labels.filter((l) => l && typeof l.label === "string" && Array.isArray(l.regions)) : [],
    scores: Array.isArray(raw.scores)
      ? raw.scores.filter((s) => s && typeof s.annotation_id === "number" && (s.score === null || typeof s.score === "number"))
      : [],
  };
}

/** Each answer's score against the consensus, by annotation id. */
export function scoresByAnswer(consensus: ConsensusResponse | null): Map<number, number | null> {
  return new Map((consensus?.scores ?? []).map((s) => [s.annotation_id, s.score]));
}

/** The regions the consensus proposes, all labels together. */
export function consensusRegions(consensus: ConsensusResponse | null): Region[] {
  return consensus ? consensus.labels.flatMap((l) => l.regions) : [];
}

export interface RegionDiff {
  added: string[];
  removed: string[];
  changed: { id: string; fields: string[] }[];
}

export interface RegionComment {
  id?: number;
  region_id: string;
  body: string;
}

export interface Review {
  id: number;
  annotation_id: number;
  reviewer_id: number;
  verdict: "accept" | "reject" | "fix";
  error_categories: string[];
  comment: string;
  fixed_annotation_id: number | null;
  created_at: string;
  region_comments: RegionComment[];
  diff?: RegionDiff | null;
}

export type Verdict =
  | { verdict: "accept" }
  | { verdict: "reject"; error_categories: string[]; comment: string; region_comments: { region_id: string; body: string }[] }
  | { verdict: "fix"; regions: Region[] };

export function reviewAnnotation(client: ApiClient, projectId: number, annotation: Pick<Annotation, "id" | "version">, verdict: Verdict): Promise<Review> {
  return client.request<Review>("POST", `${project(projectId)}/annotations/${annotation.id}/reviews`, {
    body: { ...verdict, version: annotation.version }, // the server's compare-and-set: 409 when the answer changed
  });
}

export function annotationDiff(client: ApiClient, projectId: number, annotationId: number): Promise<RegionDiff & { annotation_id: number; parent_id: number }> {
  return client.request("GET", `${project(projectId)}/annotations/${annotationId}/diff`);
}

/** Work a reviewer sent back to the annotator: their rejected answer and its reviews. */
export interface Returned {
  annotation: Annotation;
  reviews: Review[];
}

export function returnedOf(next: NextTask): Returned | null {
  const raw = (next as NextTask & { returned?: unknown }).returned;
  if (!raw || typeof raw !== "object") return null;
  const { annotation, reviews } = raw as { annotation?: Annotation; reviews?: unknown };
  if (!annotation || !Array.isArray(annotation.regions)) return null;
  return {
    annotation,
    reviews: (Array.isArray(reviews) ? reviews : []).map((r: Review) => ({
      ...r,
      error_categories: Array.isArray(r.error_categories) ? r.error_categories : [],
      region_comments: Array.isArray(r.region_comments) ? r.region_comments : [],
      comment: typeof r.comment === "string" ? r.comment : "",
    })),
  };
}

/** How many label tasks were sent back to the caller (0 when the server does not say). */
export function returnedCount(counts: QueueCounts): number {
  const n = (counts.label as (QueueCount & { returned?: unknown }) | undefined)?.returned;
  return typeof n === "number" && Number.isFinite(n) ? n : 0;
}
