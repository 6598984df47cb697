/**
 * The server's waveform peaks of a recording (made by src/accord/media/peaks.py): min and
 * max over all channels per block of samples, as signed bytes. The summary
 * (`…/media/{field}?peaks=true`: blocks of 256 and 4,096 samples, ~80 KB for ten minutes)
 * draws the waveform at once instead of after downloading and decoding the whole file;
 * zoomed closer than its blocks, the stage fetches the fine peaks (`?peaks=fine`, adding
 * blocks of 16 samples: 1 ms at 16 kHz). Only when the server cannot make them does the
 * browser decode the file (decode.ts).
 */
import type { Blocks, PeakSource } from "./waveform";

const MAGIC = "ACPK";
/** The layout version this reader knows (peaks.py FORMAT). */
export const PEAKS_FORMAT = 1;
const HEADER_BYTES = 24;
const LEVEL_BYTES = 8;

export interface Summary {
  duration: number;
  /** A source without samples (channels empty): columns read its blocks only. */
  source: PeakSource;
}

/** The summary's bytes as a peak source; a malformed answer is an error saying what is wrong. */
export function parsePeaks(bytes: ArrayBuffer): Summary {
  if (bytes.byteLength < HEADER_BYTES) throw new Error(`the waveform summary is ${bytes.byteLength} bytes, shorter than its header`);
  const view = new DataView(bytes);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  const version = view.getUint16(4, true);
  if (magic !== MAGIC || version !== PEAKS_FORMAT) throw new Error(`the waveform summary is not of version ${PEAKS_FORMAT}`);
  const sampleRate = view.getUint32(8, true);
  const length = Number(view.getBigUint64(12, true));
  const count = view.getUint32(20, true);
  if (sampleRate === 0 || length === 0 || count === 0) throw new Error("the waveform summary holds no samples");
  let at = HEADER_BYTES + count * LEVEL_BYTES;
  if (bytes.byteLength < at) throw new Error("the waveform summary's levels are cut short");
  const levels: Blocks[] = [];
  for (let i = 0; i < count; i++) {
    const size = view.getUint32(HEADER_BYTES + i * LEVEL_BYTES, true);
    const blocks = view.getUint32(HEADER_BYTES + i * LEVEL_BYTES + 4, true);
    if (size === 0 || blocks !== Math.ceil(length / size) || at + 2 * blocks > bytes.byteLength) throw new Error(`the waveform summary's level of ${size} samples does not fit its length`);
    levels.push({ size, min: scaled(new Int8Array(bytes, at, blocks)), max: scaled(new Int8Array(bytes, at + blocks, blocks)) });
    at += 2 * blocks;
  }
  if (at !== bytes.byteLength) throw new Error("the waveform summary's length does not match its levels");
  levels.sort((a, b) => a.size - b.size);
  return { duration: length / sampleRate, source: { channels: [], sampleRate, length, levels } };
}

function scaled(values: Int8Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) / 127;
  return out;
}

/** The media URL's summary (or with `fine`, its fine peaks). Rejects with the reason (the
 * server's own message when it gives one) so the stage can say why it decodes the file. */
export async function fetchPeaks(mediaUrl: string, signal: AbortSignal, fine = false): Promise<Summary> {
  let response: Response;
  try {
    response = await fetch(`${mediaUrl}${mediaUrl.includes("?") ? "&" : "?"}peaks=${fine ? "fine" : "true"}`, { credentials: "same-origin", signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error("the server could not be reached");
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const message = body && typeof body === "object" && "message" in body && typeof body.message === "string" ? body.message : `the server answered ${response.status}`;
    throw new Error(message);
  }
  return parsePeaks(await response.arrayBuffer());
}
