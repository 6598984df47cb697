/**
 * Adjudication's final answer built from the candidates: start from the proposed consensus
 * (or nothing), take a whole candidate, or take regions one by one. Taken regions get fresh
 * ids (ids are unique within an annotation, and two candidates may both have an "r1"); an
 * item answer (a classification, a rating…) replaces the final answer's one of that label,
 * since an item has one answer per label. Pure.
 */
import { withCopies, type Region } from "../lib/regions";

const ITEM = new Set(["classification", "multilabel", "rating", "transcription"]);

/** `final` with copies of `taken` added. */
export function takeRegions(final: readonly Region[], taken: readonly Region[]): Region[] {
  const items = new Set(taken.filter((r) => ITEM.has(r.type)).map((r) => r.label));
  return withCopies(final.filter((r) => !(ITEM.has(r.type) && items.has(r.label))), taken);
}

/** A candidate taken whole: its regions under fresh ids. */
export function takeWhole(candidate: readonly Region[]): Region[] {
  return takeRegions([], candidate);
}

/** What a region says, without its id or model score: equal for a region and its copy. */
export function regionContent(region: Region): string {
  const { id: _id, score: _score, ...rest } = region as Region & { score?: number };
  return stableJson(rest);
}

/** Whether `final` holds a copy of `region`. */
export function holds(final: readonly Region[], region: Region): boolean {
  const wanted = regionContent(region);
  return final.some((r) => regionContent(r) === wanted);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
