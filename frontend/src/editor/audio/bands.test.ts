import { describe, expect, it } from "vitest";
import { bandsHeight, fillShare, inkOn, LANE_PX, layoutBands, segmentPlacement, trackPlacement } from "./SegmentBands";
import { xAt, type TimeView } from "./timeline";

function contrast(a: string, b: [number, number, number]): number {
  const lum = (rgb: number[]) =>
    rgb
      .map((c) => c / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * ([0.2126, 0.7152, 0.0722][i] as number), 0);
  const ink = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const [x, y] = [lum(ink), lum(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

describe("segment bands", () => {
  it("place a segment on the track where the view's arithmetic puts it, at any zoom and scroll", () => {
    const duration = 600;
    for (const view of [
      { start: 0, pxPerS: 2.4, width: 1440, duration },
      { start: 123.4, pxPerS: 48, width: 1440, duration },
      { start: 599, pxPerS: 2000, width: 1440, duration },
    ] satisfies TimeView[]) {
      const { width, x } = trackPlacement(view);
      const { left, width: w } = segmentPlacement(130, 131.5, duration);
      const onScreen = x + (parseFloat(left) / 100) * width;
      expect(onScreen).toBeCloseTo(xAt(view, 130), 6);
      expect((parseFloat(w) / 100) * width).toBeCloseTo(1.5 * view.pxPerS, 6);
    }
    expect(segmentPlacement(1, 2, 0)).toEqual({ left: "0%", width: "0%" });
  });

  it("stack bands with their lanes", () => {
    const seg = (id: string, start: number, end: number) => ({ id, label: "s", type: "audio_segment" as const, value: { class: "speech", start, end } });
    const layout = layoutBands([
      { id: "work", kind: "work", title: "Segments", segments: [seg("a", 0, 2), seg("b", 1, 3), seg("c", 2, 4)] },
      { id: "o1", kind: "overlay", title: "Ann", segments: [] },
    ]);
    expect(layout.map((b) => [b.lanes, b.top])).toEqual([[2, 0], [1, 2 * LANE_PX + 1]]);
    expect(layout[0]?.lane.get("c")).toBe(0);
    expect(bandsHeight(layout)).toBe(3 * LANE_PX + 2);
  });

  it("write each class name in the colour that contrasts more with its box (WCAG AA at 11 px)", () => {
    for (const color of ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#000075", "#ffffff", "#000"]) {
      for (const [kind, selected] of [["work", false], ["work", true], ["overlay", false], ["predictions", false]] as const) {
        const share = fillShare(kind, selected);
        const full = color.length === 4 ? `#${color[1]}${color[1]}${color[2]}${color[2]}${color[3]}${color[3]}` : color;
        const under = kind === "work" ? [0x26, 0x2a, 0x30] : [0x2f, 0x34, 0x3b];
        const box = [1, 3, 5].map((i, k) => share * parseInt(full.slice(i, i + 2), 16) + (1 - share) * (under[k] as number)) as [number, number, number];
        expect(contrast(inkOn(color, share, kind), box)).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(inkOn("rgb(1, 2, 3)", 0.55)).toBe("#ffffff");
  });
});
