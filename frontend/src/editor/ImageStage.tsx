/**
 * The drawing surface: one SVG holding the image and its regions in image pixels under a
 * single zoom/pan transform, so panning and zooming re-render nothing but that transform.
 * Strokes and point markers use `vector-effect="non-scaling-stroke"` to keep their screen
 * size at any zoom without re-rendering the shapes. A drag in progress is local state here
 * and reaches the editor (and its undo history) as coalesced updates.
 */
import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type WheelEvent as ReactWheelEvent,
} from "react";
import {
  boxCorners,
  boxCentre,
  clampToImage,
  distanceToPolyline,
  insertVertexOnNearestEdge,
  rectFromDrag,
  resizeBox,
  rotateBoxToward,
  type Handle,
} from "../lib/geometry";
import type { Tool } from "../lib/hotkeys";
import type { Keypoint, Point, Region, ShapeRegion, Unsaved } from "../lib/regions";
import { paintStroke, encodeMask, decodeMask } from "../lib/rle";
import { fitViewport, panBy, svgTransform, toImage, toScreen, wheelZoomFactor, zoomAt, type Viewport } from "../lib/viewport";
import type { ActiveClass } from "./editorState";
import { ShapeElement } from "./ShapeElement";
import { round2, roundShape } from "./precision";
import { distinctPoints, moved, withVertex } from "./shapeEdits";
import type { TaskImage } from "./taskMedia";

export interface StageHandle {
  zoomBy(factor: number): void;
  fit(): void;
  /** Finish the polygon or polyline being drawn (Enter). */
  finishShape(): void;
  /** Drop the shape being drawn (Escape); false when nothing was being drawn. */
  cancelShape(): boolean;
  /** Remove the last point of the shape being drawn; false when there is none. */
  undoPoint(): boolean;
}

export interface StageProps {
  image: TaskImage;
  regions: readonly ShapeRegion[];
  predictions: readonly ShapeRegion[];
  selected: string | null;
  tool: Tool;
  active: ActiveClass | null;
  /** Keypoint names of the active class, when it is a keypoints label. */
  activeKeypoints: readonly string[];
  invalid: ReadonlySet<string>;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  onSelect: (id: string | null) => void;
  onAdd: (region: Unsaved<ShapeRegion>) => void;
  onUpdate: (region: ShapeRegion, coalesce: string) => void;
  onGestureEnd: () => void;
  /** A click on one pre-label (select tool) takes it into the work. */
  onAcceptPrediction: (region: ShapeRegion) => void;
  /** Shapes can be selected but not moved, reshaped or drawn. */
  readOnly?: boolean;
  /** Other people's regions, each set in its own colour, drawn under the work and never edited. */
  overlays?: readonly StageOverlay[];
  /** A click on an overlay's region (select tool); absent, overlays take no clicks. */
  onOverlayPick?: (overlayId: string, region: ShapeRegion) => void;
}

export interface StageOverlay {
  id: string;
  color: string;
  regions: readonly ShapeRegion[];
}

type Drag =
  | { kind: "pan"; from: Point; start: Viewport }
  | { kind: "draw_box"; from: Point; to: Point }
  | { kind: "move"; id: string; from: Point; original: ShapeRegion }
  | { kind: "resize"; id: string; handle: Handle; original: ShapeRegion & { type: "bbox" } }
  | { kind: "rotate"; id: string; original: ShapeRegion & { type: "bbox" } }
  | { kind: "vertex"; id: string; index: number; original: ShapeRegion }
  | { kind: "paint"; points: Point[]; value: 0 | 1 };

