import { describe, expect, it } from "vitest";
import type { Region } from "../lib/regions";
import { holdsLinked, linkedContent, takeLinked } from "./linked";
import { takeWhole, withDependents } from "./merge";

const span = (id: string, start: number, cls = "PER"): Region => ({ id, label: "entities", type: "span", value: { class: cls, start, end: start + 3 } });
const rel = (id: string, from: string, to: string, cls = "works_for"): Region => ({ id, label: "links", type: "relation", value: { from, to, class: cls } });
const seg = (id: string, start: number): Region => ({ id, label: "sounds", type: "audio_segment", value: { class: "speech", start, end: start + 1 } });
const text = (id: string, of: string, words: string): Region => ({ id, label: "words", type: "transcription", value: { text: words, region: of } });

describe("taking a relation", () => {
  const candidate = [span("r1", 0), span("r2", 10, "ORG"), rel("r3", "r1", "r2")];

  it("takes the spans it joins when the final answer lacks them, and points at their copies", () => {
    const final = takeLinked([], candidate, [candidate[2] as Region]);
    expect(final).toEqual([span("r1", 0), span("r2", 10, "ORG"), rel("r3", "r1", "r2")]);
    const later = takeLinked([span("r1", 50)], candidate, [candidate[2] as Region]);
    expect(later).toEqual([span("r1", 50), span("r2", 0), span("r3", 10, "ORG"), rel("r4", "r2", "r3")]);
  });

  it("points at the final answer's span that says the same, whatever its id, and takes only the missing end", () => {
    // The final answer's r1 is the candidate's r2; the candidate's r1 is missing.
    const final = takeLinked([span("r1", 10, "ORG")], candidate, [candidate[2] as Region]);
    expect(final).toEqual([span("r1", 10, "ORG"), span("r2", 0), rel("r3", "r2", "r1")]);
  });

  it("is seen as taken once taken, and not before; nor is a relation between other spans", () => {
    const relation = candidate[2] as Region;
    expect(holdsLinked(takeWhole(candidate.slice(0, 2)), candidate, relation)).toBe(false);
    const final = takeLinked(takeWhole(candidate.slice(0, 2)), candidate, [relation]);
    expect(final).toHaveLength(3);
    expect(holdsLinked(final, candidate, relation)).toBe(true);
    const other = [span("a", 0), span("b", 20, "ORG"), rel("c", "a", "b")];
    expect(holdsLinked(final, other, other[2] as Region)).toBe(false);
    // Taking it again adds nothing new to point at: the ends are reused.
    expect(takeLinked(final, candidate, [relation]).filter((r) => r.type === "span")).toHaveLength(2);
  });

  it("reads a dangling reference as missing, not as another region", () => {
    expect(linkedContent(rel("x", "r1", "gone"), [span("r1", 0)])).toContain("missing gone");
  });
});

describe("a transcription already taken", () => {
  const candidate = [seg("1", 0), seg("2", 2), text("t1", "1", "hello"), text("t2", "2", "there")];

  it("is held once its segment and text are taken, though every id changed", () => {
    const final = takeLinked([], candidate, withDependents(candidate, candidate[1] as Region));
    expect(final).toEqual([seg("r1", 2), text("r2", "r1", "there")]);
    expect(holdsLinked(final, candidate, candidate[3] as Region)).toBe(true);
    expect(holdsLinked(final, candidate, candidate[1] as Region)).toBe(true);
    // The same words on the other segment are not in the final answer.
    expect(holdsLinked(final, candidate, text("t3", "1", "there"))).toBe(false);
    expect(holdsLinked(final, candidate, candidate[2] as Region)).toBe(false);
  });

  it("taken alone brings its segment along", () => {
    expect(takeLinked([], candidate, [candidate[2] as Region])).toEqual([seg("r1", 0), text("r2", "r1", "hello")]);
  });
});
