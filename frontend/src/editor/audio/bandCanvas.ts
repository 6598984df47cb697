/**
 * Paints the segment bands on one canvas: the segments in view only, each a rounded box in
 * its colour mixed with the band's row, its border (white when selected, dashed red when
 * invalid, dashed for a suggestion) and its class cut to its width. A zoom or a scroll
 * repaints the view's few hundred pixels of boxes instead of laying out and rastering an
 * element per segment. The canvas is transparent where nothing is painted, so the rows'
 * backgrounds (audio.css) show through it, as under the boxes' translucent fill.
 */
import { sizedCanvas } from "./canvas";
import { BOX_PX, BOX_TOP_PX, fillShare, fitLabel, inkOn, LANE_PX, segmentBox, type Band, type BandLayout } from "./bands";
import type { AudioSegmentRegion } from "../../lib/regions";
import type { TimeView } from "./timeline";

export interface BandsPaint {
  layout: BandLayout;
  /** The segments in view of each band of `layout`, in its order (bands.ts inView). */
  shown: readonly (readonly AudioSegmentRegion[])[];
  view: TimeView;
  heightPx: number;
  selected: string | null;
  invalid: ReadonlySet<string>;
  colorOf: (segment: AudioSegmentRegion) => string;
}

const PAD_PX = 3;
const INVALID = "#ff5a4f";

/** Widths of texts in each font, measured once (class names are few and short). */
const widths = new Map<string, Map<string, number>>();

function measurer(context: CanvasRenderingContext2D): (text: string) => number {
  let known = widths.get(context.font);
  if (!known) widths.set(context.font, (known = new Map()));
  const cache = known;
  return (text) => {
    let width = cache.get(text);
    if (width === undefined) cache.set(text, (width = context.measureText(text).width));
    return width;
  };
}

export function paintBands(canvas: HTMLCanvasElement, paint: BandsPaint): void {
  const { layout, shown, view, heightPx } = paint;
  const sized = sizedCanvas(canvas, view.width, heightPx);
  if (!sized) return;
  const { context, dpr } = sized;
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  const style = getComputedStyle(canvas);
  context.font = `${style.fontSize} ${style.fontFamily}`;
  context.textBaseline = "middle";
  const measure = measurer(context);
  layout.forEach(({ band, lane, top }, i) => {
    for (const segment of shown[i] ?? []) {
      const y = top + (lane.get(segment.id) ?? 0) * LANE_PX + BOX_TOP_PX;
      paintSegment(context, band, segment, y, paint, measure);
    }
  });
}

function paintSegment(context: CanvasRenderingContext2D, band: Band, segment: AudioSegmentRegion, y: number, paint: BandsPaint, measure: (text: string) => number): void {
  const { left, width } = segmentBox(paint.view, segment.value);
  const color = band.color ?? paint.colorOf(segment);
  const selected = band.kind === "work" && segment.id === paint.selected;
  const invalid = band.kind === "work" && paint.invalid.has(segment.id);
  const share = fillShare(band.kind, selected);
  const radius = Math.min(3, width / 2);
  context.globalAlpha = share;
  context.fillStyle = color;
  context.beginPath();
  context.roundRect(left, y, width, BOX_PX, radius);
  context.fill();
  context.globalAlpha = 1;
  // The border, inside the box as CSS draws one.
  const line = invalid || selected || band.kind === "predictions" ? 2 : 1;
  if (width > line) {
    context.lineWidth = line;
    context.strokeStyle = invalid ? INVALID : selected ? "#ffffff" : color;
    context.setLineDash(invalid ? [4, 2] : band.kind === "predictions" ? [5, 3] : []);
    context.beginPath();
    context.roundRect(left + line / 2, y + line / 2, width - line, BOX_PX - line, Math.max(0, radius - line / 2));
    context.stroke();
  }
  const name = fitLabel(segment.value.class, width - 2 * (PAD_PX + line), measure);
  if (name === "") return;
  context.fillStyle = inkOn(color, share, band.kind);
  context.fillText(name, left + line + PAD_PX, y + BOX_PX / 2);
}
