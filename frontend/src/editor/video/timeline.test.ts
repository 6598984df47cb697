import { describe, expect, it } from "vitest";
import type { Keyframe } from "../../lib/regions";
import { frameToX, keyframeColumns, rangeSpans, rowsInView, xToFrame } from "./timeline";

describe("timeline layout", () => {
  it("maps frames to pixels and back", () => {
    expect(frameToX(0, 100, 500)).toBe(0);
    expect(frameToX(50, 100, 500)).toBe(250);
    expect([0, 4.9, 5, 499, 600, -1].map((x) => xToFrame(x, 100, 500))).toEqual([0, 0, 1, 99, 99, 0]);
  });

  it("draws 15,000 frames of keyframes in at most one column per pixel", () => {
    const keyframes: Keyframe[] = Array.from({ length: 15_000 }, (_, frame) => ({ frame, x: 0, y: 0, width: 1, height: 1 }));
    const columns = keyframeColumns(keyframes, 15_000, 800);
    expect(columns.length).toBe(800);
    expect(columns[0]).toBe(0);
    expect(columns[799]).toBe(799);
  });

  it("joins ranges that meet in a pixel and keeps a one-frame range visible", () => {
    expect(rangeSpans([[0, 10], [11, 20], [600, 601]], 15_000, 1000)).toEqual([[0, 2], [40, 41]]);
  });

  it("finds the rows in view", () => {
    expect(rowsInView(0, 100, 20, 3)).toEqual([0, 3]);
    expect(rowsInView(45, 100, 20, 50)).toEqual([2, 8]);
  });
});
