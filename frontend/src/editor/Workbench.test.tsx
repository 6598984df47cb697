// @vitest-environment jsdom
import { act, createRef } from "react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Region } from "../lib/regions";
import type { Schema } from "../lib/schema";
import { click, getByRole, queryAllByRole, render, type Rendered } from "../test/dom";
import { Workbench, type WorkbenchHandle } from "./Workbench";

const schema: Schema = {
  data: [{ name: "image", type: "image" }],
  labels: [{ name: "objects", type: "bbox", source: "image", classes: [{ name: "car", hotkey: "1" }, { name: "person" }] }],
} as Schema;

const box = (id: string, x: number): Region =>
  ({ id, label: "objects", type: "bbox", value: { class: "car", x, y: 10, width: 20, height: 20, rotation: 0 } }) as Region;

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

function press(key: string, init: KeyboardEventInit = {}) {
  act(() => {
    window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...init }));
  });
}

describe("Workbench", () => {
  it("works without a task or a server: a blank canvas of the given size, the schema's classes, editing", async () => {
    const onChange = vi.fn();
    const bench = createRef<WorkbenchHandle>();
    rendered = await render(
      <Workbench ref={bench} schema={schema} image={{ status: "blank", width: 320, height: 200 }} regions={[box("r1", 5)]} onChange={onChange} />,
    );
    const blank = rendered.container.querySelector("rect.stage__blank");
    expect(blank?.getAttribute("width")).toBe("320");
    expect(blank?.getAttribute("height")).toBe("200");
    expect(getByRole(rendered.container, "button", /^car1$/).getAttribute("aria-pressed")).toBe("true");
    expect(rendered.container.querySelectorAll("[data-region]")).toHaveLength(1);
    await click(getByRole(rendered.container, "button", "Delete r1"));
    expect(onChange).toHaveBeenLastCalledWith([]);
    press("z", { ctrlKey: true });
    expect(bench.current?.regions().map((r) => r.id)).toEqual(["r1"]);
    act(() => bench.current?.replace([box("r1", 5), box("r2", 50)]));
    expect(onChange).toHaveBeenLastCalledWith([box("r1", 5), box("r2", 50)]);
  });

  it("read-only: selection and viewing only; no drawing tools, undo, class picker or delete", async () => {
    const onSelect = vi.fn();
    rendered = await render(
      <Workbench schema={schema} image={{ status: "blank", width: 100, height: 100 }} regions={[box("r1", 5)]} readOnly onSelect={onSelect} />,
    );
    const names = queryAllByRole(rendered.container, "button").map((b) => b.textContent);
    expect(names).toContain("Select");
    expect(names).not.toContain("Box");
    expect(names).not.toContain("Undo");
    expect(queryAllByRole(rendered.container, "button", /^car1?$/)).toHaveLength(0);
    expect(queryAllByRole(rendered.container, "button", "Delete r1")).toHaveLength(0);
    press("Tab");
    expect(onSelect).toHaveBeenLastCalledWith("r1");
    press("Delete");
    expect(rendered.container.querySelectorAll("[data-region]")).toHaveLength(1);
  });

  it("the host's keys come first, are listed in the help and take the editor's binding of the same key", async () => {
    const accept = vi.fn();
    rendered = await render(
      <Workbench
        schema={schema}
        image={{ status: "blank", width: 100, height: 100 }}
        regions={[]}
        readOnly
        keys={[{ hotkey: "a", description: "Accept this answer", run: accept }]}
      />,
    );
    press("a");
    expect(accept).toHaveBeenCalledTimes(1);
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
    await click(getByRole(rendered.container, "button", "Keyboard shortcuts"));
    const help = document.querySelector("table.shortcuts")?.textContent ?? "";
    expect(help).toContain("Accept this answer");
    expect(help).not.toContain("Accept prediction");
    expect(help).not.toContain("Submit");
  });

  it("overlays are drawn in their colours and picked by a click", async () => {
    const pick = vi.fn();
    const theirs = box("r1", 40) as Region & { type: "bbox" };
    rendered = await render(
      <Workbench
        schema={schema}
        image={{ status: "blank", width: 100, height: 100 }}
        regions={[]}
        readOnly
        overlays={[{ id: "7", name: "Ann", color: "#123456", regions: [theirs] }]}
        onOverlayPick={pick}
      />,
    );
    const shape = rendered.container.querySelector('[data-overlay="7"] [data-region="r1"]');
    expect(shape?.getAttribute("stroke")).toBe("#123456");
    act(() => {
      shape?.dispatchEvent(new MouseEvent("pointerdown", { bubbles: true, button: 0 }));
    });
    expect(pick).toHaveBeenCalledWith("7", theirs);
  });
});
