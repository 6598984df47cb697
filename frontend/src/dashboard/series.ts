/**
 * The QA report shaped for the dashboard's charts and tables: one row per mark, each with
 * its figure as shown (fixed rounding, below) and the link to the tasks behind it. Pure, so
 * the charts and their text alternatives draw the same rows.
 *
 * Rounding: coefficients, scores and rates to 3 decimals, half away from zero (JavaScript's
 * `toFixed`); seconds to 1 decimal; counts as integers. An undefined figure shows as "—".
 */
import { DAY_MS, WEEK_MS, submittedIn, taskLink, type TaskQuery } from "./links";
import type {
  DayCount,
  DriftSeries,
  GoldLabel,
  Interval,
  LabelAgreement,
  Num,
  Tally,
  Throughput,
} from "./report";

export const DIGITS = 3;
export const UNDEFINED = "—";

/** A figure to `digits` decimals ("—" when undefined); never "-0.000". */
export function fixed(value: Num | undefined, digits: number = DIGITS): string {
  if (value === null || value === undefined) return UNDEFINED;
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

export function seconds(value: Num | undefined): string {
  return value === null || value === undefined ? UNDEFINED : `${fixed(value, 1)} s`;
}

/** Annotators by the email the report names them with → their user id (task filters take
 * ids). From the project's members and, when present, the throughput section. */
export type Ids = ReadonlyMap<string, number>;

export function annotatorIds(
  members: readonly { user_id: number; email: string }[],
  throughput: Throughput | null,
): Map<string, number> {
  const ids = new Map<string, number>();
  for (const a of throughput?.annotators ?? []) if (a.user_id !== null) ids.set(a.annotator, a.user_id);
  for (const m of members) ids.set(m.email, m.user_id);
  return ids;
}

function withAnnotator(projectId: number, ids: Ids, email: string, query: TaskQuery): string | null {
  const id = ids.get(email);
  return id === undefined ? null : taskLink(projectId, { annotator: id, ...query });
}

// --- agreement ------------------------------------------------------------------------------

const METRICS: Record<string, string> = {
  krippendorff_nominal: "Krippendorff's alpha (nominal)",
  krippendorff_ordinal: "Krippendorff's alpha (ordinal)",
  krippendorff_interval: "Krippendorff's alpha (interval)",
  krippendorff_alpha: "Krippendorff's alpha",
  set_alpha_masi: "Krippendorff's alpha on class sets (MASI)",
  f1: "F1 of matched regions",
  exact_f1: "F1 of spans, exact boundaries",
  overlap_f1: "F1 of spans, overlapping",
  span_alpha: "Krippendorff's alpha for unitizing (spans)",
  segment_alpha: "Krippendorff's alpha for unitizing (frames)",
  mota: "MOTA (CLEAR MOT)",
  idf1: "IDF1 of tracks",
  frame_f1: "F1 of boxes per frame",
  mean_iou: "mean IoU of matched boxes",
  wer: "word error rate",
  cohen_kappa: "Cohen's kappa",
  percent: "percent agreement",
};

export function metricName(metric: string): string {
  return METRICS[metric] ?? metric.replaceAll("_", " ");
}

/** Word error rate is a distance: lower is better; every other figure is an agreement. */
export function lowerIsBetter(metric: string): boolean {
  return metric === "wer";
}

export interface Bar {
  key: string;
  name: string;
  value: Num;
  text: string;
  /** The interval as shown ("0.230–0.527"), or null when there is none. */
  interval: string | null;
  /** Distances below and above the value, for an error bar. */
  error: [number, number] | null;
  link: string;
  note: string | null;
}

function errorOf(value: Num, interval: Interval | null): Pick<Bar, "interval" | "error"> {
  if (value === null || interval === null || interval.low === null || interval.high === null) {
    return { interval: null, error: null };
  }
  return {
    interval: `${fixed(interval.low)}–${fixed(interval.high)}`,
    error: [Math.max(0, value - interval.low), Math.max(0, interval.high - value)],
  };
}

/** One bar per label: its headline coefficient with its interval, linking to the label's
 * tasks, least agreed first. */
export function labelBars(projectId: number, labels: readonly LabelAgreement[]): Bar[] {
  return labels.map((label) => ({
    key: label.label,
    name: label.label,
    value: label.agreement.value,
    text: fixed(label.agreement.value),
    ...errorOf(label.agreement.value, label.agreement.interval),
    link: taskLink(projectId, { label: label.label, sort: "agreement" }),
    note: label.agreement.undefined_because,
  }));
}

/** One bar per class of a label. */
export function classBars(projectId: number, label: LabelAgreement): Bar[] {
  return label.classes.map((c) => ({
    key: `${label.label}/${c.name}`,
    name: c.name,
    value: c.value,
    text: fixed(c.value),
    ...errorOf(c.value, c.interval),
    link: taskLink(projectId, { label: label.label, class: c.name, sort: "agreement" }),
    note: c.undefined_because,
  }));
}

// --- the annotator matrix -------------------------------------------------------------------

export interface MatrixCell {
  other: string;
  value: Num;
  text: string;
  /** Units both annotators labelled, when the report gives it. */
  n: number | null;
  /** Colour step 0 (worst) … 5 (best); null on the diagonal and where undefined. */
  level: number | null;
  link: string | null;
}

export interface MatrixRow {
  annotator: string;
  link: string | null;
  cells: MatrixCell[];
}

export interface Matrix {
  label: string;
  metric: string;
  lowerIsBetter: boolean;
  annotators: string[];
  rows: MatrixRow[];
}

export const LEVELS = 6;

/** The colour step of a figure: agreements in [0, 1] (below 0 is step 0), distances
 * reversed. */
export function levelOf(value: Num, distance: boolean): number | null {
  if (value === null) return null;
  const good = distance ? 1 - value : value;
  const clamped = Math.min(1, Math.max(0, good));
  return Math.min(LEVELS - 1, Math.floor(clamped * LEVELS));
}

/** A label's pair matrix; a cell links to the row annotator's tasks sorted by agreement
 * (the second annotator is not a task filter). */
export function agreementMatrix(projectId: number, label: LabelAgreement, ids: Ids): Matrix | null {
  const pairs = label.pairs;
  if (pairs === null || pairs.annotators.length === 0) return null;
  const distance = lowerIsBetter(pairs.metric);
  return {
    label: label.label,
    metric: pairs.metric,
    lowerIsBetter: distance,
    annotators: pairs.annotators,
    rows: pairs.annotators.map((annotator, i) => {
      const link = withAnnotator(projectId, ids, annotator, { sort: "agreement" });
      return {
        annotator,
        link,
        cells: pairs.annotators.map((other, j) => {
          const value = i === j ? null : (pairs.values[i]?.[j] ?? null);
          return {
            other,
            value,
            text: i === j ? "" : fixed(value),
            n: i === j ? null : (pairs.n_units?.[i]?.[j] ?? null),
            level: i === j ? null : levelOf(value, distance),
            link: i === j ? null : link,
          };
        }),
      };
    }),
  };
}

// --- gold ---------------------------------------------------------------------------------

/** The Wilson score interval of a proportion: `successes` of `n`, at z (1.96: 95 %). */
export function wilson(successes: number, n: number, z = 1.959964): [number, number] {
  if (n <= 0) throw new RangeError(`wilson needs at least one trial; got n = ${n}`);
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface GoldBar {
  annotator: string;
  /** `accuracy` for labels answered once per task; `micro F1` of matched regions otherwise. */
  measure: "accuracy" | "micro F1";
  value: Num;
  text: string;
  interval: string | null;
  error: [number, number] | null;
  /** Gold tasks the annotator answered, and the answers (regions) compared. */
  gold_tasks: number;
  compared: number;
  link: string | null;
  note: string | null;
}

/** Gold accuracy per annotator for one label, with a 95 % Wilson interval on accuracy (a
 * proportion of the compared answers; F1 of regions has none), linking to the annotator's
 * gold tasks. */
export function goldBars(projectId: number, label: GoldLabel, ids: Ids): GoldBar[] {
  return Object.entries(label.per_annotator)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([annotator, s]) => {
      const categorical = s.accuracy !== null || s.micro_f1 === null;
      const value = categorical ? s.accuracy : s.micro_f1;
      let bounds: Pick<GoldBar, "interval" | "error"> = { interval: null, error: null };
      if (categorical && value !== null && s.n_compared > 0) {
        const [low, high] = wilson(Math.round(value * s.n_compared), s.n_compared);
        bounds = errorOf(value, { low, high, level: 0.95, resamples: 0 });
      }
      return {
        annotator,
        measure: categorical ? "accuracy" : "micro F1",
        value,
        text: fixed(value),
        ...bounds,
        gold_tasks: s.n_items,
        compared: s.n_compared,
        link: withAnnotator(projectId, ids, annotator, { gold: true }),
        note: s.undefined_because,
      };
    });
}

// --- errors --------------------------------------------------------------------------------

export type ErrorsBy = "annotator" | "class" | "guideline_version";

export interface Stack {
  key: string;
  name: string;
  total: number;
  counts: Record<string, number>;
  links: Record<string, string | null>;
}

export interface Stacks {
  categories: string[];
  rows: Stack[];
}

/** A class name → its label, for the classes only one label of the schema has. */
export function classLabels(schema: { labels?: readonly { name: string; classes?: readonly { name: string }[] }[] }): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const label of schema.labels ?? []) {
    for (const c of label.classes ?? []) seen.set(c.name, seen.has(c.name) ? null : label.name);
  }
  return new Map([...seen].filter((entry): entry is [string, string] => entry[1] !== null));
}

