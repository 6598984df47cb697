/**
 * Waveform peaks: the lowest and highest sample under each pixel column, over every channel.
 *
 * A long recording has millions of samples, so they are read once, in chunks that yield to
 * the browser between them (`buildBlocks`), into min/max per block of FINE, COARSE and
 * COARSEST samples. A zoom level's columns then read the largest blocks no wider than a
 * column (a 10-minute file in a 1,440 px view reads ~5,000 of the coarsest blocks, not 13
 * million samples; closer in, finer blocks; closest, the samples), each column taking every block it
 * touches, so a peak is never missed and may show up to one block early or late. The blocks
 * come from the server's summary at first (peaks.ts: COARSE and COARSEST, no samples), and
 * its fine peaks (FINE too) once a zoom closer than COARSE needs them; from the file decoded
 * in the browser (decode.ts) only when the server cannot make them. A column's
 * peaks are computed once per zoom level, in tiles of TILE columns on a grid fixed to time 0,
 * so scrolling reuses them and a column never changes as the view moves. Pure.
 */

/** Samples per block at the three levels (each a multiple of the one before). */
export const FINE = 16;
export const COARSE = 256;
export const COARSEST = 4096;
/** Columns per cached tile. */
export const TILE = 512;
/** Samples read between two yields to the browser (~5 ms of work). */
const CHUNK = 1 << 20;

export interface Blocks {
  size: number;
  min: Float32Array;
  max: Float32Array;
}

/** A decoded recording (an AudioBuffer's channels) with its blocks once they are built. */
export interface PeakSource {
  channels: readonly Float32Array[];
  sampleRate: number;
  /** Samples per channel. */
  length: number;
  /** Finest first. */
  levels: readonly Blocks[];
}

/** Min and max per column; NaN where a column holds no samples (past the end). */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

function emptyBlocks(size: number, length: number): Blocks {
  const count = Math.ceil(length / size);
  return { size, min: new Float32Array(count), max: new Float32Array(count) };
}

