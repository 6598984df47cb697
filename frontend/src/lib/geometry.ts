/**
 * Image-plane geometry for the label editor: box corners and handles, hit tests, polygon
 * checks. Coordinates are image pixels, origin top-left, y downwards, so a positive angle
 * turns clockwise on screen (docs/regions.md). Mirrors `accord.core.geometry` where both exist.
 */
import type { Point } from "./regions";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `(x, y)` is the top-left corner before rotation; rotation is about the centre. */
export interface Box extends Rect {
  /** Degrees, clockwise on screen, about the centre. */
  rotation?: number;
}

/** Resize handles, named in the box's own (unrotated) frame. */
export type Handle = "n" | "s" | "e" | "w" | "ne" | "nw" | "se" | "sw";

const RADIANS_PER_DEGREE = Math.PI / 180;

/**
 * Corners turned clockwise about the centre, in the order top-left, top-right, bottom-right,
 * bottom-left of the unrotated box: the same numbers as the server's `rotated_box_corners`
 * (same formula and evaluation order), so a box checked here is the box checked at submit.
 */
export function boxCorners(box: Box): [Point, Point, Point, Point] {
  const { x, y, width, height } = box;
  const rotation = box.rotation ?? 0;
  if (rotation % 360 === 0) {
    // Exact corners for the common case, as on the server: no sin/cos rounding.
    return [
      [x, y],
      [x + width, y],
      [x + width, y + height],
      [x, y + height],
    ];
  }
  const theta = rotation * RADIANS_PER_DEGREE;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = x + width / 2;
  const cy = y + height / 2;
  const corner = (dx: number, dy: number): Point => [
    cx + dx * cos - dy * sin,
    cy + dx * sin + dy * cos,
  ];
  return [
    corner(-width / 2, -height / 2),
    corner(width / 2, -height / 2),
    corner(width / 2, height / 2),
    corner(-width / 2, height / 2),
  ];
}

export function boxCentre(box: Box): Point {
  return [box.x + box.width / 2, box.y + box.height / 2];
}

/** `p` turned clockwise on screen (y down) about `centre`; whole turns return `p` exactly. */
export function rotatePoint(p: Point, centre: Point, degrees: number): Point {
  if (degrees % 360 === 0) return [p[0], p[1]];
  const theta = degrees * RADIANS_PER_DEGREE;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const dx = p[0] - centre[0];
  const dy = p[1] - centre[1];
  return [centre[0] + dx * cos - dy * sin, centre[1] + dx * sin + dy * cos];
}

/** The rectangle spanned by a drag, whichever way the pointer moved. */
export function rectFromDrag(a: Point, b: Point): Rect {
  return {
    x: Math.min(a[0], b[0]),
    y: Math.min(a[1], b[1]),
    width: Math.abs(b[0] - a[0]),
    height: Math.abs(b[1] - a[1]),
  };
}

/** Whether `p` is in the box or on its edge, tested in the box's own frame. */
export function pointInBox(p: Point, box: Box): boolean {
  const [lx, ly] = rotatePoint(p, boxCentre(box), -(box.rotation ?? 0));
  return lx >= box.x && lx <= box.x + box.width && ly >= box.y && ly <= box.y + box.height;
}

/**
 * Even-odd rule, so a ring drawn crossing itself still has holes where the fill would show.
 * Points exactly on the outline may fall either way; hit-test edges with a distance.
 */
