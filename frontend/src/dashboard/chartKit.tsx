/**
 * What the dashboard's charts share: the palette and a bar chart whose every bar (an SVG
 * element of its own) opens the tasks behind it.
 */
import { useNavigate } from "react-router";
import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { BarShapeProps } from "recharts";

/** Tableau 10: distinct, and readable as fills with dark text. */
export const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
];

export function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? "#4e79a7";
}

export interface BarDatum {
  name: string;
  value: number | null;
  text: string;
  error: [number, number] | null;
  link: string | null;
}

interface BarFigureProps {
  title: string;
  bars: readonly BarDatum[];
  /** The value axis: `unit` for figures in [0, 1] (or [-1, 1] when one is negative),
   * `count` for counts (from 0, whole numbers). */
  scale?: "unit" | "count";
  colour?: string;
  height?: number;
  unit?: string;
}

/** A bar chart with error bars where the data give them; a click on a bar opens its link. */
export function BarFigure({ title, bars, scale = "unit", colour = "#4e79a7", height = 240, unit }: BarFigureProps) {
  const go = useNavigate();
  // an interval reaching below 0 widens the axis as a negative value does
  const lows = bars.map((b) => (b.value === null ? null : b.value - (b.error?.[0] ?? 0)));
  const axis = scale === "unit" ? unitAxis(lows) : { domain: [0, "auto"] as [number, "auto"], allowDecimals: false };
  const shape = (props: BarShapeProps) => <MarkRect {...props} fill={colour} go={go} title={title} />;
  return (
    <figure className="dash-figure">
      <figcaption className="dash-figure__title">{title}</figcaption>
      <WhenVisible height={height}>
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={bars as BarDatum[]} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" interval={0} tick={{ fontSize: 12 }} />
            <YAxis {...axis} tick={{ fontSize: 12 }} unit={unit} width={48} />
            <Tooltip formatter={(_v, _n, item) => (item.payload as BarDatum).text} />
            <Bar dataKey="value" isAnimationActive={false} shape={shape} maxBarSize={MAX_BAR}>
              <ErrorBar dataKey="error" width={6} stroke="#1c2430" isAnimationActive={false} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </WhenVisible>
    </figure>
  );
}

export const MAX_BAR = 72;

/** A chart drawn once it comes near the viewport (its box keeps its height before), so a
 * project with many labels and annotators shows its first charts at once. */
export function WhenVisible({ height, children }: { height: number; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = box.current;
    if (seen || element === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: "600px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return (
    <div ref={box} className="dash-chart" data-drawn={seen}>
      {seen ? children : <div className={`dash-chart__placeholder dash-chart__placeholder--${height}`} />}
    </div>
  );
}

/** The value axis of figures in [0, 1], or [-1, 1] when one is negative (kappa, alpha). */
export function unitAxis(values: readonly (number | null)[]): { domain: [number, number]; ticks: number[] } {
  const negative = values.some((v) => v !== null && v < 0);
  return negative
    ? { domain: [-1, 1], ticks: [-1, -0.5, 0, 0.5, 1] }
    : { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };
}

/** Legend entries in the text colour (the series' colour is in the swatch beside them). */
export function legendText(value: ReactNode): ReactNode {
  return <span className="dash-legend">{value}</span>;
}

type Go = (to: string) => void;

/** One bar: a plain SVG rect that names its figure and opens its link. */
export function MarkRect(props: BarShapeProps & { go: Go; title: string; fill: string; series?: string }) {
  const { x, y, width, height, payload, go, fill, title, series } = props;
  const datum = payload as BarDatum & { links?: Record<string, string | null> };
  if (![x, y, width, height].every((n) => typeof n === "number" && Number.isFinite(n)) || height <= 0) return null;
  const link = series === undefined ? datum.link : (datum.links?.[series] ?? null);
  const name = series === undefined ? `${datum.name}: ${datum.text}` : `${datum.name}, ${series}`;
  return (
    <rect
      x={x}
      y={y}
      width={width}
      height={height}
      fill={fill}
      className={link ? "dash-mark dash-mark--link" : "dash-mark"}
      data-name={datum.name}
      data-series={series}
      data-chart={title}
      onClick={link ? () => go(link) : undefined}
    >
      <title>{name}</title>
    </rect>
  );
}
