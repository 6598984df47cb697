import { describe, expect, it } from "vitest";
import { parseQuery } from "../tasks/filters";
import { isoTime, taskLink } from "./links";
import { readReport } from "./readReport";
import { ReportShapeError } from "./report";
import {
  agreementMatrix,
  annotatorIds,
  annotatorPace,
  classBars,
  classLabels,
  dayBars,
  driftLines,
  errorStacks,
  fixed,
  goldBars,
  labelBars,
  levelOf,
  wilson,
} from "./series";

const ANN = "ann@example.org";
const BOB = "bob@example.org";
const CAT = "cat@example.org";

/** A report in the shapes `accord qa report --json` prints (docs/qa.md). */
function report(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project_id: 4,
    counts: { tasks: 10, annotations: 21, labelled_tasks: 8, annotators: 3, gold_tasks: 2, reviews: 3, unreadable_regions: 0 },
    annotators: [
      { annotator: ANN, annotations: 8, gold_annotations: 2, mean_gold_score: 0.75, mean_agreement: 0.6666, median_lead_time_s: 12.25 },
    ],
    agreement: [
      {
        label: "scene", type: "classification", primary: "krippendorff_nominal",
        agreement: {
          value: 0.3856246590289144, n_units: 73, undefined_because: null,
          interval: { low: 0.2295850335649772, high: 0.5266227366172621, level: 0.95, resamples: 1000, undefined_resamples: 0, method: "percentile bootstrap over units" },
          classes: [{ category: "day", value: 0.4, undefined_because: null, specific_agreement: 0.7, n_labels: 10, n_units: 6 }],
          pairs: { annotators: [ANN, BOB], metric: "krippendorff_alpha", values: [[null, 0.0065], [0.0065, null]], n_units: [[8, 5], [5, 7]] },
        },
        coefficients: {},
      },
      {
        label: "objects", type: "bbox", primary: "f1",
        agreement: { value: 0.75, n_units: 7, f1: 0.75, undefined_because: null, threshold: 0.5 },
        classes: { car: { f1: 0.8, precision: 0.8, recall: 0.8, undefined_because: null }, bus: { f1: null, undefined_because: "never drawn" } },
        pairs: { annotators: [ANN, BOB, CAT], metric: "f1", values: [[null, 0.6, 0.9], [0.6, null, -0.1], [0.9, -0.1, null]] },
      },
      {
        label: "tags", type: "multilabel", primary: "set_alpha_masi",
        agreement: { value: null, n_units: 0, undefined_because: "one set throughout", interval: null },
        classes: { undefined_because: "no classes" },
      },
      {
        label: "text", type: "transcription", primary: "wer",
        agreement: { value: 0.2, n_units: 3, cer: 0.1, undefined_because: null },
        pairs: { annotators: [ANN, BOB], metric: "wer", values: [[null, 0.2], [0.2, null]] },
      },
    ],
    gold: [
      {
        label: "scene", type: "classification", gold_tasks: 2,
        overall: { n_items: 2, n_compared: 16, accuracy: 0.75, micro_f1: 0.75, undefined_because: null },
        per_annotator: {
          [BOB]: { n_items: 2, n_compared: 13, accuracy: 7 / 13, micro_f1: 7 / 13, undefined_because: null },
          [ANN]: { n_items: 2, n_compared: 16, accuracy: 1 / 16, micro_f1: 1 / 16, undefined_because: null },
        },
      },
      {
        label: "objects", type: "bbox", gold_tasks: 2,
        overall: { n_items: 2, n_compared: 30, accuracy: null, micro_f1: 0.8, undefined_because: null },
        per_annotator: { [CAT]: { n_items: 1, n_compared: 9, accuracy: null, micro_f1: 0.8, undefined_because: null } },
      },
    ],
    errors: {
      totals: { wrong_class: 3, missed_object: 5 },
      by_annotator: { [ANN]: { wrong_class: 1, missed_object: 4 }, [BOB]: { wrong_class: 2, missed_object: 1 } },
      by_class: { car: { wrong_class: 3 }, "": { missed_object: 5 } },
      by_guideline_version: { "2": { missed_object: 1 }, "1": { wrong_class: 3, missed_object: 4 } },
      by_week: {},
      by_source: { gold: { wrong_class: 3 }, review: { missed_object: 5 } },
    },
    drift: {
      min_segment: 20, alpha: 0.01,
      gold: {
        annotator: [
          {
            key: ANN,
            weeks: [
              { week: "2026-W48", start: "2026-11-23 00:00:00+00:00", n: 30, mean: 0.9 },
              { week: "2026-W49", start: "2026-11-30T00:00:00+00:00", n: 25, mean: 0.5 },
            ],
            n: 55, p_value: 0.001, undefined_because: null,
            change_points: [{ index: 31, time: "2026-11-29T10:00:00+00:00", mean_before: 0.9, mean_after: 0.5, p_value: 0.001 }],
          },
        ],
        guideline_version: [],
      },
      agreement: { annotator: [], guideline_version: [] },
    },
    ...extra,
  };
}