export function pointInPolygon(p: Point, ring: readonly Point[]): boolean {
  const [px, py] = p;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Point;
    const [xj, yj] = ring[j] as Point;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The point of segment ab nearest to p, and its parameter t in [0, 1] along ab. */
function projectOnSegment(p: Point, a: Point, b: Point): { point: Point; t: number } {
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  const lengthSquared = ex * ex + ey * ey;
  const raw = lengthSquared === 0 ? 0 : ((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / lengthSquared;
  const t = Math.min(1, Math.max(0, raw));
  return { point: [a[0] + t * ex, a[1] + t * ey], t };
}

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const { point } = projectOnSegment(p, a, b);
  return Math.hypot(p[0] - point[0], p[1] - point[1]);
}

/** Segments of an outline as index pairs; `closed` adds the edge from last to first. */
function edgeIndices(count: number, closed: boolean): [number, number][] {
  const edges: [number, number][] = [];
  for (let i = 0; i + 1 < count; i++) edges.push([i, i + 1]);
  if (closed && count > 2) edges.push([count - 1, 0]);
  return edges;
}

/** Distance to the nearest edge; a single point is its own outline, none is infinitely far. */
export function distanceToPolyline(p: Point, points: readonly Point[], closed: boolean): number {
  const first = points[0];
  if (first === undefined) return Number.POSITIVE_INFINITY;
  if (points.length === 1) return Math.hypot(p[0] - first[0], p[1] - first[1]);
  let nearest = Number.POSITIVE_INFINITY;
  for (const [i, j] of edgeIndices(points.length, closed)) {
    nearest = Math.min(nearest, distanceToSegment(p, points[i] as Point, points[j] as Point));
  }
  return nearest;
}

/**
 * Enclosed area whatever the winding (shoelace), 0 under three points. Coordinates are taken
 * relative to the first point, as on the server, so small shapes far out keep their digits.
 * Meaningless for a self-intersecting ring.
 */
export function polygonArea(ring: readonly Point[]): number {
  const origin = ring[0];
  if (origin === undefined || ring.length < 3) return 0;
  let twice = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Point;
    const b = ring[(i + 1) % ring.length] as Point;
    twice += (a[0] - origin[0]) * (b[1] - origin[1]) - (a[1] - origin[1]) * (b[0] - origin[0]);
  }
  return Math.abs(twice) / 2;
}

/** Axis-aligned bounds of at least one point; throws on none, which has no bounds. */
export function bounds(points: readonly Point[]): Rect {
  if (points.length === 0) throw new RangeError("bounds need at least one point; got none");
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

// ---------------------------------------------------------------------------------------
// Self-intersection, with the server's rules (`is_self_intersecting`).

/** Shewchuk's ccwerrboundA is ~3.3e-16; inside a wider bound the sign is recomputed exactly. */
const ORIENT_ERROR = 1e-15;

/** A finite double as mantissa × 2^exponent, both exact. */
function splitDouble(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const magnitude = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return { mantissa: bits >> 63n ? -magnitude : magnitude, exponent };
}

/** The orientation's sign in exact integer arithmetic: every double is an integer × 2^e. */
function exactOrientation(a: Point, b: Point, c: Point): number {
  const parts = [a[0], a[1], b[0], b[1], c[0], c[1]].map(splitDouble);
  const lowest = Math.min(...parts.map((part) => part.exponent));
  const [ax, ay, bx, by, cx, cy] = parts.map(
    (part) => part.mantissa << BigInt(part.exponent - lowest),
  ) as [bigint, bigint, bigint, bigint, bigint, bigint];
  const det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

/** Sign of the turn a → b → c: 1, -1, or 0 when collinear; exact near 0, like the server. */
function orientation(a: Point, b: Point, c: Point): number {
  const left = (b[0] - a[0]) * (c[1] - a[1]);
  const right = (b[1] - a[1]) * (c[0] - a[0]);
  const det = left - right;
  if (Math.abs(det) > ORIENT_ERROR * (Math.abs(left) + Math.abs(right))) return Math.sign(det);
  const finite = [a, b, c].every(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  return finite ? exactOrientation(a, b, c) : Math.sign(det) || 0;
}

/** For c collinear with segment ab: whether c lies on it. */
function onSegment(a: Point, b: Point, c: Point): boolean {
  return (
    Math.min(a[0], b[0]) <= c[0] &&
    c[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= c[1] &&
    c[1] <= Math.max(a[1], b[1])
  );
}

function segmentsMeet(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = orientation(q1, q2, p1);
  const d2 = orientation(q1, q2, p2);
  const d3 = orientation(p1, p2, q1);
  const d4 = orientation(p1, p2, q2);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(q1, q2, p1)) ||
    (d2 === 0 && onSegment(q1, q2, p2)) ||
    (d3 === 0 && onSegment(p1, p2, q1)) ||
    (d4 === 0 && onSegment(p1, p2, q2))
  );
}

/** The ring without repeated consecutive points nor a repeated first point at the end. */
function distinctRing(points: readonly Point[]): Point[] {
  const ring: Point[] = [];
  for (const p of points) {
    const last = ring[ring.length - 1];
    if (last === undefined || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
  }
  for (;;) {
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (ring.length < 2 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) break;
    ring.pop();
  }
  return ring;
}

/** Consecutive edges share a vertex; they overlap only when collinear and turning back. */
function foldsBack(a: Point, b: Point, c: Point): boolean {
  if (orientation(a, b, c) !== 0) return false;
  // Parallel directions are opposite exactly when their component signs are.
  const alongX = Math.sign(b[0] - a[0]) * Math.sign(c[0] - b[0]);
  const alongY = Math.sign(b[1] - a[1]) * Math.sign(c[1] - b[1]);
  return alongX + alongY < 0;
}

/**
 * Whether a closed ring is not a simple polygon: two edges cross, touch or overlap, a vertex
 * lies on another edge, or an edge turns straight back. Repeated consecutive points are
 * ignored; fewer than three distinct points count as intersecting. Agrees with the server's
 * `is_self_intersecting`; a sweep along x compares only edges whose x-ranges meet.
 */
export function selfIntersects(ring: readonly Point[]): boolean {
  const points = distinctRing(ring);
  const n = points.length;
  if (n < 3) return true;
  const at = (i: number): Point => points[((i % n) + n) % n] as Point;
  for (let i = 0; i < n; i++) if (foldsBack(at(i), at(i + 1), at(i + 2))) return true;
  const edges = Array.from({ length: n }, (_, i) => {
    const a = at(i);
    const b = at(i + 1);
    return { i, a, b, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]) };
  }).sort((e, f) => e.minX - f.minX);
  for (let k = 0; k < n; k++) {
    const e = edges[k] as (typeof edges)[number];
    for (let m = k + 1; m < n; m++) {
      const f = edges[m] as (typeof edges)[number];
      if (f.minX > e.maxX) break;
      const gap = Math.abs(e.i - f.i);
      if (gap <= 1 || gap === n - 1) continue; // adjacent edges share a vertex by design
      if (segmentsMeet(e.a, e.b, f.a, f.b)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Editing.

/** Which side each handle moves: -1 the low edge (left/top), 1 the high one, 0 neither. */
const HANDLE_SIDES: Record<Handle, readonly [number, number]> = {
  n: [0, -1],
  s: [0, 1],
  e: [1, 0],
  w: [-1, 0],
  ne: [1, -1],
  nw: [-1, -1],
  se: [1, 1],
  sw: [-1, 1],
};

/**
 * One axis of a resize: the fixed edge stays, the moved one follows the pointer and may pass
 * it (the span flips), and the span never shrinks under `minSize`.
 */
function resizeSpan(low: number, size: number, side: number, to: number, minSize: number) {
  if (side === 0) return { low, size };
  const fixed = side > 0 ? low : low + size;
  const pulled = to - fixed;
  const direction = pulled === 0 ? side : Math.sign(pulled);
  const length = Math.max(Math.abs(pulled), minSize);
  return direction > 0 ? { low: fixed, size: length } : { low: fixed - length, size: length };
}

/**
 * The box with `handle` dragged to `to`, in the box's own frame: the opposite edge or corner
 * stays where it is on screen, dragging past it flips the box, and sides stay >= `minSize`.
 */
export function resizeBox(box: Box, handle: Handle, to: Point, minSize = 1): Box {
  const rotation = box.rotation ?? 0;
  const centre = boxCentre(box);
  const [localX, localY] = rotatePoint(to, centre, -rotation);
  const [sideX, sideY] = HANDLE_SIDES[handle];
  const floor = Math.max(minSize, 0);
  const spanX = resizeSpan(box.x, box.width, sideX, localX, floor);
  const spanY = resizeSpan(box.y, box.height, sideY, localY, floor);
  // The new centre, found in the old frame, is turned onto the screen; rotating the new box
  // about it puts the fixed edge back where it was.
  const localCentre: Point = [spanX.low + spanX.size / 2, spanY.low + spanY.size / 2];
  const [cx, cy] = rotatePoint(localCentre, centre, rotation);
  return {
    ...box,
    x: cx - spanX.size / 2,
    y: cy - spanY.size / 2,
    width: spanX.size,
    height: spanY.size,
  };
}

/**
 * The box turned about its centre so that its rotation handle, drawn above the middle of the
 * top edge, points at `to`. Rotation is in [0, 360); `snapDegrees` (e.g. 15 with Shift) rounds
 * it. Pointing at the centre itself changes nothing.
 */
export function rotateBoxToward(box: Box, to: Point, snapDegrees?: number): Box {
  const [cx, cy] = boxCentre(box);
  const dx = to[0] - cx;
  const dy = to[1] - cy;
  if (dx === 0 && dy === 0) return { ...box };
  // The handle's direction from the centre at rotation θ is (sin θ, -cos θ).
  let degrees = Math.atan2(dx, -dy) / RADIANS_PER_DEGREE;
  if (snapDegrees !== undefined && snapDegrees > 0) {
    degrees = Math.round(degrees / snapDegrees) * snapDegrees;
  }
  const rotation = ((degrees % 360) + 360) % 360;
  return { ...box, rotation: rotation === 360 ? 0 : rotation };
}

/** Moves x and y by (dx, dy); anything after them, such as keypoint visibility, is kept. */
export function translatePoints<T extends readonly number[]>(
  points: readonly T[],
  dx: number,
  dy: number,
): T[] {
  return points.map((p) => {
    const moved: readonly number[] = p.map((v, i) => (i === 0 ? v + dx : i === 1 ? v + dy : v));
    return moved as T; // same length, entries after x and y untouched: still a T
  });
}

/**
 * A new vertex on the edge nearest `p`: `p`'s foot on that edge, so the outline keeps its
 * shape. When the foot is an existing vertex (p lies beyond the edge's end) `p` itself is
 * inserted instead, never a duplicate point; beyond an end of an open line, that extends the
 * line. `index` is where the vertex went; with under two points `p` is appended.
 */
export function insertVertexOnNearestEdge(
  ring: readonly Point[],
  p: Point,
  closed: boolean,
): { points: Point[]; index: number } {
  let best: { index: number; distance: number; foot: Point; t: number } | null = null;
  for (const [i, j] of edgeIndices(ring.length, closed)) {
    const { point: foot, t } = projectOnSegment(p, ring[i] as Point, ring[j] as Point);
    const distance = Math.hypot(p[0] - foot[0], p[1] - foot[1]);
    if (best === null || distance < best.distance) best = { index: i + 1, distance, foot, t };
  }
  const points = ring.map((q): Point => [q[0], q[1]]);
  let index = points.length;
  let vertex: Point = [p[0], p[1]];
  if (best !== null) {
    const beyondStart = !closed && best.index === 1 && best.t === 0;
    const beyondEnd = !closed && best.index === ring.length - 1 && best.t === 1;
    index = beyondStart ? 0 : beyondEnd ? ring.length : best.index;
    if (best.t > 0 && best.t < 1) vertex = best.foot;
  }
  points.splice(index, 0, vertex);
  return { points, index };
}

/** The nearest point of the image `[0, width] × [0, height]`, edges included. */
export function clampToImage(p: Point, width: number, height: number): Point {
  return [Math.min(Math.max(p[0], 0), width), Math.min(Math.max(p[1], 0), height)];
}
