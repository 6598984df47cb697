import { describe, expect, it } from "vitest";
import {
  decodeCountsString,
  decodeMask,
  encodeCountsString,
  encodeMask,
  maskArea,
  maskBounds,
  paintStroke,
} from "./rle";

/** A row-major bitmap from rows of "0"/"1" characters. */
function bitmap(...rows: string[]): { bits: Uint8Array; width: number; height: number } {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const bits = Uint8Array.from(rows.join(""), (c) => (c === "1" ? 1 : 0));
  return { bits, width, height };
}

function rows(bits: Uint8Array, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < bits.length; i += width) out.push(bits.slice(i, i + width).join(""));
  return out;
}

// Written by pycocotools: mask.encode(np.asfortranarray(m)) for the bitmaps below, and
// mask.frPyObjects({"size": [1, n], "counts": runs}, 1, n) for the plain runs.
const SMALL = bitmap("0110", "0100", "1101");
const SMALL_RUNS = [2, 5, 4, 1];
const SMALL_STRING = "254L";
const BLOB = bitmap("1000000", "0011110", "0011110", "0011110", "0000001");
const BLOB_RUNS = [0, 1, 10, 3, 2, 3, 2, 3, 2, 3, 5, 1];
const BLOB_STRING = "01:2H000003N";

/** 300 x 200: a 240 x 160 block at (20, 10) and a 5 px line down the first column. */
function bigMask(): Uint8Array {
  const bits = new Uint8Array(300 * 200);
  for (let y = 10; y < 250; y++) bits.fill(1, y * 200 + 20, y * 200 + 180);
  for (let y = 0; y < 5; y++) bits[y * 200] = 1;
  return bits;
}
const BIG_STRING = `05ek5[7WVJ${"0".repeat(317)}Vk5`;

describe("encodeMask", () => {
  it("writes column-major runs starting with background", () => {
    expect(encodeMask(SMALL.bits, SMALL.width, SMALL.height)).toEqual({
      size: [3, 4],
      counts: SMALL_RUNS,
    });
    expect(encodeMask(BLOB.bits, BLOB.width, BLOB.height).counts).toEqual(BLOB_RUNS);
  });

  it("starts with an empty background run when the first pixel is foreground", () => {
    expect(encodeMask(Uint8Array.of(1, 1, 1, 1, 1, 1), 3, 2).counts).toEqual([0, 6]);
    expect(encodeMask(new Uint8Array(6), 3, 2).counts).toEqual([6]);
  });

  it("agrees with pycocotools on a large mask", () => {
    const rle = encodeMask(bigMask(), 200, 300);
    expect(rle.size).toEqual([300, 200]);
    expect(encodeCountsString(rle.counts as number[])).toBe(BIG_STRING);
  });

  it("refuses a bitmap of the wrong length", () => {
    expect(() => encodeMask(new Uint8Array(5), 3, 2)).toThrow(RangeError);
  });
});