function errorLink(
  projectId: number,
  by: ErrorsBy,
  key: string,
  category: string,
  ids: Ids,
  labels: ReadonlyMap<string, string>,
): string | null {
  const error_category = category;
  if (by === "annotator") return withAnnotator(projectId, ids, key, { error_category });
  if (by === "guideline_version") return taskLink(projectId, { guideline_version: key, error_category });
  const label = labels.get(key);
  return taskLink(projectId, label === undefined ? { error_category } : { label, class: key, error_category });
}

/** Error counts by annotator, class or guideline version, one stack per key, categories
 * most frequent first. Findings without a class (a missed answer) are "(no class)". */
export function errorStacks(
  projectId: number,
  tally: Tally,
  by: ErrorsBy,
  ids: Ids,
  labels: ReadonlyMap<string, string> = new Map(),
): Stacks {
  const totals = new Map<string, number>();
  for (const cells of Object.values(tally)) {
    for (const [category, n] of Object.entries(cells)) totals.set(category, (totals.get(category) ?? 0) + n);
  }
  const categories = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  const keys = Object.keys(tally).sort((a, b) =>
    by === "guideline_version" ? Number(a) - Number(b) : a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    categories,
    rows: keys.map((key) => {
      const counts = tally[key] ?? {};
      return {
        key,
        name: key === "" ? "(no class)" : by === "guideline_version" ? `version ${key}` : key,
        total: Object.values(counts).reduce((s, n) => s + n, 0),
        counts,
        links: Object.fromEntries(
          Object.keys(counts).map((c) => [c, errorLink(projectId, by, key, c, ids, labels)]),
        ),
      };
    }),
  };
}

