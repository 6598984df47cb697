/**
 * One colour per annotator of a task, the same wherever they are shown (overlay, swatch,
 * side-by-side view): a colour-blind-safe set first (Okabe and Ito), then hues a golden
 * angle apart. Pure.
 */
const SAFE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442", "#7f3c8d"];

export function annotatorColor(index: number): string {
  if (index < 0 || !Number.isInteger(index)) throw new RangeError(`annotator index must be a whole number of at least 0; got ${index}`);
  const safe = SAFE[index];
  if (safe !== undefined) return safe;
  const hue = Math.round(((index - SAFE.length) * 137.508) % 360);
  return hslToHex(hue, 0.7, 0.45);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
