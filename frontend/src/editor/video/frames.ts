/**
 * Frame numbers and media time. Frame k of a constant-rate video is presented from k / fps
 * to (k + 1) / fps; the stage seeks to the middle of that interval, (k + 0.5) / fps, so
 * rounding in the decoder or the container's time base cannot land on a neighbour, and
 * reads a presented frame back from requestVideoFrameCallback's `mediaTime` (the frame's
 * own timestamp, k / fps) by rounding.
 */

/** The media time the stage seeks to for frame `frame`. */
export function frameTime(frame: number, fps: number): number {
  return (frame + 0.5) / fps;
}

/** The frame a presented frame's timestamp (`mediaTime`) belongs to. */
export function frameOfMediaTime(mediaTime: number, fps: number): number {
  return Math.max(0, Math.round(mediaTime * fps));
}

/** The frame shown at playback position `time` (currentTime): the one whose interval holds it. */
export function frameOfTime(time: number, fps: number): number {
  return Math.max(0, Math.floor(time * fps + 1e-6));
}

export function clampFrame(frame: number, frameCount: number): number {
  return Math.min(Math.max(Math.round(frame), 0), Math.max(frameCount - 1, 0));
}

/** How many frames the video has: the task's `frame_count` when given, else its duration
 * times its rate (a WebM's duration runs to the end of its last frame). */
export function frameCountOf(duration: number, fps: number, given?: number): number {
  if (given !== undefined) return given;
  if (!Number.isFinite(duration) || duration <= 0) return 1;
  return Math.max(1, Math.round(duration * fps));
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** What the task's data says of its video: `fps` (or `frame_rate`, as MOT's seqinfo.ini
 * calls it) and `frame_count`, each when a positive number. */
export function videoTiming(data: Record<string, unknown>): { fps?: number; frameCount?: number } {
  const fps = positive(data.fps) ?? positive(data.frame_rate);
  const count = positive(data.frame_count);
  return { ...(fps ? { fps } : {}), ...(count && Number.isInteger(count) ? { frameCount: count } : {}) };
}

const COMMON_RATES = [24000 / 1001, 24, 25, 30000 / 1001, 30, 48, 50, 60000 / 1001, 60];

/**
 * The frame rate seen in playback: the shortest step between the timestamps of frames
 * presented one after another (a step of two frames is a frame the display skipped), snapped
 * to a common rate within 0.5 %; null with fewer than two distinct timestamps.
 */
export function estimateFps(mediaTimes: readonly number[]): number | null {
  let step = Infinity;
  for (let i = 1; i < mediaTimes.length; i++) {
    const d = (mediaTimes[i] as number) - (mediaTimes[i - 1] as number);
    if (d > 1e-4 && d < step) step = d;
  }
  if (!Number.isFinite(step)) return null;
  const rate = 1 / step;
  const common = COMMON_RATES.find((r) => Math.abs(r - rate) / r < 0.005);
  return common ?? Math.round(rate * 1000) / 1000;
}

/** "m:ss.ff": minutes, seconds and the frame within the second. */
export function timecode(frame: number, fps: number): string {
  const perSecond = Math.max(1, Math.round(fps));
  const seconds = Math.floor(frame / fps + 1e-9);
  const within = frame - Math.round(seconds * fps);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}.${String(Math.max(0, Math.min(within, perSecond - 1))).padStart(2, "0")}`;
}