const NO_OVERLAYS: readonly StageOverlay[] = [];
const HANDLES: Handle[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
const LAYER_MAX_PX = 8192;
/** A wheel zoom is drawn afresh this long after its last step. */
const SETTLE_MS = 150;
const BRUSH_RADIUS = 8;

export const ImageStage = forwardRef<StageHandle, StageProps>(function ImageStage(props, ref) {
  const { image, regions, predictions, selected, tool, active, activeKeypoints, invalid, colorOf, readOnly = false } = props;
  const overlays = props.overlays ?? NO_OVERLAYS;
  const frame = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const overlay = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [vp, setVp] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const fitted = useRef(false);
  const [drag, setDrag] = useState<Drag | null>(null);
  // A region being moved, resized, rotated or reshaped: drawn from here while the pointer
  // moves, and handed to the editor (the work, its undo step, storage) once it is let go.
  const [editing, setEditing] = useState<ShapeRegion | null>(null);
  const [drawing, setDrawing] = useState<Point[]>([]);
  const [hover, setHover] = useState<Point | null>(null);
  const gesture = useRef(0);
  const latest = useRef(props);
  latest.current = props;
  const add = (region: Unsaved<ShapeRegion>) => latest.current.onAdd(roundShape(region));
  const update = (region: ShapeRegion, coalesce: string) => latest.current.onUpdate(roundShape(region), coalesce);

  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => {
      const rect = element.getBoundingClientRect();
      setSize({ width: Math.max(1, rect.width), height: Math.max(1, rect.height) });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (fitted.current || size === null) return;
    fitted.current = true;
    setVp(fitViewport(image.width, image.height, size.width, size.height));
  }, [image.width, image.height, size]);

  // Switching tools drops a half-drawn shape.
  useEffect(() => setDrawing([]), [tool, active?.label, active?.class]);

  // The shape being drawn, mirrored in a ref so that keyboard commands read it directly
  // (state updaters must stay free of side effects).
  const drawingRef = useRef<Point[]>([]);
  drawingRef.current = drawing;

  const finishShape = useCallback(() => {
    const { active: current, tool: currentTool } = latest.current;
    if (!current) return;
    const closed = currentTool === "polygon";
    const points = distinctPoints(drawingRef.current, closed);
    if ((closed && points.length >= 3) || (currentTool === "polyline" && points.length >= 2)) {
      const value = { class: current.class, points };
      latest.current.onAdd(roundShape(closed ? { label: current.label, type: "polygon", value } : { label: current.label, type: "polyline", value }));
      setDrawing([]);
    }
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      zoomBy(factor) {
        if (size) setVp((v) => zoomAt(v, factor, [size.width / 2, size.height / 2]));
      },
      fit() {
        if (size) setVp(fitViewport(image.width, image.height, size.width, size.height));
      },
      finishShape,
      cancelShape() {
        if (drawingRef.current.length === 0) return false;
        setDrawing([]);
        return true;
      },
      undoPoint() {
        if (drawingRef.current.length === 0) return false;
        setDrawing(drawingRef.current.slice(0, -1));
        return true;
      },
    }),
    [finishShape, image.width, image.height, size],
  );

  function screenPoint(event: { clientX: number; clientY: number }): Point {
    const rect = frame.current?.getBoundingClientRect();
    return [event.clientX - (rect?.left ?? 0), event.clientY - (rect?.top ?? 0)];
  }

  function imagePoint(event: { clientX: number; clientY: number }): Point {
    const [x, y] = clampToImage(toImage(vp, screenPoint(event)), image.width, image.height);
    return [round2(x), round2(y)];
  }

  function begin(event: ReactPointerEvent, next: Drag) {
    event.preventDefault();
    event.stopPropagation();
    frame.current?.setPointerCapture(event.pointerId);
    gesture.current += 1;
    setDrag(next);
  }

  /** A press anywhere on the canvas (shapes and handles too: this runs in the capture phase)
   * takes the keyboard focus from the last button clicked, so that Enter then finishes a
   * shape instead of pressing that button again. */
  function focusCanvas() {
    const element = frame.current;
    if (element && document.activeElement !== element) element.focus({ preventScroll: true });
  }

  function onBackgroundDown(event: ReactPointerEvent<HTMLDivElement>) {
    if (event.button === 1 || event.button === 2 || tool === "pan" || (tool === "select" && event.button === 0)) {
      if (tool === "select" && event.button === 0) props.onSelect(null);
      begin(event, { kind: "pan", from: screenPoint(event), start: vp });
      return;
    }
    if (event.button !== 0 || !active || readOnly) return;
    const p = imagePoint(event);
    if (tool === "bbox") {
      begin(event, { kind: "draw_box", from: p, to: p });
    } else if (tool === "polygon" || tool === "polyline") {
      event.preventDefault();
      if (tool === "polygon" && drawing.length >= 3 && nearFirst(p)) finishShape();
      else setDrawing((points) => [...points, p]);
    } else if (tool === "keypoints") {
      event.preventDefault();
      placeKeypoint(p);
    } else if (tool === "brush" || tool === "eraser") {
      begin(event, { kind: "paint", points: [p], value: tool === "brush" ? 1 : 0 });
    }
  }

  function nearFirst(p: Point): boolean {
    const first = drawing[0];
    if (!first) return false;
    const [a, b] = [toScreen(vp, first), toScreen(vp, p)];
    return Math.hypot(a[0] - b[0], a[1] - b[1]) < 8;
  }

  function placeKeypoint(p: Point) {
    if (!active) return;
    const points = [...drawing, p];
    if (points.length >= activeKeypoints.length) {
      const value: Keypoint[] = points.map(([x, y]) => [x, y, 2]);
      add({ label: active.label, type: "keypoints", value: { class: active.class, points: value } });
      setDrawing([]);
    } else {
      setDrawing(points);
    }
  }

  function onShapeDown(event: ReactPointerEvent, region: ShapeRegion) {
    if (tool !== "select" || event.button !== 0) return;
    props.onSelect(region.id);
    if (readOnly) {
      begin(event, { kind: "pan", from: screenPoint(event), start: vp });
      return;
    }
    begin(event, { kind: "move", id: region.id, from: imagePoint(event), original: region });
    setEditing(region); // in the same render as the selection: one repaint of the shapes, not two
  }

  function onPredictionDown(event: ReactPointerEvent, region: ShapeRegion) {
    if (tool !== "select" || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    props.onAcceptPrediction(region);
  }

  function onOverlayDown(event: ReactPointerEvent, region: ShapeRegion) {
    const pick = props.onOverlayPick;
    const owner = overlayOf.get(region);
    if (!pick || owner === undefined || tool !== "select" || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    pick(owner, region);
  }

  // The 2,000 memoised shapes get handlers that never change identity, so a render of the
  // stage (a pan, a zoom, a drag) re-renders only the shapes whose region changed.
  const overlayOf = useMemo(() => {
    const owners = new Map<ShapeRegion, string>();
    for (const overlay of overlays) for (const region of overlay.regions) owners.set(region, overlay.id);
    return owners;
  }, [overlays]);
  const handlers = useRef({ onShapeDown, onPredictionDown, onOverlayDown });
  handlers.current = { onShapeDown, onPredictionDown, onOverlayDown };
  const stableShapeDown = useCallback((e: ReactPointerEvent, r: ShapeRegion) => handlers.current.onShapeDown(e, r), []);
  const stablePredictionDown = useCallback((e: ReactPointerEvent, r: ShapeRegion) => handlers.current.onPredictionDown(e, r), []);
  const stableOverlayDown = useCallback((e: ReactPointerEvent, r: ShapeRegion) => handlers.current.onOverlayDown(e, r), []);

  function onHandleDown(event: ReactPointerEvent, region: ShapeRegion, handle: Handle | "rotate" | number) {
    if (event.button !== 0 || readOnly) return;
    if (typeof handle === "number") {
      if (event.altKey && (region.type === "polygon" || region.type === "polyline")) {
        event.preventDefault();
        event.stopPropagation();
        const min = region.type === "polygon" ? 3 : 2;
        if (region.value.points.length > min) {
          const points = region.value.points.filter((_, i) => i !== handle);
          update({ ...region, value: { ...region.value, points } }, `vertex-del-${gesture.current++}`);
          props.onGestureEnd();
        }
        return;
      }
      begin(event, { kind: "vertex", id: region.id, index: handle, original: region });
      setEditing(region);
    } else if (region.type === "bbox") {
      begin(event, handle === "rotate" ? { kind: "rotate", id: region.id, original: region } : { kind: "resize", id: region.id, handle, original: region });
      setEditing(region);
    }
  }

  /** A double-click near the selected outline adds a vertex there; elsewhere it finishes
   * the shape being drawn. (Handled on the SVG: a press captures the pointer to it.) */
  function onDoubleClick(event: React.MouseEvent<HTMLDivElement>) {
    if (readOnly) return;
    const region = regions.find((r) => r.id === selected);
    if (tool === "select" && region && (region.type === "polygon" || region.type === "polyline")) {
      const p = imagePoint(event);
      const closed = region.type === "polygon";
      if (distanceToPolyline(p, region.value.points, closed) * vp.scale <= 8) {
        const inserted = insertVertexOnNearestEdge(region.value.points, p, closed);
        update({ ...region, value: { ...region.value, points: inserted.points } }, `vertex-add-${gesture.current++}`);
        props.onGestureEnd();
      }
      return;
    }
    finishShape();
  }

  function onPointerMove(event: ReactPointerEvent<HTMLDivElement>) {
    if (!drag) {
      if (drawing.length > 0) setHover(imagePoint(event));
      return;
    }
    switch (drag.kind) {
      case "pan": {
        const [x, y] = screenPoint(event);
        setVp(panBy(drag.start, x - drag.from[0], y - drag.from[1]));
        return;
      }
      case "draw_box":
        setDrag({ ...drag, to: imagePoint(event) });
        return;
      case "paint":
        setDrag({ ...drag, points: [...drag.points, imagePoint(event)] });
        return;
      case "move": {
        const p = imagePoint(event);
        setEditing(roundShape(moved(drag.original, p[0] - drag.from[0], p[1] - drag.from[1])));
        return;
      }
      case "resize":
        setEditing(roundShape({ ...drag.original, value: { ...drag.original.value, ...resizeBox(drag.original.value, drag.handle, imagePoint(event)) } }));
        return;
      case "rotate": {
        const value = rotateBoxToward(drag.original.value, toImage(vp, screenPoint(event)));
        setEditing(roundShape({ ...drag.original, value: { ...drag.original.value, rotation: value.rotation ?? 0 } }));
        return;
      }
      case "vertex":
        setEditing(roundShape(withVertex(drag.original, drag.index, imagePoint(event))));
        return;
    }
  }

  function onPointerUp(event: ReactPointerEvent<HTMLDivElement>) {
    if (!drag) return;
    frame.current?.releasePointerCapture(event.pointerId);
    if (drag.kind === "draw_box" && active) {
      const rect = rectFromDrag(drag.from, drag.to);
      if (rect.width * vp.scale >= 3 && rect.height * vp.scale >= 3) {
        add({ label: active.label, type: "bbox", value: { class: active.class, ...rect, rotation: 0 } });
      }
    } else if (drag.kind === "paint") {
      commitPaint(drag);
    } else if (drag.kind !== "pan") {
      if (editing && "original" in drag && editing !== drag.original) update(editing, `gesture-${gesture.current}`);
      props.onGestureEnd();
    }
    setEditing(null);
    setDrag(null);
  }

  function commitPaint(paint: Drag & { kind: "paint" }) {
    if (!active) return;
    // The brush paints the active class's mask; the eraser erases the selected mask, or else
    // the active class's.
    const ofActive = regions.find((r) => r.type === "mask" && r.label === active.label && r.value.class === active.class);
    const target = paint.value === 1 ? ofActive : (regions.find((r) => r.id === selected && r.type === "mask") ?? ofActive);
    if (!target && paint.value === 0) return;
    const bits = target && target.type === "mask" ? decodeMask(target.value.rle) : new Uint8Array(image.width * image.height);
    const radius = BRUSH_RADIUS / vp.scale;
    const points = paint.points;
    for (let i = 0; i < points.length; i++) {
      const from = points[Math.max(0, i - 1)] as Point;
      paintStroke(bits, image.width, image.height, from, points[i] as Point, radius, paint.value);
    }
    const rle = encodeMask(bits, image.width, image.height);
    if (target && target.type === "mask") {
      update({ ...target, value: { ...target.value, rle } }, `paint-${gesture.current}`);
      props.onGestureEnd();
    } else {
      add({ label: active.label, type: "mask", value: { class: active.class, rle } });
    }
  }

  // While the wheel turns, shapes take no hover hit tests (a few ms a frame with 2,000).
  const [zooming, setZooming] = useState(false);
  const zoomEnd = useRef<number | undefined>(undefined);
  function onWheel(event: ReactWheelEvent<HTMLDivElement>) {
    const factor = wheelZoomFactor(event.deltaY, event.deltaMode);
    setVp((v) => zoomAt(v, factor, screenPoint(event)));
    setZooming(true);
    window.clearTimeout(zoomEnd.current);
    zoomEnd.current = window.setTimeout(() => setZooming(false), SETTLE_MS);
  }
  useEffect(() => () => window.clearTimeout(zoomEnd.current), []);

  // Wheel listeners added by React are passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const stop = (e: WheelEvent) => e.preventDefault();
    element.addEventListener("wheel", stop, { passive: false });
    return () => element.removeEventListener("wheel", stop);
  }, []);

  // Up to LAYER_MAX_PX the SVG is one composited layer holding the whole image drawn at
  // `rendered` scale: a pan, and a wheel zoom until it settles, only move or scale that layer
  // with a CSS transform, which the compositor does without repainting a single shape.
  // Deeper in (a huge zoomed image) the SVG is the frame's size and redraws on every move;
  // few shapes are in view there.
  const [rendered, setRendered] = useState(vp.scale);
  const layered = image.width * rendered <= LAYER_MAX_PX && image.height * rendered <= LAYER_MAX_PX;
  useEffect(() => {
    if (vp.scale === rendered) return;
    const timer = window.setTimeout(() => setRendered(vp.scale), zooming ? SETTLE_MS : 0);
    return () => window.clearTimeout(timer);
  }, [vp.scale, rendered, zooming]);
  useLayoutEffect(() => {
    for (const element of [svg.current, overlay.current]) {
      if (!element) continue;
      if (layered) element.style.setProperty("transform", `translate(${vp.x}px, ${vp.y}px) scale(${vp.scale / rendered})`);
      else element.style.removeProperty("transform");
    }
  }, [layered, vp, rendered]);

  const selectedRegion = (editing?.id === selected ? editing : null) ?? regions.find((r) => r.id === selected) ?? null;
  const boxPreview = drag?.kind === "draw_box" ? rectFromDrag(drag.from, drag.to) : null;
  const gestureClass = drag?.kind === "pan" ? " stage--panning" : zooming ? " stage--zooming" : drag ? " stage--dragging" : "";
  const cursorClass = `stage stage--${tool}${gestureClass}${readOnly ? " stage--readonly" : ""}`;

  // The viewport as data attributes (for tests and tools), left alone during a pan or zoom:
  // an attribute write per frame costs the browser a style and layerization pass.
  const settledRef = useRef(vp);
  if (!drag && !zooming) settledRef.current = vp;
  const settled = settledRef.current;
  const local = (p: Point): Point => (layered ? [p[0] * rendered, p[1] * rendered] : toScreen(vp, p));
  return (
    <div
      ref={frame}
      className={cursorClass}
      role="application"
      aria-label="Image canvas"
      aria-roledescription="drawing surface"
      data-scale={settled.scale}
      data-x={settled.x}
      data-y={settled.y}
      tabIndex={-1}
      onPointerDownCapture={focusCanvas}
      onPointerDown={onBackgroundDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onWheel={onWheel}
      onContextMenu={(e) => e.preventDefault()}
      onDoubleClick={onDoubleClick}
    >
      <svg
        ref={svg}
        className={`${layered ? "stage__layer" : "stage__full"}${size ? "" : " stage__unmeasured"}`}
        width={layered ? image.width * rendered : undefined}
        height={layered ? image.height * rendered : undefined}
      >
        <g transform={layered ? `matrix(${rendered} 0 0 ${rendered} 0 0)` : svgTransform(vp)}>
          {image.url ? (
            <image href={image.url} width={image.width} height={image.height} className="stage__image" />
          ) : (
            <rect width={image.width} height={image.height} className="stage__blank" />
          )}
          <ShapeLayer
            regions={regions}
            predictions={predictions}
            overlays={overlays}
            overlaysInteractive={tool === "select" && props.onOverlayPick !== undefined}
            onOverlayDown={stableOverlayDown}
            selected={selected}
            hidden={editing?.id ?? null}
            invalid={invalid}
            interactive={tool === "select"}
            colorOf={colorOf}
            onShapeDown={stableShapeDown}
            onPredictionDown={stablePredictionDown}
          />
        </g>
      </svg>
      {/* What changes under the pointer lives in a layer of its own, so that a drag, a
          handle or a shape being drawn repaints this small layer, never the 2,000 below. */}
      <svg
        ref={overlay}
        className={`${layered ? "stage__layer" : "stage__full"} stage__overlay${size ? "" : " stage__unmeasured"}`}
        width={layered ? image.width * rendered : undefined}
        height={layered ? image.height * rendered : undefined}
      >
        <g transform={layered ? `matrix(${rendered} 0 0 ${rendered} 0 0)` : svgTransform(vp)}>
          {editing && <Shape region={editing} color={colorOf(editing)} selected invalid={invalid.has(editing.id)} />}
          {boxPreview && (
            <rect
              className="stage__preview"
              x={boxPreview.x}
              y={boxPreview.y}
              width={boxPreview.width}
              height={boxPreview.height}
              stroke={active ? colorOf({ label: active.label, value: { class: active.class } }) : "#fff"}
              vectorEffect="non-scaling-stroke"
            />
          )}
          {drawing.length > 0 && (
            <polyline
              className="stage__preview"
              points={[...drawing, ...(hover ? [hover] : [])].map((q) => q.join(",")).join(" ")}
              vectorEffect="non-scaling-stroke"
            />
          )}
          {drag?.kind === "paint" && (
            <polyline
              className={drag.value ? "stage__brush" : "stage__brush stage__brush--erase"}
              points={drag.points.map((q) => q.join(",")).join(" ")}
              strokeWidth={(BRUSH_RADIUS * 2) / vp.scale}
            />
          )}
        </g>
        {selectedRegion && tool === "select" && !readOnly && <Handles region={selectedRegion} local={local} onDown={onHandleDown} />}
        {drawing.map((q, i) => {
          const [x, y] = local(q);
          return <circle key={i} className="stage__vertex stage__vertex--drawing" cx={x} cy={y} r={4} />;
        })}
      </svg>
    </div>
  );
});

