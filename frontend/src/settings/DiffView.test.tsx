// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { render, type Rendered } from "../test/dom";
import { DiffView } from "./DiffView";

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

describe("DiffView", () => {
  it("says each change in words, numbers both sides, and renders markup as text", async () => {
    rendered = await render(<DiffView before={"# Rules\nBox cars.\n"} after={"# Rules\nBox cars <b>and</b> vans.\nSkip bikes.\n"} caption="Changes from version 1 to version 2" />);
    const table = rendered.container.querySelector("table");
    expect(table?.querySelector("caption")?.textContent).toBe("Changes from version 1 to version 2: 2 lines added, 1 removed");
    const rows = [...(table?.querySelectorAll("tbody tr") ?? [])].map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["1", "1", " unchanged", "# Rules"],
      ["2", "", "−removed", "Box cars."],
      ["", "2", "+added", "Box cars <b>and</b> vans."],
      ["", "3", "+added", "Skip bikes."],
    ]);
    expect(table?.querySelector("b")).toBeNull();
    expect(table?.querySelector("del")?.textContent).toBe("Box cars.");
  });

  it("says when there is no difference", async () => {
    rendered = await render(<DiffView before="same" after={"same\n"} caption="Changes from version 2 to version 2" />);
    expect(rendered.container.textContent).toBe("Changes from version 2 to version 2: no differences.");
    expect(rendered.container.querySelector("table")).toBeNull();
  });
});