const ids = new Map([[ANN, 7], [BOB, 8]]);

describe("rounding", () => {
  it("shows three decimals, half away from zero, and a dash when undefined", () => {
    expect(fixed(0.3856246590289144)).toBe("0.386");
    expect(fixed(1 / 16)).toBe("0.063");
    expect(fixed(-1 / 16)).toBe("-0.063");
    expect(fixed(-0.0001)).toBe("0.000");
    expect(fixed(null)).toBe("—");
    expect(fixed(12.25, 1)).toBe("12.3");
  });
});

describe("readReport", () => {
  it("reads every section and leaves out a throughput section the server did not send", () => {
    const r = readReport(report());
    expect(r.counts.annotators).toBe(3);
    expect(r.throughput).toBeNull();
    expect(r.agreement?.map((a) => a.pairs?.metric ?? null)).toEqual(["krippendorff_alpha", "f1", null, "wer"]);
    expect(r.agreement?.[0]?.classes).toEqual([{ name: "day", value: 0.4, undefined_because: null, interval: null }]);
    expect(r.agreement?.[1]?.classes.map((c) => [c.name, c.value])).toEqual([["car", 0.8], ["bus", null]]);
    expect(r.agreement?.[2]?.classes_undefined_because).toBe("no classes");
    expect(r.drift?.gold.annotator[0]?.weeks.map((w) => isoTime(w.start))).toEqual([
      "2026-11-23T00:00:00Z",
      "2026-11-30T00:00:00Z",
    ]);
  });

  it("names what is malformed", () => {
    const bad = report();
    (bad.annotators as Record<string, unknown>[])[0]!.annotations = "eight";
    expect(() => readReport(bad)).toThrow(new ReportShapeError("QA report: annotators[0].annotations should be a number, got string"));
    const ragged = report();
    const pairs = ((ragged.agreement as Record<string, unknown>[])[1]!.pairs as { values: unknown[][] });
    pairs.values[1] = [0.6];
    expect(() => readReport(ragged)).toThrow(/agreement\[1\]\.pairs\.values\[1\] should be 3 cells/);
  });
});

describe("agreement", () => {
  const r = readReport(report());
  const [scene, objects, tags, text] = r.agreement!;

  it("gives each label a bar with its interval and a link to its tasks, least agreed first", () => {
    const [bar, , undefinedBar] = labelBars(4, r.agreement!);
    expect(bar).toMatchObject({ name: "scene", text: "0.386", interval: "0.230–0.527", link: "/projects/4/tasks?label=scene&sort=agreement" });
    expect(bar!.error![0]).toBeCloseTo(0.3856246590289144 - 0.2295850335649772, 12);
    expect(undefinedBar).toMatchObject({ text: "—", error: null, note: "one set throughout" });
  });

  it("links each class to its label's and class's tasks", () => {
    expect(classBars(4, objects!).map((b) => [b.text, b.link])).toEqual([
      ["0.800", "/projects/4/tasks?label=objects&class=car&sort=agreement"],
      ["—", "/projects/4/tasks?label=objects&class=bus&sort=agreement"],
    ]);
    expect(classBars(4, tags!)).toEqual([]);
  });

  it("makes a pair matrix whose cells open the row annotator's tasks by agreement", () => {
    const m = agreementMatrix(4, scene!, ids)!;
    expect(m.rows[0]!.cells.map((c) => [c.text, c.n, c.link])).toEqual([
      ["", null, null],
      // 0.0065 is stored as 0.00649999…: rounding works on the value the report holds
      ["0.006", 5, "/projects/4/tasks?annotator=7&sort=agreement"],
    ]);
    const regions = agreementMatrix(4, objects!, ids)!;
    expect(regions.rows[2]!.link).toBeNull(); // not a member: no id to filter by
    expect(regions.rows[1]!.cells[2]).toMatchObject({ text: "-0.100", level: 0, n: null });
    expect(agreementMatrix(4, tags!, ids)).toBeNull();
    const wer = agreementMatrix(4, text!, ids)!;
    expect(wer.lowerIsBetter).toBe(true);
    expect(wer.rows[0]!.cells[1]!.level).toBe(levelOf(0.8, false));
  });
});

