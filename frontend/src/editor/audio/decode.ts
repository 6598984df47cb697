/**
 * The recording's samples for the waveform, when the server cannot make its peaks
 * (peaks.ts): fetched from the media route and
 * decoded by the Web Audio API in an OfflineAudioContext (no audio device needed, nothing
 * plays), resampled to DECODE_RATE, then read into peak blocks in chunks (waveform.ts).
 * Drawing is one filled path of min/max columns in device pixels.
 */
import { sizedCanvas } from "./canvas";
import { fetchPeaks } from "./peaks";
import { buildBlocks, PeakCache } from "./waveform";
import type { TimeView } from "./timeline";

/** 22,050 Hz keeps everything up to 11 kHz (all of speech) at half the memory of 44.1 kHz:
 * ten minutes of stereo are 106 MB of samples. Playback is the file itself, unresampled. */
export const DECODE_RATE = 22050;

export interface Decoded {
  duration: number;
  peaks: PeakCache;
  /** "summary" / "fine": the server's peaks (blocks of 256 samples and up, or of 16 and
   * up), no samples; "samples": the file decoded here. */
  detail: "summary" | "fine" | "samples";
}

/** The server's summary of the recording (or with `fine`, its fine peaks), ready to draw. */
export async function loadSummary(url: string, signal: AbortSignal, fine = false): Promise<Decoded> {
  const summary = await fetchPeaks(url, signal, fine);
  return { duration: summary.duration, peaks: new PeakCache(summary.source), detail: fine ? "fine" : "summary" };
}

export async function decodeRecording(url: string, signal: AbortSignal): Promise<Decoded> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error("the server could not be reached");
  }
  if (!response.ok) throw new Error(response.status === 404 ? "no such file" : `the server answered ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (typeof OfflineAudioContext === "undefined") throw new Error("this browser has no Web Audio API");
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext(1, 1, DECODE_RATE).decodeAudioData(bytes);
  } catch {
    throw new Error("the browser cannot decode this file");
  }
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, i) => buffer.getChannelData(i));
  const levels = await buildBlocks(channels, buffer.length, undefined, () => signal.aborted);
  if (signal.aborted) throw new DOMException("the recording was left", "AbortError");
  return { duration: buffer.duration, peaks: new PeakCache({ channels, sampleRate: buffer.sampleRate, length: buffer.length, levels }), detail: "samples" };
}

/** A tinted stretch under the waveform (a segment of the work), `alpha` its opacity. */
export interface Mark {
  start: number;
  end: number;
  color: string;
  alpha: number;
}

/** Draws the view's columns on `canvas` (sized to the view in device pixels) over the
 * `marks` in view; with no peaks yet, only the centre line. The waveform's colour comes
 * from the canvas's CSS `color`. */
export function drawWaveform(canvas: HTMLCanvasElement, peaks: PeakCache | null, view: TimeView, heightPx: number, marks: readonly Mark[] = []): void {
  const sized = sizedCanvas(canvas, view.width, heightPx);
  if (!sized) return;
  const { context, dpr, width, height } = sized;
  const viewEnd = view.start + view.width / view.pxPerS;
  for (const mark of marks) {
    if (mark.end < view.start || mark.start > viewEnd) continue;
    const left = Math.max(0, (mark.start - view.start) * view.pxPerS * dpr);
    const right = Math.min(width, (mark.end - view.start) * view.pxPerS * dpr);
    context.globalAlpha = mark.alpha;
    context.fillStyle = mark.color;
    context.fillRect(left, 0, Math.max(dpr, right - left), height);
  }
  context.globalAlpha = 1;
  const color = getComputedStyle(canvas).color || "#8fb8de";
  context.fillStyle = color;
  const mid = height / 2;
  context.fillRect(0, Math.floor(mid), width, Math.max(1, Math.round(dpr)));
  if (!peaks) return;
  // One rectangle per column on whole device pixels: the columns' grid is fixed to time 0,
  // so the view's first column is the nearest one (at most half a pixel off). One path of
  // columns at a fraction of a pixel made Skia's software rasterizer anti-alias every edge
  // of it: 130-200 ms of main-thread CPU a redraw (a zoom or scroll step, a drag's move),
  // against ~2 ms for these rectangles.
  const perPx = view.pxPerS * dpr;
  const first = Math.round(view.start * perPx);
  const { min, max } = peaks.columns(perPx, first, width);
  const amplitude = mid * 0.95;
  for (let c = 0; c < min.length; c++) {
    const low = min[c] as number;
    const high = max[c] as number;
    if (Number.isNaN(low)) continue;
    context.fillRect(c, mid - high * amplitude, 1, Math.max(1, (high - low) * amplitude));
  }
}
