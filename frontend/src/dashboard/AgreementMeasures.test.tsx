// @vitest-environment jsdom
/** The agreement section's further measures (docs/qa.md `measures`): read from the report,
 * listed per label with their values, and their annotator matrices offered beside the
 * headline ones. The video label is the report of tests/api/test_qa_report.py's swapped
 * identities: MOTA 0.9 either way, IDF1 0.5, every box matched frame by frame. */
import { act } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { flush, json, renderApp, routeFetch, session, type Rendered } from "../test/dom";
import { readReport } from "./readReport";

beforeAll(() => {
  globalThis.IntersectionObserver = class {
    observe() {}
    disconnect() {}
    unobserve() {}
    takeRecords() {
      return [];
    }
  } as unknown as typeof IntersectionObserver;
});

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const ANN = "annotator@example.org";
const REV = "reviewer@example.org";
const pairs = (metric: string, value: number | null) => ({
  annotators: [ANN, REV],
  metric,
  values: [
    [null, value],
    [value, null],
  ],
});
const objects = {
  label: "objects",
  type: "video_track",
  primary: "mota",
  agreement: { value: 0.9, idf1: 0.5, frame_f1: 1.0, mean_iou: 1.0, undefined_because: null, n_units: 1, n_frames: 10, threshold: 0.5 },
  classes: { car: { value: 0.9, idf1: 0.5, frame_f1: 1.0, mean_iou: 1.0, undefined_because: null } },
  pairs: pairs("mota", 0.9),
  measures: [
    { name: "idf1", value: 0.5, n_units: 1, undefined_because: null, pairs: pairs("idf1", 0.5) },
    { name: "frame_f1", value: 1.0, n_units: 1, undefined_because: null, pairs: pairs("frame_f1", 1.0) },
    { name: "mean_iou", value: 1.0, n_units: 1, undefined_because: null, pairs: null },
  ],
};
const entities = {
  label: "entities",
  type: "span",
  primary: "exact_f1",
  agreement: { value: 0.4, n_units: 1, undefined_because: null, macro_f1: 0.2 },
  classes: { PER: { f1: 0.5 }, ORG: { f1: 0.0 } },
  pairs: pairs("f1", 0.4),
  measures: [
    { name: "span_alpha", value: null, n_units: 0, undefined_because: "no text was annotated by two annotators", pairs: null },
  ],
};
const report = {
  project_id: 3,
  counts: { tasks: 2, annotations: 4, labelled_tasks: 2, annotators: 2, gold_tasks: 0, reviews: 0, unreadable_regions: 0 },
  annotators: [],
  agreement: [objects, entities],
  gold: [],
  errors: { totals: {}, by_annotator: {}, by_class: {}, by_guideline_version: {}, by_week: {}, by_source: {} },
  drift: { min_segment: 20, alpha: 0.01, gold: { annotator: [], guideline_version: [] }, agreement: { annotator: [], guideline_version: [] } },
};
const project = {
  id: 3, name: "Traffic", description: "", task_count: 2, annotated_count: 2, accepted_count: 0,
  role: "manager", created_at: "2026-11-01T00:00:00Z", schema_version: 0, guideline_version: 1,
};

/** Flush until `find` finds something (the dashboard's sections load on demand). */
async function waitFor<T>(find: () => T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) return found;
    await flush();
  }
  throw new Error(`never found ${what}`);
}

describe("further agreement measures", () => {
  it("are read with their matrices, and empty for labels without any", () => {
    const r = readReport({ ...report, agreement: [objects, { ...entities, measures: undefined }] });
    expect(r.agreement?.[0]?.measures.map((m) => [m.name, m.value, m.pairs?.metric ?? null])).toEqual([
      ["idf1", 0.5, "idf1"],
      ["frame_f1", 1.0, "frame_f1"],
      ["mean_iou", 1.0, null],
    ]);
    expect(r.agreement?.[0]?.classes).toEqual([{ name: "car", value: 0.9, undefined_because: null, interval: null }]);
    expect(r.agreement?.[1]?.measures).toEqual([]);
    expect(() => readReport({ ...report, agreement: [{ ...objects, measures: [{ value: 1 }] }] })).toThrow(
      "QA report: agreement[0].measures[0].name should be a string, got undefined",
    );
  });

  it("are listed per label and their matrices can be chosen", async () => {
    const fetch = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects/3": () => json(200, project),
      "GET /api/projects/3/qa/report": () => json(200, report),
      "GET /api/projects/3/members": () => json(200, []),
      "GET /api/projects/3/flags": () => json(200, { items: [], next_cursor: null }),
      "GET /api/projects/3/guidelines": () => json(200, { version: 1, body: "", note: "", created_at: "2026-11-01T00:00:00Z" }),
    }).fetch;
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    const { container } = rendered;
    const table = await waitFor(
      () =>
        [...container.querySelectorAll("table")].find(
          (t) => t.querySelector("caption")?.textContent === "Further agreement measures per label",
        ),
      "the table of further measures",
    );
    expect(table.querySelector('[data-figure="objects/idf1"]')?.textContent).toBe("0.500");
    expect(table.querySelector('[data-figure="objects/frame_f1"]')?.textContent).toBe("1.000");
    expect(table.querySelector('[data-figure="entities/span_alpha"]')?.textContent).toBe("—");
    expect(table.textContent).toContain("IDF1 of tracks");
    expect(table.textContent).toContain("no text was annotated by two annotators");
    const label = [...container.querySelectorAll("label")].find((l) => l.textContent === "Matrix");
    const select = label?.control as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      "objects",
      "objects: IDF1 of tracks",
      "objects: F1 of boxes per frame",
      "entities",
    ]);
    expect(container.querySelector(".dash-matrix caption")?.textContent).toBe("objects: MOTA (CLEAR MOT)");
    await act(async () => {
      select.value = "objects/idf1";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(container.querySelector(".dash-matrix caption")?.textContent).toBe("objects: IDF1 of tracks");
    const cell = container.querySelector(`[data-row="${ANN}"][data-column="${REV}"]`);
    expect(cell?.textContent).toContain("0.500");
  });
});