// --- drift ---------------------------------------------------------------------------------

export interface DriftPoint {
  t: number;
  week: string;
  mean: number;
  n: number;
  text: string;
  link: string | null;
}

export interface DriftChange {
  t: number;
  before: string;
  after: string;
  mean_after: number | null;
  p_value: string;
  link: string | null;
}

export interface DriftLine {
  key: string;
  /** The annotator, or "version N". */
  name: string;
  points: DriftPoint[];
  changes: DriftChange[];
  /** The change-point test's outcome, in words. */
  test: string;
}

export type DriftBy = "annotator" | "guideline_version";

/** Weekly means per annotator (or guideline version); a point links to the annotator's (the
 * version's) tasks submitted that week, a change point to those of the week from the change
 * on. */
export function driftLines(
  projectId: number,
  series: readonly DriftSeries[],
  ids: Ids,
  by: DriftBy = "annotator",
): DriftLine[] {
  const linkOf = (key: string, query: TaskQuery) =>
    by === "annotator" ? withAnnotator(projectId, ids, key, query) : taskLink(projectId, { guideline_version: key, ...query });
  return series.map((s) => ({
    key: s.key,
    name: by === "annotator" ? s.key : `version ${s.key}`,
    points: s.weeks
      .filter((w): w is typeof w & { mean: number } => w.mean !== null)
      .map((w) => ({
        t: w.start,
        week: w.week,
        mean: w.mean,
        n: w.n,
        text: fixed(w.mean),
        link: linkOf(s.key, submittedIn(w.start, WEEK_MS)),
      })),
    changes: s.change_points
      .filter((c): c is typeof c & { time: number } => c.time !== null)
      .map((c) => ({
        t: c.time,
        before: fixed(c.mean_before),
        after: fixed(c.mean_after),
        mean_after: c.mean_after,
        p_value: fixed(c.p_value),
        link: linkOf(s.key, submittedIn(c.time, WEEK_MS)),
      })),
    test:
      s.undefined_because ??
      (s.change_points.length === 0
        ? `no change (p = ${fixed(s.p_value)}, ${s.n} answers)`
        : `${s.change_points.length} change point${s.change_points.length > 1 ? "s" : ""} in ${s.n} answers`),
  }));
}

// --- throughput ---------------------------------------------------------------------------

export interface DayBar {
  date: string;
  submitted: number;
  link: string;
}

/** Submissions per UTC day, linking to the tasks submitted that day. */
export function dayBars(projectId: number, days: readonly DayCount[]): DayBar[] {
  return days.map((d) => ({
    date: d.date,
    submitted: d.submitted,
    link: taskLink(projectId, submittedIn(Date.parse(`${d.date}T00:00:00Z`), DAY_MS)),
  }));
}

export interface AnnotatorPace {
  annotator: string;
  submitted: number;
  median: Num;
  mean: Num;
  p90: Num;
  texts: { median: string; mean: string; p90: string };
  predicted: number;
  accepted: number;
  rate: Num;
  rateText: string;
  link: string | null;
}

/** Per annotator: time per task (median, mean, 90th percentile) and pre-label acceptance. */
export function annotatorPace(projectId: number, throughput: Throughput, ids: Ids): AnnotatorPace[] {
  return throughput.annotators.map((a) => {
    const t = a.time_per_task_s;
    const id = a.user_id ?? ids.get(a.annotator);
    return {
      annotator: a.annotator,
      submitted: a.submitted,
      median: t.median,
      mean: t.mean,
      p90: t.p90,
      texts: { median: seconds(t.median), mean: seconds(t.mean), p90: seconds(t.p90) },
      predicted: a.prelabel.predicted_regions,
      accepted: a.prelabel.accepted,
      rate: a.prelabel.rate,
      rateText: fixed(a.prelabel.rate),
      link: id === undefined ? null : taskLink(projectId, { annotator: id }),
    };
  });
}
