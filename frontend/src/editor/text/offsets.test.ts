import { describe, expect, it } from "vitest";
import { TextOffsets } from "./offsets";

/** Python's view of a string: a list of code points. */
const points = (s: string) => Array.from(s);

describe("TextOffsets", () => {
  it("is the identity for text without astral characters", () => {
    const text = "Zoë met Ünal in Köln.";
    const offsets = new TextOffsets(text);
    expect(offsets.length).toBe(text.length);
    for (let i = 0; i <= text.length; i++) {
      expect(offsets.toUtf16(i)).toBe(i);
      expect(offsets.toCodePoint(i)).toBe(i);
    }
  });

  it("counts an emoji or an astral CJK character as one code point, as Python does", () => {
    const text = "a😀b𠀋c 👍🏽!";
    const offsets = new TextOffsets(text);
    const cps = points(text);
    expect(offsets.length).toBe(cps.length);
    let unit = 0;
    cps.forEach((ch, cp) => {
      expect(offsets.toUtf16(cp)).toBe(unit);
      expect(offsets.toCodePoint(unit)).toBe(cp);
      unit += ch.length;
    });
    expect(offsets.toUtf16(cps.length)).toBe(text.length);
    expect(offsets.toCodePoint(text.length)).toBe(cps.length);
  });

  it("maps the second half of a surrogate pair to the pair's start, and clamps", () => {
    const offsets = new TextOffsets("x😀y");
    expect(offsets.toCodePoint(2)).toBe(1);
    expect(offsets.toUtf16(-3)).toBe(0);
    expect(offsets.toUtf16(99)).toBe(4);
    expect(offsets.toCodePoint(99)).toBe(3);
  });

  it("round-trips every code point offset of a long mixed text", () => {
    const text = "Ab😀 ".repeat(2000) + "𝔘𝔫𝔦𝔠𝔬𝔡𝔢";
    const offsets = new TextOffsets(text);
    for (let cp = 0; cp <= offsets.length; cp += 7) {
      expect(offsets.toCodePoint(offsets.toUtf16(cp))).toBe(cp);
    }
    expect(text.slice(offsets.toUtf16(8000), offsets.toUtf16(8003))).toBe(points(text).slice(8000, 8003).join(""));
  });

  it("keeps a lone surrogate as one unit and one code point", () => {
    const text = "a\ud800b";
    const offsets = new TextOffsets(text);
    expect(offsets.length).toBe(3);
    expect(offsets.toUtf16(2)).toBe(2);
  });
});
