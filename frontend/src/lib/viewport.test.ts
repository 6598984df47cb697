import { describe, expect, it } from "vitest";
import type { Point } from "./regions";
import {
  MAX_SCALE,
  MIN_SCALE,
  type Viewport,
  fitViewport,
  panBy,
  svgTransform,
  toImage,
  toScreen,
  wheelZoomFactor,
  zoomAt,
} from "./viewport";

function expectPointClose(actual: Point, expected: Point, digits = 9) {
  expect(actual[0]).toBeCloseTo(expected[0], digits);
  expect(actual[1]).toBeCloseTo(expected[1], digits);
}

describe("fitViewport", () => {
  it("fits the limiting side and centres the other", () => {
    // 2000x1000 into 1000x800: width limits, scale 0.5, the image is 500 high.
    expect(fitViewport(2000, 1000, 1000, 800)).toEqual({ scale: 0.5, x: 0, y: 150 });
    // 1000x2000 into the same view: height limits.
    expect(fitViewport(1000, 2000, 1000, 800)).toEqual({ scale: 0.4, x: 300, y: 0 });
  });

  it("keeps the margin on the limiting side", () => {
    const vp = fitViewport(2000, 1000, 1000, 800, 50);
    expect(vp.scale).toBe(0.45);
    expectPointClose(toScreen(vp, [0, 0]), [50, 175]);
    expectPointClose(toScreen(vp, [2000, 1000]), [950, 625]);
  });

  it("keeps the whole image visible, even below MIN_SCALE", () => {
    const vp = fitViewport(100_000, 10, 1000, 800);
    expect(vp.scale).toBeLessThan(MIN_SCALE);
    expectPointClose(toScreen(vp, [100_000, 10]), [1000, 400.05]);
  });

  it("magnifies a tiny image no further than MAX_SCALE", () => {
    const vp = fitViewport(2, 2, 1000, 1000);
    expect(vp.scale).toBe(MAX_SCALE);
    expectPointClose(toScreen(vp, [1, 1]), [500, 500]); // still centred
  });

  it("falls back to scale 1 for an empty image or view", () => {
    expect(fitViewport(0, 0, 800, 600)).toEqual({ scale: 1, x: 400, y: 300 });
    expect(fitViewport(100, 100, 20, 20, 10).scale).toBe(1);
  });
});

describe("toImage and toScreen", () => {
  const vp: Viewport = { scale: 2.5, x: -40, y: 13 };

  it("are inverses", () => {
    const image: Point = [123.25, 77.5];
    expectPointClose(toImage(vp, toScreen(vp, image)), image);
    expect(toScreen(vp, [10, 10])).toEqual([-15, 38]);
  });

  it("agree with the SVG transform", () => {
    expect(svgTransform(vp)).toBe("matrix(2.5 0 0 2.5 -40 13)");
  });
});

describe("zoomAt", () => {
  const vp: Viewport = { scale: 1.5, x: 30, y: -20 };

  it("keeps the image point under the pointer in place", () => {
    const pointer: Point = [412, 233];
    const before = toImage(vp, pointer);
    for (const factor of [2, 0.3, 1.07]) {
      const zoomed = zoomAt(vp, factor, pointer);
      expect(zoomed.scale).toBeCloseTo(1.5 * factor, 12);
      expectPointClose(toImage(zoomed, pointer), before);
    }
  });

  it("clamps to MIN_SCALE and MAX_SCALE, still about the pointer", () => {
    const pointer: Point = [100, 100];
    const before = toImage(vp, pointer);
    const far = zoomAt(vp, 1000, pointer);
    expect(far.scale).toBe(MAX_SCALE);
    expectPointClose(toImage(far, pointer), before);
    expect(zoomAt(vp, 1e-6, pointer).scale).toBe(MIN_SCALE);
  });

  it("lets a fit below MIN_SCALE zoom in, but not further out", () => {
    const small: Viewport = { scale: 0.01, x: 0, y: 0 };
    expect(zoomAt(small, 0.5, [0, 0]).scale).toBe(0.01);
    expect(zoomAt(small, 1.5, [0, 0]).scale).toBeCloseTo(0.015, 12);
  });

  it("ignores factors that are not positive numbers", () => {
    expect(zoomAt(vp, 0, [1, 1])).toBe(vp);
    expect(zoomAt(vp, Number.NaN, [1, 1])).toBe(vp);
  });
});

describe("panBy", () => {
  it("moves the image by screen pixels", () => {
    const vp: Viewport = { scale: 3, x: 10, y: 20 };
    const panned = panBy(vp, 5, -7);
    expect(panned).toEqual({ scale: 3, x: 15, y: 13 });
    expectPointClose(toScreen(panned, [4, 4]), [27, 25]);
  });
});

describe("wheelZoomFactor", () => {
  it("zooms in on scrolling up and out on scrolling down", () => {
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100, 0)).toBeLessThan(1);
    expect(wheelZoomFactor(0, 0)).toBe(1);
  });

  it.each([1, 3.5, 100, 2000])("is symmetric for a travel of %s", (d) => {
    for (const mode of [0, 1, 2]) {
      expect(wheelZoomFactor(d, mode) * wheelZoomFactor(-d, mode)).toBeCloseTo(1, 12);
    }
  });

  it("adds up small trackpad deltas to one large one", () => {
    const many = Array.from({ length: 10 }, () => wheelZoomFactor(-10, 0));
    expect(many.reduce((a, b) => a * b, 1)).toBeCloseTo(wheelZoomFactor(-100, 0), 12);
  });

  it("converts lines and pages to pixels", () => {
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48, 0), 12);
    expect(wheelZoomFactor(0.25, 2)).toBeCloseTo(wheelZoomFactor(200, 0), 12);
  });

  it("bounds one event's zoom and ignores non-numbers", () => {
    expect(wheelZoomFactor(1, 2)).toBe(wheelZoomFactor(10_000, 0));
    expect(wheelZoomFactor(-1e9, 0)).toBeLessThan(3);
    expect(wheelZoomFactor(Number.NaN, 0)).toBe(1);
  });
});
