/**
 * The spans a text stage draws, as marks in the document's UTF-16 offsets: the work's own
 * (solid underlines), a model's pre-labels (dashed) and other annotators' (dotted, in their
 * colours), each in its lane (layout.ts). `pieceStyle` turns the marks over one piece of
 * text into its stacked underlines: CSS background layers, set through the CSSOM (the CSP
 * forbids style attributes in markup, not styles set from script).
 */
import type { Region, SpanRegion } from "../../lib/regions";
import { assignLanes, type Mark } from "./layout";
import type { TextOffsets } from "./offsets";

export type MarkKind = "work" | "prediction" | "overlay";

export interface SpanMark extends Mark {
  kind: MarkKind;
  region: SpanRegion;
  color: string;
  lane: number;
  /** The overlay's id, for an overlay's span. */
  overlay?: string;
}

/** One lane's height on screen, and the underline's thickness, in CSS pixels. */
export const LANE_PX = 4;
const LINE_PX = 2;

export interface MarkSource {
  kind: MarkKind;
  regions: readonly Region[];
  color: (region: SpanRegion) => string;
  overlay?: string;
}

/** The spans of `sources` placed on `labels` (the span labels of the stage's field), with
 * lanes shared by all of them. Keys are unique: an overlay's ids are prefixed with it. */
export function spanMarks(sources: readonly MarkSource[], labels: ReadonlySet<string>, offsets: TextOffsets): SpanMark[] {
  const marks: Omit<SpanMark, "lane">[] = [];
  for (const source of sources) {
    for (const region of source.regions) {
      if (region.type !== "span" || !labels.has(region.label)) continue;
      const start = offsets.toUtf16(region.value.start);
      const end = offsets.toUtf16(region.value.end);
      if (!(end > start)) continue;
      const key = source.kind === "work" ? region.id : `${source.kind}:${source.overlay ?? ""}:${region.id}`;
      marks.push({ key, kind: source.kind, region, color: source.color(region), start, end, overlay: source.overlay });
    }
  }
  const lanes = assignLanes(marks);
  return marks.map((m) => ({ ...m, lane: lanes.get(m.key) ?? 0 }));
}

export interface PieceStyle {
  image: string;
  position: string;
  size: string;
  /** Room below the text for the deepest lane on the piece. */
  padding: number;
}

const NO_STYLE: PieceStyle = { image: "", position: "", size: "", padding: 0 };

/** The stacked underlines of one piece. */
export function pieceStyle(marks: readonly SpanMark[]): PieceStyle {
  if (marks.length === 0) return NO_STYLE;
  const images: string[] = [];
  const positions: string[] = [];
  let deepest = 0;
  for (const mark of marks) {
    const color = cssColor(mark.color);
    images.push(
      mark.kind === "work"
        ? `linear-gradient(${color}, ${color})`
        : mark.kind === "prediction"
          ? `repeating-linear-gradient(90deg, ${color} 0 5px, transparent 5px 8px)`
          : `repeating-linear-gradient(90deg, ${color} 0 2px, transparent 2px 4px)`,
    );
    positions.push(`0 calc(100% + ${2 + mark.lane * LANE_PX}px)`);
    deepest = Math.max(deepest, mark.lane + 1);
  }
  return { image: images.join(", "), position: positions.join(", "), size: marks.map(() => `100% ${LINE_PX}px`).join(", "), padding: 2 + deepest * LANE_PX };
}

/** A colour as CSS may take it from user data: `#rgb`/`#rrggbb` only, else a neutral grey
 * (a schema colour is validated as `#rrggbb`; an annotator colour comes from our palette). */
export function cssColor(color: string): string {
  return /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(color) ? color : "#888888";
}

/** The deepest lane used by any of `marks`, plus one (0 when there are none). */
export function laneCount(marks: readonly SpanMark[]): number {
  return marks.reduce((n, m) => Math.max(n, m.lane + 1), 0);
}
