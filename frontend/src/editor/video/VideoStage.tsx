/**
 * The stage for a video (MediaStage.tsx's contract): the <video> with the current frame's
 * boxes over it, transport controls, the selected track's keyframe controls and a timeline.
 * A box drawn with a track class active starts a track (the next free track id, one keyframe
 * on this frame); moving or resizing a track's box on another frame adds or changes the
 * keyframe there, and the frames between show the interpolated box (tracks.ts, the rules of
 * core/tracks.py). Only the current frame's boxes are in the DOM; the timeline is a canvas.
 */
import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { resizeBox, type Handle } from "../../lib/geometry";
import type { Point, Region, VideoSegmentRegion, VideoTrackRegion } from "../../lib/regions";
import type { AttributeValue } from "../../lib/schema";
import type { StageHandle } from "../ImageStage";
import type { MediaStageProps, StageKey } from "../MediaStage";
import type { StageMedia } from "../taskMedia";
import { FrameBoxes, type ShownBox } from "./BoxLayer";
import { timecode } from "./frames";
import { useFrame, type FrameStore } from "./frameStore";
import { adjacentKeyframe, clampBox, newTrack, roundBox, toggleOutside, withBox, withKeyframe, withKeyframeAttribute, withoutKeyframe } from "./keyframes";
import { pickKeys, type VideoCommand } from "./keys";
import { isSegment, markFrame, segmentBetween, segmentsAt, withEdge } from "./segments";
import { Timeline, type OtherSegment, type TimelineRow } from "./Timeline";
import { TrackPanel } from "./TrackPanel";
import { keyframeOn, isTrack, nextTrackId, type Box } from "./tracks";
import { usePlayback } from "./usePlayback";
import "./video.css";

export type VideoMedia = Extract<StageMedia, { url: string }>;

type Drag =
  | { kind: "draw"; from: Point; to: Point }
  | { kind: "move"; id: string; from: Point; original: Box; box: Box }
  | { kind: "resize"; id: string; handle: Handle; original: Box; box: Box }
  | { kind: "pan"; from: Point; start: View };

interface View {
  zoom: number;
  x: number;
  y: number;
}

const NO_OVERLAYS: NonNullable<MediaStageProps["overlays"]> = [];
const MIN_BOX_SCREEN_PX = 3;

