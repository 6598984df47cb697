/**
 * The timeline under the video: a scrubber (a range input, so the keyboard and assistive
 * technology work it as a slider) and one row per segment label and per track, drawn on a
 * canvas: a track's visible ranges as a bar with a tick on each keyframe, a label's segments
 * as bars in their class colours. Only the rows in view are drawn, each reduced to pixel
 * columns (timeline.ts), and only when the work, the size or the scroll changes: stepping
 * moves the playhead alone, so a 15,000-frame video costs a frame no more than a short one.
 */
import { memo, useCallback, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { Region, VideoSegmentRegion, VideoTrackRegion } from "../../lib/regions";
import { timecode } from "./frames";
import { useFrame, type FrameStore } from "./frameStore";
import { frameToX, keyframeColumns, rangeSpans, rowsInView, xToFrame } from "./timeline";
import { visibleRanges } from "./tracks";

export const ROW_PX = 16;
const GUTTER_PX = 112;
const MAX_ROWS_SHOWN = 8;

/** A segment that is not the work's: a model's ("prediction") or an overlay's (its id). */
export interface OtherSegment {
  segment: VideoSegmentRegion;
  source: string;
  color: string;
}

export type TimelineRow =
  | { kind: "segments"; label: string; segments: VideoSegmentRegion[]; others: OtherSegment[] }
  | { kind: "track"; track: VideoTrackRegion };

export interface TimelineProps {
  rows: readonly TimelineRow[];
  frameCount: number;
  /** The current frame: the scrubber and the playhead follow it; the rows do not. */
  frames: FrameStore;
  fps: number;
  selected: string | null;
  /** A range of frames being marked: from here to the current frame. */
  rangeStart: number | null;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  onSeek: (frame: number) => void;
  onSelect: (id: string | null) => void;
  /** A click on a segment that is not the work's (a prediction's, an overlay's). */
  onPickOther?: (other: OtherSegment) => void;
}

/** Memoised, with the frame in a store: a step renders the scrubber and moves the playhead,
 * nothing else here. */
export const Timeline = memo(function Timeline(props: TimelineProps) {
  const { rows, frameCount, frames, fps, selected, rangeStart, colorOf } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const sizer = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const playhead = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const shownRows = Math.max(1, Math.min(rows.length, MAX_ROWS_SHOWN));

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setWidth(element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    sizer.current?.style.setProperty("height", `${Math.max(rows.length, 1) * ROW_PX}px`);
    scroller.current?.style.setProperty("height", `${shownRows * ROW_PX}px`);
  }, [rows.length, shownRows]);

  // The rows: redrawn when the work, the size, the scroll or the selection change, never per frame.
  useLayoutEffect(() => {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (!element || !context || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    const height = shownRows * ROW_PX;
    element.width = Math.round(width * ratio);
    element.height = Math.round(height * ratio);
    element.style.setProperty("width", `${width}px`);
    element.style.setProperty("height", `${height}px`);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const span = Math.max(1, width - GUTTER_PX);
    const [first, stop] = rowsInView(scrollTop, height, ROW_PX, rows.length);
    context.font = "11px system-ui, sans-serif";
    context.textBaseline = "middle";
    for (let i = first; i < stop; i++) {
      const row = rows[i] as TimelineRow;
      const y = i * ROW_PX - scrollTop;
      const isSelected = row.kind === "track" ? row.track.id === selected : row.segments.some((s) => s.id === selected);
      context.fillStyle = isSelected ? "rgba(47, 93, 138, 0.35)" : i % 2 ? "rgba(255, 255, 255, 0.04)" : "rgba(255, 255, 255, 0.08)";
      context.fillRect(0, y, width, ROW_PX);
      context.fillStyle = "#e8ebef";
      const name = row.kind === "track" ? `#${row.track.value.track_id} ${row.track.value.class}` : row.label;
      context.fillText(name.length > 16 ? `${name.slice(0, 15)}…` : name, 4, y + ROW_PX / 2, GUTTER_PX - 8);
      if (row.kind === "track") {
        const { keyframes } = row.track.value;
        context.fillStyle = colorOf(row.track);
        for (const [x0, x1] of rangeSpans(visibleRanges(keyframes, frameCount), frameCount, span)) context.fillRect(GUTTER_PX + x0, y + 5, x1 - x0, ROW_PX - 10);
        context.fillStyle = "#ffffff";
        for (const x of keyframeColumns(keyframes, frameCount, span)) context.fillRect(GUTTER_PX + x, y + 2, 1, ROW_PX - 4);
      } else {
        // Suggestions and other people's segments: thin bars along the row's foot.
        for (const other of row.others) {
          context.fillStyle = other.color;
          const [[x0, x1] = [0, 0]] = rangeSpans([[other.segment.value.start, other.segment.value.end]], frameCount, span);
          context.fillRect(GUTTER_PX + x0, y + ROW_PX - 3, x1 - x0, 2);
        }
        for (const segment of row.segments) {
          context.fillStyle = colorOf(segment);
          const [[x0, x1] = [0, 0]] = rangeSpans([[segment.value.start, segment.value.end]], frameCount, span);
          context.fillRect(GUTTER_PX + x0, y + 2, x1 - x0, ROW_PX - 7);
          if (segment.id === selected) {
            context.strokeStyle = "#ffffff";
            context.strokeRect(GUTTER_PX + x0 + 0.5, y + 2.5, Math.max(1, x1 - x0 - 1), ROW_PX - 5);
          }
        }
      }
    }
  }, [rows, frameCount, width, scrollTop, selected, colorOf, shownRows]);

  // The playhead and a range being marked: one transform per frame, written as the frame
  // changes (no render).
  useLayoutEffect(() => {
    const element = playhead.current;
    if (!element || width === 0) return;
    const place = () => {
      const frame = frames.get();
      const span = Math.max(1, width - GUTTER_PX);
      const x = GUTTER_PX + frameToX(frame, frameCount, span);
      const from = rangeStart === null ? x : GUTTER_PX + frameToX(Math.min(rangeStart, frame), frameCount, span);
      const to = rangeStart === null ? x : GUTTER_PX + frameToX(Math.max(rangeStart, frame) + 1, frameCount, span);
      element.style.setProperty("transform", `translateX(${from}px)`);
      element.style.setProperty("width", `${Math.max(2, to - from)}px`);
    };
    place();
    return frames.subscribe(place);
  }, [frames, frameCount, width, rangeStart]);

  const onRowsDown = useCallback(
    (event: ReactPointerEvent<HTMLCanvasElement>) => {
      const rect = event.currentTarget.getBoundingClientRect();
      const x = event.clientX - rect.left;
      const row = rows[Math.floor((event.clientY - rect.top + scrollTop) / ROW_PX)];
      if (!row) return;
      const at = x >= GUTTER_PX ? xToFrame(x - GUTTER_PX, frameCount, Math.max(1, width - GUTTER_PX)) : null;
      if (row.kind === "track") {
        props.onSelect(row.track.id);
        props.onSeek(at ?? row.track.value.keyframes[0]?.frame ?? frames.get());
      } else if (at !== null) {
        const holds = (s: VideoSegmentRegion) => s.value.start <= at && at < s.value.end;
        const segment = row.segments.find(holds);
        const other = segment ? undefined : row.others.find((o) => holds(o.segment));
        if (other && props.onPickOther) props.onPickOther(other);
        else props.onSelect(segment?.id ?? null);
        props.onSeek(at);
      }
    },
    [rows, scrollTop, frameCount, width, frames, props],
  );

  const tracks = rows.filter((r) => r.kind === "track").length;
  return (
    <div className="video-timeline">
      <Scrubber frames={frames} frameCount={frameCount} fps={fps} onSeek={props.onSeek} />
      <div className="video-timeline__body">
      <div ref={scroller} className="video-timeline__rows" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div ref={sizer} className="video-timeline__sizer">
          <canvas
            ref={canvas}
            className="video-timeline__canvas"
            role="img"
            aria-label={`Timeline: ${tracks} track${tracks === 1 ? "" : "s"} over ${frameCount} frames; a click goes to that frame and selects the row's track or segment`}
            onPointerDown={onRowsDown}
          />
        </div>
      </div>
        <div ref={playhead} className={`video-timeline__playhead${rangeStart === null ? "" : " video-timeline__playhead--range"}`} aria-hidden="true" />
      </div>
    </div>
  );
});

/** The slider of every frame (the keyboard's and assistive technology's way along the video). */
function Scrubber({ frames, frameCount, fps, onSeek }: { frames: FrameStore; frameCount: number; fps: number; onSeek: (frame: number) => void }) {
  const frame = useFrame(frames);
  return (
    <input
      type="range"
      className="video-timeline__scrubber"
      min={0}
      max={Math.max(frameCount - 1, 0)}
      step={1}
      value={frame}
      aria-label="Frame"
      aria-valuetext={`Frame ${frame} of ${frameCount}, ${timecode(frame, fps)}`}
      onChange={(e) => onSeek(Number(e.currentTarget.value))}
    />
  );
}
