/**
 * The bands under the waveform, pure: which band and lane each segment is on, which segments
 * the view shows, where each one's box is in view pixels, and its colours. The canvas that
 * paints the bands (bandCanvas.ts) and the boxes that take the pointer (SegmentBands.tsx)
 * read the same geometry, so what is painted is what is pressed.
 */
import type { AudioSegmentRegion } from "../../lib/regions";
import { lanes, type Range } from "./segments";
import { visibleSeconds, xAt, type TimeView } from "./timeline";

export const LANE_PX = 24;
/** A segment's box inside its lane: 2 px from the lane's top, 20 px high. */
export const BOX_TOP_PX = 2;
export const BOX_PX = 20;
/** How far a box reaching past the view is drawn beyond its edge, so no border shows there. */
const BLEED_PX = 2;

export interface Band {
  /** "work", "predictions" or an overlay's id. */
  id: string;
  kind: "work" | "predictions" | "overlay";
  title: string;
  segments: readonly AudioSegmentRegion[];
  /** Overlays draw every segment in the annotator's colour. */
  color?: string;
}

export type BandLayout = { band: Band; lane: Map<string, number>; lanes: number; top: number }[];

/** Band heights and their lanes, computed once per change of the segments, not per frame. */
export function layoutBands(bands: readonly Band[]): BandLayout {
  let top = 0;
  return bands.map((band) => {
    const { lane, count } = lanes(band.segments);
    const laid = { band, lane, lanes: Math.max(1, count), top };
    top += laid.lanes * LANE_PX + 1;
    return laid;
  });
}

/** Total height of the bands, px. */
export function bandsHeight(layout: BandLayout): number {
  return layout.reduce((h, b) => h + b.lanes * LANE_PX + 1, 0);
}

/** The segments the view shows (touching its edges included), in their order. */
export function inView<T extends { value: Range }>(segments: readonly T[], view: TimeView): T[] {
  const end = view.start + visibleSeconds(view);
  return segments.filter((s) => s.value.end >= view.start && s.value.start <= end);
}

/** A segment's box in view pixels: at least 1 px wide, cut BLEED_PX beyond the view's edges
 * (a zoomed-in segment would otherwise be millions of pixels wide). */
export function segmentBox(view: TimeView, range: Range): { left: number; width: number } {
  const left = Math.max(-BLEED_PX, xAt(view, range.start));
  const right = Math.min(view.width + BLEED_PX, xAt(view, range.end));
  return { left, width: Math.max(1, right - left) };
}

/** How much of a segment's colour its box shows over the band's row. */
export function fillShare(kind: Band["kind"], selected: boolean): number {
  if (selected) return 0.85;
  return kind === "work" ? 0.55 : kind === "overlay" ? 0.4 : 0.15;
}

/** The band rows' backgrounds (audio.css paints the same under the bands' canvas). */
const ROW_BG: Record<Band["kind"], [number, number, number]> = { work: [0x26, 0x2a, 0x30], predictions: [0x2f, 0x34, 0x3b], overlay: [0x2f, 0x34, 0x3b] };

function luminance([r, g, b]: readonly number[]): number {
  const [R, G, B] = [r, g, b].map((c) => {
    const v = (c as number) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * R + 0.7152 * G + 0.0722 * B;
}

/**
 * The text colour for a segment's name, dark or light, whichever contrasts more with its box:
 * `color` (#rgb or #rrggbb; anything else is taken as dark) mixed with the band's row by
 * `share`. WCAG's contrast: black or white always reaches 4.58:1 with some box, so the names
 * stay readable (AA) in every class colour.
 */
export function inkOn(color: string, share: number, kind: Band["kind"] = "work"): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1];
  const rgb = hex ? (hex.length === 3 ? hex.split("").map((c) => parseInt(c + c, 16)) : [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16))) : [0, 0, 0];
  const under = ROW_BG[kind];
  const box = luminance(rgb.map((c, i) => share * (c as number) + (1 - share) * (under[i] as number)));
  const light = 1.05 / (box + 0.05);
  const dark = (box + 0.05) / 0.05;
  return light >= dark ? "#ffffff" : "#000000";
}

/**
 * `text` cut to `room` px as `measure` reads widths: whole when it fits, else the longest
 * prefix that fits with an ellipsis, else nothing (a box too narrow for one letter).
 */
export function fitLabel(text: string, room: number, measure: (s: string) => number): string {
  if (room <= 0) return "";
  if (measure(text) <= room) return text;
  for (let n = text.length - 1; n > 0; n--) {
    const cut = `${text.slice(0, n)}…`;
    if (measure(cut) <= room) return cut;
  }
  return "";
}
