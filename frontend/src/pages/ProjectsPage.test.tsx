// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import type { ProjectSummary } from "../api/types";
import {
  click,
  currentLocation,
  errorBody,
  getByRole,
  json,
  queryAllByRole,
  renderApp,
  routeFetch,
  session,
  type Rendered,
} from "../test/dom";


function project(id: number, overrides: Partial<ProjectSummary> = {}): ProjectSummary {
  return {
    id,
    name: `Project ${id}`,
    description: "",
    task_count: 200,
    annotated_count: 12,
    accepted_count: 3,
    role: "annotator",
    created_at: "2025-01-02T03:04:05Z",
    ...overrides,
  };
}

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

describe("projects page", () => {
  it("lists projects with progress, role and the user's email; user text is inert", async () => {
    const hostile = "<script>alert(1)</script><b>Street</b>";
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () =>
        json(200, {
          items: [project(1, { name: hostile, description: "<img src=x onerror=alert(1)>", role: "manager" }), project(2, { role: null })],
          next_cursor: null,
        }),
    });
    rendered = await renderApp("/", fetch);
    const { container } = rendered;

    expect(container.querySelector(".app-header")?.textContent).toContain("ann@example.com");
    expect(getByRole(container, "button", "Log out")).toBeTruthy();
    expect(getByRole(container, "heading", hostile)).toBeTruthy();
    expect(container.querySelector("script, img, b")).toBeNull();

    const bar = getByRole(container, "progressbar", `Progress of ${hostile}`);
    expect(bar.getAttribute("aria-valuenow")).toBe("6");
    expect(bar.getAttribute("aria-valuetext")).toBe("3 accepted, 12 annotated of 200 tasks");
    expect(getByRole(container, "progressbar", "Progress of Project 2")).toBeTruthy();
    expect(container.textContent).toContain("Role: Manager");
    expect(container.textContent).toContain("Role: none");
    expect(container.querySelector("[style]")).toBeNull();
  });

  it("shows the caller's queues with counts and opens the label stream", async () => {
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () => json(200, { items: [project(1, { name: "Birds" })], next_cursor: null }),
      "GET /api/projects/1/queues": () =>
        json(200, { label: { available: 1000, more: true, mine: 1 }, review: { available: 4, more: false, mine: 0 } }),
    });
    rendered = await renderApp("/", fetch);
    const queues = getByRole(rendered.container, "list", "Your queues in Birds");
    expect(queues.textContent).toContain("Label: 1000+ to take, 1 yours in progress");
    expect(queues.textContent).toContain("Review: 4 to take");
    expect(queues.textContent).not.toContain("Adjudicate");
    await click(getByRole(rendered.container, "link", "Start labeling Birds"));
    expect(currentLocation(rendered.container)).toBe("/projects/1/label");
  });

  it("loads more pages with the cursor", async () => {
    const { fetch, calls } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () =>
        calls.filter((call) => call.key === "GET /api/projects").length === 1
          ? json(200, { items: [project(1)], next_cursor: "c1" })
          : json(200, { items: [project(2)], next_cursor: null }),
    });
    rendered = await renderApp("/", fetch);
    await click(getByRole(rendered.container, "button", "Load more projects"));
    expect(queryAllByRole(rendered.container, "progressbar")).toHaveLength(2);
    expect(calls.filter((call) => call.key === "GET /api/projects").at(-1)?.url).toBe("/api/projects?limit=50&cursor=c1");
    expect(queryAllByRole(rendered.container, "button", "Load more projects")).toHaveLength(0);
  });

  it("logs out with the CSRF token and returns to the login page", async () => {
    const { fetch, calls } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () => json(200, { items: [], next_cursor: null }),
      "POST /api/auth/logout": () => json(204, null),
    });
    rendered = await renderApp("/?page=2", fetch);
    expect(rendered.container.textContent).toContain("No projects yet.");
    await click(getByRole(rendered.container, "button", "Log out"));
    const logout = calls.find((call) => call.key === "POST /api/auth/logout");
    expect((logout?.init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("csrf-1");
    expect(currentLocation(rendered.container)).toBe("/login");
  });

  it("goes to the login page when the session expires", async () => {
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () => json(401, errorBody(401, "not_authenticated", "Session expired.")),
    });
    rendered = await renderApp("/?page=2", fetch);
    expect(currentLocation(rendered.container)).toBe("/login?next=%2F%3Fpage%3D2");
  });

  it("shows a load error with a retry button", async () => {
    let fail = true;
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, session),
      "GET /api/projects": () =>
        fail ? json(500, errorBody(500, "internal_error", "Something broke.")) : json(200, { items: [project(1)], next_cursor: null }),
    });
    rendered = await renderApp("/", fetch);
    expect(getByRole(rendered.container, "alert").textContent).toBe("Something broke.");
    fail = false;
    await click(getByRole(rendered.container, "button", "Try again"));
    expect(queryAllByRole(rendered.container, "alert")).toHaveLength(0);
    expect(getByRole(rendered.container, "heading", "Project 1")).toBeTruthy();
  });
});
