/**
 * Adjudication's final answer built from the candidates: start from the proposed consensus
 * (or nothing), take a whole candidate, or take regions one by one. Taken regions get fresh
 * ids (ids are unique within an annotation, and two candidates may both have an "r1"); an
 * item answer (a classification, a rating…) replaces the final answer's one of that label,
 * since an item has one answer per label. Pure.
 */
import { withCopies, type Region } from "../lib/regions";

const ITEM = new Set(["classification", "multilabel", "rating", "transcription"]);

/** An answer for the whole item; a transcription tied to a region (a segment's text) is not. */
function isItem(region: Region): boolean {
  return ITEM.has(region.type) && !(region.type === "transcription" && region.value.region !== undefined);
}

/** `final` with copies of `taken` added; references among the taken regions (a relation's
 * ends, the region a transcription is of) follow them to their copies' ids. */
export function takeRegions(final: readonly Region[], taken: readonly Region[]): Region[] {
  const items = new Set(taken.filter(isItem).map((r) => r.label));
  const kept = final.filter((r) => !(isItem(r) && items.has(r.label)));
  const out = withCopies(kept, taken);
  const renamed = new Map(taken.map((r, i) => [r.id, out[kept.length + i]?.id ?? r.id]));
  const follow = (id: string) => renamed.get(id) ?? id;
  return out.map((r, i) => {
    if (i < kept.length) return r;
    if (r.type === "relation") return { ...r, value: { ...r.value, from: follow(r.value.from), to: follow(r.value.to) } };
    if (r.type === "transcription" && r.value.region !== undefined) return { ...r, value: { ...r.value, region: follow(r.value.region) } };
    return r;
  });
}

/** `region` of `candidate` with the transcriptions tied to it: what taking it takes. */
export function withDependents(candidate: readonly Region[], region: Region): Region[] {
  return [region, ...candidate.filter((r) => r.type === "transcription" && r.value.region === region.id)];
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