describe("gold", () => {
  const r = readReport(report());

  it("gives accuracy a Wilson interval over the answers compared and links to gold tasks", () => {
    const [ann, bob] = goldBars(4, r.gold![0]!, ids);
    expect(ann).toMatchObject({ annotator: ANN, measure: "accuracy", text: "0.063", gold_tasks: 2, compared: 16, link: "/projects/4/tasks?annotator=7&gold=true" });
    const [low, high] = wilson(7, 13);
    expect(bob!.interval).toBe(`${fixed(low)}–${fixed(high)}`);
    expect(low).toBeCloseTo(0.2914, 4); // Wilson 95 % for 7 of 13
    expect(high).toBeCloseTo(0.7679, 4);
  });

  it("shows micro F1 without an interval for region labels", () => {
    expect(goldBars(4, r.gold![1]!, ids)).toEqual([
      expect.objectContaining({ annotator: CAT, measure: "micro F1", text: "0.800", interval: null, link: null }),
    ]);
  });

  it("refuses an interval of no trials", () => {
    expect(() => wilson(0, 0)).toThrow(/at least one trial/);
  });
});

describe("errors", () => {
  const errors = readReport(report()).errors!;

  it("stacks categories most frequent first, each segment linking to its tasks", () => {
    const stacks = errorStacks(4, errors.by_annotator, "annotator", ids);
    expect(stacks.categories).toEqual(["missed_object", "wrong_class"]);
    expect(stacks.rows.map((r) => [r.name, r.total])).toEqual([[ANN, 5], [BOB, 3]]);
    expect(stacks.rows[0]!.links.wrong_class).toBe("/projects/4/tasks?annotator=7&error_category=wrong_class");
  });

  it("links a class through its label when one label has it, and orders versions by number", () => {
    const labels = classLabels({ labels: [{ name: "objects", classes: [{ name: "car" }] }, { name: "scene", classes: [{ name: "day" }] }] });
    const byClass = errorStacks(4, errors.by_class, "class", ids, labels);
    expect(byClass.rows.map((r) => [r.name, Object.values(r.links)[0]])).toEqual([
      ["car", "/projects/4/tasks?label=objects&class=car&error_category=wrong_class"],
      ["(no class)", "/projects/4/tasks?error_category=missed_object"],
    ]);
    const byVersion = errorStacks(4, errors.by_guideline_version, "guideline_version", ids);
    expect(byVersion.rows.map((r) => r.name)).toEqual(["version 1", "version 2"]);
    expect(byVersion.rows[1]!.links.missed_object).toBe("/projects/4/tasks?guideline_version=2&error_category=missed_object");
  });

  it("drops a class two labels share from the class → label map", () => {
    const labels = classLabels({ labels: [{ name: "a", classes: [{ name: "car" }] }, { name: "b", classes: [{ name: "car" }, { name: "bus" }] }] });
    expect([...labels]).toEqual([["bus", "b"]]);
  });
});

