/**
 * The schema editor's live check: the text read as JSON here (syntax errors with line and
 * column), then the document checked by the server (`POST /api/schema/validate`), whose
 * problems come back with paths that are placed at their line in the text.
 */
import { isApiError } from "../api/errors";
import type { Schema } from "../lib/schema";
import { locate, parseJson, type JsonSyntaxError, type Place } from "./jsonText";

export interface PlacedProblem {
  path: string;
  message: string;
  place: Place | null;
}

export type SchemaCheck =
  | { status: "checking" }
  | { status: "syntax"; error: JsonSyntaxError }
  | { status: "invalid"; problems: PlacedProblem[] }
  | { status: "valid"; schema: Schema }
  /** The server could not be asked (offline, or the session ended). */
  | { status: "unchecked"; message: string };

/** The text as a document to send, or the syntax check's verdict. */
export function readSchemaText(text: string): { document: Record<string, unknown>; places: Map<string, Place> } | SchemaCheck {
  const parsed = parseJson(text);
  if (!parsed.ok) return { status: "syntax", error: parsed.error };
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const place = parsed.places.get("") ?? null;
    return { status: "invalid", problems: [{ path: "schema", message: "a schema is a JSON object: { \"data\": […], \"labels\": […] }", place }] };
  }
  return { document: value as Record<string, unknown>, places: parsed.places };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The problems a 422 names (the schema's `{path, message}` or a request's `{field,
 * message}`), each placed in the text; null when `caught` is not a 422. */
export function problemsOf(caught: unknown, places: Map<string, Place>): PlacedProblem[] | null {
  if (!isApiError(caught) || caught.status !== 422) return null;
  const listed = Array.isArray(caught.details.problems) ? caught.details.problems.filter(isRecord) : [];
  const problems = listed.map((p) => {
    const path = typeof p.path === "string" ? p.path : typeof p.field === "string" ? p.field.replace(/^schema\.?/, "") || "schema" : "schema";
    return { path, message: typeof p.message === "string" ? p.message : caught.message, place: locate(places, path) };
  });
  if (problems.length > 0) return problems;
  const field = typeof caught.details.field === "string" ? caught.details.field : "schema";
  return [{ path: field, message: caught.message, place: locate(places, field) }];
}

/** "labels[0].classes[1].hotkey" in plain words: "label 1, class 2, hotkey". */
export function describePath(path: string): string {
  if (path === "schema" || path === "") return "the whole schema";
  const words: Record<string, string> = { labels: "label", data: "data field", classes: "class", attributes: "attribute", anchors: "anchor", keypoints: "keypoint", skeleton: "skeleton edge", values: "value", between: "between" };
  const parts: string[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) {
      const previous = parts.pop() ?? "";
      const noun = words[previous] ?? previous;
      parts.push(`${noun} ${Number(match[2]) + 1}`);
    } else if (match[1] !== undefined) {
      parts.push(match[1]);
    }
  }
  return parts.join(", ");
}
