import { describe, expect, it } from "vitest";
import { nextRegionId, withCopies, type Region } from "./regions";

const box = (id: string, score?: number): Region => ({
  id,
  label: "objects",
  type: "bbox",
  value: { class: "car", x: 1, y: 2, width: 3, height: 4 },
  ...(score === undefined ? {} : { score }),
});

describe("region ids and copies", () => {
  it("gives fresh ids that skip the ones in use", () => {
    expect(nextRegionId([box("r1"), box("r3")])).toBe("r4");
    expect(nextRegionId([box("r2")])).toBe("r3");
  });

  it("appends copies under fresh ids, without model scores", () => {
    const result = withCopies([box("r1"), box("r2")], [box("p1", 0.9), box("r1")]);
    expect(result.map((r) => r.id)).toEqual(["r1", "r2", "r3", "r4"]);
    expect(result.every((r) => !("score" in r))).toBe(true);
    expect(result[2]?.value).toEqual(box("p1").value);
  });
});
