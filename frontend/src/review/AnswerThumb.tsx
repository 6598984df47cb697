/**
 * One answer drawn small and still, for side-by-side comparison: the task's image and the
 * answer's shapes in its author's colour. The selected region is drawn thicker.
 */
import { isShapeType } from "../lib/schema";
import type { Region, ShapeRegion } from "../lib/regions";
import { ShapeElement } from "../editor/ShapeElement";
import type { TaskImage } from "../editor/taskMedia";

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
  return <ShapeElement region={region} color={color} className={selected ? "shape shape--selected" : "shape"} />;
}
