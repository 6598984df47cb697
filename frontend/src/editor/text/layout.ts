/**
 * How spans are drawn: as underlines stacked in lanes below the text, so nested and
 * overlapping spans stay apart. Each span gets the lowest lane free over its whole range
 * (outer spans before the spans they contain, so a nested span sits under its parent);
 * the text is cut into pieces at every span edge, and each piece lists the spans covering
 * it. Pure: offsets are UTF-16 indices, end exclusive.
 */

export interface Mark {
  key: string;
  start: number;
  end: number;
}

/** Each mark's lane, 0 nearest the text; two marks sharing a character never share a lane. */
export function assignLanes(marks: readonly Mark[]): Map<string, number> {
  const order = [...marks].sort((a, b) => a.start - b.start || b.end - a.end || (a.key < b.key ? -1 : 1));
  const laneEnds: number[] = [];
  const lanes = new Map<string, number>();
  for (const mark of order) {
    let lane = laneEnds.findIndex((end) => end <= mark.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(mark.end);
    } else laneEnds[lane] = mark.end;
    lanes.set(mark.key, lane);
  }
  return lanes;
}

export interface Piece<M extends Mark> {
  start: number;
  end: number;
  marks: M[];
}

/** [start, end) cut at every edge of `marks` inside it, each piece with the marks covering it
 * (in the order given). Pieces without marks are kept, so the pieces tile the range. */
export function pieces<M extends Mark>(start: number, end: number, marks: readonly M[]): Piece<M>[] {
  const inside = marks.filter((m) => m.start < end && m.end > start && m.end > m.start);
  if (inside.length === 0) return start < end ? [{ start, end, marks: [] }] : [];
  const edges = new Set<number>([start, end]);
  for (const m of inside) {
    if (m.start > start) edges.add(m.start);
    if (m.end < end) edges.add(m.end);
  }
  const cuts = [...edges].sort((a, b) => a - b);
  const out: Piece<M>[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    out.push({ start: a, end: b, marks: inside.filter((m) => m.start < b && m.end > a) });
  }
  return out;
}
