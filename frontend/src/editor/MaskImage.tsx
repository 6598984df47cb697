/**
 * A mask region as an SVG <image>: the bitmap is painted on an offscreen canvas and shown
 * through a blob: URL (the CSP allows `img-src blob:`; a data: URL per stroke would be slower).
 */
import { memo, useEffect, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { Rle } from "../lib/regions";
import { decodeMask } from "../lib/rle";

interface MaskImageProps {
  rle: Rle;
  color: string;
  className: string;
  "data-region": string;
  onPointerDown?: ((e: ReactPointerEvent) => void) | undefined;
}

export const MaskImage = memo(function MaskImage({ rle, color, className, onPointerDown, ...rest }: MaskImageProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [height, width] = rle.size;

  useEffect(() => {
    let cancelled = false;
    let made: string | null = null;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (!context || width === 0 || height === 0) return;
    const bits = decodeMask(rle);
    const pixels = context.createImageData(width, height);
    const [r, g, b] = rgb(color);
    for (let i = 0; i < bits.length; i++) {
      if (!bits[i]) continue;
      const o = i * 4;
      pixels.data[o] = r;
      pixels.data[o + 1] = g;
      pixels.data[o + 2] = b;
      pixels.data[o + 3] = 140;
    }
    context.putImageData(pixels, 0, 0);
    canvas.toBlob((blob) => {
      if (cancelled || !blob) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [rle, color, width, height]);

  if (url === null) return null;
  return (
    <image
      className={className}
      data-region={rest["data-region"]}
      href={url}
      width={width}
      height={height}
      onPointerDown={onPointerDown}
    />
  );
});

function rgb(color: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!match) return [255, 0, 0];
  return [parseInt(match[1] ?? "ff", 16), parseInt(match[2] ?? "0", 16), parseInt(match[3] ?? "0", 16)];
}
