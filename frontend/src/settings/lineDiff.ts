/**
 * A line diff of two texts by their longest common subsequence (LCS) of lines, and its
 * grouping into hunks with a few lines of context, for the guideline version diff.
 *
 * The common head and tail are set aside first, so a small edit to a long text costs a table
 * the size of the changed middle only. A middle too large for the table (more than
 * `MAX_CELLS` line pairs) is shown as all its old lines removed and all its new lines added,
 * and the result says so (`exact: false`) instead of taking the page down.
 */

export type LineChange =
  | { kind: "same"; text: string; oldLine: number; newLine: number }
  | { kind: "removed"; text: string; oldLine: number }
  | { kind: "added"; text: string; newLine: number };

export interface LineDiff {
  changes: LineChange[];
  added: number;
  removed: number;
  /** False when the changed middle was too large for the LCS table (see above). */
  exact: boolean;
}

export const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // a final newline ends the last line
  return lines;
}

export function diffLines(before: string, after: string): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  const changes: LineChange[] = [];
  for (let i = 0; i < head; i++) changes.push({ kind: "same", text: a[i] ?? "", oldLine: i + 1, newLine: i + 1 });
  const exact = (midA.length + 1) * (midB.length + 1) <= MAX_CELLS;
  const middle = exact ? lcsDiff(midA, midB) : replaceAll(midA, midB);
  for (const change of middle) {
    if (change.kind === "same") changes.push({ ...change, oldLine: change.oldLine + head, newLine: change.newLine + head });
    else if (change.kind === "removed") changes.push({ ...change, oldLine: change.oldLine + head });
    else changes.push({ ...change, newLine: change.newLine + head });
  }
  for (let k = 0; k < tail; k++) {
    const i = a.length - tail + k;
    const j = b.length - tail + k;
    changes.push({ kind: "same", text: a[i] ?? "", oldLine: i + 1, newLine: j + 1 });
  }
  return {
    changes,
    added: changes.filter((c) => c.kind === "added").length,
    removed: changes.filter((c) => c.kind === "removed").length,
    exact,
  };
}

/** The classic LCS table, read back from the start: removals before additions at a change. */
function lcsDiff(a: readonly string[], b: readonly string[]): LineChange[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // suffix[i * width + j] = length of the LCS of a[i:] and b[j:]
  const suffix = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      suffix[i * width + j] =
        a[i] === b[j] ? (suffix[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(suffix[(i + 1) * width + j] ?? 0, suffix[i * width + j + 1] ?? 0);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: "same", text: a[i] ?? "", oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (j >= m || (i < n && (suffix[(i + 1) * width + j] ?? 0) >= (suffix[i * width + j + 1] ?? 0))) {
      out.push({ kind: "removed", text: a[i] ?? "", oldLine: i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[j] ?? "", newLine: j + 1 });
      j++;
    }
  }
  return out;
}

function replaceAll(a: readonly string[], b: readonly string[]): LineChange[] {
  return [
    ...a.map((text, i): LineChange => ({ kind: "removed", text, oldLine: i + 1 })),
    ...b.map((text, j): LineChange => ({ kind: "added", text, newLine: j + 1 })),
  ];
}

export interface Hunk {
  /** First line of the hunk in the old and the new text (1-based; for an empty side, the
   * line it follows, as in a unified diff). */
  oldStart: number;
  newStart: number;
  changes: LineChange[];
}

/** The changes grouped into hunks, each with up to `context` unchanged lines around it;
 * hunks whose context would touch are merged. No hunks when nothing changed. */
export function toHunks(changes: readonly LineChange[], context = 3): Hunk[] {
  const changed = changes.map((c, index) => (c.kind === "same" ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(changes.length - 1, index + context);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  return ranges.map(([start, end]) => {
    const slice = changes.slice(start, end + 1);
    return { oldStart: startLine(changes, start, "old"), newStart: startLine(changes, start, "new"), changes: slice };
  });
}

function startLine(changes: readonly LineChange[], start: number, side: "old" | "new"): number {
  // The number of this side's lines before `start`, plus one.
  let count = 0;
  for (let k = 0; k < start; k++) {
    const c = changes[k];
    if (!c) continue;
    if (c.kind === "same" || (side === "old" ? c.kind === "removed" : c.kind === "added")) count++;
  }
  return count + 1;
}
