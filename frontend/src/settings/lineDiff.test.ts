import { describe, expect, it } from "vitest";
import { diffLines, MAX_CELLS, splitLines, toHunks, type LineChange } from "./lineDiff";

const show = (changes: LineChange[]) => changes.map((c) => `${{ same: " ", added: "+", removed: "-" }[c.kind]}${c.text}`);

/** Applying the diff's kept and added lines gives the new text; kept and removed the old. */
function sides(changes: LineChange[]) {
  return {
    old: changes.filter((c) => c.kind !== "added").map((c) => c.text),
    new: changes.filter((c) => c.kind !== "removed").map((c) => c.text),
  };
}

describe("splitLines", () => {
  it("reads a final newline as the end of the last line and CRLF as LF", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("\n")).toEqual([""]);
  });
});

describe("diffLines", () => {
  it("finds nothing between equal texts", () => {
    const diff = diffLines("a\nb\nc", "a\nb\nc\n");
    expect(diff.added + diff.removed).toBe(0);
    expect(diff.changes.every((c) => c.kind === "same")).toBe(true);
  });

  it("shows a changed line as removed then added, between the lines kept", () => {
    const diff = diffLines("# Cars\nBox every car.\nSkip bikes.", "# Cars\nBox every car and van.\nSkip bikes.");
    expect(show(diff.changes)).toEqual([" # Cars", "-Box every car.", "+Box every car and van.", " Skip bikes."]);
    expect(diff).toMatchObject({ added: 1, removed: 1, exact: true });
  });

  it("keeps the longest common subsequence (the textbook example)", () => {
    // ABCBDAB vs BDCABA: an LCS has length 4
    const diff = diffLines("A\nB\nC\nB\nD\nA\nB", "B\nD\nC\nA\nB\nA");
    expect(diff.changes.filter((c) => c.kind === "same")).toHaveLength(4);
    expect(diff.removed).toBe(3);
    expect(diff.added).toBe(2);
    expect(sides(diff.changes)).toEqual({ old: "ABCBDAB".split(""), new: "BDCABA".split("") });
  });

  it("numbers lines on each side", () => {
    expect(diffLines("x\na\ny", "a\nb\ny").changes).toEqual([
      { kind: "removed", text: "x", oldLine: 1 },
      { kind: "same", text: "a", oldLine: 2, newLine: 1 },
      { kind: "added", text: "b", newLine: 2 },
      { kind: "same", text: "y", oldLine: 3, newLine: 3 },
    ]);
  });

  it("handles an empty side", () => {
    expect(show(diffLines("", "a\nb").changes)).toEqual(["+a", "+b"]);
    expect(show(diffLines("a\nb", "").changes)).toEqual(["-a", "-b"]);
  });

  it("reconstructs both texts for many random edits", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 200; round++) {
      const pick = () => Array.from({ length: Math.floor(random() * 12) }, () => "abcd"[Math.floor(random() * 4)] ?? "a");
      const a = pick();
      const b = pick();
      const diff = diffLines(a.join("\n"), b.join("\n"));
      expect(sides(diff.changes)).toEqual({ old: a, new: b });
    }
  });

  it("falls back to remove-all/add-all, and says so, when the middle is too large", () => {
    const n = Math.ceil(Math.sqrt(MAX_CELLS)) + 1;
    const a = Array.from({ length: n }, (_, i) => `old ${i}`);
    const b = Array.from({ length: n }, (_, i) => `new ${i}`);
    const diff = diffLines(["same", ...a, "end"].join("\n"), ["same", ...b, "end"].join("\n"));
    expect(diff.exact).toBe(false);
    expect(diff).toMatchObject({ added: n, removed: n });
    expect(sides(diff.changes).new).toEqual(["same", ...b, "end"]);
  });
});

describe("toHunks", () => {
  it("keeps three lines of context and merges hunks whose context touches", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...before];
    after[1] = "changed 2";
    after[4] = "changed 5";
    after[17] = "changed 18";
    const hunks = toHunks(diffLines(before.join("\n"), after.join("\n")).changes);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]?.oldStart).toBe(1);
    expect(hunks[1]?.oldStart).toBe(15);
    expect(hunks[1]?.newStart).toBe(15);
    expect(show(hunks[1]?.changes ?? [])).toEqual([" line 15", " line 16", " line 17", "-line 18", "+changed 18", " line 19", " line 20"]);
  });

  it("has no hunks when nothing changed", () => {
    expect(toHunks(diffLines("a\nb", "a\nb").changes)).toEqual([]);
  });
});