describe("drift", () => {
  it("links each week to the tasks submitted in it and each change point to the week from it", () => {
    const [line] = driftLines(4, readReport(report()).drift!.gold.annotator, ids);
    expect(line!.points.map((p) => p.link)).toEqual([
      "/projects/4/tasks?annotator=7&submitted_from=2026-11-23T00%3A00%3A00Z&submitted_to=2026-11-30T00%3A00%3A00Z",
      "/projects/4/tasks?annotator=7&submitted_from=2026-11-30T00%3A00%3A00Z&submitted_to=2026-12-07T00%3A00%3A00Z",
    ]);
    expect(line!.changes).toEqual([
      expect.objectContaining({ before: "0.900", after: "0.500", p_value: "0.001",
        link: "/projects/4/tasks?annotator=7&submitted_from=2026-11-29T10%3A00%3A00Z&submitted_to=2026-12-06T10%3A00%3A00Z" }),
    ]);
    expect(line!.test).toBe("1 change point in 55 answers");
  });

  it("links a guideline version's week to the tasks of that version submitted in it", () => {
    const series = readReport(report()).drift!.gold.annotator.map((s) => ({ ...s, key: "2" }));
    const [line] = driftLines(4, series, ids, "guideline_version");
    expect(line!.name).toBe("version 2");
    expect(line!.points[0]!.link).toBe(
      "/projects/4/tasks?guideline_version=2&submitted_from=2026-11-23T00%3A00%3A00Z&submitted_to=2026-11-30T00%3A00%3A00Z",
    );
  });
});

describe("throughput", () => {
  const throughput = {
    per_day: [{ date: "2026-11-30", submitted: 12 }],
    annotators: [
      { annotator: CAT, user_id: 9, submitted: 12, time_per_task_s: { median: 10, mean: 12.04, p90: null },
        per_day: [{ date: "2026-11-30", submitted: 12 }], prelabel: { predicted_regions: 4, accepted: 3, rate: 0.75 } },
    ],
    prelabel: { predicted_regions: 4, accepted: 3, rate: 0.75 },
  };

  it("reads the section, takes annotator ids from it, and links days and annotators", () => {
    const t = readReport(report({ throughput })).throughput!;
    const found = annotatorIds([{ user_id: 7, email: ANN }], t);
    expect([...found]).toEqual([[CAT, 9], [ANN, 7]]);
    expect(dayBars(4, t.per_day)[0]!.link).toBe(
      taskLink(4, { submitted_from: "2026-11-30T00:00:00Z", submitted_to: "2026-12-01T00:00:00Z" }),
    );
    expect(annotatorPace(4, t, found)[0]).toMatchObject({
      texts: { median: "10.0 s", mean: "12.0 s", p90: "—" }, rateText: "0.750", accepted: 3, predicted: 4,
      link: "/projects/4/tasks?annotator=9",
    });
  });

  it("names a malformed throughput section", () => {
    expect(() => readReport(report({ throughput: { per_day: [{ date: "2026-11-30", submitted: "12" }] } }))).toThrow(
      "QA report: throughput.per_day[0].submitted should be a number, got string",
    );
  });
});

describe("every link", () => {
  it("is a task-browser query the task browser reads without a problem", () => {
    const r = readReport(report());
    const labels = classLabels({ labels: [{ name: "objects", classes: [{ name: "car" }] }] });
    const links = [
      ...labelBars(4, r.agreement!).map((b) => b.link),
      ...r.agreement!.flatMap((l) => classBars(4, l).map((b) => b.link)),
      ...r.agreement!.flatMap((l) => agreementMatrix(4, l, ids)?.rows.flatMap((row) => row.cells.map((c) => c.link)) ?? []),
      ...r.gold!.flatMap((g) => goldBars(4, g, ids).map((b) => b.link)),
      ...(["by_annotator", "by_class", "by_guideline_version"] as const).flatMap((key) =>
        errorStacks(4, r.errors![key], key === "by_annotator" ? "annotator" : key === "by_class" ? "class" : "guideline_version", ids, labels)
          .rows.flatMap((row) => Object.values(row.links)),
      ),
      ...driftLines(4, r.drift!.gold.annotator, ids).flatMap((l) => [...l.points.map((p) => p.link), ...l.changes.map((c) => c.link)]),
      ...dayBars(4, [{ date: "2026-11-30", submitted: 1 }]).map((d) => d.link),
    ].filter((link): link is string => link !== null);
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) {
      const url = new URL(link, "http://accord.test");
      expect(url.pathname).toBe("/projects/4/tasks");
      const { query, problems } = parseQuery(url.searchParams);
      expect(problems, link).toEqual([]);
      expect(Object.keys(query.filters).length + (query.sort === "id" ? 0 : 1)).toBe([...url.searchParams.keys()].length);
    }
  });
});
