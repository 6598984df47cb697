import { describe, expect, it } from "vitest";
import { parsePeaks, PEAKS_FORMAT } from "./peaks";
import { columnPeaks, levelFor, needsSamples, PeakCache } from "./waveform";

/** A summary laid out as src/accord/media/peaks.py encodes it. */
function summaryBytes(rate: number, length: number, levels: { size: number; min: number[]; max: number[] }[], version = PEAKS_FORMAT): ArrayBuffer {
  const header = 24 + levels.length * 8;
  const bytes = new ArrayBuffer(header + levels.reduce((n, l) => n + 2 * l.min.length, 0));
  const view = new DataView(bytes);
  "ACPK".split("").forEach((c, i) => view.setUint8(i, c.charCodeAt(0)));
  view.setUint16(4, version, true);
  view.setUint16(6, 1, true);
  view.setUint32(8, rate, true);
  view.setBigUint64(12, BigInt(length), true);
  view.setUint32(20, levels.length, true);
  let at = header;
  levels.forEach((level, i) => {
    view.setUint32(24 + i * 8, level.size, true);
    view.setUint32(28 + i * 8, level.min.length, true);
    new Int8Array(bytes, at, level.min.length).set(level.min);
    new Int8Array(bytes, at + level.min.length, level.max.length).set(level.max);
    at += 2 * level.min.length;
  });
  return bytes;
}

// 10 blocks of 256 samples at 8 kHz (the last partial), and their one 4,096 block.
const FINE_MIN = [0, -10, -127, -5, 0, 0, -64, -1, 0, -3];
const FINE_MAX = [0, 12, 127, 6, 0, 0, 64, 1, 0, 2];
const LENGTH = 9 * 256 + 100;
const bytes = summaryBytes(8000, LENGTH, [
  { size: 256, min: FINE_MIN, max: FINE_MAX },
  { size: 4096, min: [-127], max: [127] },
]);

describe("the server's waveform summary", () => {
  it("reads the length, the rate and each level's blocks as fractions of full scale", () => {
    const { duration, source } = parsePeaks(bytes);
    expect(duration).toBe(LENGTH / 8000);
    expect(source.channels).toEqual([]);
    expect(source.levels.map((l) => [l.size, l.min.length])).toEqual([[256, 10], [4096, 1]]);
    expect(Array.from(source.levels[0]?.min ?? [])).toEqual(FINE_MIN.map((v) => Math.fround(v / 127)));
    expect(source.levels[1]?.max[0]).toBe(1);
  });

  it("draws columns from its blocks at any zoom, in steps closer than its finest block", () => {
    const { source } = parsePeaks(bytes);
    // 8000 / 31.25 = 256 samples a column: column k is block k exactly.
    const exact = columnPeaks(source, 31.25, 0, 11);
    expect(Array.from(exact.max.subarray(0, 10))).toEqual(FINE_MAX.map((v) => Math.fround(v / 127)));
    expect(exact.max[10]).toBeNaN(); // past the end
    // 4 px a block: every column shows the block it falls in.
    const close = columnPeaks(source, 125, 8, 4);
    expect(Array.from(close.min)).toEqual([2, 2, 2, 2].map((b) => Math.fround((FINE_MIN[b] as number) / 127)));
    // The whole file in 2 columns reads the 4,096 block.
    const far = columnPeaks(source, 8000 / 4096, 0, 1);
    expect([far.min[0], far.max[0]]).toEqual([-1, 1]);
    expect(new PeakCache(source).columns(125, 8, 4)).toEqual(close);
  });

  it("asks for the samples only when zoomed closer than its finest block", () => {
    const { source } = parsePeaks(bytes);
    expect(needsSamples(source, 31.25)).toBe(false);
    expect(needsSamples(source, 32)).toBe(true);
    expect(needsSamples({ ...source, channels: [new Float32Array(LENGTH)] }, 2000)).toBe(false);
    expect(levelFor(source.levels, 10, false)?.size).toBe(256);
    expect(levelFor(source.levels, 10)).toBeNull();
  });

  it("refuses an answer that is not a summary, or is cut short, saying so", () => {
    expect(() => parsePeaks(new ArrayBuffer(10))).toThrow(/shorter than its header/);
    expect(() => parsePeaks(summaryBytes(8000, LENGTH, [{ size: 256, min: FINE_MIN, max: FINE_MAX }], 99))).toThrow(/not of version 1/);
    expect(() => parsePeaks(bytes.slice(0, bytes.byteLength - 1))).toThrow(/does not fit its length/);
    expect(() => parsePeaks(summaryBytes(8000, LENGTH, [{ size: 256, min: [0], max: [0] }]))).toThrow(/level of 256 samples/);
    expect(() => parsePeaks(summaryBytes(8000, 0, []))).toThrow(/holds no samples/);
  });
});
