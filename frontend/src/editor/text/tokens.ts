/**
 * Token-aware snapping: a selection made with the mouse rarely starts and ends exactly on a
 * word's edges, and a span that cuts a word is almost always a slip. So a selection snaps
 * **outward** to whole tokens, where a token is
 *
 * - a word: a run of letters, digits, combining marks and connector punctuation (`_`), in
 *   any script (Unicode `\p{L}\p{N}\p{M}\p{Pc}`), or
 * - one other character that is not whitespace (a punctuation mark, a symbol, an emoji).
 *
 * The selection is first trimmed of whitespace at both ends (a selection of only whitespace
 * gives no span); then a start inside a word moves back to the word's start and an end
 * inside a word moves on to its end. A punctuation token is one character, so it is never
 * cut. Holding Alt while selecting (or turning snapping off) keeps the selection exactly.
 *
 * All offsets here are UTF-16 indices into the text, end exclusive; a surrogate pair is
 * one character and is never split.
 */

const WORD = /[\p{L}\p{N}\p{M}\p{Pc}]/u;
const SPACE = /\s/u;

/** The character (a whole surrogate pair) starting at `i`, or ending just before `i`. */
function charAt(text: string, i: number): string {
  const code = text.codePointAt(i);
  return code === undefined ? "" : String.fromCodePoint(code);
}

function charBefore(text: string, i: number): string {
  if (i <= 0) return "";
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text.slice(i - 1, i);
}

export function isWordChar(ch: string): boolean {
  return ch !== "" && WORD.test(ch);
}

export function isSpace(ch: string): boolean {
  return ch !== "" && SPACE.test(ch);
}

/** `i` moved off the second unit of a surrogate pair, to the pair's start. */
export function charBoundary(text: string, i: number): number {
  const at = Math.max(0, Math.min(text.length, i));
  const unit = text.charCodeAt(at);
  if (at > 0 && unit >= 0xdc00 && unit <= 0xdfff) {
    const high = text.charCodeAt(at - 1);
    if (high >= 0xd800 && high <= 0xdbff) return at - 1;
  }
  return at;
}

/** [start, end) snapped outward to whole tokens, or null when it holds no token. */
export function snapToTokens(text: string, start: number, end: number): [number, number] | null {
  const range = exactRange(text, start, end);
  if (!range) return null;
  let [a, b] = range;
  while (a < b && isSpace(charAt(text, a))) a += charAt(text, a).length;
  while (b > a && isSpace(charBefore(text, b))) b -= charBefore(text, b).length;
  if (a >= b) return null;
  if (isWordChar(charAt(text, a))) {
    while (a > 0 && isWordChar(charBefore(text, a))) a -= charBefore(text, a).length;
  }
  if (isWordChar(charBefore(text, b))) {
    while (b < text.length && isWordChar(charAt(text, b))) b += charAt(text, b).length;
  }
  return [a, b];
}

/** [start, end) as selected, only kept off half characters; null when empty. */
export function exactRange(text: string, start: number, end: number): [number, number] | null {
  if (start === end) return null;
  const a = charBoundary(text, Math.min(start, end));
  const last = Math.max(0, Math.min(text.length, Math.max(start, end)));
  let b = charBoundary(text, last);
  if (b < last) b += 2; // the end fell inside a pair: the pair is taken whole
  return a < b ? [a, b] : null;
}

/** The tokens of `text` as [start, end) UTF-16 ranges, in order (for the keyboard cursor). */
export function tokenRanges(text: string, from = 0, to = text.length): [number, number][] {
  const out: [number, number][] = [];
  let i = charBoundary(text, from);
  while (i < to) {
    const ch = charAt(text, i);
    if (isSpace(ch)) {
      i += ch.length;
      continue;
    }
    const start = i;
    i += ch.length;
    if (isWordChar(ch)) {
      while (i < text.length && isWordChar(charAt(text, i))) i += charAt(text, i).length;
    }
    out.push([start, i]);
  }
  return out;
}

/** The first token starting at or after `from`, or null at the end of the text (the
 * keyboard cursor's next token, on this page or the next). */
export function nextToken(text: string, from: number): [number, number] | null {
  let i = charBoundary(text, from);
  while (i < text.length && isSpace(charAt(text, i))) i += charAt(text, i).length;
  return i < text.length ? (tokenRanges(text, i, i + 1)[0] ?? null) : null;
}

/** The last token ending at or before `to`, or null at the start of the text; `to` is a
 * token's edge (a cursor token's start), so a word before it ends there. */
export function previousToken(text: string, to: number): [number, number] | null {
  let b = charBoundary(text, to);
  while (b > 0 && isSpace(charBefore(text, b))) b -= charBefore(text, b).length;
  if (b <= 0) return null;
  let a = b - charBefore(text, b).length;
  if (isWordChar(charBefore(text, b))) {
    while (a > 0 && isWordChar(charBefore(text, a))) a -= charBefore(text, a).length;
  }
  return [a, b];
}
