/**
 * The bands under the waveform: the work's segments on lanes (overlapping ones on separate
 * lanes), then a model's suggestions, then one band per other annotator in their colour.
 * Presentational: positions come from the view, gestures go back through the callbacks.
 * Colours are SVG presentation attributes, as the CSP allows no inline styles.
 */
import { memo, type PointerEvent as ReactPointerEvent } from "react";
import type { AudioSegmentRegion } from "../../lib/regions";
import { describeSegment, lanes } from "./segments";
import { xAt, type TimeView } from "./timeline";

export const LANE_PX = 24;

export interface Band {
  /** "work", "predictions" or an overlay's id. */
  id: string;
  kind: "work" | "predictions" | "overlay";
  title: string;
  segments: readonly AudioSegmentRegion[];
  /** Overlays draw every segment in the annotator's colour. */
  color?: string;
}

/** Band heights and their lanes, computed once per change of the segments, not per frame. */
export function layoutBands(bands: readonly Band[]): { band: Band; lane: Map<string, number>; lanes: number; top: number }[] {
  let top = 0;
  return bands.map((band) => {
    const { lane, count } = lanes(band.segments);
    const laid = { band, lane, lanes: Math.max(1, count), top };
    top += laid.lanes * LANE_PX + 1;
    return laid;
  });
}

/** `text` cut to what fits in `px` at about 7 px a character, with an ellipsis. */
export function fitText(text: string, px: number): string {
  const room = Math.floor(px / 7);
  if (room <= 1) return "";
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}

export interface BandsProps {
  layout: ReturnType<typeof layoutBands>;
  view: TimeView;
  selected: string | null;
  invalid: ReadonlySet<string>;
  colorOf: (region: AudioSegmentRegion) => string;
  /** Whether segments of the work answer pointer presses (select, move, resize). */
  interactive: boolean;
  /** Whether overlay segments can be taken (adjudication). */
  pickable: boolean;
  onDown: (event: ReactPointerEvent, band: Band, segment: AudioSegmentRegion) => void;
}

export const SegmentBands = memo(function SegmentBands({ layout, view, selected, invalid, colorOf, interactive, pickable, onDown }: BandsProps) {
  const end = view.start + view.width / view.pxPerS;
  return (
    <>
      {layout.map(({ band, lane, top, lanes: count }) => (
        <g key={band.id} className={`audio-band audio-band--${band.kind}`} data-band={band.id} aria-label={band.title} role="group">
          <rect className="audio-band__bg" x={0} y={top} width={view.width} height={count * LANE_PX} />
          <text className="audio-band__title" x={4} y={top + LANE_PX - 8}>
            {band.segments.length === 0 ? band.title : ""}
          </text>
          {band.segments.map((segment) => {
            if (segment.value.end < view.start || segment.value.start > end) return null;
            const left = Math.max(-2, xAt(view, segment.value.start));
            const right = Math.min(view.width + 2, xAt(view, segment.value.end));
            const y = top + (lane.get(segment.id) ?? 0) * LANE_PX + 2;
            const color = band.color ?? colorOf(segment);
            const isSelected = band.kind === "work" && segment.id === selected;
            const takes = band.kind === "work" ? interactive : band.kind === "predictions" ? interactive : pickable;
            const className = [
              "audio-segment",
              `audio-segment--${band.kind}`,
              isSelected && "audio-segment--selected",
              band.kind === "work" && invalid.has(segment.id) && "audio-segment--invalid",
              takes && "audio-segment--interactive",
            ]
              .filter(Boolean)
              .join(" ");
            return (
              <g key={segment.id} className={className} data-region={segment.id} onPointerDown={takes ? (e) => onDown(e, band, segment) : undefined}>
                <title>{describeSegment(segment)}</title>
                <rect x={left} y={y} width={Math.max(1, right - left)} height={LANE_PX - 4} rx={3} fill={color} stroke={color} />
                <text x={left + 4} y={y + LANE_PX - 10} className="audio-segment__name">
                  {fitText(segment.value.class, right - left - 8)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </>
  );
});
