/**
 * The QA report (`GET /api/projects/{id}/qa/report`, the same JSON `accord qa report --json`
 * prints; docs/qa.md) as typed values; `readReport.ts` reads the JSON into them.
 */

export type Num = number | null;

export interface Counts {
  tasks: number;
  annotations: number;
  labelled_tasks: number;
  annotators: number;
  gold_tasks: number;
  reviews: number;
  unreadable_regions: number;
}

export interface AnnotatorRow {
  annotator: string;
  annotations: number;
  gold_annotations: number;
  mean_gold_score: Num;
  mean_agreement: Num;
  median_lead_time_s: Num;
}

export interface Interval {
  low: Num;
  high: Num;
  level: number;
  resamples: number;
}

export interface Pairs {
  annotators: string[];
  metric: string;
  values: Num[][];
  /** Units both annotators of a pair labelled (categorical labels only). */
  n_units: number[][] | null;
}

/** The headline figure of a label: its `primary` coefficient. */
export interface Headline {
  value: Num;
  n_units: number | null;
  undefined_because: string | null;
  interval: Interval | null;
}

export interface ClassFigure {
  name: string;
  value: Num;
  undefined_because: string | null;
  interval: Interval | null;
}

/** A further measure of a label beside its headline (docs/qa.md): overlap F1 and unitizing
 * alpha of spans, IDF1, per-frame F1 and mean IoU of video tracks, WER of transcribed
 * segments; with its own annotator matrix where it has one. */
export interface Measure {
  name: string;
  value: Num;
  n_units: number | null;
  undefined_because: string | null;
  pairs: Pairs | null;
}

export interface LabelAgreement {
  label: string;
  type: string;
  primary: string;
  agreement: Headline;
  classes: ClassFigure[];
  /** Why there is no per-class figure, when the report says. */
  classes_undefined_because: string | null;
  pairs: Pairs | null;
  /** Empty for labels without further measures (and from servers that send none). */
  measures: Measure[];
}

export interface GoldScores {
  n_items: number;
  n_compared: number;
  accuracy: Num;
  micro_f1: Num;
  undefined_because: string | null;
}

export interface GoldLabel {
  label: string;
  type: string;
  gold_tasks: number;
  overall: GoldScores;
  per_annotator: Record<string, GoldScores>;
}

export type Tally = Record<string, Record<string, number>>;

export interface Errors {
  totals: Record<string, number>;
  by_annotator: Tally;
  by_class: Tally;
  by_guideline_version: Tally;
  by_week: Tally;
  by_source: Tally;
}

export interface DriftWeek {
  week: string;
  /** The bucket's start, epoch milliseconds. */
  start: number;
  n: number;
  mean: Num;
}

export interface ChangePoint {
  index: number;
  time: number | null;
  mean_before: Num;
  mean_after: Num;
  p_value: Num;
}

export interface DriftSeries {
  key: string;
  weeks: DriftWeek[];
  n: number;
  p_value: Num;
  undefined_because: string | null;
  change_points: ChangePoint[];
}

export interface DriftMeasure {
  annotator: DriftSeries[];
  guideline_version: DriftSeries[];
}

export interface Drift {
  min_segment: number;
  alpha: number;
  gold: DriftMeasure;
  agreement: DriftMeasure;
}

export interface DayCount {
  date: string;
  submitted: number;
}

export interface Prelabel {
  predicted_regions: number;
  accepted: number;
  rate: Num;
}

export interface ThroughputAnnotator {
  annotator: string;
  user_id: number | null;
  submitted: number;
  time_per_task_s: { median: Num; mean: Num; p90: Num };
  per_day: DayCount[];
  prelabel: Prelabel;
}

export interface Throughput {
  per_day: DayCount[];
  annotators: ThroughputAnnotator[];
  prelabel: Prelabel;
}

export interface Report {
  project_id: number;
  counts: Counts;
  annotators: AnnotatorRow[] | null;
  agreement: LabelAgreement[] | null;
  gold: GoldLabel[] | null;
  errors: Errors | null;
  drift: Drift | null;
  throughput: Throughput | null;
}

/** A report that does not have the shape docs/qa.md describes. */
export class ReportShapeError extends Error {}
