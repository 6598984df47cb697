/**
 * Brush masks: COCO run-length encoding (docs/regions.md) to and from the row-major bitmaps
 * the editor paints. An RLE is column-major, `size` is [height, width], and its runs alternate
 * background and foreground starting with background; `counts` is the list of runs or
 * pycocotools' compressed string. Bitmaps are `Uint8Array(width * height)`, index
 * `y * width + x`, nonzero = foreground.
 */
import type { Rect } from "./geometry";
import type { Point, Rle } from "./regions";

/** Uncompressed runs of a row-major bitmap: what the server checks `min_area` on. */
export function encodeMask(bits: Uint8Array, width: number, height: number): Rle {
  if (bits.length !== width * height) {
    const expected = width * height;
    throw new RangeError(`a ${width}x${height} mask has ${expected} pixels, got ${bits.length}`);
  }
  const counts: number[] = [];
  let current = 0; // runs start with background
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const value = bits[y * width + x] ? 1 : 0;
      if (value !== current) {
        counts.push(run);
        current = value;
        run = 0;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** The row-major bitmap of an RLE; throws when its runs do not cover height × width. */
export function decodeMask(rle: Rle): Uint8Array {
  const [height, width] = rle.size;
  const counts = typeof rle.counts === "string" ? decodeCountsString(rle.counts) : rle.counts;
  const total = counts.reduce((sum, run) => sum + run, 0);
  if (counts.some((run) => run < 0 || !Number.isInteger(run)) || total !== height * width) {
    throw new RangeError(
      `mask runs must be whole numbers of at least 0 adding up to ${height}x${width} = ` +
        `${height * width} pixels, got ${total}`,
    );
  }
  const bits = new Uint8Array(width * height);
  let offset = 0; // column-major position
  counts.forEach((run, i) => {
    if (i % 2 === 1) {
      for (let k = offset; k < offset + run; k++) {
        bits[(k % height) * width + Math.floor(k / height)] = 1;
      }
    }
    offset += run;
  });
  return bits;
}

/**
 * Runs of pycocotools' compressed string (`rleFrString`): each run is little-endian 5-bit
 * chunks offset by 48, bit 0x20 meaning "more chunks follow" and bit 0x10 of the last chunk
 * the sign; from the fourth run on, a run is stored as its difference from the run two
 * places before. Throws on a string pycocotools could not have written.
 */
export function decodeCountsString(s: string): number[] {
  const counts: number[] = [];
  let value = 0;
  let chunk = 0;
  for (let p = 0; p < s.length; p++) {
    const code = s.charCodeAt(p) - 48;
    if (code < 0 || code > 63) {
      throw new RangeError(`not a COCO compressed RLE string: ${JSON.stringify(s.slice(0, 40))}`);
    }
    if (chunk > 11) {
      throw new RangeError(`a run in the compressed RLE string is too long: ${s.slice(0, 40)}`);
    }
    // Multiplication, not shifts: JavaScript shifts are 32-bit, runs may be longer.
    value += (code & 0x1f) * 32 ** chunk;
    chunk++;
    if (code & 0x20) continue;
    if (code & 0x10) value -= 32 ** chunk; // sign-extend the last chunk
    const twoBefore = counts.length > 2 ? (counts[counts.length - 2] as number) : 0;
    counts.push(value + twoBefore);
    value = 0;
    chunk = 0;
  }
  if (chunk !== 0) {
    throw new RangeError(`the compressed RLE string ends inside a run: ${s.slice(0, 40)}`);
  }
  return counts;
}

/** pycocotools' compressed string (`rleToString`) for a list of runs. */
export function encodeCountsString(counts: readonly number[]): string {
  let out = "";
  counts.forEach((run, i) => {
    let x = i > 2 ? run - (counts[i - 2] as number) : run;
    for (;;) {
      const low = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32); // an arithmetic shift by 5, for any size of run
      const more = low & 0x10 ? x !== -1 : x !== 0;
      out += String.fromCharCode((more ? low | 0x20 : low) + 48);
      if (!more) break;
    }
  });
  return out;
}

/**
 * Paint (`value` 1) or erase (0) with a round brush of `radius` image pixels dragged from
 * `from` to `to`: every pixel whose centre lies within `radius` of the segment, and every
 * pixel the segment passes through, so even a thin brush leaves no gaps. Clipped to the image.
 */
export function paintStroke(
  bits: Uint8Array,
  width: number,
  height: number,
  from: Point,
  to: Point,
  radius: number,
  value: 0 | 1,
): void {
  const r = Math.max(radius, 0);
  const x0 = Math.max(0, Math.floor(Math.min(from[0], to[0]) - r));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(from[0], to[0]) + r));
  const y0 = Math.max(0, Math.floor(Math.min(from[1], to[1]) - r));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(from[1], to[1]) + r));
  // A pixel's centre is at most √½ from any point of it: a wider brush covers the path anyway.
  const traceCells = r < Math.SQRT1_2;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const hit =
        distanceSquaredToSegment(x + 0.5, y + 0.5, from, to) <= r * r ||
        (traceCells && segmentTouchesCell(from, to, x, y));
      if (hit) bits[y * width + x] = value;
    }
  }
}

function distanceSquaredToSegment(px: number, py: number, a: Point, b: Point): number {
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  const lengthSquared = ex * ex + ey * ey;
  const t =
    lengthSquared === 0
      ? 0
      : Math.min(1, Math.max(0, ((px - a[0]) * ex + (py - a[1]) * ey) / lengthSquared));
  const dx = px - (a[0] + t * ex);
  const dy = py - (a[1] + t * ey);
  return dx * dx + dy * dy;
}

/** Whether segment ab meets the pixel square [x, x+1) × [y, y+1) (Liang–Barsky clipping). */
function segmentTouchesCell(a: Point, b: Point, x: number, y: number): boolean {
  let low = 0;
  let high = 1;
  const sides: [number, number][] = [
    [-(b[0] - a[0]), a[0] - x],
    [b[0] - a[0], x + 1 - a[0]],
    [-(b[1] - a[1]), a[1] - y],
    [b[1] - a[1], y + 1 - a[1]],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) low = Math.max(low, t);
      else high = Math.min(high, t);
    }
  }
  if (low > high) return false;
  // Half-open: a segment only grazing the cell's right or bottom edge belongs to the next cell.
  const mid = (low + high) / 2;
  const mx = a[0] + mid * (b[0] - a[0]);
  const my = a[1] + mid * (b[1] - a[1]);
  return mx < x + 1 && my < y + 1;
}

export function maskArea(bits: Uint8Array): number {
  let area = 0;
  for (const bit of bits) if (bit) area++;
  return area;
}

/** The smallest rectangle of whole pixels holding the foreground, or null when empty. */
export function maskBounds(bits: Uint8Array, width: number, height: number): Rect | null {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!bits[y * width + x]) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