interface ShapeLayerProps {
  regions: readonly ShapeRegion[];
  predictions: readonly ShapeRegion[];
  overlays: readonly StageOverlay[];
  overlaysInteractive: boolean;
  onOverlayDown: (event: ReactPointerEvent, region: ShapeRegion) => void;
  selected: string | null;
  /** The region being edited, drawn by the stage itself meanwhile. */
  hidden: string | null;
  invalid: ReadonlySet<string>;
  interactive: boolean;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  onShapeDown: (event: ReactPointerEvent, region: ShapeRegion) => void;
  onPredictionDown: (event: ReactPointerEvent, region: ShapeRegion) => void;
}

/** All regions and pre-labels. Memoised as a whole: a pan, a zoom or a drag in progress
 * changes none of its props, so React does not even walk the 2,000 shapes. */
const ShapeLayer = memo(function ShapeLayer(props: ShapeLayerProps) {
  const { regions, predictions, overlays, selected, hidden, invalid, interactive, colorOf } = props;
  return (
    <>
      {overlays.map((overlay) => (
        <g
          key={`o-${overlay.id}`}
          className={props.overlaysInteractive ? "stage__overlays stage__regions--interactive stage__overlays--pickable" : "stage__overlays"}
          data-overlay={overlay.id}
        >
          {overlay.regions.map((region) => (
            <Shape key={region.id} region={region} color={overlay.color} selected={false} invalid={false} overlay onDown={props.onOverlayDown} />
          ))}
        </g>
      ))}
      <g className={interactive ? "stage__predictions stage__regions--interactive" : "stage__predictions"}>
        {predictions.map((region) => (
          <Shape
            key={`p-${region.id}`}
            region={region}
            color={colorOf(region)}
            selected={false}
            invalid={false}
            prediction
            onDown={props.onPredictionDown}
          />
        ))}
      </g>
      <g className={interactive ? "stage__regions stage__regions--interactive" : "stage__regions"}>
        {regions.map((region) => (
          <Shape
            key={region.id}
            region={region}
            color={colorOf(region)}
            selected={region.id === selected}
            invalid={invalid.has(region.id)}
            hidden={region.id === hidden}
            onDown={props.onShapeDown}
          />
        ))}
      </g>
    </>
  );
});

