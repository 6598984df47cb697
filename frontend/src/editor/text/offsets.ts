/**
 * Span offsets count Unicode code points, as Python's `len` and the server do
 * (docs/regions.md); the DOM and JavaScript strings count UTF-16 code units, in which an
 * emoji or a rare CJK character takes two. The stage works in UTF-16 (selections, text
 * slices) and converts here, at the edge, when a span is stored or read.
 *
 * Only characters outside the Basic Multilingual Plane differ, so only their places are
 * kept: a text without any converts by identity, and one with `k` of them in `log k`.
 */
export class TextOffsets {
  /** The UTF-16 index of each astral character (a surrogate pair), in order. */
  private readonly astral: number[];
  /** The text's length in UTF-16 code units. */
  readonly utf16Length: number;
  /** The text's length in code points (what the server calls its length). */
  readonly length: number;

  constructor(text: string) {
    const astral: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          astral.push(i);
          i++;
        }
      }
    }
    this.astral = astral;
    this.utf16Length = text.length;
    this.length = text.length - astral.length;
  }

  /** The UTF-16 index of code point `cp` (0 ≤ cp ≤ length); out-of-range values are clamped. */
  toUtf16(cp: number): number {
    const point = Math.max(0, Math.min(this.length, cp));
    // Astral characters before code point `point`: those whose code point index is < point.
    // The j-th astral character (0-based) sits at code point astral[j] - j.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.astral[mid] as number) - mid < point) lo = mid + 1;
      else hi = mid;
    }
    return point + lo;
  }

  /** The code point index of UTF-16 index `unit`; an index inside a surrogate pair counts
   * as the pair's start (a selection never stores half a character). */
  toCodePoint(unit: number): number {
    const index = Math.max(0, Math.min(this.utf16Length, unit));
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.astral[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    // `lo` astral characters start before `index`, each one code point for two units; an
    // index on the second unit of the last of them maps to that character's start, which
    // the same count gives.
    return index - lo;
  }
}
