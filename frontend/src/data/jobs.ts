import type { Job } from "./api";

/** Poll delays: the first look soon, then backing off to a few seconds; bounded in count. */
export const POLL = { firstMs: 400, factor: 1.5, maxMs: 5000, maxPolls: 1200 } as const;

export function isFinished(job: Pick<Job, "state">): boolean {
  return job.state === "done" || job.state === "failed" || job.state === "cancelled";
}

/** The wait before poll number `attempt` (0-based). */
export function pollDelay(attempt: number): number {
  return Math.min(POLL.maxMs, Math.round(POLL.firstMs * POLL.factor ** Math.max(0, attempt)));
}

/** Done out of total as a fraction in [0, 1], or null while the total is unknown. */
export function progressFraction(job: Pick<Job, "state" | "progress">): number | null {
  if (job.state === "done") return 1;
  const { done, total } = job.progress;
  if (total === null) return null;
  if (total === 0) return job.state === "running" ? null : 0;
  return Math.min(1, Math.max(0, done / total));
}

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return plural(bytes, "byte");
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** What an import created, in words. */
export function describeImportResult(result: Record<string, number>): string {
  const parts = [`Imported ${plural(result.created ?? 0, "task")}`];
  const extra: string[] = [];
  if (result.skipped_duplicates) extra.push(`${plural(result.skipped_duplicates, "duplicate")} skipped`);
  if (result.annotations) extra.push(plural(result.annotations, "annotation"));
  if (result.predictions) extra.push(plural(result.predictions, "prediction"));
  return extra.length ? `${parts[0]} (${extra.join(", ")}).` : `${parts[0]}.`;
}

/** One line on where a job stands, for its status region and the job list. */
export function describeJob(job: Job): string {
  const { done, total } = job.progress;
  switch (job.state) {
    case "queued":
      return "Waiting to start…";
    case "running":
      if (job.kind === "import" && job.phase === "checking") return `Checking records: ${count(done)} so far…`;
      if (job.kind === "import") return total === null ? "Importing…" : `Writing ${plural(total, "record")}…`;
      return total === null ? "Exporting…" : `Exported ${count(done)} of ${plural(total, "task")}…`;
    case "done":
      if (job.kind === "import") return job.result ? describeImportResult(job.result) : "Imported.";
      return `Exported ${plural(total ?? done, "task")}${job.file_size !== null ? ` (${formatBytes(job.file_size)})` : ""}.`;
    case "failed":
      return `${job.kind === "import" ? "Import" : "Export"} failed: ${job.error ?? "unknown error"}`;
    case "cancelled":
      return "Cancelled.";
  }
}

/** The line and column an import error names (from its details), when it names them. */
export function errorPosition(job: Pick<Job, "error_details">): { line: number | null; column: number | null } {
  const details = job.error_details ?? {};
  const line = typeof details.line === "number" ? details.line : null;
  const column = typeof details.column === "number" ? details.column : null;
  if (line !== null) return { line, column };
  const where = typeof details.where === "string" ? /line (\d+)/.exec(details.where) : null;
  return { line: where ? Number(where[1]) : null, column };
}