describe("decodeMask", () => {
  it("reads list counts back into a row-major bitmap", () => {
    expect(rows(decodeMask({ size: [3, 4], counts: SMALL_RUNS }), 4)).toEqual([
      "0110",
      "0100",
      "1101",
    ]);
  });

  it("reads pycocotools' compressed strings", () => {
    expect(decodeMask({ size: [3, 4], counts: SMALL_STRING })).toEqual(SMALL.bits);
    expect(decodeMask({ size: [5, 7], counts: BLOB_STRING })).toEqual(BLOB.bits);
    expect(decodeMask({ size: [300, 200], counts: BIG_STRING })).toEqual(bigMask());
  });

  it("is the inverse of encodeMask", () => {
    // Every 3 x 3 bitmap, and one 5 x 4 pattern.
    for (let n = 0; n < 512; n++) {
      const bits = Uint8Array.from({ length: 9 }, (_, i) => (n >> i) & 1);
      expect(decodeMask(encodeMask(bits, 3, 3))).toEqual(bits);
    }
    const wide = Uint8Array.from({ length: 20 }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
    expect(decodeMask(encodeMask(wide, 5, 4))).toEqual(wide);
  });

  it("refuses runs that do not cover the mask", () => {
    expect(() => decodeMask({ size: [2, 2], counts: [1, 2] })).toThrow(/2x2 = 4 pixels, got 3/);
    expect(() => decodeMask({ size: [2, 2], counts: [5, -1] })).toThrow(RangeError);
    expect(() => decodeMask({ size: [2, 2], counts: "" })).toThrow(RangeError);
  });
});

describe("compressed counts strings", () => {
  it.each<[string, number[]]>([
    [SMALL_STRING, SMALL_RUNS],
    [BLOB_STRING, BLOB_RUNS],
    ["52203", [5, 2, 2, 2, 5]], // the server's doctest
    ["053So0OX\\S2OadkM", [0, 5, 3, 1000, 2, 70000, 1, 1]], // multi-chunk and negative deltas
    ["3", [3]],
    ["0110", [0, 1, 1, 1]],
    ["", []],
  ])("%s decodes to %o and back", (s, runs) => {
    expect(decodeCountsString(s)).toEqual(runs);
    expect(encodeCountsString(runs)).toBe(s);
  });

  it("round-trips runs of any size", () => {
    const runs = [0, 31, 32, 1, 1_000_000, 17, 2 ** 40, 0, 5, 2 ** 33, 123_456_789];
    expect(decodeCountsString(encodeCountsString(runs))).toEqual(runs);
    expect(encodeCountsString(decodeCountsString(BIG_STRING))).toBe(BIG_STRING);
  });

  it.each([
    ["a character below '0'", "25/"],
    ["a character above 'o'", "25p"],
    ["a non-ASCII character", "2é"],
    ["a string ending inside a run", "2W"],
    ["a run of more than 12 chunks", "W".repeat(12) + "0"],
  ])("refuses %s", (_name, s) => {
    expect(() => decodeCountsString(s)).toThrow(RangeError);
  });
});

describe("paintStroke", () => {
  it("paints a round dab", () => {
    const bits = new Uint8Array(7 * 7);
    paintStroke(bits, 7, 7, [3.5, 3.5], [3.5, 3.5], 2, 1);
    expect(rows(bits, 7)).toEqual([
      "0000000",
      "0001000",
      "0011100",
      "0111110",
      "0011100",
      "0001000",
      "0000000",
    ]);
  });

  it("paints a capsule along the drag", () => {
    const bits = new Uint8Array(10 * 5);
    paintStroke(bits, 10, 5, [2.5, 2.5], [7.5, 2.5], 1, 1);
    expect(rows(bits, 10)).toEqual([
      "0000000000",
      "0011111100",
      "0111111110",
      "0011111100",
      "0000000000",
    ]);
  });

  it("leaves no gaps with a thin brush, and paints the pixel under a click", () => {
    const bits = new Uint8Array(6 * 6);
    paintStroke(bits, 6, 6, [0.5, 0.5], [5.5, 5.5], 0, 1);
    // Through pixel corners: each corner belongs to the pixel below-right of it.
    expect(rows(bits, 6)).toEqual(["100000", "010000", "001000", "000100", "000010", "000001"]);
    const shallow = new Uint8Array(8 * 3);
    paintStroke(shallow, 8, 3, [0.2, 0.3], [7.9, 2.6], 0, 1);
    for (let x = 0; x < 8; x++) {
      expect([0, 1, 2].some((y) => shallow[y * 8 + x] === 1), `column ${x}`).toBe(true);
    }
    const dot = new Uint8Array(9);
    paintStroke(dot, 3, 3, [1.01, 1.99], [1.01, 1.99], 0.1, 1);
    expect(rows(dot, 3)).toEqual(["000", "010", "000"]);
  });

  it("erases with value 0", () => {
    const bits = new Uint8Array(5 * 5).fill(1);
    paintStroke(bits, 5, 5, [2.5, 2.5], [2.5, 2.5], 0.5, 0);
    expect(maskArea(bits)).toBe(24);
    expect(bits[2 * 5 + 2]).toBe(0);
  });

  it("clips to the image", () => {
    const bits = new Uint8Array(4 * 3);
    paintStroke(bits, 4, 3, [-10, -10], [20, 20], 50, 1);
    expect(maskArea(bits)).toBe(12);
    const none = new Uint8Array(4 * 3);
    paintStroke(none, 4, 3, [-10, 1], [-5, 1], 2, 1);
    expect(maskArea(none)).toBe(0);
  });
});

describe("maskArea and maskBounds", () => {
  it("count and bound the foreground", () => {
    expect(maskArea(BLOB.bits)).toBe(14);
    expect(maskBounds(BLOB.bits, 7, 5)).toEqual({ x: 0, y: 0, width: 7, height: 5 });
    const { bits } = bitmap("0000", "0110", "0010");
    expect(maskBounds(bits, 4, 3)).toEqual({ x: 1, y: 1, width: 2, height: 2 });
    expect(maskArea(bigMask())).toBe(38405); // pycocotools' mask.area
  });

  it("are empty for an empty mask", () => {
    expect(maskArea(new Uint8Array(12))).toBe(0);
    expect(maskBounds(new Uint8Array(12), 4, 3)).toBeNull();
  });
});
