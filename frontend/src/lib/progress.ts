import type { ProjectSummary } from "../api/types";

export interface Progress {
  total: number;
  annotated: number;
  accepted: number;
  /** Fractions in [0, 1] of the total; accepted <= annotated. */
  annotatedFraction: number;
  acceptedFraction: number;
  /** Whole-number percentages for display. */
  annotatedPercent: number;
  acceptedPercent: number;
  /** Full sentence for screen readers and tooltips. */
  description: string;
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * Progress of a project from its counts. Counts are clamped so the bar is always drawable:
 * negatives and non-numbers become 0, annotated never exceeds total, accepted never exceeds
 * annotated (accepted work is a subset of annotated work).
 */
export function computeProgress(
  counts: Pick<ProjectSummary, "task_count" | "annotated_count" | "accepted_count">,
): Progress {
  const total = count(counts.task_count);
  const annotated = Math.min(count(counts.annotated_count), total);
  const accepted = Math.min(count(counts.accepted_count), annotated);
  const annotatedFraction = total === 0 ? 0 : annotated / total;
  const acceptedFraction = total === 0 ? 0 : accepted / total;
  const annotatedPercent = Math.floor(annotatedFraction * 100);
  const acceptedPercent = Math.floor(acceptedFraction * 100);
  const taskWord = total === 1 ? "task" : "tasks";
  const description =
    total === 0
      ? "No tasks yet"
      : `${accepted} accepted, ${annotated} annotated of ${total} ${taskWord}`;
  return {
    total,
    annotated,
    accepted,
    annotatedFraction,
    acceptedFraction,
    annotatedPercent,
    acceptedPercent,
    description,
  };
}
