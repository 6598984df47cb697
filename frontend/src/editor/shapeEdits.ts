/**
 * Edits of a shape's geometry, shared by the stage (pointer gestures) and the editor
 * (arrow-key nudges). Pure; rounding to 1/100 px is the caller's (`precision.roundShape`).
 */
import { translatePoints } from "../lib/geometry";
import type { Keypoint, Point, ShapeRegion } from "../lib/regions";

/** The shape moved by (dx, dy); masks are repainted, not moved. */
export function moved(region: ShapeRegion, dx: number, dy: number): ShapeRegion {
  switch (region.type) {
    case "bbox":
      return { ...region, value: { ...region.value, x: region.value.x + dx, y: region.value.y + dy } };
    case "polygon":
    case "polyline":
      return { ...region, value: { ...region.value, points: translatePoints(region.value.points, dx, dy) } };
    case "keypoints":
      return { ...region, value: { ...region.value, points: translatePoints(region.value.points, dx, dy) } };
    case "mask":
      return region; // masks are repainted, not moved
  }
}

/** The shape with its vertex (or keypoint) `index` at `p`; a placed keypoint becomes visible. */
export function withVertex(region: ShapeRegion, index: number, p: Point): ShapeRegion {
  if (region.type === "polygon" || region.type === "polyline") {
    const points = region.value.points.map((q, i) => (i === index ? p : q));
    return { ...region, value: { ...region.value, points } };
  }
  if (region.type === "keypoints") {
    const points = region.value.points.map((q, i): Keypoint => (i === index ? [p[0], p[1], q[2] === 0 ? 2 : q[2]] : q));
    return { ...region, value: { ...region.value, points } };
  }
  return region;
}

/** A double-click places its point twice before it finishes the shape: repeats go. */
export function distinctPoints(points: readonly Point[], closed: boolean): Point[] {
  const out = points.filter((p, i) => i === 0 || p[0] !== points[i - 1]?.[0] || p[1] !== points[i - 1]?.[1]);
  const first = out[0];
  const last = out[out.length - 1];
  if (closed && out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}
