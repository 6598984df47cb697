/**
 * Reading the QA report JSON into the types of `report.ts`, defensively: a section the server
 * does not send (an older server without `throughput`) is null, and a malformed section is an
 * error naming the field rather than a half-drawn chart.
 */
import {
  ReportShapeError,
  type AnnotatorRow,
  type ClassFigure,
  type Counts,
  type DayCount,
  type Drift,
  type DriftMeasure,
  type DriftSeries,
  type Errors,
  type GoldLabel,
  type GoldScores,
  type Interval,
  type LabelAgreement,
  type Measure,
  type Num,
  type Pairs,
  type Prelabel,
  type Report,
  type Tally,
  type Throughput,
} from "./report";

type Json = Record<string, unknown>;

function fail(where: string, expected: string, got: unknown): never {
  const kind = got === null ? "null" : Array.isArray(got) ? "a list" : typeof got;
  throw new ReportShapeError(`QA report: ${where} should be ${expected}, got ${kind}`);
}

function obj(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "an object", value);
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(where, "a list", value);
  return value;
}

function num(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(where, "a number", value);
  return value;
}

function optNum(value: unknown, where: string): Num {
  return value === null || value === undefined ? null : num(value, where);
}

function str(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value); // drift keys of guideline versions
  return fail(where, "a string", value);
}

function optStr(value: unknown, where: string): string | null {
  return value === null || value === undefined ? null : str(value, where);
}

/** A time as the API (ISO 8601) or the CLI (`2026-11-30 00:00:00+00:00`) writes it. */
export function parseTime(value: unknown, where: string): number {
  const text = str(value, where);
  const ms = Date.parse(text.replace(" ", "T"));
  if (Number.isNaN(ms)) fail(where, "an ISO 8601 time", value);
  return ms;
}

function interval(value: unknown, where: string): Interval | null {
  if (value === null || value === undefined) return null;
  const o = obj(value, where);
  return {
    low: optNum(o.low, `${where}.low`),
    high: optNum(o.high, `${where}.high`),
    level: num(o.level, `${where}.level`),
    resamples: num(o.resamples, `${where}.resamples`),
  };
}

function counts(value: unknown): Counts {
  const o = obj(value, "counts");
  const n = (key: keyof Counts) => (o[key] === undefined ? 0 : num(o[key], `counts.${key}`));
  return {
    tasks: n("tasks"),
    annotations: n("annotations"),
    labelled_tasks: n("labelled_tasks"),
    annotators: n("annotators"),
    gold_tasks: n("gold_tasks"),
    reviews: n("reviews"),
    unreadable_regions: n("unreadable_regions"),
  };
}

function annotators(value: unknown): AnnotatorRow[] {
  return list(value, "annotators").map((row, i) => {
    const o = obj(row, `annotators[${i}]`);
    const at = (key: string) => `annotators[${i}].${key}`;
    return {
      annotator: str(o.annotator, at("annotator")),
      annotations: num(o.annotations, at("annotations")),
      gold_annotations: num(o.gold_annotations, at("gold_annotations")),
      mean_gold_score: optNum(o.mean_gold_score, at("mean_gold_score")),
      mean_agreement: optNum(o.mean_agreement, at("mean_agreement")),
      median_lead_time_s: optNum(o.median_lead_time_s, at("median_lead_time_s")),
    };
  });
}

function pairs(value: unknown, where: string): Pairs | null {
  if (value === null || value === undefined) return null;
  const o = obj(value, where);
  const names = list(o.annotators, `${where}.annotators`).map((a, i) => str(a, `${where}.annotators[${i}]`));
  const matrix = (raw: unknown, key: string, read: (v: unknown, w: string) => number | null) =>
    list(raw, `${where}.${key}`).map((row, i) => {
      const cells = list(row, `${where}.${key}[${i}]`);
      if (cells.length !== names.length) fail(`${where}.${key}[${i}]`, `${names.length} cells`, cells);
      return cells.map((cell, j) => read(cell, `${where}.${key}[${i}][${j}]`));
    });
  const values = matrix(o.values, "values", optNum);
  if (values.length !== names.length) fail(`${where}.values`, `${names.length} rows`, o.values);
  const n = o.n_units === undefined || o.n_units === null ? null : (matrix(o.n_units, "n_units", num) as number[][]);
  return { annotators: names, metric: str(o.metric, `${where}.metric`), values, n_units: n };
}

/** Per-class figures come in three shapes (docs/qa.md): a list of `{category, value}` for
 * classifications and ratings, `{class: {f1, …}}` for region labels and `{class: {value, …}}`
 * (or `{undefined_because}`) for multi-label answers. */
