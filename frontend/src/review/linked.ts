/**
 * Taking regions that point at other regions — a relation (its two ends), a transcription
 * of a region (a segment's text) — into adjudication's final answer. Ids are the candidate's
 * own, so a copy's references must be rewritten: to the copy of an end taken with it, or to
 * the final answer's region that already says what the end says. An end in neither is
 * taken too, so a taken relation never points at nothing. And "is this already in the final
 * answer?" compares what the references point at, not their ids, which differ in every copy.
 * Pure.
 */
import type { Region } from "../lib/regions";
import { regionContent, takeRegions } from "./merge";

/** The ids a region points at. */
function references(region: Region): string[] {
  if (region.type === "relation") return [region.value.from, region.value.to];
  if (region.type === "transcription" && region.value.region !== undefined) return [region.value.region];
  return [];
}

/** `region` with each reference replaced by `to(id)`. */
function withReferences(region: Region, to: (id: string) => string): Region {
  if (region.type === "relation") return { ...region, value: { ...region.value, from: to(region.value.from), to: to(region.value.to) } };
  if (region.type === "transcription" && region.value.region !== undefined) return { ...region, value: { ...region.value, region: to(region.value.region) } };
  return region;
}

/** What a region says with its references read as what they point at: equal for a region
 * and its copy in another answer, whatever ids either uses. */
export function linkedContent(region: Region, among: readonly Region[]): string {
  if (references(region).length === 0) return regionContent(region);
  const byId = new Map(among.map((r) => [r.id, r]));
  return regionContent(withReferences(region, (id) => {
    const end = byId.get(id);
    return end ? `→${regionContent(end)}` : `→missing ${id}`;
  }));
}

/** Whether `final` holds a copy of `candidate`'s `region` (a relation between copies of its
 * ends, a transcription of a copy of its segment, or a copy of a plain region). */
export function holdsLinked(final: readonly Region[], candidate: readonly Region[], region: Region): boolean {
  const wanted = linkedContent(region, candidate);
  return final.some((r) => linkedContent(r, final) === wanted);
}

/**
 * `final` with copies of `picked` (regions of `candidate`) added, as merge.takeRegions adds
 * them, and each copy's references pointing where the original's did: at the copy of a
 * region taken with it, else at the final answer's region with the same content, else at a
 * copy of the end, taken along (before what points at it).
 */
export function takeLinked(final: readonly Region[], candidate: readonly Region[], picked: readonly Region[]): Region[] {
  const byId = new Map(candidate.map((r) => [r.id, r]));
  const taking = new Set(picked.map((r) => r.id));
  const inFinal = new Map<string, string>(); // candidate id -> id of the final region saying the same
  const ends: Region[] = [];
  for (const region of picked) {
    for (const id of references(region)) {
      const end = byId.get(id);
      if (!end || taking.has(id) || inFinal.has(id)) continue;
      const wanted = regionContent(end);
      const same = references(end).length === 0 ? final.find((r) => regionContent(r) === wanted) : undefined;
      if (same) inFinal.set(id, same.id);
      else {
        ends.push(end);
        taking.add(id);
      }
    }
  }
  const taken = [...ends, ...picked];
  const out = takeRegions(final, taken);
  const first = out.length - taken.length;
  const copyOf = new Map(taken.map((r, i) => [r.id, (out[first + i] as Region).id]));
  const follow = (id: string) => copyOf.get(id) ?? inFinal.get(id) ?? id;
  return out.map((r, i) => (i < first ? r : withReferences({ ...r, value: (taken[i - first] as Region).value } as Region, follow)));
}
