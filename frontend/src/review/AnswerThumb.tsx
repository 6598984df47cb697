/**
 * One answer drawn small and still, for side-by-side comparison: the task's image and the
 * answer's shapes in its author's colour. The selected region is drawn thicker.
 */
import { boxCorners } from "../lib/geometry";
import { isShapeType } from "../lib/schema";
import type { Region, ShapeRegion } from "../lib/regions";
import { MaskImage } from "../editor/MaskImage";
import type { TaskImage } from "../editor/taskImage";

export function AnswerThumb({
  image,
  regions,
  color,
  title,
  selected,
}: {
  image: TaskImage;
  regions: readonly Region[];
  color: string;
  title: string;
  selected?: string | null;
}) {
  const shapes = regions.filter((r): r is ShapeRegion => isShapeType(r.type));
  return (
    <svg className="answer-thumb" viewBox={`0 0 ${image.width} ${image.height}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
      {image.url ? <image href={image.url} width={image.width} height={image.height} /> : <rect width={image.width} height={image.height} className="stage__blank" />}
      {shapes.map((region) => (
        <StillShape key={region.id} region={region} color={color} selected={region.id === selected} />
      ))}
    </svg>
  );
}

function StillShape({ region, color, selected }: { region: ShapeRegion; color: string; selected: boolean }) {
  const common = {
    className: selected ? "shape shape--selected" : "shape",
    stroke: color,
    vectorEffect: "non-scaling-stroke" as const,
    "data-region": region.id,
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
          className={`${common.className} shape--points`}
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
