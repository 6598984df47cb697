/**
 * The stage for a recording: its waveform (drawn on a canvas from the server's summary of
 * peaks at once, peaks.ts, and its fine peaks when zoomed closer than the summary's blocks;
 * from the file decoded in the browser when the server cannot make them), a playhead,
 * playback with a speed, and the work's
 * segments on lanes under it. A drag on the waveform with a segment class picked makes a
 * segment; a click seeks. A segment's edges resize it and its body moves it; the selected
 * segment gets a text box per transcription label. The <audio> element streams the file
 * from the media route (range requests), so playback starts before the waveform is drawn.
 */
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { AudioSegmentRegion, Region } from "../../lib/regions";
import { wheelZoomFactor } from "../../lib/viewport";
import type { StageHandle } from "../ImageStage";
import type { MediaStageProps, StageKey } from "../MediaStage";
import type { StageMedia } from "../taskMedia";
import "./audio.css";
import { audioKeys, SPEEDS, stepSpeed, type AudioAction } from "./keys";
import { bandsHeight as heightOf, layoutBands, type Band } from "./bands";
import { BandRows, SegmentBands, type BandOf } from "./SegmentBands";
import { isSegment, moveRange, rangeFromDrag, resizeRange, partAt, segmentInFocus, segmentsOf, transcriptionLabels } from "./segments";
import { clampView, fitView, follow, formatTick, formatTime, scrollBy, ticks, timeAt, xAt, zoomAt, type TimeView } from "./timeline";
import { Transcriptions } from "./Transcriptions";
import { decodeRecording, drawWaveform, loadSummary, type Decoded, type Mark } from "./decode";
import { needsSamples } from "./waveform";

export type RecordingMedia = Extract<StageMedia, { url: string }>;

/** A press that moves less than this is a click (seek, select), not a drag. */
const CLICK_PX = 3;

type Drag =
  | { kind: "press"; x0: number; t0: number; create: boolean }
  | { kind: "create"; x0: number; t0: number; t1: number }
  | { kind: "move"; x0: number; t0: number; original: AudioSegmentRegion }
  | { kind: "resize"; x0: number; edge: "start" | "end"; original: AudioSegmentRegion };

/** `note`: why the waveform came from the file rather than the server's summary. */
type Loaded = { status: "loading" } | { status: "ready"; decoded: Decoded; note?: string } | { status: "failed"; message: string };
/** The fine peaks for close zoom: not needed yet, under way, done, or failed (why). */
type Detail = { status: "idle" | "loading" | "done" } | { status: "failed"; message: string };

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const NO_OVERLAYS: NonNullable<MediaStageProps["overlays"]> = [];

