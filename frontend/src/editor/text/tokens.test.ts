import { describe, expect, it } from "vitest";
import { exactRange, nextToken, previousToken, snapToTokens, tokenRanges } from "./tokens";

const text = "Angela Merkel visited New-York, (briefly) on 3.5 days 😀 ok";
const at = (word: string) => text.indexOf(word);
const cut = (r: [number, number] | null) => (r ? text.slice(r[0], r[1]) : null);

describe("snapToTokens", () => {
  it("widens a selection that cuts words to the whole words", () => {
    expect(cut(snapToTokens(text, at("gela"), at("Mer") + 2))).toBe("Angela Merkel");
  });

  it("keeps an exact word selection as it is", () => {
    expect(cut(snapToTokens(text, at("Merkel"), at("Merkel") + 6))).toBe("Merkel");
  });

  it("trims whitespace at both ends and gives nothing for whitespace only", () => {
    expect(cut(snapToTokens(text, at("Merkel") - 1, at("Merkel") + 7))).toBe("Merkel");
    expect(snapToTokens(text, at(" visited"), at(" visited") + 1)).toBeNull();
    expect(snapToTokens(text, 5, 5)).toBeNull();
  });

  it("treats punctuation as tokens of its own", () => {
    expect(cut(snapToTokens(text, at("New") + 1, at("New") + 2))).toBe("New");
    expect(cut(snapToTokens(text, at("York") + 1, at(",") + 1))).toBe("York,");
    expect(cut(snapToTokens(text, at("(") , at("(") + 3))).toBe("(briefly");
    expect(cut(snapToTokens(text, at("3.5") + 2, at("3.5") + 3))).toBe("5");
  });

  it("accepts a backwards selection", () => {
    expect(cut(snapToTokens(text, at("Merkel") + 3, at("Angela") + 2))).toBe("Angela Merkel");
  });

  it("never splits an emoji", () => {
    const emoji = at("😀");
    expect(cut(snapToTokens(text, emoji + 1, emoji + 1))).toBeNull();
    expect(cut(snapToTokens(text, emoji, emoji + 1))).toBe("😀");
    expect(cut(snapToTokens(text, emoji + 1, emoji + 4))).toBe("😀 ok");
  });

  it("works on words in other scripts", () => {
    const greek = "Ο Αλέξανδρος ήρθε";
    const r = snapToTokens(greek, 3, 5);
    expect(r && greek.slice(...r)).toBe("Αλέξανδρος");
  });
});

describe("exactRange", () => {
  it("keeps the selection, whole characters only", () => {
    expect(cut(exactRange(text, at("gela"), at("gela") + 2))).toBe("ge");
    const emoji = at("😀");
    expect(cut(exactRange(text, emoji + 1, emoji + 1))).toBeNull();
    expect(cut(exactRange(text, emoji - 1, emoji + 1))).toBe(" 😀");
  });
});

describe("tokenRanges", () => {
  it("lists words and punctuation, no whitespace", () => {
    expect(tokenRanges("Hi, you 😀!").map(([a, b]) => "Hi, you 😀!".slice(a, b))).toEqual(["Hi", ",", "you", "😀", "!"]);
  });
});

describe("nextToken and previousToken", () => {
  const line = "Hi,  you 😀!\n\nend";
  const all = tokenRanges(line);

  it("step through the same tokens as tokenRanges, both ways, over runs of whitespace", () => {
    const forward: [number, number][] = [];
    for (let t = nextToken(line, 0); t; t = nextToken(line, t[1])) forward.push(t);
    expect(forward).toEqual(all);
    const backward: [number, number][] = [];
    for (let t = previousToken(line, line.length); t; t = previousToken(line, t[0])) backward.push(t);
    expect(backward.reverse()).toEqual(all);
  });

  it("give null past the ends of the text", () => {
    expect(nextToken(line, line.length)).toBeNull();
    expect(nextToken("a   ", 1)).toBeNull();
    expect(previousToken(line, 0)).toBeNull();
    expect(previousToken("   a", 3)).toBeNull();
  });
});
