import { describe, expect, it } from "vitest";
import { assignLanes, pieces } from "./layout";

describe("assignLanes", () => {
  it("puts nested and crossing spans in different lanes and reuses free ones", () => {
    const lanes = assignLanes([
      { key: "outer", start: 0, end: 10 },
      { key: "inner", start: 2, end: 5 },
      { key: "cross", start: 4, end: 12 },
      { key: "after", start: 12, end: 14 },
    ]);
    expect(lanes.get("outer")).toBe(0);
    expect(lanes.get("inner")).toBe(1);
    expect(lanes.get("cross")).toBe(2);
    expect(lanes.get("after")).toBe(0);
  });

  it("never gives two marks that share a character the same lane", () => {
    const marks = Array.from({ length: 200 }, (_, i) => ({ key: `m${i}`, start: (i * 37) % 500, end: ((i * 37) % 500) + 1 + (i % 40) }));
    const lanes = assignLanes(marks);
    for (const a of marks) for (const b of marks) {
      if (a !== b && a.start < b.end && b.start < a.end) expect(lanes.get(a.key)).not.toBe(lanes.get(b.key));
    }
  });
});

describe("pieces", () => {
  it("tiles the range and lists the marks over each piece", () => {
    const marks = [
      { key: "a", start: 2, end: 6 },
      { key: "b", start: 4, end: 9 },
    ];
    expect(pieces(0, 10, marks).map((p) => [p.start, p.end, p.marks.map((m) => m.key).join("")])).toEqual([
      [0, 2, ""],
      [2, 4, "a"],
      [4, 6, "ab"],
      [6, 9, "b"],
      [9, 10, ""],
    ]);
  });

  it("clips marks to the range", () => {
    expect(pieces(5, 8, [{ key: "a", start: 0, end: 6 }]).map((p) => [p.start, p.end, p.marks.length])).toEqual([
      [5, 6, 1],
      [6, 8, 0],
    ]);
  });
});
