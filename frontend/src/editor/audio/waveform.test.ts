import { describe, expect, it } from "vitest";
import { BLOCK, buildBlocks, columnPeaks, fillBlocks, PeakCache, TILE, type PeakSource } from "./waveform";

function source(channels: Float32Array[], sampleRate: number, blocks = { size: BLOCK, min: new Float32Array(0), max: new Float32Array(0) }): PeakSource {
  const length = channels[0]?.length ?? 0;
  const count = Math.ceil(length / blocks.size);
  const filled = { size: blocks.size, min: new Float32Array(count), max: new Float32Array(count) };
  fillBlocks(channels, length, filled, 0, count);
  return { channels, sampleRate, length, blocks: filled };
}

/** Min and max of every column by brute force, the reference. */
function naive(channels: Float32Array[], sampleRate: number, pxPerS: number, first: number, count: number) {
  const per = sampleRate / pxPerS;
  const length = channels[0]?.length ?? 0;
  const out: [number, number][] = [];
  for (let k = first; k < first + count; k++) {
    const a = Math.floor(k * per);
    const b = Math.max(a + 1, Math.floor((k + 1) * per));
    if (a >= length) {
      out.push([NaN, NaN]);
      continue;
    }
    let low = Infinity;
    let high = -Infinity;
    for (const c of channels) for (let i = a; i < Math.min(b, length); i++) [low, high] = [Math.min(low, c[i] as number), Math.max(high, c[i] as number)];
    out.push([low, high]);
  }
  return out;
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

  it.each([0.5, 3, 31.25, 100, 1000, 8000, 20000])("match brute force at %s px/s (blocks and samples)", (pxPerS) => {
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

  it("show the sample under a column narrower than a sample", () => {
    const ramp = new Float32Array([0, 0.25, 0.5, 0.75]);
    const got = columnPeaks(source([ramp], 4), 8, 0, 9);
    expect(Array.from(got.max).slice(0, 8)).toEqual([0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75]);
    expect(got.max[8]).toBeNaN();
  });

  it("are built in chunks with a yield between them", async () => {
    const long = noise(3_000_000, 3);
    let pauses = 0;
    const blocks = await buildBlocks([long], long.length, async () => void pauses++);
    expect(pauses).toBeGreaterThan(1);
    expect(blocks.min.length).toBe(Math.ceil(long.length / BLOCK));
    const reference = source([long], 1).blocks;
    expect(blocks.min).toEqual(reference.min);
    expect(blocks.max).toEqual(reference.max);
  });

  it("stop building when cancelled", async () => {
    const long = noise(3_000_000, 3);
    let cancelled = false;
    const blocks = await buildBlocks([long], long.length, async () => void (cancelled = true), () => cancelled);
    // Only the first chunk was read: its blocks hold the noise's peaks, the last one nothing.
    expect(blocks.min[0]).toBeLessThan(0);
    expect(blocks.min[blocks.min.length - 1]).toBe(0);
    expect(blocks.max[blocks.max.length - 1]).toBe(0);
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
