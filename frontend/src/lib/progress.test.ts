import { describe, expect, it } from "vitest";
import { computeProgress } from "./progress";

const counts = (task_count: number, annotated_count: number, accepted_count: number) => ({
  task_count,
  annotated_count,
  accepted_count,
});

describe("computeProgress", () => {
  it("computes fractions and whole percentages of the total", () => {
    const progress = computeProgress(counts(200, 12, 3));
    expect(progress).toMatchObject({
      total: 200,
      annotated: 12,
      accepted: 3,
      annotatedFraction: 0.06,
      acceptedFraction: 0.015,
      annotatedPercent: 6,
      acceptedPercent: 1,
      description: "3 accepted, 12 annotated of 200 tasks",
    });
  });

  it("never shows 100% before every task is done", () => {
    expect(computeProgress(counts(1000, 999, 0)).annotatedPercent).toBe(99);
    expect(computeProgress(counts(1000, 1000, 1000)).acceptedPercent).toBe(100);
  });

  it("handles a project without tasks", () => {
    const progress = computeProgress(counts(0, 0, 0));
    expect(progress.annotatedFraction).toBe(0);
    expect(progress.acceptedFraction).toBe(0);
    expect(progress.description).toBe("No tasks yet");
  });

  it("uses the singular for one task", () => {
    expect(computeProgress(counts(1, 1, 0)).description).toBe("0 accepted, 1 annotated of 1 task");
  });

  it("clamps inconsistent counts so the bar stays drawable", () => {
    const progress = computeProgress(counts(10, 15, 20));
    expect(progress.annotated).toBe(10);
    expect(progress.accepted).toBe(10);
    expect(progress.annotatedFraction).toBe(1);

    const broken = computeProgress(counts(Number.NaN, -3, Number.POSITIVE_INFINITY));
    expect(broken).toMatchObject({ total: 0, annotated: 0, accepted: 0, annotatedFraction: 0 });
  });

  it("keeps accepted within annotated", () => {
    const progress = computeProgress(counts(100, 40, 55));
    expect(progress.accepted).toBe(40);
    expect(progress.acceptedFraction).toBeLessThanOrEqual(progress.annotatedFraction);
  });
});
