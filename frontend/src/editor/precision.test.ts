import { describe, expect, it } from "vitest";
import { normalDegrees, round2, roundShape } from "./precision";

describe("roundShape", () => {
  it("keeps 1/100 px and drops float noise", () => {
    const box = roundShape({ label: "o", type: "bbox", value: { class: "c", x: 100.1 + 0.2, y: 0.1 + 0.2, width: 160.004, height: 179.996, rotation: -90 } });
    expect(box.value).toEqual({ class: "c", x: 100.3, y: 0.3, width: 160, height: 180, rotation: 270 });
  });

  it("rounds polygon points and keypoints but keeps visibility", () => {
    expect(roundShape({ label: "a", type: "polygon", value: { class: "r", points: [[1.005, 2.234], [3, 4], [5.5551, 6]] } }).value.points).toEqual([
      [1, 2.23],
      [3, 4],
      [5.56, 6],
    ]);
    expect(roundShape({ label: "k", type: "keypoints", value: { class: "p", points: [[1.111, 2.222, 1]] } }).value.points).toEqual([[1.11, 2.22, 1]]);
  });

  it("never stores a negative zero", () => {
    expect(Object.is(round2(-0.001), 0)).toBe(true);
    expect(normalDegrees(720)).toBe(0);
  });
});
