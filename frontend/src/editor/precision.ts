/**
 * Stored coordinates carry 1/100 px: finer than any pointer can place at the editor's
 * maximum zoom, and free of the float noise (100.30000000000001) that arithmetic on
 * pointer positions leaves, so what an annotator drew is what the API returns.
 */
import type { Keypoint, Point, ShapeRegion, Unsaved } from "../lib/regions";

export function round2(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

export function roundShape<R extends ShapeRegion | Unsaved<ShapeRegion>>(region: R): R {
  return { ...region, value: roundValue(region as Unsaved<ShapeRegion>) };
}

function roundValue(region: Unsaved<ShapeRegion>): ShapeRegion["value"] {
  switch (region.type) {
    case "bbox": {
      const v = region.value;
      return { ...v, x: round2(v.x), y: round2(v.y), width: round2(v.width), height: round2(v.height), rotation: round2(normalDegrees(v.rotation ?? 0)) };
    }
    case "polygon":
    case "polyline":
      return { ...region.value, points: region.value.points.map(([x, y]): Point => [round2(x), round2(y)]) };
    case "keypoints":
      return { ...region.value, points: region.value.points.map(([x, y, v]): Keypoint => [round2(x), round2(y), v]) };
    case "mask":
      return region.value;
  }
}

/** Degrees in [0, 360): the same rotation always has the same stored value. */
export function normalDegrees(degrees: number): number {
  const d = degrees % 360;
  return d < 0 ? d + 360 : d;
}
