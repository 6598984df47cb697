/**
 * The bands under the waveform: the work's segments on lanes (overlapping ones on separate
 * lanes), then a model's suggestions, then one band per other annotator in their colour.
 *
 * Zoom and scroll must not touch hundreds of segments, so each segment is an HTML box placed
 * once in fractions of the recording (left and width in %) on a track as wide as the
 * recording at the current zoom; a zoom sets the track's width, a scroll its translation
 * (`placeTrack`, two style writes and no render). A segment is rendered again only when it
 * changes (memo per segment); its name is cut by CSS to what fits. Positions and colours are
 * written through the CSSOM, which the CSP allows (it forbids style attributes).
 * Presentational: gestures go back through the callbacks.
 */
import { memo, useLayoutEffect, useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import type { AudioSegmentRegion } from "../../lib/regions";
import { describeSegment, lanes } from "./segments";
import type { TimeView } from "./timeline";

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

/** The track's width and translation for `view`: the whole recording at its zoom, moved
 * so that `view.start` is at the left edge. */
export function trackPlacement(view: TimeView): { width: number; x: number } {
  return { width: view.duration * view.pxPerS, x: -view.start * view.pxPerS };
}

/** Moves the track to `view` (a zoom or a scroll): two style writes, no render. */
export function placeTrack(track: HTMLElement, view: TimeView): void {
  const { width, x } = trackPlacement(view);
  track.style.setProperty("width", `${width}px`);
  track.style.setProperty("transform", `translateX(${x}px)`);
}

/** A segment's box on the track in % of the recording (the track is the recording). */
export function segmentPlacement(start: number, end: number, duration: number): { left: string; width: string } {
  if (!(duration > 0)) return { left: "0%", width: "0%" };
  return { left: `${(start / duration) * 100}%`, width: `${((end - start) / duration) * 100}%` };
}

/** How much of a segment's colour its box shows over the band (audio.css mixes the same). */
export function fillShare(kind: Band["kind"], selected: boolean): number {
  if (selected) return 0.85;
  return kind === "work" ? 0.55 : kind === "overlay" ? 0.4 : 0.15;
}

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

export interface BandsProps {
  layout: BandLayout;
  /** Length of the recording, seconds: segments are placed in fractions of it. */
  duration: number;
  selected: string | null;
  invalid: ReadonlySet<string>;
  colorOf: (region: AudioSegmentRegion) => string;
  /** Whether segments of the work answer pointer presses (select, move, resize). */
  interactive: boolean;
  /** Whether overlay segments can be taken (adjudication). */
  pickable: boolean;
  onDown: (event: ReactPointerEvent, band: BandOf, segment: AudioSegmentRegion) => void;
}

/** Which band a pressed segment is in. */
export type BandOf = Pick<Band, "id" | "kind">;

/** The band rows (backgrounds and the titles of empty bands): they do not move with the view. */
export const BandRows = memo(function BandRows({ layout }: { layout: BandLayout }) {
  return (
    <>
      {layout.map(({ band, top, lanes: count }) => (
        <Placed key={band.id} className={`audio-band__row audio-band__row--${band.kind}`} top={top} height={count * LANE_PX}>
          {band.segments.length === 0 && <span className="audio-band__title">{band.title}</span>}
        </Placed>
      ))}
    </>
  );
});

/** The segments of every band, on the track. */
export const SegmentBands = memo(function SegmentBands({ layout, duration, selected, invalid, colorOf, interactive, pickable, onDown }: BandsProps) {
  return (
    <>
      {layout.map(({ band, lane, top, lanes: count }) => {
        const takes = band.kind === "overlay" ? pickable : interactive;
        return (
          <Placed key={band.id} className={`audio-band audio-band--${band.kind}`} top={top} height={count * LANE_PX} data-band={band.id} role="group" aria-label={band.title}>
            {band.segments.map((segment) => (
              <Segment
                key={segment.id}
                bandId={band.id}
                kind={band.kind}
                segment={segment}
                lane={lane.get(segment.id) ?? 0}
                duration={duration}
                color={band.color ?? colorOf(segment)}
                selected={band.kind === "work" && segment.id === selected}
                invalid={band.kind === "work" && invalid.has(segment.id)}
                takes={takes}
                onDown={onDown}
              />
            ))}
          </Placed>
        );
      })}
    </>
  );
});

function Placed({ top, height, children, ...rest }: { top: number; height: number; className: string; children?: ReactNode; role?: string; "aria-label"?: string; "data-band"?: string }) {
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    element.current?.style.setProperty("top", `${top}px`);
    element.current?.style.setProperty("height", `${height}px`);
  }, [top, height]);
  return (
    <div ref={element} {...rest}>
      {children}
    </div>
  );
}

interface SegmentProps {
  bandId: string;
  kind: Band["kind"];
  segment: AudioSegmentRegion;
  lane: number;
  duration: number;
  color: string;
  selected: boolean;
  invalid: boolean;
  takes: boolean;
  onDown: BandsProps["onDown"];
}

const Segment = memo(function Segment({ bandId, kind, segment, lane, duration, color, selected, invalid, takes, onDown }: SegmentProps) {
  const element = useRef<HTMLDivElement>(null);
  const { start, end } = segment.value;
  useLayoutEffect(() => {
    const style = element.current?.style;
    if (!style) return;
    const { left, width } = segmentPlacement(start, end, duration);
    style.setProperty("left", left);
    style.setProperty("width", width);
    style.setProperty("top", `${lane * LANE_PX + 2}px`);
    style.setProperty("--segment-color", color);
    style.setProperty("--segment-ink", inkOn(color, fillShare(kind, selected), kind));
  }, [start, end, duration, lane, color, kind, selected]);
  const className = [
    "audio-segment",
    `audio-segment--${kind}`,
    selected && "audio-segment--selected",
    invalid && "audio-segment--invalid",
    takes && "audio-segment--interactive",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <div ref={element} className={className} data-region={segment.id} title={describeSegment(segment)} onPointerDown={takes ? (e) => onDown(e, { id: bandId, kind }, segment) : undefined}>
      <span className="audio-segment__name">{segment.value.class}</span>
    </div>
  );
});
