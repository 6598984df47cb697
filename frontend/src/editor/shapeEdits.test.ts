import { describe, expect, it } from "vitest";
import type { ShapeRegion } from "../lib/regions";
import { distinctPoints, moved, withVertex } from "./shapeEdits";

const box: ShapeRegion = { id: "r1", label: "o", type: "bbox", value: { class: "c", x: 10, y: 20, width: 30, height: 40, rotation: 15 } };
const pose: ShapeRegion = { id: "r2", label: "p", type: "keypoints", value: { class: "person", points: [[1, 2, 2], [0, 0, 0]] } };

describe("shape edits", () => {
  it("moves boxes by their corner and point shapes point by point, keeping visibility", () => {
    expect(moved(box, 5, -5).value).toEqual({ class: "c", x: 15, y: 15, width: 30, height: 40, rotation: 15 });
    expect(moved(pose, 1, 1).value).toEqual({ class: "person", points: [[2, 3, 2], [1, 1, 0]] });
  });

  it("leaves masks where they are", () => {
    const mask: ShapeRegion = { id: "m", label: "s", type: "mask", value: { class: "sky", rle: { size: [1, 1], counts: [1] } } };
    expect(moved(mask, 3, 3)).toBe(mask);
  });

  it("places a vertex, and a keypoint placed becomes visible", () => {
    const line: ShapeRegion = { id: "l", label: "l", type: "polyline", value: { class: "lane", points: [[0, 0], [5, 5]] } };
    expect(withVertex(line, 1, [7, 8]).value).toEqual({ class: "lane", points: [[0, 0], [7, 8]] });
    expect(withVertex(pose, 1, [4, 4]).value).toEqual({ class: "person", points: [[1, 2, 2], [4, 4, 2]] });
  });

  it("drops the repeats a double-click leaves, and a closing point equal to the first", () => {
    expect(distinctPoints([[0, 0], [5, 0], [5, 0], [5, 5], [0, 0]], true)).toEqual([[0, 0], [5, 0], [5, 5]]);
    expect(distinctPoints([[0, 0], [5, 0], [0, 0]], false)).toEqual([[0, 0], [5, 0], [0, 0]]);
  });
});
