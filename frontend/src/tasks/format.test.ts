import { describe, expect, it } from "vitest";
import { fromLocal, toLocal } from "./FilterForm";
import { describeDetails } from "./TaskHistoryView";
import { formatFigure, summary } from "./TaskTable";

describe("task browser formatting", () => {
  it("turns the browser's local date-time into a UTC instant and back", () => {
    const iso = fromLocal("2026-11-01T09:30");
    expect(iso).toMatch(/^2026-11-0[12]T\d\d:30:00Z$/);
    expect(toLocal(iso)).toBe("2026-11-01T09:30");
    expect(fromLocal("")).toBe("");
    expect(toLocal("not a date")).toBe("");
  });

  it("shows figures with three decimals and nothing for missing ones", () => {
    expect(formatFigure(0.8125)).toBe("0.813");
    expect(formatFigure(null)).toBe("");
    expect(formatFigure(undefined)).toBe("");
  });

  it("summarises a task without an image by its first text", () => {
    expect(summary({ n: 3, text: "  A long sentence ".repeat(10) })).toHaveLength(60);
    expect(summary({ text: "short" })).toBe("short");
    expect(summary({})).toBe("");
  });

  it("describes an event's plain details and leaves out nested ones", () => {
    expect(describeDetails({ stage: "review", user_id: 4, regions: [1] })).toBe(" (stage: review, user_id: 4)");
    expect(describeDetails({})).toBe("");
    expect(describeDetails(null)).toBe("");
  });
});
