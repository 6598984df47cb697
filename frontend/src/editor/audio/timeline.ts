/**
 * Seconds to pixels and back for the waveform: a view shows `width` pixels starting at
 * `start` seconds, `pxPerS` pixels per second, so `x = (t - start) * pxPerS`. Zoom keeps
 * the time under the pointer where it is; the view never scrolls before 0 or past the end.
 * Pure, so the stage, its tests and the bench share one arithmetic.
 */

export interface TimeView {
  /** Seconds at the left edge. */
  start: number;
  pxPerS: number;
  /** Width of the view, CSS pixels. */
  width: number;
  /** Length of the recording, seconds (0 while unknown). */
  duration: number;
}

/** The closest zoom: one pixel for 0.5 ms (a 44.1 kHz recording shows ~22 samples a pixel). */
export const MAX_PX_PER_S = 2000;
/** The widest scroll extent a browser handles well (Chromium caps layout near 33.5M px). */
const MAX_EXTENT_PX = 8_000_000;

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** The zoom that shows the whole recording in the view (1 px/s for an unknown length). */
export function fitPxPerS(width: number, duration: number): number {
  return duration > 0 && width > 0 ? width / duration : 1;
}

/** The allowed zoom range: from the whole recording to MAX_PX_PER_S, inside MAX_EXTENT_PX. */
export function zoomRange(width: number, duration: number): [number, number] {
  const low = fitPxPerS(width, duration);
  const high = duration > 0 ? Math.min(MAX_PX_PER_S, MAX_EXTENT_PX / duration) : MAX_PX_PER_S;
  return [low, Math.max(low, high)];
}

/** Seconds shown by the view. */
export function visibleSeconds(view: TimeView): number {
  return view.width / view.pxPerS;
}

/** `view` with its start moved inside [0, duration - visible] and its zoom inside zoomRange. */
export function clampView(view: TimeView): TimeView {
  const [low, high] = zoomRange(view.width, view.duration);
  const pxPerS = clamp(view.pxPerS, low, high);
  const latest = Math.max(0, view.duration - view.width / pxPerS);
  return { ...view, pxPerS, start: clamp(view.start, 0, latest) };
}

/** The whole recording in view. */
export function fitView(width: number, duration: number): TimeView {
  return { start: 0, pxPerS: fitPxPerS(width, duration), width, duration };
}

export function timeAt(view: TimeView, x: number): number {
  return view.start + x / view.pxPerS;
}

export function xAt(view: TimeView, t: number): number {
  return (t - view.start) * view.pxPerS;
}

/** Zoom by `factor` about the view pixel `x`: the time under `x` stays under it. */
export function zoomAt(view: TimeView, factor: number, x: number): TimeView {
  const anchor = timeAt(view, x);
  const [low, high] = zoomRange(view.width, view.duration);
  const pxPerS = clamp(view.pxPerS * factor, low, high);
  return clampView({ ...view, pxPerS, start: anchor - x / pxPerS });
}

/** Scroll by `dx` view pixels (positive: later). */
export function scrollBy(view: TimeView, dx: number): TimeView {
  return clampView({ ...view, start: view.start + dx / view.pxPerS });
}

/**
 * The view that keeps `t` (the playhead) in sight: unchanged while `t` is inside it, else
 * paged so that `t` sits a tenth of the way in, as a reader turns a page.
 */
export function follow(view: TimeView, t: number): TimeView {
  const end = view.start + visibleSeconds(view);
  if (t >= view.start && t < end) return view;
  return clampView({ ...view, start: t - visibleSeconds(view) / 10 });
}

/**
 * A time as the stage shows it: "m:ss.mmm" ("1:05.250"), with hours when there are any
 * ("1:02:03.000"). Negative or non-finite times show as 0.
 */
export function formatTime(seconds: number): string {
  const ms = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = String(ms % 1000).padStart(3, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}.${rest}` : `${m}:${ss}.${rest}`;
}

/** A ruler tick's text: "0:05", "1:30", and with the fraction the step needs ("0:01.25"). */
export function formatTick(t: number, step: number): string {
  const full = formatTime(t);
  if (step >= 1) return full.replace(/\.\d{3}$/, "");
  return full.replace(/0+$/, "").replace(/\.$/, "");
}

/**
 * Tick marks for a time ruler: the first step from the list that leaves at least
 * `minGapPx` between ticks, and the ticks it gives across the view.
 */
export function ticks(view: TimeView, minGapPx = 80): { step: number; times: number[] } {
  const steps = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((s) => s * view.pxPerS >= minGapPx) ?? 3600;
  const times: number[] = [];
  const end = view.start + visibleSeconds(view);
  for (let i = Math.ceil(view.start / step); i * step <= end && times.length < 1000; i++) times.push(Math.round(i * step * 1000) / 1000);
  return { step, times };
}
