import { describe, expect, it } from "vitest";
import { bandsHeight, fillShare, fitLabel, inkOn, inView, LANE_PX, layoutBands, segmentBox } from "./bands";
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
  it("place a segment's box where the view's arithmetic puts it, at any zoom and scroll, cut just past the view", () => {
    const duration = 600;
    for (const view of [
      { start: 0, pxPerS: 2.4, width: 1440, duration },
      { start: 123.4, pxPerS: 48, width: 1440, duration },
      { start: 130.5, pxPerS: 2000, width: 1440, duration },
    ] satisfies TimeView[]) {
      const { left, width } = segmentBox(view, { start: 130, end: 131.5 });
      expect(left).toBeCloseTo(Math.max(-2, xAt(view, 130)), 6);
      expect(left + width).toBeCloseTo(Math.min(view.width + 2, xAt(view, 131.5)), 6);
    }
    // A millisecond at the widest zoom is still a pixel.
    expect(segmentBox({ start: 0, pxPerS: 2.4, width: 1440, duration }, { start: 10, end: 10.001 }).width).toBe(1);
  });

  it("show only the segments the view reaches, touching ones included", () => {
    const seg = (id: string, start: number, end: number) => ({ id, value: { start, end } });
    const view: TimeView = { start: 10, pxPerS: 100, width: 1000, duration: 600 };
    const segments = [seg("before", 0, 9.9), seg("touches", 5, 10), seg("inside", 12, 13), seg("across", 0, 600), seg("end", 20, 21), seg("after", 20.1, 22)];
    expect(inView(segments, view).map((s) => s.id)).toEqual(["touches", "inside", "across", "end"]);
  });

  it("cut a name to its box with an ellipsis, or leave it out", () => {
    const measure = (s: string) => s.length * 6;
    expect(fitLabel("speech", 36, measure)).toBe("speech");
    expect(fitLabel("speech", 30, measure)).toBe("spee…");
    expect(fitLabel("speech", 12, measure)).toBe("s…");
    expect(fitLabel("speech", 11, measure)).toBe("");
    expect(fitLabel("speech", -4, measure)).toBe("");
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