interface ShapeProps {
  region: ShapeRegion;
  color: string;
  selected: boolean;
  invalid: boolean;
  prediction?: boolean;
  /** Someone else's region, shown for comparison. */
  overlay?: boolean;
  /** Drawn by the overlay meanwhile; the element stays, so the pointer's target does too. */
  hidden?: boolean;
  onDown?: (event: ReactPointerEvent, region: ShapeRegion) => void;
}

/** One region, in image pixels. Memoised: a drag re-renders only the region dragged. */
const Shape = memo(function Shape({ region, color, selected, invalid, prediction, overlay, hidden, onDown }: ShapeProps) {
  const className = [
    "shape",
    selected && "shape--selected",
    invalid && "shape--invalid",
    prediction && "shape--prediction",
    overlay && "shape--overlay",
    hidden && "shape--hidden",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <ShapeElement region={region} color={color} className={className} onPointerDown={onDown ? (e: ReactPointerEvent) => onDown(e, region) : undefined} />
  );
}, sameShape);

function sameShape(a: ShapeProps, b: ShapeProps): boolean {
  return (
    a.region === b.region && a.color === b.color && a.selected === b.selected && a.invalid === b.invalid && a.hidden === b.hidden && a.onDown === b.onDown
  );
}

function Handles({
  region,
  local,
  onDown,
}: {
  region: ShapeRegion;
  /** Image pixels to the SVG's own coordinates. */
  local: (p: Point) => Point;
  onDown: (event: ReactPointerEvent, region: ShapeRegion, handle: Handle | "rotate" | number) => void;
}) {
  if (region.type === "bbox") {
    const box = region.value;
    const [tl, tr, br, bl] = boxCorners(box).map(local) as [Point, Point, Point, Point];
    const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const at: Record<Handle, Point> = { nw: tl, n: mid(tl, tr), ne: tr, e: mid(tr, br), se: br, s: mid(br, bl), sw: bl, w: mid(bl, tl) };
    const centre = local(boxCentre(box));
    const top = at.n;
    const length = Math.hypot(top[0] - centre[0], top[1] - centre[1]) || 1;
    const knob: Point = [top[0] + ((top[0] - centre[0]) / length) * 24, top[1] + ((top[1] - centre[1]) / length) * 24];
    return (
      <g className="handles">
        <line className="handles__stem" x1={top[0]} y1={top[1]} x2={knob[0]} y2={knob[1]} />
        <circle className="handle handle--rotate" cx={knob[0]} cy={knob[1]} r={6} data-handle="rotate" onPointerDown={(e) => onDown(e, region, "rotate")} />
        {HANDLES.map((h) => (
          <rect
            key={h}
            className={`handle handle--${h}`}
            data-handle={h}
            x={at[h][0] - 5}
            y={at[h][1] - 5}
            width={10}
            height={10}
            onPointerDown={(e) => onDown(e, region, h)}
          />
        ))}
      </g>
    );
  }
  if (region.type === "polygon" || region.type === "polyline" || region.type === "keypoints") {
    return (
      <g className="handles">
        {region.value.points.map((p, i) => {
          const [x, y] = local([p[0], p[1]]);
          return <circle key={i} className="handle stage__vertex" data-handle={`v${i}`} cx={x} cy={y} r={5} onPointerDown={(e) => onDown(e, region, i)} />;
        })}
      </g>
    );
  }
  return null;
}
