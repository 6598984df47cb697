import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { describePath, problemsOf, readSchemaText } from "./schemaCheck";

describe("readSchemaText", () => {
  it("gives a syntax error with its place, or the document with its places", () => {
    const bad = readSchemaText('{\n  "labels": [}\n');
    expect(bad).toMatchObject({ status: "syntax", error: { line: 2, column: 14 } });
    const good = readSchemaText('{"data": [], "labels": []}');
    expect("document" in good && good.document).toEqual({ data: [], labels: [] });
  });

  it("refuses JSON that is not an object before asking the server", () => {
    expect(readSchemaText("[1]")).toMatchObject({ status: "invalid", problems: [{ path: "schema", place: { line: 1, column: 1 } }] });
  });
});

describe("problemsOf", () => {
  const text = '{\n  "data": [],\n  "labels": [\n    {"name": "x", "type": "box"}\n  ]\n}';
  const read = readSchemaText(text);
  const places = "places" in read ? read.places : new Map();

  it("places each problem of the server's 422 at its line", () => {
    const error = new ApiError(422, "invalid_input", "the labeling schema has 1 problem", {
      problems: [{ path: "labels[0].type", message: "expected one of classification, …, got 'box'" }],
    });
    expect(problemsOf(error, places)).toEqual([{ path: "labels[0].type", message: "expected one of classification, …, got 'box'", place: { line: 4, column: 19, offset: 48 } }]);
  });

  it("reads a request error's field, and a 422 without a list", () => {
    const request = new ApiError(422, "invalid_input", "schema: Field required", { problems: [{ field: "schema", message: "Field required" }] });
    expect(problemsOf(request, places)?.[0]).toMatchObject({ path: "schema", message: "Field required", place: { line: 1 } });
    expect(problemsOf(new ApiError(422, "invalid_input", "bad", {}), places)).toEqual([{ path: "schema", message: "bad", place: { line: 1, column: 1, offset: 0 } }]);
  });

  it("is null for anything but a 422", () => {
    expect(problemsOf(new ApiError(0, "network_error", "offline"), places)).toBeNull();
    expect(problemsOf(new Error("x"), places)).toBeNull();
  });
});

describe("describePath", () => {
  it("says a path in words, counting from one", () => {
    expect(describePath("labels[0].classes[1].hotkey")).toBe("label 1, class 2, hotkey");
    expect(describePath("data[2].type")).toBe("data field 3, type");
    expect(describePath("schema")).toBe("the whole schema");
  });
});
