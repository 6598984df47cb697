/**
 * The bands under the waveform: the work's segments on lanes (overlapping ones on separate
 * lanes), then a model's suggestions, then one band per other annotator in their colour.
 *
 * A zoom or a scroll must cost the segments in view, not the recording's hundreds: the
 * bands are painted on one canvas (bandCanvas.ts), and only the segments in view have an
 * element, a transparent box over the paint at the same place (bands.ts segmentBox) that
 * takes the pointer (select, move, resize, take) and shows the segment's description as its
 * tooltip. Boxes are placed through the CSSOM, which the CSP allows (it forbids style
 * attributes). Presentational: gestures go back through the callbacks.
 */
import { memo, useLayoutEffect, useMemo, useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import type { AudioSegmentRegion } from "../../lib/regions";
import { paintBands } from "./bandCanvas";
import { BOX_TOP_PX, inView, LANE_PX, segmentBox, type Band, type BandLayout } from "./bands";
import { describeSegment } from "./segments";
import type { TimeView } from "./timeline";

export interface BandsProps {
  layout: BandLayout;
  view: TimeView;
  /** Height of the bands, px (bands.ts bandsHeight). */
  heightPx: number;
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

/** Key of a segment's box among every band's. */
const boxKey = (bandId: string, segmentId: string) => `${bandId}\n${segmentId}`;

/** The segments of every band: painted on the canvas, with a box each for those in view. */
export const SegmentBands = memo(function SegmentBands({ layout, view, heightPx, selected, invalid, colorOf, interactive, pickable, onDown }: BandsProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const boxes = useRef(new Map<string, HTMLElement>()).current;
  const shown = useMemo(() => layout.map(({ band }) => inView(band.segments, view)), [layout, view]);
  // After the boxes' own effects (children first): place every box in view, then paint.
  useLayoutEffect(() => {
    layout.forEach(({ band }, i) => {
      for (const segment of shown[i] ?? []) {
        const style = boxes.get(boxKey(band.id, segment.id))?.style;
        if (!style) continue;
        const { left, width } = segmentBox(view, segment.value);
        style.setProperty("left", `${left}px`);
        style.setProperty("width", `${width}px`);
      }
    });
    if (canvas.current && view.width > 0) paintBands(canvas.current, { layout, shown, view, heightPx, selected, invalid, colorOf });
  }, [layout, shown, view, heightPx, selected, invalid, colorOf, boxes]);
  return (
    <>
      {layout.map(({ band, lane, top, lanes: count }, i) => {
        const takes = band.kind === "overlay" ? pickable : interactive;
        return (
          <Placed key={band.id} className={`audio-band audio-band--${band.kind}`} top={top} height={count * LANE_PX} data-band={band.id} role="group" aria-label={band.title}>
            {(shown[i] ?? []).map((segment) => (
              <SegmentBox key={segment.id} bandId={band.id} kind={band.kind} segment={segment} lane={lane.get(segment.id) ?? 0} takes={takes} boxes={boxes} onDown={onDown} />
            ))}
          </Placed>
        );
      })}
      <canvas ref={canvas} className="audio-stage__bands-canvas" aria-hidden="true" />
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

interface SegmentBoxProps {
  bandId: string;
  kind: Band["kind"];
  segment: AudioSegmentRegion;
  lane: number;
  takes: boolean;
  /** Where the box registers itself for SegmentBands to place it. */
  boxes: Map<string, HTMLElement>;
  onDown: BandsProps["onDown"];
}

/** A segment's box: rendered again only when the segment, its lane or its band changes. */
const SegmentBox = memo(function SegmentBox({ bandId: id, kind, segment, lane, takes, boxes, onDown }: SegmentBoxProps) {
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const box = element.current;
    if (!box) return;
    const key = boxKey(id, segment.id);
    boxes.set(key, box);
    return () => {
      if (boxes.get(key) === box) boxes.delete(key);
    };
  }, [boxes, id, segment.id]);
  useLayoutEffect(() => element.current?.style.setProperty("top", `${lane * LANE_PX + BOX_TOP_PX}px`), [lane]);
  const className = `audio-segment audio-segment--${kind}${takes ? " audio-segment--interactive" : ""}`;
  return <div ref={element} className={className} data-region={segment.id} title={describeSegment(segment)} onPointerDown={takes ? (e) => onDown(e, { id, kind }, segment) : undefined} />;
});