function classFigures(value: unknown, where: string): { classes: ClassFigure[]; because: string | null } {
  if (value === null || value === undefined) return { classes: [], because: null };
  if (Array.isArray(value)) {
    return {
      classes: value.map((entry, i) => {
        const o = obj(entry, `${where}[${i}]`);
        return {
          name: str(o.category, `${where}[${i}].category`),
          value: optNum(o.value, `${where}[${i}].value`),
          undefined_because: optStr(o.undefined_because, `${where}[${i}].undefined_because`),
          interval: interval(o.interval, `${where}[${i}].interval`),
        };
      }),
      because: null,
    };
  }
  const o = obj(value, where);
  if (Object.keys(o).length === 1 && typeof o.undefined_because === "string") {
    return { classes: [], because: o.undefined_because };
  }
  return {
    classes: Object.entries(o).map(([name, entry]) => {
      const e = obj(entry, `${where}.${name}`);
      const figure = "f1" in e ? e.f1 : e.value;
      return {
        name,
        value: optNum(figure, `${where}.${name}.${"f1" in e ? "f1" : "value"}`),
        undefined_because: optStr(e.undefined_because, `${where}.${name}.undefined_because`),
        interval: interval(e.interval, `${where}.${name}.interval`),
      };
    }),
    because: null,
  };
}

function measures(value: unknown, where: string): Measure[] {
  if (value === null || value === undefined) return [];
  return list(value, where).map((entry, i) => {
    const at = `${where}[${i}]`;
    const o = obj(entry, at);
    return {
      name: str(o.name, `${at}.name`),
      value: optNum(o.value, `${at}.value`),
      n_units: optNum(o.n_units, `${at}.n_units`),
      undefined_because: optStr(o.undefined_because, `${at}.undefined_because`),
      pairs: pairs(o.pairs, `${at}.pairs`),
    };
  });
}

function agreement(value: unknown): LabelAgreement[] {
  return list(value, "agreement").map((entry, i) => {
    const where = `agreement[${i}]`;
    const o = obj(entry, where);
    const a = obj(o.agreement, `${where}.agreement`);
    // Categorical labels carry their matrix inside the headline; region labels beside it.
    const rawPairs = o.pairs ?? a.pairs;
    const { classes, because } = classFigures(o.classes ?? a.classes, `${where}.classes`);
    return {
      label: str(o.label, `${where}.label`),
      type: str(o.type, `${where}.type`),
      primary: str(o.primary, `${where}.primary`),
      agreement: {
        value: optNum(a.value, `${where}.agreement.value`),
        n_units: a.n_units === undefined ? null : optNum(a.n_units, `${where}.agreement.n_units`),
        undefined_because: optStr(a.undefined_because, `${where}.agreement.undefined_because`),
        interval: interval(a.interval, `${where}.agreement.interval`),
      },
      classes,
      classes_undefined_because: because,
      pairs: pairs(rawPairs, `${where}.pairs`),
      measures: measures(o.measures, `${where}.measures`),
    };
  });
}

function goldScores(value: unknown, where: string): GoldScores {
  const o = obj(value, where);
  return {
    n_items: num(o.n_items, `${where}.n_items`),
    n_compared: num(o.n_compared, `${where}.n_compared`),
    accuracy: optNum(o.accuracy, `${where}.accuracy`),
    micro_f1: optNum(o.micro_f1, `${where}.micro_f1`),
    undefined_because: optStr(o.undefined_because, `${where}.undefined_because`),
  };
}

function gold(value: unknown): GoldLabel[] {
  return list(value, "gold").map((entry, i) => {
    const where = `gold[${i}]`;
    const o = obj(entry, where);
    const per = obj(o.per_annotator, `${where}.per_annotator`);
    return {
      label: str(o.label, `${where}.label`),
      type: str(o.type, `${where}.type`),
      gold_tasks: num(o.gold_tasks, `${where}.gold_tasks`),
      overall: goldScores(o.overall, `${where}.overall`),
      per_annotator: Object.fromEntries(
        Object.entries(per).map(([who, s]) => [who, goldScores(s, `${where}.per_annotator.${who}`)]),
      ),
    };
  });
}

function tally(value: unknown, where: string): Tally {
  if (value === undefined) return {};
  const o = obj(value, where);
  return Object.fromEntries(
    Object.entries(o).map(([key, inner]) => {
      const cells = obj(inner, `${where}.${key}`);
      return [key, Object.fromEntries(Object.entries(cells).map(([k, n]) => [k, num(n, `${where}.${key}.${k}`)]))];
    }),
  );
}

function errors(value: unknown): Errors {
  const o = obj(value, "errors");
  const totals = obj(o.totals ?? {}, "errors.totals");
  return {
    totals: Object.fromEntries(Object.entries(totals).map(([k, n]) => [k, num(n, `errors.totals.${k}`)])),
    by_annotator: tally(o.by_annotator, "errors.by_annotator"),
    by_class: tally(o.by_class, "errors.by_class"),
    by_guideline_version: tally(o.by_guideline_version, "errors.by_guideline_version"),
    by_week: tally(o.by_week, "errors.by_week"),
    by_source: tally(o.by_source, "errors.by_source"),
  };
}

