import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safeNext";

describe("safeNextPath", () => {
  it.each([
    ["/projects/1", "/projects/1"],
    ["/", "/"],
    ["/projects/1?stage=review#task-3", "/projects/1?stage=review#task-3"],
    ["/projects/a%20b", "/projects/a%20b"],
  ])("keeps the same-origin path %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " /projects",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,hi",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%E0%A4%A",
    "projects/1",
    "",
  ])("replaces %j with /", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it("treats a missing value as /", () => {
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
  });

  it("rejects absurdly long values", () => {
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBe("/");
  });
});
