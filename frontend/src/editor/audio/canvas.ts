/**
 * The stage's canvases are drawn in device pixels, so they stay sharp at any pixel ratio:
 * each redraw sizes its canvas to the CSS size times the ratio (resizing only when that
 * changed, which clears it and costs a new backing store) and starts from a clear one.
 */

export interface Sized {
  context: CanvasRenderingContext2D;
  dpr: number;
  /** The canvas's size in device pixels. */
  width: number;
  height: number;
}

/** `canvas` sized to `widthPx` × `heightPx` CSS pixels and cleared; null without a 2D context. */
export function sizedCanvas(canvas: HTMLCanvasElement, widthPx: number, heightPx: number): Sized | null {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(widthPx * dpr));
  const height = Math.max(1, Math.round(heightPx * dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, width, height);
  return { context, dpr, width, height };
}