function driftSeries(value: unknown, where: string): DriftSeries {
  const o = obj(value, where);
  return {
    key: str(o.key, `${where}.key`),
    weeks: list(o.weeks, `${where}.weeks`).map((w, i) => {
      const at = `${where}.weeks[${i}]`;
      const e = obj(w, at);
      return {
        week: str(e.week, `${at}.week`),
        start: parseTime(e.start, `${at}.start`),
        n: num(e.n, `${at}.n`),
        mean: optNum(e.mean, `${at}.mean`),
      };
    }),
    n: num(o.n, `${where}.n`),
    p_value: optNum(o.p_value, `${where}.p_value`),
    undefined_because: optStr(o.undefined_because, `${where}.undefined_because`),
    change_points: list(o.change_points ?? [], `${where}.change_points`).map((c, i) => {
      const at = `${where}.change_points[${i}]`;
      const e = obj(c, at);
      return {
        index: num(e.index, `${at}.index`),
        time: e.time === null || e.time === undefined ? null : parseTime(e.time, `${at}.time`),
        mean_before: optNum(e.mean_before, `${at}.mean_before`),
        mean_after: optNum(e.mean_after, `${at}.mean_after`),
        p_value: optNum(e.p_value, `${at}.p_value`),
      };
    }),
  };
}

function driftMeasure(value: unknown, where: string): DriftMeasure {
  const o = obj(value ?? {}, where);
  const read = (key: "annotator" | "guideline_version") =>
    list(o[key] ?? [], `${where}.${key}`).map((s, i) => driftSeries(s, `${where}.${key}[${i}]`));
  return { annotator: read("annotator"), guideline_version: read("guideline_version") };
}

function drift(value: unknown): Drift {
  const o = obj(value, "drift");
  return {
    min_segment: num(o.min_segment, "drift.min_segment"),
    alpha: num(o.alpha, "drift.alpha"),
    gold: driftMeasure(o.gold, "drift.gold"),
    agreement: driftMeasure(o.agreement, "drift.agreement"),
  };
}

function days(value: unknown, where: string): DayCount[] {
  return list(value ?? [], where).map((d, i) => {
    const o = obj(d, `${where}[${i}]`);
    return { date: str(o.date, `${where}[${i}].date`), submitted: num(o.submitted, `${where}[${i}].submitted`) };
  });
}

function prelabel(value: unknown, where: string): Prelabel {
  const o = obj(value ?? {}, where);
  return {
    predicted_regions: o.predicted_regions === undefined ? 0 : num(o.predicted_regions, `${where}.predicted_regions`),
    accepted: o.accepted === undefined ? 0 : num(o.accepted, `${where}.accepted`),
    rate: optNum(o.rate, `${where}.rate`),
  };
}

function throughput(value: unknown): Throughput {
  const o = obj(value, "throughput");
  return {
    per_day: days(o.per_day, "throughput.per_day"),
    annotators: list(o.annotators ?? [], "throughput.annotators").map((a, i) => {
      const where = `throughput.annotators[${i}]`;
      const e = obj(a, where);
      const t = obj(e.time_per_task_s ?? {}, `${where}.time_per_task_s`);
      return {
        annotator: str(e.annotator, `${where}.annotator`),
        user_id: optNum(e.user_id, `${where}.user_id`),
        submitted: num(e.submitted, `${where}.submitted`),
        time_per_task_s: {
          median: optNum(t.median, `${where}.time_per_task_s.median`),
          mean: optNum(t.mean, `${where}.time_per_task_s.mean`),
          p90: optNum(t.p90, `${where}.time_per_task_s.p90`),
        },
        per_day: days(e.per_day, `${where}.per_day`),
        prelabel: prelabel(e.prelabel, `${where}.prelabel`),
      };
    }),
    prelabel: prelabel(o.prelabel, "throughput.prelabel"),
  };
}

function section<T>(o: Json, key: string, read: (value: unknown) => T): T | null {
  return o[key] === undefined || o[key] === null ? null : read(o[key]);
}

/** The report JSON as typed values; throws `ReportShapeError` naming what is malformed. */
export function readReport(json: unknown): Report {
  const o = obj(json, "the report");
  return {
    project_id: num(o.project_id, "project_id"),
    counts: counts(o.counts),
    annotators: section(o, "annotators", annotators),
    agreement: section(o, "agreement", agreement),
    gold: section(o, "gold", gold),
    errors: section(o, "errors", errors),
    drift: section(o, "drift", drift),
    throughput: section(o, "throughput", throughput),
  };
}
