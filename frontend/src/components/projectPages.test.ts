import { describe, expect, it } from "vitest";
import { PROJECT_PAGES, mayOpen, pagesFor } from "./projectPages";

describe("project pages", () => {
  it("shows annotators only the label stream", () => {
    expect(pagesFor("annotator", false).map((p) => p.path)).toEqual(["label"]);
  });

  it("shows reviewers the review pages and exports but not the settings", () => {
    expect(pagesFor("reviewer", false).map((p) => p.path)).toEqual([
      "label", "review", "adjudicate", "dashboard", "tasks", "data",
    ]);
  });

  it("shows managers and site admins everything", () => {
    expect(pagesFor("manager", false)).toEqual(PROJECT_PAGES);
    expect(pagesFor(null, true)).toEqual(PROJECT_PAGES);
  });

  it("shows non-members nothing", () => {
    expect(PROJECT_PAGES.some((page) => mayOpen(page, null, false))).toBe(false);
  });
});
