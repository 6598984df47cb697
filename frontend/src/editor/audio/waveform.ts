/**
 * Waveform peaks: the lowest and highest sample under each pixel column, over every channel.
 *
 * A long recording has millions of samples, so they are read once, in chunks that yield to
 * the browser between them (`buildBlocks`), into min/max per block of BLOCK samples. A zoom
 * level's columns are then computed from the blocks when a column spans at least one block
 * (a 10-minute file in a 1,000 px view reads ~50,000 blocks, not 13 million samples), or from
 * the samples themselves when zoomed in closer; either way a column's peaks are computed once
 * per zoom level, in tiles of TILE columns on a grid fixed to time 0, so scrolling reuses
 * them and a column never changes as the view moves. Pure: plain arrays in and out.
 */

/** Samples per block: small enough that a block never straddles more than two columns at
 * the zoom where the stage switches to samples. */
export const BLOCK = 256;
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
  blocks: Blocks;
}

/** Min and max per column; NaN where a column holds no samples (past the end). */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

/** Fills `blocks` for block indices [from, to) from the samples of every channel. */
export function fillBlocks(channels: readonly Float32Array[], length: number, blocks: Blocks, from: number, to: number): void {
  const { size, min, max } = blocks;
  for (let b = from; b < to; b++) {
    let low = Infinity;
    let high = -Infinity;
    const first = b * size;
    const last = Math.min(first + size, length);
    for (const samples of channels) {
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

/**
 * The blocks of a recording, built in chunks of about a million samples with `pause`
 * (a yield to the browser) between them, so a long file does not freeze the page.
 * `isCancelled` stops early (the task changed); the blocks are then incomplete.
 */
export async function buildBlocks(
  channels: readonly Float32Array[],
  length: number,
  pause: () => Promise<void> = yieldToBrowser,
  isCancelled: () => boolean = () => false,
  size = BLOCK,
): Promise<Blocks> {
  const count = Math.ceil(length / size);
  const blocks: Blocks = { size, min: new Float32Array(count), max: new Float32Array(count) };
  const perChunk = Math.max(1, Math.floor(CHUNK / Math.max(1, channels.length) / size));
  for (let from = 0; from < count; from += perChunk) {
    if (isCancelled()) break;
    fillBlocks(channels, length, blocks, from, Math.min(count, from + perChunk));
    if (from + perChunk < count) await pause();
  }
  return blocks;
}

/** A macrotask: lets the browser paint and handle input between chunks. */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Peaks of `count` columns from absolute column `first`, at `pxPerS`: column k covers
 * samples [k / pxPerS * rate, (k + 1) / pxPerS * rate). A column narrower than a sample
 * shows the sample it falls on.
 */
export function columnPeaks(source: PeakSource, pxPerS: number, first: number, count: number): Peaks {
  const out: Peaks = { min: new Float32Array(count), max: new Float32Array(count) };
  const perColumn = source.sampleRate / pxPerS;
  const { blocks, channels, length } = source;
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
    if (perColumn >= blocks.size) {
      // Whole blocks inside the column, and the samples of the partial ones at its edges.
      const firstWhole = Math.ceil(a / blocks.size);
      const lastWhole = Math.floor(end / blocks.size);
      for (let i = firstWhole; i < lastWhole; i++) {
        const lo = blocks.min[i] as number;
        const hi = blocks.max[i] as number;
        if (lo < low) low = lo;
        if (hi > high) high = hi;
      }
      const edges: [number, number][] = [[a, Math.min(end, firstWhole * blocks.size)], [Math.max(a, lastWhole * blocks.size), end]];
      for (const [from, to] of edges) {
        for (const samples of channels) {
          for (let i = from; i < to; i++) {
            const v = samples[i] as number;
            if (v < low) low = v;
            if (v > high) high = v;
          }
        }
      }
    } else {
      for (const samples of channels) {
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
