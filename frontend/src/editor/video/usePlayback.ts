/**
 * The <video> element driven frame by frame. The stage shows frame k by seeking to the
 * middle of its interval, (k + 0.5) / fps, and confirms what the element presented with
 * requestVideoFrameCallback's `mediaTime` (the presented frame's own timestamp), which is
 * also how playback reports its frame: once per presented frame, not per animation frame.
 * Seeks are coalesced: while one is in flight only the latest target waits, so scrubbing
 * through a long video never queues hundreds of decodes.
 *
 * The frame rate is the task's `fps` (or `frame_rate`) when given; else it is measured by
 * playing the first frames muted and reading their timestamps (frames.ts estimateFps); a
 * browser without requestVideoFrameCallback is assumed to show 25 fps, and says so.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { clampFrame, estimateFps, frameCountOf, frameOfMediaTime, frameOfTime, frameTime } from "./frames";
import { createFrameStore, type FrameStore } from "./frameStore";

export type FpsSource = "task" | "measured" | "assumed";

export interface Playback {
  fps: number | null;
  fpsSource: FpsSource | null;
  frameCount: number | null;
  size: { width: number; height: number } | null;
  /** The frame the stage shows and edits: the one asked for, or the one playing (a store,
   * so that a step renders only what shows the frame). */
  frames: FrameStore;
  playing: boolean;
  error: string | null;
  seek(frame: number): void;
  step(by: number): void;
  toggle(): void;
  pause(): void;
}

interface FrameMetadata {
  mediaTime: number;
}
type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: (now: number, metadata: FrameMetadata) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

const ASSUMED_FPS = 25;
const MEASURE_FRAMES = 8;
const MEASURE_MS = 1500;

/**
 * `onPresented` hears each frame the element presents (by `mediaTime`): outside React's
 * state, so confirming a step costs no second render.
 */