export const AudioStage = forwardRef<StageHandle, MediaStageProps<RecordingMedia>>(function AudioStage(props, ref) {
  const { schema, media, regions, predictions, selected, active, invalid, colorOf, readOnly = false } = props;
  const overlays = props.overlays ?? NO_OVERLAYS;
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const waveBox = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const spacer = useRef<HTMLDivElement>(null);
  const playhead = useRef<SVGLineElement>(null);
  const bandPlayhead = useRef<HTMLDivElement>(null);
  const bandsBox = useRef<HTMLDivElement>(null);
  const clock = useRef<HTMLSpanElement>(null);
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });
  const [metaDuration, setMetaDuration] = useState(0);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [view, setView] = useState<TimeView>({ start: 0, pxPerS: 1, width: 0, duration: 0 });
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);
  const [playError, setPlayError] = useState<string | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [editing, setEditing] = useState<AudioSegmentRegion | null>(null);
  const stopAt = useRef<number | null>(null);
  const gesture = useRef(0);
  const latest = useRef(props);
  latest.current = props;

  // The length: the file's own (the <audio> element reads it from the header), else the
  // decoded buffer's; a stored end never passes it.
  const duration = metaDuration > 0 ? metaDuration : loaded.status === "ready" ? loaded.decoded.duration : 0;
  const field = media.field.name;
  const segments = useMemo(() => segmentsOf(schema, regions, field), [schema, regions, field]);
  const segmentLabels = useMemo(() => new Set(schema.labels.filter((l) => l.type === "audio_segment" && l.source === field).map((l) => l.name)), [schema, field]);
  const drawing = active && segmentLabels.has(active.label) && !readOnly ? active : null;
  const focus = segmentInFocus(regions, selected);

  // The server's summary once per recording, else the file decoded here; the fetches are
  // dropped when the task changes.
  const [detail, setDetail] = useState<Detail>({ status: "idle" });
  const detailSignal = useRef<AbortSignal | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    detailSignal.current = signal;
    setLoaded({ status: "loading" });
    setDetail({ status: "idle" });
    loadSummary(media.url, signal).then(
      (decoded) => signal.aborted || setLoaded({ status: "ready", decoded }),
      (error: unknown) => {
        if (signal.aborted) return;
        const why = reason(error);
        setDetail({ status: "loading" });
        decodeRecording(media.url, signal).then(
          (decoded) => {
            if (signal.aborted) return;
            setLoaded({ status: "ready", decoded, note: `drawn from the file in the browser, as the server could not summarise it: ${why}` });
            setDetail({ status: "done" });
          },
          (failure: unknown) => signal.aborted || setLoaded({ status: "failed", message: `${reason(failure)} (and the server could not summarise it: ${why})` }),
        );
      },
    );
    return () => controller.abort();
  }, [media.url]);

  // Zoomed closer than the summary's blocks: the fine peaks, fetched once.
  const wantsFine = loaded.status === "ready" && loaded.decoded.detail === "summary" && detail.status === "idle" && needsSamples(loaded.decoded.peaks.source, view.pxPerS);
  useEffect(() => {
    const signal = detailSignal.current;
    if (!wantsFine || !signal) return;
    setDetail({ status: "loading" });
    loadSummary(media.url, signal, true).then(
      (decoded) => {
        if (signal.aborted) return;
        setLoaded((l) => (l.status === "ready" ? { status: "ready", decoded } : l));
        setDetail({ status: "done" });
      },
      (error: unknown) => signal.aborted || setDetail({ status: "failed", message: reason(error) }),
    );
  }, [wantsFine, media.url]);

  useLayoutEffect(() => {
    const element = waveBox.current;
    if (!element) return;
    const measure = () => {
      const rect = element.getBoundingClientRect();
      setSize((s) => (s.width === Math.round(rect.width) && s.height === Math.round(rect.height) ? s : { width: Math.round(rect.width), height: Math.round(rect.height) }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A new width or length keeps the zoom when it can; the first one fits the recording.
  useEffect(() => {
    if (size.width === 0) return;
    setView((v) => (v.duration === 0 || v.width === 0 ? fitView(size.width, duration) : clampView({ ...v, width: size.width, duration })));
  }, [size.width, duration]);

  // Ready once the recording's length is known and its waveform drawn (or known not to be).
  const ready = useRef(false);
  useEffect(() => {
    if (ready.current || view.width === 0 || loaded.status === "loading") return;
    ready.current = true;
    latest.current.onReady?.();
  }, [loaded, view.width]);

  // The scrollbar under the waveform spans the recording at the current zoom.
  useLayoutEffect(() => {
    spacer.current?.style.setProperty("width", `${Math.ceil(view.duration * view.pxPerS)}px`);
    const element = scroller.current;
    const left = view.start * view.pxPerS;
    if (element && Math.abs(element.scrollLeft - left) > 1) element.scrollLeft = left;
  }, [view]);

  const viewRef = useRef(view);
  viewRef.current = view;
  const placePlayhead = useCallback(() => {
    const element = audio.current;
    if (!element) return;
    const x = xAt(viewRef.current, element.currentTime);
    playhead.current?.setAttribute("x1", String(x));
    playhead.current?.setAttribute("x2", String(x));
    bandPlayhead.current?.style.setProperty("transform", `translateX(${x}px)`);
    if (clock.current) clock.current.textContent = formatTime(element.currentTime);
  }, []);
  useLayoutEffect(placePlayhead, [view, placePlayhead, segments.length]);

  // While playing: the playhead follows the sound, a played segment stops at its end.
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const element = audio.current;
      if (element) {
        if (stopAt.current !== null && element.currentTime >= stopAt.current) {
          element.pause();
          element.currentTime = stopAt.current;
          stopAt.current = null;
        }
        const next = follow(viewRef.current, element.currentTime);
        if (next !== viewRef.current) setView(next);
        placePlayhead();
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, placePlayhead]);

  const seek = useCallback(
    (t: number) => {
      const element = audio.current;
      if (!element) return;
      stopAt.current = null;
      element.currentTime = Math.min(Math.max(0, t), duration || Infinity);
      placePlayhead();
    },
    [duration, placePlayhead],
  );

  const play = useCallback((from?: number, until?: number) => {
    const element = audio.current;
    if (!element) return;
    if (from !== undefined) element.currentTime = from;
    stopAt.current = until ?? null;
    element.play().catch((error: unknown) => setPlayError(error instanceof Error ? error.message : String(error)));
  }, []);

  const togglePlay = useCallback(() => {
    const element = audio.current;
    if (!element) return;
    if (element.paused) play();
    else element.pause();
  }, [play]);

  const playSegment = useCallback(() => {
    const segment = segmentInFocus(latest.current.regions, latest.current.selected);
    if (segment) play(segment.value.start, segment.value.end);
  }, [play]);

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = rate;
  }, [rate]);

  // The stage's keys, free in the schema's keymap (keys.ts), listed in the help overlay.
  const chosen = useMemo(() => audioKeys(schema), [schema]);
  const actions = useRef<Record<AudioAction, () => void>>({} as Record<AudioAction, () => void>);
  actions.current = {
    play_pause: togglePlay,
    play_segment: playSegment,
    back: () => seek((audio.current?.currentTime ?? 0) - 1),
    forward: () => seek((audio.current?.currentTime ?? 0) + 1),
    back_far: () => seek((audio.current?.currentTime ?? 0) - 5),
    forward_far: () => seek((audio.current?.currentTime ?? 0) + 5),
    slower: () => setRate((r) => stepSpeed(r, -1)),
    faster: () => setRate((r) => stepSpeed(r, 1)),
  };
  const { onKeys } = props;
  useEffect(() => {
    const keys: StageKey[] = chosen.map((k) => ({ hotkey: k.hotkey, description: k.description, run: () => actions.current[k.action]() }));
    onKeys?.(keys);
  }, [chosen, onKeys]);
  useEffect(() => () => latest.current.onKeys?.([]), []);

  const zoomAround = useCallback((factor: number, x?: number) => {
    setView((v) => {
      const t = audio.current?.currentTime ?? 0;
      const anchor = x ?? (t >= v.start && xAt(v, t) <= v.width ? xAt(v, t) : v.width / 2);
      return zoomAt(v, factor, anchor);
    });
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      zoomBy: (factor) => zoomAround(factor),
      fit: () => setView((v) => fitView(v.width, v.duration)),
      finishShape: () => undefined,
      cancelShape() {
        if (!drag) return false;
        setDrag(null);
        setEditing(null);
        return true;
      },
      undoPoint: () => false,
    }),
    [zoomAround, drag],
  );

  // Wheel: zoom about the pointer; with shift, or a sideways wheel, scroll in time. The
  // wheel's steps add up until the next frame, which draws them once (a trackpad sends
  // several a frame, each a new zoom level).
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    const pending = { factor: 1, dx: 0, x: 0, frame: 0 };
    const apply = () => {
      const { factor, dx, x } = pending;
      Object.assign(pending, { factor: 1, dx: 0, frame: 0 });
      setView((v) => {
        const scrolled = dx !== 0 ? scrollBy(v, dx) : v;
        return factor !== 1 ? zoomAt(scrolled, factor, x) : scrolled;
      });
    };
    const onWheel = (event: WheelEvent) => {
      if (!(event.target instanceof Element) || !event.target.closest(".audio-stage__timeline")) return;
      event.preventDefault();
      const sideways = Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (event.shiftKey || sideways) pending.dx += sideways ? event.deltaX : event.deltaY;
      else {
        pending.factor *= wheelZoomFactor(event.deltaY, event.deltaMode);
        pending.x = event.clientX - (waveBox.current?.getBoundingClientRect().left ?? 0);
      }
      if (!pending.frame) pending.frame = requestAnimationFrame(apply);
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      element.removeEventListener("wheel", onWheel);
      cancelAnimationFrame(pending.frame);
    };
  }, []);

  function localX(event: { clientX: number }): number {
    return event.clientX - (waveBox.current?.getBoundingClientRect().left ?? 0);
  }

  function capture(event: ReactPointerEvent) {
    event.preventDefault();
    event.stopPropagation();
    root.current?.focus({ preventScroll: true });
    root.current?.setPointerCapture(event.pointerId);
    gesture.current += 1;
  }

  function onWaveDown(event: ReactPointerEvent) {
    if (event.button !== 0 || view.width === 0) return;
    capture(event);
    const x = localX(event);
    setDrag({ kind: "press", x0: x, t0: timeAt(view, x), create: drawing !== null });
  }

  const onSegmentDown = useCallback((event: ReactPointerEvent, band: BandOf, segment: AudioSegmentRegion) => {
    if (event.button !== 0) return;
    const current = latest.current;
    if (band.kind === "overlay") {
      event.preventDefault();
      event.stopPropagation();
      current.onOverlayPick?.(band.id, segment);
      return;
    }
    if (band.kind === "predictions") {
      event.preventDefault();
      event.stopPropagation();
      current.onAcceptPrediction(segment);
      return;
    }
    capture(event);
    current.onSelect(segment.id);
    if (current.readOnly) return;
    const v = viewRef.current;
    const x = localX(event);
    const part = partAt(x, xAt(v, segment.value.start), xAt(v, segment.value.end));
    setDrag(part === "body" ? { kind: "move", x0: x, t0: timeAt(v, x), original: segment } : { kind: "resize", x0: x, edge: part, original: segment });
    setEditing(segment);
  }, []);

  function onPointerMove(event: ReactPointerEvent) {
    if (!drag) return;
    const x = localX(event);
    const t = timeAt(view, x);
    switch (drag.kind) {
      case "press":
        if (drag.create && Math.abs(x - drag.x0) >= CLICK_PX) setDrag({ kind: "create", x0: drag.x0, t0: drag.t0, t1: t });
        return;
      case "create":
        setDrag({ ...drag, t1: t });
        return;
      case "move":
        if (Math.abs(x - drag.x0) >= CLICK_PX || editing !== drag.original) setEditing({ ...drag.original, value: { ...drag.original.value, ...moveRange(drag.original.value, t - drag.t0, duration) } });
        return;
      case "resize":
        setEditing({ ...drag.original, value: { ...drag.original.value, ...resizeRange(drag.original.value, drag.edge, t, duration) } });
        return;
    }
  }

  function onPointerUp(event: ReactPointerEvent) {
    if (!drag) return;
    if (root.current?.hasPointerCapture(event.pointerId)) root.current.releasePointerCapture(event.pointerId);
    if (drag.kind === "press") {
      props.onSelect(null);
      seek(drag.t0);
    } else if (drag.kind === "create" && drawing) {
      const range = rangeFromDrag(drag.t0, timeAt(view, localX(event)), duration);
      if (range) props.onAdd({ label: drawing.label, type: "audio_segment", value: { class: drawing.class, ...range } });
    } else if ((drag.kind === "move" || drag.kind === "resize") && editing && editing !== drag.original) {
      props.onUpdate(editing, `gesture-${gesture.current}`);
      props.onGestureEnd();
    }
    setDrag(null);
    setEditing(null);
  }

  // The work's segments (the one being dragged as it is now), then suggestions and overlays.
  const shown = useMemo(() => (editing ? segments.map((s) => (s.id === editing.id ? editing : s)) : segments), [segments, editing]);
  // The work's segments tint the waveform (drawn on its canvas, not one element each).
  const marks = useMemo<Mark[]>(() => shown.map((s) => ({ start: s.value.start, end: s.value.end, color: colorOf(s), alpha: s.id === focus?.id ? 0.35 : 0.18 })), [shown, colorOf, focus?.id]);
  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element || size.width === 0 || view.width === 0) return;
    drawWaveform(element, loaded.status === "ready" ? loaded.decoded.peaks : null, view, size.height, marks);
  }, [loaded, view, size.height, size.width, marks]);
  const predicted = useMemo(() => predictions.filter(isSegment), [predictions]);
  const bands = useMemo(() => {
    const out: Band[] = [{ id: "work", kind: "work", title: readOnly ? "Segments" : "Segments: drag on the waveform to add one", segments: shown }];
    if (predicted.length > 0) out.push({ id: "predictions", kind: "predictions", title: "Suggestions", segments: predicted });
    for (const overlay of overlays) {
      const name = "name" in overlay && typeof overlay.name === "string" ? overlay.name : `Answer ${overlay.id}`;
      out.push({ id: overlay.id, kind: "overlay", title: name, color: overlay.color, segments: overlay.regions.filter(isSegment) });
    }
    return out;
  }, [shown, predicted, overlays, readOnly]);
  const layout = useMemo(() => layoutBands(bands), [bands]);
  const bandsHeight = heightOf(layout);
  useLayoutEffect(() => bandsBox.current?.style.setProperty("height", `${bandsHeight}px`), [bandsHeight]);
  const segmentColor = useCallback((segment: AudioSegmentRegion) => colorOf(segment), [colorOf]);
  const preview = drag?.kind === "create" ? rangeFromDrag(drag.t0, drag.t1, duration) : null;
  const ruler = useMemo(() => ticks(view), [view]);
  const labels = useMemo(() => transcriptionLabels(schema, field), [schema, field]);
  const keyOf = (action: AudioAction) => chosen.find((k) => k.action === action)?.hotkey;

  return (
    <div
      ref={root}
      className={`audio-stage${readOnly ? " audio-stage--readonly" : ""}${drag ? " audio-stage--dragging" : ""}`}
      tabIndex={-1}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <audio
        ref={audio}
        src={media.url}
        preload="metadata"
        onLoadedMetadata={(e) => Number.isFinite(e.currentTarget.duration) && setMetaDuration(e.currentTarget.duration)}
        onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setMetaDuration(e.currentTarget.duration)}
        onPlay={() => setPlaying(true)}
        onPause={() => {
          setPlaying(false);
          placePlayhead();
        }}
        onSeeked={placePlayhead}
        onError={() => setPlayError("the browser cannot play this file")}
      />
      <div className="audio-stage__transport" role="toolbar" aria-label="Playback">
        <button type="button" onClick={togglePlay} aria-keyshortcuts={keyOf("play_pause")}>
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" onClick={playSegment} disabled={!focus} aria-keyshortcuts={keyOf("play_segment")}>
          Play segment
        </button>
        <span className="audio-stage__clock" role="timer" aria-label="Playback position">
          <span ref={clock}>{formatTime(0)}</span> / {formatTime(duration)}
        </span>
        <label className="audio-stage__speed">
          Speed{" "}
          <select value={rate} onChange={(e) => setRate(Number(e.target.value))} aria-label="Playback speed">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        {loaded.status === "loading" && <span className="muted">Drawing the waveform…</span>}
        {loaded.status === "ready" && detail.status === "loading" && <span className="muted">Fetching the fine peaks for close zoom…</span>}
        {loaded.status === "ready" && detail.status === "failed" && <span className="muted">Close up the waveform shows blocks of samples: {detail.message}.</span>}
        {loaded.status === "ready" && loaded.note && <span className="muted">Waveform {loaded.note}.</span>}
        {loaded.status === "failed" && (
          <span role="alert" className="error">
            The waveform could not be drawn: {loaded.message}.
          </span>
        )}
        {playError && (
          <span role="alert" className="error">
            The recording cannot be played: {playError}.
          </span>
        )}
      </div>
      <div className="audio-stage__timeline">
        <div
          ref={waveBox}
          className={`audio-stage__wave${drawing ? " audio-stage__wave--draw" : ""}`}
          role="application"
          aria-label="Waveform"
          aria-roledescription="waveform"
          data-start={view.start}
          data-px-per-s={view.pxPerS}
          data-duration={duration}
          onPointerDown={onWaveDown}
        >
          <canvas ref={canvas} className="audio-stage__canvas" />
          <svg className="audio-stage__marks" width={view.width} height={size.height}>
            {ruler.times.map((t) => (
              <g key={t} className="audio-stage__tick">
                <line x1={xAt(view, t)} x2={xAt(view, t)} y1={0} y2={6} />
                <text x={xAt(view, t) + 3} y={14}>
                  {formatTick(t, ruler.step)}
                </text>
              </g>
            ))}
            {preview && drawing && (
              <rect
                className="audio-stage__preview"
                x={xAt(view, preview.start)}
                y={0}
                width={(preview.end - preview.start) * view.pxPerS}
                height={size.height}
                fill={colorOf({ label: drawing.label, value: { class: drawing.class } } as Pick<Region, "label" | "value">)}
              />
            )}
            <line ref={playhead} className="audio-stage__playhead" y1={0} y2={size.height} />
          </svg>
        </div>
        <div ref={bandsBox} className="audio-stage__bands" role="group" aria-label="Segments">
          <BandRows layout={layout} />
          <SegmentBands
            layout={layout}
            view={view}
            heightPx={bandsHeight}
            selected={selected}
            invalid={invalid}
            colorOf={segmentColor}
            interactive
            pickable={props.onOverlayPick !== undefined}
            onDown={onSegmentDown}
          />
          <div ref={bandPlayhead} className="audio-stage__band-playhead" />
        </div>
        <div
          ref={scroller}
          className="audio-stage__scroll"
          onScroll={(e) => {
            const left = e.currentTarget.scrollLeft;
            setView((v) => (Math.abs(v.start * v.pxPerS - left) > 1 ? clampView({ ...v, start: left / v.pxPerS }) : v));
          }}
        >
          <div ref={spacer} className="audio-stage__spacer" />
        </div>
      </div>
      <Transcriptions
        labels={labels}
        segment={focus}
        regions={regions}
        readOnly={readOnly}
        onAdd={props.onAdd}
        onUpdate={props.onUpdate}
        onGestureEnd={props.onGestureEnd}
        onSelect={props.onSelect}
      />
    </div>
  );
});
