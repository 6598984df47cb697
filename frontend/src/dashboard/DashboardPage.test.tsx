// @vitest-environment jsdom
import { act } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  click,
  currentLocation,
  errorBody,
  flush,
  getByRole,
  json,
  queryAllByRole,
  renderApp,
  routeFetch,
  session,
  type Rendered,
} from "../test/dom";

/** Charts wait for the viewport; here nothing ever comes into view, so the page's tables,
 * links and flags are tested without drawing (jsdom has no layout). */
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

const ANN = "ann@example.org";
const project = {
  id: 3, name: "Streets", description: "", task_count: 10, annotated_count: 8, accepted_count: 2,
  role: "manager", created_at: "2026-11-01T00:00:00Z", schema_version: 0, guideline_version: 1,
};
const report = {
  project_id: 3,
  counts: { tasks: 10, annotations: 16, labelled_tasks: 8, annotators: 2, gold_tasks: 2, reviews: 1, unreadable_regions: 0 },
  annotators: [{ annotator: ANN, annotations: 8, gold_annotations: 2, mean_gold_score: 0.8125, mean_agreement: null, median_lead_time_s: 9.96 }],
  agreement: [],
  gold: [],
  errors: { totals: {}, by_annotator: {}, by_class: {}, by_guideline_version: {}, by_week: {}, by_source: {} },
  drift: { min_segment: 20, alpha: 0.01, gold: { annotator: [], guideline_version: [] }, agreement: { annotator: [], guideline_version: [] } },
};
const flag = {
  id: 5, task_id: 9, author_id: 7, note: "<b>which class?</b>", status: "open", resolution: null, resolved_by: null,
  guideline_version: null, created_at: "2026-11-30T10:00:00Z", resolved_at: null,
};

function backend(overrides: Record<string, (init: RequestInit) => Response> = {}) {
  return routeFetch({
    "GET /api/auth/session": () => json(200, session),
    "GET /api/projects/3": () => json(200, project),
    "GET /api/projects/3/qa/report": () => json(200, report),
    "GET /api/projects/3/members": () => json(200, [{ user_id: 7, email: ANN, name: "Ann", role: "annotator" }]),
    "GET /api/projects/3/flags": () => json(200, { items: [flag], next_cursor: null }),
    "GET /api/projects/3/guidelines": () => json(200, { version: 1, body: "# Rules\n", note: "", created_at: "2026-11-01T00:00:00Z" }),
    ...overrides,
  });
}

/** Flush until `find` finds something (the charts module loads on demand). */
async function waitFor<T>(find: () => T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) return found;
    await flush();
  }
  throw new Error(`never found ${what}`);
}

async function setValue(element: Element, value: string): Promise<void> {
  await act(async () => {
    const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(prototype, "value")?.set?.call(element, value);
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("the dashboard page", () => {
  it("shows the report's counts and figures, rounded, with links to the annotator's tasks", async () => {
    const { fetch } = backend();
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    const { container } = rendered;
    expect(getByRole(container, "heading", "QA dashboard · Streets")).toBeTruthy();
    expect(container.querySelector("[data-testid=report-counts]")?.textContent).toBe(
      "10 tasks (8 labelled, 2 gold), 16 answers by 2 annotators, 1 review.",
    );
    const gold = await waitFor(() => container.querySelector(`[data-annotator-gold="${ANN}"]`), "the annotators table");
    expect(gold.textContent).toBe("0.813");
    expect(container.querySelector(`[data-annotator-agreement="${ANN}"]`)?.textContent).toBe("—");
    await click(getByRole(container, "link", "2"));
    expect(currentLocation(container)).toBe("/projects/3/tasks?annotator=7&gold=true");
  });

  it("names what is wrong with a malformed report instead of drawing it", async () => {
    const { fetch } = backend({
      "GET /api/projects/3/qa/report": () => json(200, { ...report, counts: { tasks: "ten" } }),
    });
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    expect(getByRole(rendered.container, "alert").textContent).toBe("QA report: counts.tasks should be a number, got string");
  });

  it("shows the server's refusal", async () => {
    const { fetch } = backend({
      "GET /api/projects/3/qa/report": () => json(404, errorBody(404, "not_found", "project 3 not found")),
    });
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    expect(getByRole(rendered.container, "alert").textContent).toBe("project 3 not found");
  });

  it("lets a manager resolve a flag with a note and new guidelines", async () => {
    const { fetch, calls } = backend({
      "POST /api/projects/3/flags/5/resolve": () => json(200, { ...flag, status: "resolved", guideline_version: 2 }),
    });
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    const { container } = rendered;
    const list = getByRole(container, "list", "Open flags");
    expect(list.textContent).toContain("<b>which class?</b>");
    expect(list.querySelector("b")).toBeNull();
    expect(list.textContent).toContain(`flagged by ${ANN} on 2026-11-30`);
    await click(getByRole(container, "button", "Resolve the flag on task 9"));
    const form = getByRole(container, "form", "Resolve the flag on task 9");
    await setValue(form.querySelector("textarea")!, "Use the class of the larger object.");
    await click(form.querySelector<HTMLInputElement>("input[type=checkbox]")!);
    const guidelines = form.querySelectorAll("textarea")[1] as HTMLTextAreaElement;
    expect(guidelines.value).toBe("# Rules\n");
    await setValue(guidelines, "# Rules\n\nThe larger object decides.\n");
    await click(getByRole(form, "button", "Resolve flag"));
    const post = calls.find((c) => c.key === "POST /api/projects/3/flags/5/resolve");
    expect(JSON.parse(String(post?.init.body))).toEqual({
      resolution: "Use the class of the larger object.",
      guidelines: "# Rules\n\nThe larger object decides.\n",
    });
    expect(container.querySelector("[role=status].dash-status")?.textContent).toBe(
      "Flag on task 9 resolved; guidelines version 2 published.",
    );
    expect(queryAllByRole(container, "list", "Open flags")).toHaveLength(0);
  });

  it("shows reviewers the flags without the resolve button", async () => {
    const { fetch } = backend({ "GET /api/projects/3": () => json(200, { ...project, role: "reviewer" }) });
    rendered = await renderApp("/projects/3/dashboard", fetch);
    await flush();
    const list = getByRole(rendered.container, "list", "Open flags");
    expect(queryAllByRole(list, "button")).toHaveLength(0);
  });
});
