/**
 * Pan and zoom of the image under the editor: one uniform scale and a translation, so
 * `screen = image * scale + (x, y)`, and one SVG `<g transform>` draws every region.
 */
import type { Point } from "./regions";

export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

/** 1/50 fits a 50,000 px image into 1,000 px; at 64 one image pixel is a large square. */
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 64;

/** Screen pixels of one wheel "line" and "page" (WheelEvent.deltaMode 1 and 2). */
const LINE_PX = 16;
const PAGE_PX = 800;
/** Zoom per screen pixel of wheel travel: one 100 px mouse notch zooms by e^0.2 ≈ 1.22. */
const ZOOM_PER_PX = 0.002;
/** The most one wheel event may zoom, so a page-mode wheel or a burst stays controllable. */
const MAX_WHEEL_TRAVEL_PX = 500;

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * The image centred in the view, as large as fits inside `margin` screen pixels on each side.
 * Never above MAX_SCALE, but below MIN_SCALE if need be: the whole image stays visible. An
 * empty image or view gives scale 1, centred.
 */
export function fitViewport(
  imageW: number,
  imageH: number,
  viewW: number,
  viewH: number,
  margin = 0,
): Viewport {
  const roomW = viewW - 2 * margin;
  const roomH = viewH - 2 * margin;
  const fit = Math.min(roomW / imageW, roomH / imageH);
  const scale =
    imageW > 0 && imageH > 0 && roomW > 0 && roomH > 0 ? Math.min(fit, MAX_SCALE) : 1;
  return { scale, x: (viewW - imageW * scale) / 2, y: (viewH - imageH * scale) / 2 };
}

/**
 * Zoom by `factor` about the screen point `screen` (the pointer), which keeps showing the
 * same image point. The scale stays within MIN_SCALE–MAX_SCALE; a viewport already outside
 * (a fit below MIN_SCALE) may zoom back towards the range but not further out of it.
 */
export function zoomAt(vp: Viewport, factor: number, screen: Point): Viewport {
  if (!Number.isFinite(factor) || factor <= 0) return vp;
  const scale = clamp(
    vp.scale * factor,
    Math.min(MIN_SCALE, vp.scale),
    Math.max(MAX_SCALE, vp.scale),
  );
  const [ix, iy] = toImage(vp, screen);
  return { scale, x: screen[0] - ix * scale, y: screen[1] - iy * scale };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { scale: vp.scale, x: vp.x + dx, y: vp.y + dy };
}

/** The image point under a screen point (e.g. a pointer's offsetX/offsetY). */
export function toImage(vp: Viewport, screen: Point): Point {
  return [(screen[0] - vp.x) / vp.scale, (screen[1] - vp.y) / vp.scale];
}

export function toScreen(vp: Viewport, image: Point): Point {
  return [image[0] * vp.scale + vp.x, image[1] * vp.scale + vp.y];
}

/** For `<g transform={svgTransform(vp)}>`: a transform attribute, which the CSP allows. */
export function svgTransform(vp: Viewport): string {
  return `matrix(${vp.scale} 0 0 ${vp.scale} ${vp.x} ${vp.y})`;
}

/**
 * The zoom factor for one wheel event: exponential in the distance scrolled, so zooming in
 * and back out by the same travel returns to the same scale (f(d) · f(-d) = 1), and a
 * trackpad's many small deltas add up to what one mouse notch does. Scrolling down
 * (positive deltaY) zooms out. `deltaMode` is WheelEvent's: 0 pixels, 1 lines, 2 pages.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  if (!Number.isFinite(deltaY)) return 1;
  const unit = deltaMode === 1 ? LINE_PX : deltaMode === 2 ? PAGE_PX : 1;
  const travel = clamp(deltaY * unit, -MAX_WHEEL_TRAVEL_PX, MAX_WHEEL_TRAVEL_PX);
  return Math.exp(-travel * ZOOM_PER_PX);
}