export function usePlayback(
  video: React.RefObject<HTMLVideoElement | null>,
  given: { fps?: number; frameCount?: number },
  onPresented: (frame: number) => void,
): Playback {
  const [fps, setFps] = useState<number | null>(given.fps ?? null);
  const [fpsSource, setFpsSource] = useState<FpsSource | null>(given.fps ? "task" : null);
  const [duration, setDuration] = useState<number | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [frames] = useState(createFrameStore);
  const presented = useRef(onPresented);
  presented.current = onPresented;
  const setShown = useCallback((at: number) => presented.current(at), []);
  const [playing, setPlaying] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fpsRef = useRef(fps);
  fpsRef.current = fps;
  const frameCount = fps !== null && duration !== null ? frameCountOf(duration, fps, given.frameCount) : (given.frameCount ?? null);
  const countRef = useRef(frameCount);
  countRef.current = frameCount;
  const pending = useRef<number | null>(null);
  const measuring = useRef<number[] | null>(null);
  const playingRef = useRef(false);

  const seekElement = useCallback((target: number) => {
    const element = video.current;
    if (!element) return;
    if (element.seeking) pending.current = target;
    else {
      pending.current = null;
      element.currentTime = target;
    }
  }, [video]);

  const seek = useCallback(
    (to: number) => {
      const element = video.current;
      const rate = fpsRef.current;
      if (!element || rate === null) return;
      if (!element.paused) element.pause();
      const next = clampFrame(to, countRef.current ?? 1);
      frames.set(next);
      seekElement(frameTime(next, rate));
    },
    [video, seekElement, frames],
  );

  // Presented frames: the confirmation of a seek, the clock of playback, the fps probe.
  useEffect(() => {
    const element = video.current as FrameCallbackVideo | null;
    if (!element?.requestVideoFrameCallback) return;
    let handle = 0;
    const onFrame = (_now: number, metadata: FrameMetadata) => {
      handle = element.requestVideoFrameCallback?.(onFrame) ?? 0;
      if (measuring.current) {
        measuring.current.push(metadata.mediaTime);
        return;
      }
      const rate = fpsRef.current;
      if (rate === null) return;
      const at = clampFrame(frameOfMediaTime(metadata.mediaTime, rate), countRef.current ?? Infinity);
      setShown(at);
      if (playingRef.current) {
        frames.set(at);
      }
    };
    handle = element.requestVideoFrameCallback(onFrame);
    return () => element.cancelVideoFrameCallback?.(handle);
  }, [video, setShown, frames]);

  useEffect(() => {
    const element = video.current as FrameCallbackVideo | null;
    if (!element) return;
    const hasFrameCallback = typeof element.requestVideoFrameCallback === "function";
    let cancelled = false;
    let ticker = 0;

    async function measure(el: HTMLVideoElement): Promise<void> {
      if (!hasFrameCallback) {
        setFps(ASSUMED_FPS);
        setFpsSource("assumed");
        return;
      }
      measuring.current = [];
      el.muted = true;
      const started = performance.now();
      try {
        await el.play();
        while (!cancelled && (measuring.current?.length ?? 0) < MEASURE_FRAMES && performance.now() - started < MEASURE_MS) {
          await new Promise((r) => window.setTimeout(r, 40));
        }
      } catch {
        // Autoplay refused: fall through to the assumption.
      }
      el.pause();
      const times = measuring.current ?? [];
      measuring.current = null;
      const rate = estimateFps(times);
      setFps(rate ?? ASSUMED_FPS);
      setFpsSource(rate ? "measured" : "assumed");
    }

    const onMetadata = () => {
      setSize({ width: element.videoWidth, height: element.videoHeight });
      setDuration(element.duration);
      if (fpsRef.current === null) void measure(element).then(() => !cancelled && seekTo0());
      else seekTo0();
    };
    const seekTo0 = () => {
      const rate = fpsRef.current ?? ASSUMED_FPS;
      frames.set(0);
      seekElement(frameTime(0, rate));
    };
    const onSeeked = () => {
      if (pending.current !== null) {
        const target = pending.current;
        pending.current = null;
        element.currentTime = target;
        return;
      }
      if (!hasFrameCallback && fpsRef.current !== null) setShown(frameOfTime(element.currentTime, fpsRef.current));
    };
    const onPlay = () => {
      if (measuring.current) return;
      playingRef.current = true;
      setPlaying(true);
      if (!hasFrameCallback) {
        const tick = () => {
          const rate = fpsRef.current;
          if (rate !== null) {
            const at = clampFrame(frameOfTime(element.currentTime, rate), countRef.current ?? Infinity);
            frames.set(at);
            setShown(at);
          }
          ticker = requestAnimationFrame(tick);
        };
        ticker = requestAnimationFrame(tick);
      }
    };
    const onPause = () => {
      cancelAnimationFrame(ticker);
      if (measuring.current || !playingRef.current) return;
      playingRef.current = false;
      setPlaying(false);
      // Stopped between two frames: settle on the middle of the frame last shown, so that
      // the next step is exactly one frame.
      const rate = fpsRef.current;
      if (rate !== null) seekElement(frameTime(frames.get(), rate));
    };
    const onError = () => setError("This browser cannot play the video (it needs WebM with VP8 or VP9, or MP4 with H.264).");
    element.addEventListener("loadedmetadata", onMetadata);
    element.addEventListener("seeked", onSeeked);
    element.addEventListener("play", onPlay);
    element.addEventListener("pause", onPause);
    element.addEventListener("ended", onPause);
    element.addEventListener("error", onError);
    if (element.readyState >= 1) onMetadata();
    return () => {
      cancelled = true;
      cancelAnimationFrame(ticker);
      element.removeEventListener("loadedmetadata", onMetadata);
      element.removeEventListener("seeked", onSeeked);
      element.removeEventListener("play", onPlay);
      element.removeEventListener("pause", onPause);
      element.removeEventListener("ended", onPause);
      element.removeEventListener("error", onError);
    };
  }, [video, seekElement, setShown, frames]);

  const step = useCallback((by: number) => seek(frames.get() + by), [seek, frames]);
  const pause = useCallback(() => video.current?.pause(), [video]);
  const toggle = useCallback(() => {
    const element = video.current;
    if (!element || fpsRef.current === null) return;
    if (element.paused) {
      if (frames.get() >= (countRef.current ?? 1) - 1) seek(0);
      void element.play().catch(() => undefined);
    } else element.pause();
  }, [video, seek, frames]);

  return { fps, fpsSource, frameCount, size, frames, playing, error, seek, step, toggle, pause };
}
