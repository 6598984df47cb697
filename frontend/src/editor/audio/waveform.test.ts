import { describe, expect, it } from "vitest";
import { buildBlocks, COARSE, COARSEST, columnPeaks, FINE, fillBlocks, levelFor, PeakCache, TILE, type Blocks, type PeakSource } from "./waveform";

function blocksOf(channels: Float32Array[], size: number): Blocks {
  const length = channels[0]?.length ?? 0;
  const count = Math.ceil(length / size);
  const blocks = { size, min: new Float32Array(count), max: new Float32Array(count) };
  fillBlocks(channels, length, blocks, 0, count);
  return blocks;
}

function source(channels: Float32Array[], sampleRate: number): PeakSource {
  return { channels, sampleRate, length: channels[0]?.length ?? 0, levels: [blocksOf(channels, FINE), blocksOf(channels, COARSE), blocksOf(channels, COARSEST)] };
}

/** Min and max of every column by brute force over the samples of the blocks it touches
 * (the largest block size no wider than the column), the reference. */
function naive(channels: Float32Array[], sampleRate: number, pxPerS: number, first: number, count: number) {
  const per = sampleRate / pxPerS;
  const size = per >= COARSEST ? COARSEST : per >= COARSE ? COARSE : per >= FINE ? FINE : 1;
  const length = channels[0]?.length ?? 0;
  const out: [number, number][] = [];
  for (let k = first; k < first + count; k++) {
    const a = Math.floor(k * per);
    const b = Math.max(a + 1, Math.floor((k + 1) * per));
    if (a >= length) {
      out.push([NaN, NaN]);
      continue;
    }
    const from = Math.floor(a / size) * size;
    const to = Math.min(length, Math.ceil(Math.min(b, length) / size) * size);
    let low = Infinity;
    let high = -Infinity;
    for (const c of channels) for (let i = from; i < to; i++) [low, high] = [Math.min(low, c[i] as number), Math.max(high, c[i] as number)];
    out.push([low, high]);
  }
  return out;
}

/** Element by element (toEqual's diffing of 200,000 floats is slow). */
function same(a: Float32Array | undefined, b: Float32Array): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = (x / 2147483648) * 2 - 1;
  }
  return out;
}

describe("waveform peaks", () => {
  const left = noise(100_000, 1);
  const right = noise(100_000, 7);
  const src = source([left, right], 8000);

  it.each([0.5, 1.5, 3, 31.25, 100, 300, 1000, 8000, 20000])("match brute force at %s px/s (each block size and samples)", (pxPerS) => {
    const got = columnPeaks(src, pxPerS, 0, 200);
    const want = naive([left, right], 8000, pxPerS, 0, 200);
    want.forEach(([low, high], c) => {
      if (Number.isNaN(low)) {
        expect(got.min[c]).toBeNaN();
      } else {
        expect(got.min[c]).toBe(Math.fround(low));
        expect(got.max[c]).toBe(Math.fround(high));
      }
    });
  });

  it("never miss a peak: a spike shows in the column it falls in", () => {
    const quiet = new Float32Array(50_000);
    quiet[12_345] = 0.9;
    const peaks = columnPeaks(source([quiet], 1000), 7, 0, 400); // ~143 samples a column: fine blocks
    const column = Math.floor(12_345 / (1000 / 7));
    expect(peaks.max[column]).toBeCloseTo(0.9, 6);
    // At most one block early or late: the neighbours hold it only if they share its block.
    expect(Array.from(peaks.max).filter((v) => v > 0.5).length).toBeLessThanOrEqual(2);
  });

  it("pick the largest blocks no wider than a column", () => {
    expect(levelFor(src.levels, 5000)?.size).toBe(COARSEST);
    expect(levelFor(src.levels, 1000)?.size).toBe(COARSE);
    expect(levelFor(src.levels, 100)?.size).toBe(FINE);
    expect(levelFor(src.levels, 3)).toBeNull();
  });

  it("show the sample under a column narrower than a sample", () => {
    const ramp = new Float32Array([0, 0.25, 0.5, 0.75]);
    const got = columnPeaks(source([ramp], 4), 8, 0, 9);
    expect(Array.from(got.max).slice(0, 8)).toEqual([0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75]);
    expect(got.max[8]).toBeNaN();
  });

  it("are built in chunks with a yield between them", async () => {
    const long = noise(2_500_000, 3);
    let pauses = 0;
    const levels = await buildBlocks([long], long.length, async () => void pauses++);
    expect(pauses).toBeGreaterThan(1);
    for (const [i, size] of [FINE, COARSE, COARSEST].entries()) {
      const want = blocksOf([long], size);
      expect(same(levels[i]?.min, want.min) && same(levels[i]?.max, want.max)).toBe(true);
    }
  });

  it("stop building when cancelled", async () => {
    const long = noise(3_000_000, 3);
    let cancelled = false;
    const [, coarse] = await buildBlocks([long], long.length, async () => void (cancelled = true), () => cancelled);
    // Only the first chunk was read: its blocks hold the noise's peaks, the last one nothing.
    expect(coarse?.min[0]).toBeLessThan(0);
    expect(coarse?.min[coarse.min.length - 1]).toBe(0);
    expect(coarse?.max[coarse.max.length - 1]).toBe(0);
  });

  it("are computed once per zoom level and tile", () => {
    const cache = new PeakCache(src);
    const a = cache.columns(100, 10, 300);
    expect(cache.computed).toBe(1);
    const b = cache.columns(100, 200, 700); // tiles 0 and 1
    expect(cache.computed).toBe(2);
    expect(b.max.subarray(0, 110)).toEqual(a.max.subarray(190, 300));
    cache.columns(200, 0, 10);
    expect(cache.computed).toBe(3);
    const again = cache.columns(100, TILE - 5, 10);
    expect(cache.computed).toBe(5); // the old level was dropped: tiles 0 and 1 again
    const direct = columnPeaks(src, 100, TILE - 5, 10);
    expect(again.min).toEqual(direct.min);
  });
});
