import { describe, expect, it } from "vitest";
import type { Region } from "../../lib/regions";
import { takeRegions, takeWhole, withDependents } from "../../review/merge";

const seg = (id: string, start: number): Region => ({ id, label: "sounds", type: "audio_segment", value: { class: "speech", start, end: start + 1 } });
const text = (id: string, of: string | undefined, words: string): Region => ({ id, label: "words", type: "transcription", value: of === undefined ? { text: words } : { text: words, region: of } });

describe("adjudicating segments with their transcriptions", () => {
  it("takes a segment with its text, tied to the copy", () => {
    const candidate = [seg("1", 0), seg("2", 2), text("t1", "1", "hello"), text("t2", "2", "there"), text("t", undefined, "all")];
    const final = takeRegions([seg("r1", 5)], withDependents(candidate, candidate[1] as Region));
    expect(final).toEqual([seg("r1", 5), { ...seg("r2", 2) }, text("r3", "r2", "there")]);
  });

  it("keeps other segments' texts when one more is taken, and one whole-recording text", () => {
    const first = takeWhole([seg("1", 0), text("t1", "1", "hello"), text("t", undefined, "all")]);
    expect(first).toEqual([seg("r1", 0), text("r2", "r1", "hello"), text("r3", undefined, "all")]);
    const more = takeRegions(first, [seg("9", 3), text("t9", "9", "more"), text("x", undefined, "everything")]);
    expect(more).toEqual([seg("r1", 0), text("r2", "r1", "hello"), seg("r3", 3), text("r4", "r3", "more"), text("r5", undefined, "everything")]);
  });
});