export const VideoStage = forwardRef<StageHandle, MediaStageProps<VideoMedia>>(function VideoStage(props, ref) {
  const { schema, media, regions, selected, active, colorOf, invalid, readOnly = false } = props;
  const overlays = props.overlays ?? NO_OVERLAYS;
  const video = useRef<HTMLVideoElement>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const frameBox = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  // The frame the video presented, as `data-shown` (tests wait on it), and the ready mark
  // once the first one is on screen with the work.
  const ready = useRef(false);
  const onPresented = useCallback((at: number) => {
    viewport.current?.setAttribute("data-shown", String(at));
    if (ready.current) return;
    ready.current = true;
    latest.current.onReady?.();
  }, []);
  const playback = usePlayback(video, { fps: media.fps, frameCount: media.frameCount }, onPresented);
  const { frames, size, fps } = playback;
  const frameCount = playback.frameCount ?? 1;
  const [drag, setDrag] = useState<Drag | null>(null);
  const [view, setView] = useState<View>({ zoom: 1, x: 0, y: 0 });
  const [rangeStart, setRangeStart] = useState<number | null>(null);
  const [pxPerUnit, setPxPerUnit] = useState(1);
  const gesture = useRef(0);
  const latest = useRef(props);
  latest.current = props;

  const field = media.field.name;
  const onVideo = useMemo(() => new Set(schema.labels.filter((l) => l.source === field).map((l) => l.name)), [schema, field]);
  const tracks = useMemo(() => regions.filter((r): r is VideoTrackRegion => isTrack(r) && onVideo.has(r.label)), [regions, onVideo]);
  const segments = useMemo(() => regions.filter((r): r is VideoSegmentRegion => isSegment(r) && onVideo.has(r.label)), [regions, onVideo]);
  const activeLabel = active ? schema.labels.find((l) => l.name === active.label && l.source === field) : undefined;
  const drawClass = !readOnly && activeLabel?.type === "video_track" && active ? active : null;
  const segmentClass = !readOnly && activeLabel?.type === "video_segment" && active ? active : null;
  const selectedTrack = tracks.find((t) => t.id === selected) ?? null;
  const selectedSegment = segments.find((s) => s.id === selected) ?? null;

  // Screen pixels per video pixel at zoom 1 (the video is fitted to the stage).
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element || !size) return;
    const measure = () => {
      const rect = element.getBoundingClientRect();
      setPxPerUnit(Math.max(1e-3, Math.min(rect.width / size.width, rect.height / size.height)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [size]);

  // `data-frame` (tests wait on it) follows the store, so a step does not render the stage.
  useLayoutEffect(() => {
    const write = () => viewport.current?.setAttribute("data-frame", String(frames.get()));
    write();
    return frames.subscribe(write);
  }, [frames]);

  useLayoutEffect(() => {
    frameBox.current?.style.setProperty("transform", `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`);
  }, [view]);

  /** A pointer position in video pixels, inside the frame. */
  const toVideo = useCallback(
    (event: { clientX: number; clientY: number }): Point => {
      const rect = svg.current?.getBoundingClientRect();
      if (!rect || !size) return [0, 0];
      const s = Math.min(rect.width / size.width, rect.height / size.height);
      const x = (event.clientX - rect.left - (rect.width - size.width * s) / 2) / s;
      const y = (event.clientY - rect.top - (rect.height - size.height * s) / 2) / s;
      return [Math.min(Math.max(x, 0), size.width), Math.min(Math.max(y, 0), size.height)];
    },
    [size],
  );

  const update = useCallback((region: Region) => {
    latest.current.onUpdate(region, `video-${gesture.current++}`);
    latest.current.onGestureEnd();
  }, []);

  const trackEdit = useCallback(
    (edit: (track: VideoTrackRegion) => VideoTrackRegion["value"] | null) => {
      if (!selectedTrack || readOnly) return;
      const value = edit(selectedTrack);
      if (value && value !== selectedTrack.value) update({ ...selectedTrack, value });
    },
    [selectedTrack, readOnly, update],
  );

  const markSegment = useCallback(
    (from: number | null) => {
      if (!segmentClass) return;
      const frame = frames.get();
      if (from === null) {
        const edit = markFrame(regions, segmentClass.label, segmentClass.class, frame);
        if (edit.kind === "add") latest.current.onAdd({ label: segmentClass.label, type: "video_segment", value: edit.value });
        else if (edit.kind === "update") update(edit.region);
      } else latest.current.onAdd({ label: segmentClass.label, type: "video_segment", value: segmentBetween(segmentClass.class, from, frame) });
    },
    [segmentClass, regions, frames, update],
  );

  const jumpKeyframe = useCallback(
    (step: 1 | -1) => {
      const pool = selectedTrack ? [selectedTrack] : tracks;
      const frame = frames.get();
      const found = pool.map((t) => adjacentKeyframe(t.value.keyframes, frame, step)).filter((f): f is number => f !== null);
      if (found.length) playback.seek(step === 1 ? Math.min(...found) : Math.max(...found));
    },
    [selectedTrack, tracks, frames, playback],
  );

  const commands: Record<VideoCommand, () => void> = {
    play: playback.toggle,
    next_frame: () => playback.step(1),
    previous_frame: () => playback.step(-1),
    forward_10: () => playback.step(10),
    back_10: () => playback.step(-10),
    first_frame: () => playback.seek(0),
    last_frame: () => playback.seek(frameCount - 1),
    next_keyframe: () => jumpKeyframe(1),
    previous_keyframe: () => jumpKeyframe(-1),
    toggle_keyframe: () => {
      const frame = frames.get();
      trackEdit((t) => (keyframeOn(t.value.keyframes, frame) >= 0 ? withoutKeyframe(t.value, frame) : withKeyframe(t.value, frame)));
    },
    toggle_outside: () => trackEdit((t) => toggleOutside(t.value, frames.get())),
    mark_frame: () => markSegment(null),
    mark_range: () => {
      if (!segmentClass) return;
      if (rangeStart === null) setRangeStart(frames.get());
      else {
        markSegment(rangeStart);
        setRangeStart(null);
      }
    },
  };
  const run = useRef(commands);
  run.current = commands;
  const runCommand = useCallback((command: VideoCommand) => run.current[command](), []);

  const picked = useMemo(() => pickKeys(schema, readOnly), [schema, readOnly]);
  const stageKeys = useMemo<StageKey[]>(() => picked.map((k) => ({ hotkey: k.hotkey, description: k.description, run: () => run.current[k.command]() })), [picked]);
  const { onKeys } = props;
  useEffect(() => onKeys?.(stageKeys), [onKeys, stageKeys]);
  const keyOf = useCallback((command: VideoCommand) => picked.find((k) => k.command === command)?.hotkey, [picked]);

  useImperativeHandle(
    ref,
    () => ({
      zoomBy(factor) {
        const rect = viewport.current?.getBoundingClientRect();
        if (!rect) return;
        setView((v) => {
          const zoom = Math.min(Math.max(v.zoom * factor, 1), 16);
          const [cx, cy] = [rect.width / 2, rect.height / 2];
          return zoom === 1 ? { zoom, x: 0, y: 0 } : { zoom, x: cx - ((cx - v.x) / v.zoom) * zoom, y: cy - ((cy - v.y) / v.zoom) * zoom };
        });
      },
      fit() {
        setView({ zoom: 1, x: 0, y: 0 });
      },
      finishShape() {},
      cancelShape() {
        if (rangeStart === null) return false;
        setRangeStart(null);
        return true;
      },
      undoPoint: () => false,
    }),
    [rangeStart],
  );

  function begin(event: ReactPointerEvent, next: Drag) {
    event.preventDefault();
    event.stopPropagation();
    viewport.current?.setPointerCapture(event.pointerId);
    viewport.current?.focus({ preventScroll: true });
    playback.pause();
    setDrag(next);
  }

  function onBackgroundDown(event: ReactPointerEvent<HTMLDivElement>) {
    if (!size) return;
    if (event.button === 1 || event.button === 2) {
      begin(event, { kind: "pan", from: [event.clientX, event.clientY], start: view });
      return;
    }
    if (event.button !== 0) return;
    props.onSelect(null);
    if (drawClass) {
      const p = toVideo(event);
      begin(event, { kind: "draw", from: p, to: p });
    }
  }

  const onBoxDown = useCallback(
    (event: ReactPointerEvent, shown: ShownBox) => {
      if (event.button !== 0) return;
      const current = latest.current;
      if (shown.source === "prediction") {
        event.preventDefault();
        event.stopPropagation();
        current.onAcceptPrediction(shown.region);
        return;
      }
      if (shown.source !== "work") {
        if (!current.onOverlayPick) return;
        event.preventDefault();
        event.stopPropagation();
        current.onOverlayPick(shown.source, shown.region);
        return;
      }
      current.onSelect(shown.region.id);
      if (current.readOnly) {
        event.stopPropagation();
        return;
      }
      begin(event, { kind: "move", id: shown.region.id, from: toVideo(event), original: shown.box, box: shown.box });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [toVideo],
  );

  function onHandleDown(event: ReactPointerEvent, handle: Handle, box: Box) {
    if (event.button !== 0 || readOnly || !selectedTrack) return;
    begin(event, { kind: "resize", id: selectedTrack.id, handle, original: box, box });
  }

  function onPointerMove(event: ReactPointerEvent) {
    if (!drag || !size) return;
    if (drag.kind === "pan") {
      setView({ ...drag.start, x: drag.start.x + event.clientX - drag.from[0], y: drag.start.y + event.clientY - drag.from[1] });
      return;
    }
    const p = toVideo(event);
    if (drag.kind === "draw") setDrag({ ...drag, to: p });
    else if (drag.kind === "move") {
      const moved = { ...drag.original, x: drag.original.x + p[0] - drag.from[0], y: drag.original.y + p[1] - drag.from[1] };
      setDrag({ ...drag, box: clampBox(moved, size.width, size.height) });
    } else {
      const resized = resizeBox({ ...drag.original, rotation: 0 }, drag.handle, p);
      setDrag({ ...drag, box: clampBox({ x: resized.x, y: resized.y, width: resized.width, height: resized.height }, size.width, size.height) });
    }
  }

  function onPointerUp(event: ReactPointerEvent) {
    if (!drag) return;
    viewport.current?.releasePointerCapture(event.pointerId);
    setDrag(null);
    if (!size || drag.kind === "pan") return;
    if (drag.kind === "draw") {
      const box = rectOf(drag.from, drag.to);
      const screen = pxPerUnit * view.zoom;
      if (drawClass && box.width * screen >= MIN_BOX_SCREEN_PX && box.height * screen >= MIN_BOX_SCREEN_PX) {
        props.onAdd({ label: drawClass.label, type: "video_track", value: newTrack(drawClass.class, nextTrackId(regions), frames.get(), box) });
      }
      return;
    }
    const track = tracks.find((t) => t.id === drag.id);
    const moved = roundBox(drag.box);
    const before = roundBox(drag.original);
    if (!track || (moved.x === before.x && moved.y === before.y && moved.width === before.width && moved.height === before.height)) return;
    update({ ...track, value: withBox(track.value, frames.get(), moved) });
  }

  const editing = drag && (drag.kind === "move" || drag.kind === "resize") ? drag : null;

  const timelineRows = useMemo<TimelineRow[]>(() => {
    const segmentLabels = schema.labels.filter((l) => l.type === "video_segment" && l.source === field);
    const others: OtherSegment[] = [
      ...props.predictions.filter(isSegment).map((segment) => ({ segment, source: "prediction", color: colorOf(segment) })),
      ...overlays.flatMap((o) => o.regions.filter(isSegment).map((segment) => ({ segment, source: o.id, color: o.color }))),
    ];
    return [
      ...segmentLabels.map((l) => ({
        kind: "segments" as const,
        label: l.name,
        segments: segments.filter((s) => s.label === l.name),
        others: others.filter((o) => o.segment.label === l.name),
      })),
      ...tracks.map((track) => ({ kind: "track" as const, track })),
    ];
  }, [schema, field, segments, tracks, props.predictions, overlays, colorOf]);

  const onPickOther = useCallback((other: OtherSegment) => {
    const current = latest.current;
    if (other.source === "prediction") {
      if (!current.readOnly) current.onAcceptPrediction(other.segment);
    } else current.onOverlayPick?.(other.source, other.segment);
  }, []);

  const onKeyframeAttribute = useCallback(
    (name: string, value: AttributeValue | undefined) => {
      const frame = frames.get();
      trackEdit((t) => withKeyframeAttribute(withKeyframe(t.value, frame), frame, name, value));
    },
    [trackEdit, frames],
  );
  const onSegmentEdge = useCallback(
    (edge: "start" | "end") => {
      if (!selectedSegment || readOnly) return;
      const value = withEdge(selectedSegment.value, edge, frames.get());
      if (value) update({ ...selectedSegment, value });
    },
    [selectedSegment, readOnly, update, frames],
  );

  const preview = drag?.kind === "draw" ? rectOf(drag.from, drag.to) : null;
  const unit = 1 / (pxPerUnit * view.zoom);
  const gestureClass = drag ? ` video-stage__view--${drag.kind}` : "";
  return (
    <div className={`video-stage${readOnly ? " video-stage--readonly" : ""}`}>
      <div
        ref={viewport}
        className={`video-stage__view${drawClass ? " video-stage__view--draw" : ""}${gestureClass}`}
        role="application"
        aria-label="Video canvas"
        aria-roledescription="video annotation surface"
        data-fps={fps ?? ""}
        data-frame-count={playback.frameCount ?? ""}
        data-playing={playback.playing}
        tabIndex={-1}
        onPointerDown={onBackgroundDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onContextMenu={(e) => e.preventDefault()}
      >
        <div ref={frameBox} className="video-stage__frame">
          <video ref={video} className="video-stage__video" src={media.url} preload="auto" muted playsInline disablePictureInPicture aria-label={`Video ${media.field.name}`} />
          {size && (
            <svg ref={svg} className="video-stage__boxes" viewBox={`0 0 ${size.width} ${size.height}`} preserveAspectRatio="xMidYMid meet">
              <FrameBoxes
                frames={frames}
                tracks={tracks}
                predictions={props.predictions}
                overlays={overlays}
                editing={editing}
                colorOf={colorOf}
                selected={selected}
                invalid={invalid}
                unit={unit}
                interactive={!drag}
                onDown={onBoxDown}
                withSelected={readOnly ? undefined : (box) => <Handles box={box} unit={unit} onDown={onHandleDown} />}
              />
              {preview && drawClass && (
                <rect className="video-box__preview" x={preview.x} y={preview.y} width={preview.width} height={preview.height} stroke={colorOf({ label: drawClass.label, value: { class: drawClass.class } })} vectorEffect="non-scaling-stroke" />
              )}
            </svg>
          )}
        </div>
        {playback.error && (
          <p role="alert" className="error video-stage__error">
            {playback.error}
          </p>
        )}
      </div>
      <Transport playback={playback} frameCount={frameCount} keyOf={keyOf} run={runCommand} segments={segments} />
      <TrackPanel
        frames={frames}
        track={selectedTrack}
        trackLabel={selectedTrack ? schema.labels.find((l) => l.name === selectedTrack.label) : undefined}
        segment={selectedSegment}
        segmentClass={segmentClass?.class ?? null}
        rangeStart={rangeStart}
        readOnly={readOnly}
        keyOf={keyOf}
        run={runCommand}
        onKeyframeAttribute={onKeyframeAttribute}
        onSegmentEdge={onSegmentEdge}
        onSeek={playback.seek}
      />
      {fps !== null && (
        <Timeline rows={timelineRows} frameCount={frameCount} frames={frames} fps={fps} selected={selected} rangeStart={rangeStart} colorOf={colorOf} onSeek={playback.seek} onSelect={props.onSelect} onPickOther={onPickOther} />
      )}
    </div>
  );
});

function rectOf(a: Point, b: Point): Box {
  return { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), width: Math.abs(b[0] - a[0]), height: Math.abs(b[1] - a[1]) };
}

const HANDLES: Handle[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

function Handles({ box, unit, onDown }: { box: Box; unit: number; onDown: (event: ReactPointerEvent, handle: Handle, box: Box) => void }) {
  const size = 10 * unit;
  const xs = { w: box.x, c: box.x + box.width / 2, e: box.x + box.width };
  const ys = { n: box.y, c: box.y + box.height / 2, s: box.y + box.height };
  const at: Record<Handle, Point> = { nw: [xs.w, ys.n], n: [xs.c, ys.n], ne: [xs.e, ys.n], e: [xs.e, ys.c], se: [xs.e, ys.s], s: [xs.c, ys.s], sw: [xs.w, ys.s], w: [xs.w, ys.c] };
  return (
    <g className="video-handles">
      {HANDLES.map((h) => (
        <rect key={h} className={`handle handle--${h}`} data-handle={h} x={at[h][0] - size / 2} y={at[h][1] - size / 2} width={size} height={size} onPointerDown={(e) => onDown(e, h, box)} />
      ))}
    </g>
  );
}

function Transport({ playback, frameCount, keyOf, run, segments }: { playback: ReturnType<typeof usePlayback>; frameCount: number; keyOf: (c: VideoCommand) => string | undefined; run: (c: VideoCommand) => void; segments: readonly VideoSegmentRegion[] }) {
  const { fps, playing } = playback;
  return (
    <div className="video-transport" role="toolbar" aria-label="Playback">
      <TransportButtons fps={fps} playing={playing} keyOf={keyOf} run={run} />
      <Readout frames={playback.frames} frameCount={frameCount} fps={fps} fpsSource={playback.fpsSource} segments={segments} />
    </div>
  );
}

/** The frame, its time, the rate and this frame's segment classes: all that a step renders here. */
function Readout({ frames, frameCount, fps, fpsSource, segments }: { frames: FrameStore; frameCount: number; fps: number | null; fpsSource: ReturnType<typeof usePlayback>["fpsSource"]; segments: readonly VideoSegmentRegion[] }) {
  const frame = useFrame(frames);
  const here = segmentsAt(segments, frame)
    .map((s) => s.value.class)
    .join(", ");
  return (
    <span className="video-transport__readout">
      Frame <output aria-label="Current frame">{frame}</output> / {Math.max(frameCount - 1, 0)}
      {fps !== null && (
        <>
          {" · "}
          {timecode(frame, fps)} · {Number(fps.toFixed(3))} fps{fpsSource === "task" ? "" : fpsSource === "measured" ? " (measured)" : " (assumed)"}
        </>
      )}
      {here && <> · {here}</>}
    </span>
  );
}

/** The buttons: the same on every frame, so not rendered again per step. */
const TransportButtons = memo(function TransportButtons({ fps, playing, keyOf, run }: { fps: number | null; playing: boolean; keyOf: (c: VideoCommand) => string | undefined; run: (c: VideoCommand) => void }) {
  const button = (command: VideoCommand, text: string, label: string) => (
    <button type="button" aria-label={label} title={keyOf(command) ? `${label} (${keyOf(command)})` : label} onClick={() => run(command)} disabled={fps === null}>
      {text}
    </button>
  );
  return (
    <>
      {button("first_frame", "First", "First frame")}
      {button("back_10", "−10", "−10 frames")}
      {button("previous_frame", "−1", "−1 frame")}
      {button("play", playing ? "Pause" : "Play", playing ? "Pause" : "Play")}
      {button("next_frame", "+1", "+1 frame")}
      {button("forward_10", "+10", "+10 frames")}
      {button("last_frame", "Last", "Last frame")}
    </>
  );
});
