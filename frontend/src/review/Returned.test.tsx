// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryRouter } from "react-router";
import { ApiClient } from "../api/client";
import { ProjectQueues } from "../components/ProjectQueues";
import { click, getByRole, json, render, routeFetch, type Rendered } from "../test/dom";
import { returnedOf } from "./api";
import { ReturnedPanel } from "./Returned";

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

describe("work sent back", () => {
  it("the queue line counts it", async () => {
    const { fetch } = routeFetch({ "GET /api/projects/4/queues": () => json(200, { label: { available: 0, more: false, mine: 1, returned: 1 } }) });
    const client = new ApiClient({ fetch, sleep: async () => undefined });
    rendered = await render(
      <MemoryRouter>
        <ProjectQueues client={client} projectId={4} projectName="Streets" />
      </MemoryRouter>,
    );
    expect(rendered.container.textContent).toContain("Label: 0 to take, 1 yours in progress, 1 sent back to you");
  });

  it("shows the reviewer's words as text and a pinned note selects its region", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const returned = returnedOf({
      task: null, lease: null, answers: [], draft: null, reason: null,
      returned: {
        annotation: { id: 3, regions: [{ id: "r2", label: "objects", type: "bbox", value: { class: "car", x: 0, y: 0, width: 5, height: 5 } }] },
        reviews: [
          { id: 9, verdict: "reject", error_categories: ["missed_object"], comment: hostile, created_at: "2026-12-01T10:00:00Z", region_comments: [{ id: 1, region_id: "r2", body: `tighter ${hostile}` }, { id: 2, region_id: "gone", body: "old" }] },
        ],
      },
    } as never);
    expect(returned).not.toBeNull();
    const onSelect = vi.fn();
    rendered = await render(<ReturnedPanel returned={returned as NonNullable<typeof returned>} onSelect={onSelect} />);
    expect(rendered.container.querySelector("img")).toBeNull();
    expect(rendered.container.textContent).toContain("missed_object");
    expect(rendered.container.textContent).toContain(hostile);
    await click(getByRole(rendered.container, "button", "r2"));
    expect(onSelect).toHaveBeenCalledWith("r2");
    // A note on a region the answer no longer has is shown, not offered as a link.
    expect(rendered.container.textContent).toContain("gone: old");
  });
});