/** Fills `blocks` for block indices [from, to) from the samples of every channel. */
export function fillBlocks(channels: readonly Float32Array[], length: number, blocks: Blocks, from: number, to: number): void {
  const { size, min, max } = blocks;
  for (let b = from; b < to; b++) {
    let low = Infinity;
    let high = -Infinity;
    const first = b * size;
    const last = Math.min(first + size, length);
    for (let c = 0; c < channels.length; c++) {
      const samples = channels[c] as Float32Array;
      for (let i = first; i < last; i++) {
        const v = samples[i] as number;
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    min[b] = low === Infinity ? 0 : low;
    max[b] = high === -Infinity ? 0 : high;
  }
}

/** Fills `coarse` blocks [from, to) from `fine` ones (`coarse.size` a multiple of `fine.size`). */
function fillFromBlocks(fine: Blocks, coarse: Blocks, from: number, to: number): void {
  const ratio = coarse.size / fine.size;
  const count = fine.min.length;
  for (let b = from; b < to; b++) {
    let low = Infinity;
    let high = -Infinity;
    for (let i = b * ratio, end = Math.min(count, i + ratio); i < end; i++) {
      const lo = fine.min[i] as number;
      const hi = fine.max[i] as number;
      if (lo < low) low = lo;
      if (hi > high) high = hi;
    }
    coarse.min[b] = low === Infinity ? 0 : low;
    coarse.max[b] = high === -Infinity ? 0 : high;
  }
}

/**
 * The blocks of a recording, finest first, built in chunks of about a million samples with
 * `pause` (a yield to the browser) between them, so a long file does not freeze the page.
 * `isCancelled` stops early (the task changed); the blocks are then incomplete.
 */
export async function buildBlocks(
  channels: readonly Float32Array[],
  length: number,
  pause: () => Promise<void> = yieldToBrowser,
  isCancelled: () => boolean = () => false,
): Promise<Blocks[]> {
  const levels = [FINE, COARSE, COARSEST].map((size) => emptyBlocks(size, length));
  const [fine, coarse, coarsest] = levels as [Blocks, Blocks, Blocks];
  // Chunks of whole coarsest blocks, about CHUNK samples each.
  const perChunk = Math.max(1, Math.floor(CHUNK / Math.max(1, channels.length) / COARSEST));
  const total = coarsest.min.length;
  const span = (blocks: Blocks, from: number, to: number): [number, number] => [
    (from * COARSEST) / blocks.size, Math.min(blocks.min.length, (to * COARSEST) / blocks.size)];
  for (let from = 0; from < total; from += perChunk) {
    if (isCancelled()) break;
    const to = Math.min(total, from + perChunk);
    fillBlocks(channels, length, fine, ...span(fine, from, to));
    fillFromBlocks(fine, coarse, ...span(coarse, from, to));
    fillFromBlocks(coarse, coarsest, from, to);
    if (to < total) await pause();
  }
  return levels;
}

/** A macrotask: lets the browser paint and handle input between chunks. */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The blocks a column of `perColumn` samples reads: the largest no wider than it, or none
 * (the samples themselves). Without samples (the server's summary, peaks.ts) a column
 * narrower than the finest block reads that block: the waveform shows in steps. */
export function levelFor(levels: readonly Blocks[], perColumn: number, hasSamples = true): Blocks | null {
  let chosen: Blocks | null = null;
  let finest: Blocks | null = null;
  for (const level of levels) {
    if (level.size <= perColumn && (!chosen || level.size > chosen.size)) chosen = level;
    if (!finest || level.size < finest.size) finest = level;
  }
  return chosen ?? (hasSamples ? null : finest);
}

/** Whether the view's columns are finer than `source` can show: a summary without samples
 * zoomed closer than its finest block (the stage then fetches finer peaks, if there are). */
export function needsSamples(source: PeakSource, pxPerS: number): boolean {
  if (source.channels.length > 0) return false;
  const finest = Math.min(...source.levels.map((l) => l.size));
  return source.sampleRate / pxPerS < finest;
}

/**
 * Peaks of `count` columns from absolute column `first`, at `pxPerS`: column k covers
 * samples [k / pxPerS * rate, (k + 1) / pxPerS * rate), read through the blocks it touches
 * (levelFor). A column narrower than a sample shows the sample it falls on.
 */
export function columnPeaks(source: PeakSource, pxPerS: number, first: number, count: number): Peaks {
  const out: Peaks = { min: new Float32Array(count), max: new Float32Array(count) };
  const perColumn = source.sampleRate / pxPerS;
  const { channels, length } = source;
  const level = levelFor(source.levels, perColumn, channels.length > 0);
  for (let c = 0; c < count; c++) {
    const k = first + c;
    const a = Math.floor(k * perColumn);
    const b = Math.max(a + 1, Math.floor((k + 1) * perColumn));
    if (k < 0 || a >= length) {
      out.min[c] = NaN;
      out.max[c] = NaN;
      continue;
    }
    const end = Math.min(b, length);
    let low = Infinity;
    let high = -Infinity;
    if (level) {
      const { size, min, max } = level;
      for (let i = Math.floor(a / size), last = Math.ceil(end / size); i < last; i++) {
        const lo = min[i] as number;
        const hi = max[i] as number;
        if (lo < low) low = lo;
        if (hi > high) high = hi;
      }
    } else {
      for (let ch = 0; ch < channels.length; ch++) {
        const samples = channels[ch] as Float32Array;
        for (let i = a; i < end; i++) {
          const v = samples[i] as number;
          if (v < low) low = v;
          if (v > high) high = v;
        }
      }
    }
    out.min[c] = low;
    out.max[c] = high;
  }
  return out;
}

/**
 * Column peaks cached per zoom level: tiles of TILE columns, computed when first drawn and
 * kept while the zoom stays (a new zoom level drops the old one's tiles).
 */
export class PeakCache {
  private pxPerS = 0;
  private tiles = new Map<number, Peaks>();
  /** Tiles computed since the cache was made (for tests and the bench). */
  computed = 0;

  constructor(readonly source: PeakSource) {}

  /** Peaks of `count` columns from absolute column `first` at `pxPerS`. */
  columns(pxPerS: number, first: number, count: number): Peaks {
    if (pxPerS !== this.pxPerS) {
      this.pxPerS = pxPerS;
      this.tiles.clear();
    }
    const out: Peaks = { min: new Float32Array(count), max: new Float32Array(count) };
    for (let c = 0; c < count; ) {
      const k = first + c;
      const tile = Math.floor(k / TILE);
      const peaks = this.tile(pxPerS, tile);
      const offset = k - tile * TILE;
      const n = Math.min(TILE - offset, count - c);
      out.min.set(peaks.min.subarray(offset, offset + n), c);
      out.max.set(peaks.max.subarray(offset, offset + n), c);
      c += n;
    }
    return out;
  }

  private tile(pxPerS: number, index: number): Peaks {
    let peaks = this.tiles.get(index);
    if (!peaks) {
      peaks = columnPeaks(this.source, pxPerS, index * TILE, TILE);
      this.tiles.set(index, peaks);
      this.computed += 1;
    }
    return peaks;
  }
}
