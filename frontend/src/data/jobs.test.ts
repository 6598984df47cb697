import { describe, expect, it } from "vitest";
import type { Job } from "./api";
import { describeJob, errorPosition, formatBytes, isFinished, pollDelay, POLL, progressFraction } from "./jobs";

function job(changes: Partial<Job>): Job {
  return {
    id: 1,
    project_id: 1,
    kind: "export",
    format: "jsonl",
    state: "queued",
    phase: null,
    progress: { done: 0, total: null },
    result: null,
    error: null,
    error_details: null,
    file_name: null,
    file_size: null,
    file_sha256: null,
    file_available: false,
    download_url: null,
    created_by: 1,
    created_at: "2026-12-01T00:00:00Z",
    started_at: null,
    finished_at: null,
    expires_at: null,
    ...changes,
  };
}

describe("polling", () => {
  it("backs off from the first delay to the maximum and stays there", () => {
    expect(pollDelay(0)).toBe(POLL.firstMs);
    expect(pollDelay(1)).toBe(600);
    const delays = Array.from({ length: 30 }, (_, i) => pollDelay(i));
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(POLL.maxMs);
  });

  it("knows which states are final", () => {
    expect(["queued", "running"].map((state) => isFinished(job({ state: state as Job["state"] })))).toEqual([false, false]);
    expect(["done", "failed", "cancelled"].every((state) => isFinished(job({ state: state as Job["state"] })))).toBe(true);
  });
});

describe("progress", () => {
  it("is a fraction when the total is known and unknown otherwise", () => {
    expect(progressFraction(job({ state: "running", progress: { done: 25, total: 100 } }))).toBe(0.25);
    expect(progressFraction(job({ state: "running", progress: { done: 25, total: null } }))).toBeNull();
    expect(progressFraction(job({ state: "done", progress: { done: 0, total: 0 } }))).toBe(1);
    expect(progressFraction(job({ state: "running", progress: { done: 150, total: 100 } }))).toBe(1);
  });
});

describe("describing a job", () => {
  it("says what an import checked, wrote and created", () => {
    expect(describeJob(job({ kind: "import", state: "running", phase: "checking", progress: { done: 1200, total: null } }))).toBe(
      "Checking records: 1,200 so far…",
    );
    expect(describeJob(job({ kind: "import", state: "running", phase: "writing", progress: { done: 0, total: 27 } }))).toBe("Writing 27 records…");
    expect(
      describeJob(job({ kind: "import", state: "done", result: { created: 26, skipped_duplicates: 1, annotations: 1, predictions: 0 } })),
    ).toBe("Imported 26 tasks (1 duplicate skipped, 1 annotation).");
  });

  it("says how much an export wrote, and why a job failed", () => {
    expect(describeJob(job({ state: "done", progress: { done: 3, total: 3 }, file_size: 2048 }))).toBe("Exported 3 tasks (2.0 KB).");
    expect(describeJob(job({ state: "running", progress: { done: 1, total: 3 } }))).toBe("Exported 1 of 3 tasks…");
    expect(describeJob(job({ kind: "import", state: "failed", error: "bad.jsonl, line 3, column 9: not valid JSON" }))).toBe(
      "Import failed: bad.jsonl, line 3, column 9: not valid JSON",
    );
  });

  it("reads the position of an import error from its details", () => {
    expect(errorPosition(job({ error_details: { where: "bad.jsonl, line 3", line: 3, column: 9 } }))).toEqual({ line: 3, column: 9 });
    expect(errorPosition(job({ error_details: { where: "bad.jsonl, line 12" } }))).toEqual({ line: 12, column: null });
    expect(errorPosition(job({ error_details: null }))).toEqual({ line: null, column: null });
  });

  it("formats sizes", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(999)).toBe("999 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(200 * 1024 * 1024)).toBe("200 MB");
  });
});
