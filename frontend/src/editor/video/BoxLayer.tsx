/**
 * The current frame's boxes, in video pixels: the work's tracks (selected, invalid, keyframe
 * or interpolated), a model's suggestions (dashed; a click takes one in) and other people's
 * tracks in their colours (a click hands one to the host when it takes them). One element
 * per box in view on this frame, none for the frames around it.
 */
import { memo, useMemo, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import type { Region, VideoTrackRegion } from "../../lib/regions";
import { useFrame, type FrameStore } from "./frameStore";
import { boxAt, isTrack, keyframeOn, type Box } from "./tracks";

export interface ShownBox {
  region: VideoTrackRegion;
  box: Box;
  /** "work", "prediction", or the overlay's id. */
  source: string;
  color: string;
  /** The track has a keyframe on this frame (else the box is interpolated). */
  keyframe: boolean;
}

export const BoxLayer = memo(function BoxLayer({
  boxes,
  selected,
  invalid,
  unit,
  interactive,
  onDown,
}: {
  boxes: readonly ShownBox[];
  selected: string | null;
  invalid: ReadonlySet<string>;
  /** Video pixels per screen pixel, for text that keeps its screen size. */
  unit: number;
  interactive: boolean;
  onDown: (event: ReactPointerEvent, shown: ShownBox) => void;
}) {
  return (
    <g className={interactive ? "video-boxes video-boxes--interactive" : "video-boxes"}>
      {boxes.map((shown) => {
        const { region, box, source, color } = shown;
        const work = source === "work";
        const className = [
          "video-box",
          work && region.id === selected && "video-box--selected",
          work && invalid.has(region.id) && "video-box--invalid",
          source === "prediction" && "video-box--prediction",
          !work && source !== "prediction" && "video-box--overlay",
          !shown.keyframe && "video-box--interpolated",
        ]
          .filter(Boolean)
          .join(" ");
        // The tag is placed by its group's transform, so a step moves it without laying its
        // text out again (new x/y or a new transform on an SVG text are a text layout; a
        // parent's transform is not).
        return (
          <g key={`${source}-${region.id}`}>
            <rect
              className={className}
              data-region={work ? region.id : undefined}
              data-source={source}
              data-track-id={region.value.track_id}
              data-keyframe={shown.keyframe}
              x={box.x}
              y={box.y}
              width={box.width}
              height={box.height}
              stroke={color}
              fill={color}
              vectorEffect="non-scaling-stroke"
              onPointerDown={(e) => onDown(e, shown)}
            >
              <title>{`${region.value.class} #${region.value.track_id}${shown.keyframe ? ", keyframe" : ", interpolated"}`}</title>
            </rect>
            {work && (
              <g transform={`translate(${box.x} ${box.y})`}>
                <text className="video-box__tag" y={-3 * unit} fontSize={11 * unit} strokeWidth={2.5 * unit} fill={color}>
                  {region.value.class} #{region.value.track_id}
                </text>
              </g>
            )}
          </g>
        );
      })}
    </g>
  );
});

export interface FrameBoxesProps {
  frames: FrameStore;
  /** The work's tracks, a model's suggestions and other people's regions (tracks among them drawn). */
  tracks: readonly VideoTrackRegion[];
  predictions: readonly Region[];
  overlays: readonly { id: string; color: string; regions: readonly Region[] }[];
  /** The work's box being moved or resized, drawn where the pointer has it. */
  editing: { id: string; box: Box } | null;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  selected: string | null;
  invalid: ReadonlySet<string>;
  unit: number;
  interactive: boolean;
  onDown: (event: ReactPointerEvent, shown: ShownBox) => void;
  /** What to draw on the selected work track's box (its handles), when it is in view. */
  withSelected?: (box: Box) => ReactNode;
}

/**
 * The boxes of the current frame: the one part of the stage's view that a step renders.
 * Each track's box is found by binary search of its keyframes (tracks.ts), so a frame costs
 * the boxes in view, not the keyframes of the work.
 */
export function FrameBoxes({ frames, tracks, predictions, overlays, editing, colorOf, selected, withSelected, ...layer }: FrameBoxesProps) {
  const frame = useFrame(frames);
  const shown = useMemo(() => {
    const out: ShownBox[] = [];
    const add = (r: Region, source: string, color: string, box: Box | null) => {
      if (box && isTrack(r)) out.push({ region: r, box, source, color, keyframe: keyframeOn(r.value.keyframes, frame) >= 0 });
    };
    for (const overlay of overlays) for (const r of overlay.regions) add(r, overlay.id, overlay.color, isTrack(r) ? boxAt(r.value.keyframes, frame) : null);
    for (const r of predictions) add(r, "prediction", colorOf(r), isTrack(r) ? boxAt(r.value.keyframes, frame) : null);
    for (const r of tracks) add(r, "work", colorOf(r), editing?.id === r.id ? editing.box : boxAt(r.value.keyframes, frame));
    return out;
  }, [overlays, predictions, tracks, frame, editing, colorOf]);
  const selectedBox = withSelected ? shown.find((b) => b.source === "work" && b.region.id === selected)?.box : undefined;
  return (
    <>
      <BoxLayer boxes={shown} selected={selected} {...layer} />
      {selectedBox && withSelected?.(selectedBox)}
    </>
  );
}
