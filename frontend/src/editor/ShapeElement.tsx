import type { PointerEvent as ReactPointerEvent } from "react";
import { boxCorners } from "../lib/geometry";
import type { ShapeRegion } from "../lib/regions";
import { MaskImage } from "./MaskImage";

/** One region's SVG element in image pixels, by its type: the one drawing the editor's
 * stage and every still view (side-by-side answers) share. Strokes keep their screen width
 * at any zoom; the colour is a presentation attribute (the CSP allows no inline styles). */
export function ShapeElement({ region, color, className, onPointerDown }: {
  region: ShapeRegion;
  color: string;
  className: string;
  onPointerDown?: ((event: ReactPointerEvent) => void) | undefined;
}) {
  const common = {
    className,
    stroke: color,
    vectorEffect: "non-scaling-stroke" as const,
    "data-region": region.id,
    onPointerDown,
  };
  switch (region.type) {
    case "bbox":
      return <polygon {...common} fill={color} points={boxCorners(region.value).map((p) => p.join(",")).join(" ")} />;
    case "polygon":
      return <polygon {...common} fill={color} points={region.value.points.map((p) => p.join(",")).join(" ")} />;
    case "polyline":
      return <polyline {...common} fill="none" points={region.value.points.map((p) => p.join(",")).join(" ")} />;
    case "keypoints":
      return (
        <path
          {...common}
          className={`${className} shape--points`}
          fill="none"
          d={region.value.points
            .filter((p) => p[2] !== 0)
            .map(([x, y]) => `M${x} ${y}h0`)
            .join("")}
        />
      );
    case "mask":
      return <MaskImage {...common} rle={region.value.rle} color={color} />;
  }
}
