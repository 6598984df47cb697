// @vitest-environment jsdom
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Region } from "../../lib/regions";
import type { DataField, Schema } from "../../lib/schema";
import { click, getByRole, render, type Rendered } from "../../test/dom";
import { makeReducer, initialState } from "../editorState";
import { Workbench } from "../Workbench";

const field: DataField = { name: "text", type: "text" };
const schema: Schema = {
  data: [field],
  labels: [
    { name: "entities", type: "span", source: "text", classes: [{ name: "PER", hotkey: "1" }, { name: "LOC", hotkey: "2" }], rules: { allow_overlap: true } },
    { name: "links", type: "relation", source: "text", classes: [{ name: "lives_in" }, { name: "born_in" }] },
    { name: "tone", type: "rating", source: "text", scale: { min: 1, max: 3, anchors: [{ value: 1, description: "hostile" }, { value: 3, description: "friendly" }] } },
  ],
};
const TEXT = "😀 Angela Merkel lives in Berlin.";

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
  delete (window as { __pwned?: unknown }).__pwned;
});

function press(key: string, init: KeyboardEventInit = {}) {
  act(() => {
    window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...init }));
  });
}

function doc(container: HTMLElement): HTMLElement {
  return container.querySelector('[role="region"][aria-label="Text"]') as HTMLElement;
}

/** Selects UTF-16 [a, b) of the page (one text piece holds it) and lets go of the mouse. */
function selectText(container: HTMLElement, a: number, b: number, init: MouseEventInit = {}) {
  const root = doc(container);
  const pieceAt = (i: number) =>
    Array.from(root.querySelectorAll<HTMLElement>("[data-at]")).find((p) => Number(p.dataset.at) <= i && i <= Number(p.dataset.end)) as HTMLElement;
  const start = pieceAt(a);
  const end = pieceAt(b);
  const range = document.createRange();
  range.setStart(start.firstChild as Text, a - Number(start.dataset.at));
  range.setEnd(end.firstChild as Text, b - Number(end.dataset.at));
  const selection = window.getSelection() as Selection;
  selection.removeAllRanges();
  selection.addRange(range);
  act(() => {
    end.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, button: 0, ...init }));
  });
}

function clickPiece(container: HTMLElement, at: number) {
  const piece = doc(container).querySelector(`[data-at="${at}"]`) as HTMLElement;
  window.getSelection()?.removeAllRanges();
  act(() => {
    piece.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, button: 0 }));
  });
}

/** Presses keys on the text region itself (the keyboard cursor's keys). */
function keysOn(root: HTMLElement) {
  return (k: string, init: KeyboardEventInit = {}) =>
    act(() => {
      root.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, ...init }));
    });
}

/** A click that leaves the caret at UTF-16 offset `at` of the document (Shift: extending). */
function clickAt(container: HTMLElement, at: number, init: MouseEventInit = {}) {
  const piece = Array.from(doc(container).querySelectorAll<HTMLElement>("[data-at]")).find((p) => Number(p.dataset.at) <= at && at < Number(p.dataset.end)) as HTMLElement;
  const selection = window.getSelection() as Selection;
  selection.removeAllRanges();
  selection.collapse(piece.firstChild as Text, at - Number(piece.dataset.at));
  act(() => {
    piece.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, button: 0, ...init }));
  });
}

async function workbench(text: string, regions: Region[] = [], html = false, extra: Partial<Parameters<typeof Workbench>[0]> = {}) {
  const onChange = vi.fn();
  rendered = await render(
    <Workbench schema={schema} image={{ status: "media", media: { kind: "text", field, text, html } }} regions={regions} onChange={onChange} {...extra} />,
  );
  return onChange;
}

const last = (onChange: ReturnType<typeof vi.fn>): Region[] => onChange.mock.calls.at(-1)?.[0] ?? [];

describe("TextStage", () => {
  it("turns a selection into a span snapped to whole words, in code points", async () => {
    const onChange = await workbench(TEXT);
    const container = rendered?.container as HTMLElement;
    // "gela Mer" (UTF-16 5..13): the emoji before it is two units, one code point.
    selectText(container, TEXT.indexOf("gela"), TEXT.indexOf("Mer") + 3);
    expect(last(onChange)).toEqual([{ id: "r1", label: "entities", type: "span", value: { class: "PER", start: 2, end: 15 } }]);
    expect(Array.from(TEXT).slice(2, 15).join("")).toBe("Angela Merkel");
  });

  it("keeps a selection exactly with Alt, and uses the class picked by its key", async () => {
    const onChange = await workbench(TEXT);
    const container = rendered?.container as HTMLElement;
    press("2");
    selectText(container, TEXT.indexOf("erlin"), TEXT.indexOf("erlin") + 3, { altKey: true });
    expect(last(onChange)[0]?.value).toEqual({ class: "LOC", start: 26, end: 29 }); // "erl" as selected
  });

  it("draws nested spans in two lanes and selects the inner one, then the outer, by clicking", async () => {
    const outer: Region = { id: "r1", label: "entities", type: "span", value: { class: "PER", start: 2, end: 15 } };
    const inner: Region = { id: "r2", label: "entities", type: "span", value: { class: "LOC", start: 9, end: 15 } };
    const onSelect = vi.fn();
    await workbench(TEXT, [outer, inner], false, { onSelect });
    const container = rendered?.container as HTMLElement;
    const both = doc(container).querySelector('[data-spans="r1 r2"], [data-spans="r2 r1"]') as HTMLElement;
    expect(both.textContent).toBe("Merkel");
    expect(both.style.getPropertyValue("background-position").split(",")).toHaveLength(2);
    clickPiece(container, Number(both.dataset.at));
    expect(onSelect).toHaveBeenLastCalledWith("r2");
    clickPiece(container, Number(both.dataset.at));
    expect(onSelect).toHaveBeenLastCalledWith("r1");
  });

  it("relates two spans: select one, the relate key, click the other; the class from the menu", async () => {
    const per: Region = { id: "r1", label: "entities", type: "span", value: { class: "PER", start: 2, end: 15 } };
    const loc: Region = { id: "r2", label: "entities", type: "span", value: { class: "LOC", start: 25, end: 31 } };
    const onChange = await workbench(TEXT, [per, loc]);
    const container = rendered?.container as HTMLElement;
    clickPiece(container, TEXT.indexOf("Angela"));
    press("r");
    expect(container.querySelector(".text-stage__status")?.textContent).toContain("Relating from “Angela Merkel”");
    const menu = container.querySelector(".text-stage__relating select") as HTMLSelectElement;
    act(() => {
      menu.value = "links\u0000born_in";
      menu.dispatchEvent(new Event("change", { bubbles: true }));
    });
    clickPiece(container, TEXT.indexOf("Berlin"));
    expect(last(onChange).at(-1)).toEqual({ id: "r3", label: "links", type: "relation", value: { from: "r1", to: "r2", class: "born_in" } });
    expect(getByRole(container, "list", "Relations").textContent).toContain("“Angela Merkel” → to  “Berlin” born_in");
    // Deleting an end deletes the relation with it.
    await click(getByRole(container, "button", "Delete r2"));
    expect(last(onChange).map((r) => r.id)).toEqual(["r1"]);
  });

  it("labels with the keyboard cursor: focus, arrows by token, shift to extend, Enter", async () => {
    const onChange = await workbench(TEXT);
    const container = rendered?.container as HTMLElement;
    const root = doc(container);
    const key = keysOn(root);
    key("ArrowRight"); // the first token: the emoji
    key("ArrowRight"); // Angela
    key("ArrowRight", { shiftKey: true }); // Angela Merkel
    key("Enter");
    expect(last(onChange)[0]?.value).toEqual({ class: "PER", start: 2, end: 15 });
  });

  it("shows pre-labels dashed and takes one in on a click", async () => {
    const onAccept = vi.fn();
    const suggested: Region = { id: "p1", label: "entities", type: "span", value: { class: "LOC", start: 25, end: 31 }, score: 0.9 };
    await workbench(TEXT, [], false, { predictions: [suggested], onAcceptPrediction: onAccept });
    const container = rendered?.container as HTMLElement;
    const piece = doc(container).querySelector(".text-piece--prediction") as HTMLElement;
    expect(piece.textContent).toBe("Berlin");
    expect(piece.style.getPropertyValue("background-image")).toContain("repeating-linear-gradient");
    clickPiece(container, Number(piece.dataset.at));
    expect(onAccept).toHaveBeenCalledWith(suggested);
  });

  it("pages a long text with global offsets and follows the selected span to its page", async () => {
    const long = "word ".repeat(30000);
    const far: Region = { id: "r1", label: "entities", type: "span", value: { class: "PER", start: 140000, end: 140004 } };
    await workbench(long, [far]);
    const container = rendered?.container as HTMLElement;
    expect(container.textContent).toMatch(/Page 1 of \d+/);
    expect(doc(container).textContent?.length).toBeLessThan(7000);
    press("Tab");
    const piece = doc(container).querySelector('[data-spans="r1"]') as HTMLElement;
    expect(Number(piece.dataset.at)).toBe(140000);
    expect(container.textContent).not.toMatch(/Page 1 of/);
  });

  it("makes one span of a selection from the end of a page onto the next, in global offsets", async () => {
    const long = `😀 ${"word ".repeat(2000)}`;
    const onChange = await workbench(long);
    const container = rendered?.container as HTMLElement;
    const root = doc(container);
    const end = Number(root.dataset.pageEnd);
    expect(end).toBeLessThan(long.length);
    // The next page's first words are shown in a seam after the page, with their offsets.
    const seam = root.querySelector(".text-seam--after") as HTMLElement;
    expect(seam.dataset.label).toBe("Page 2");
    expect(seam.textContent?.startsWith("word word")).toBe(true);
    expect(Number(seam.querySelector("[data-at]")?.getAttribute("data-at"))).toBe(end);
    // "rd" of the page's last word to "wo" of the next page's second: snapped to three words.
    selectText(container, end - 3, end + 7);
    const [made] = last(onChange);
    expect(made?.value).toEqual({ class: "PER", start: end - 6, end: end + 8 }); // code points: the emoji is one
    expect(Array.from(long).slice(end - 6, end + 8).join("")).toBe("word word word");
    // Drawn on both pages: on the next one, in the seam before it.
    const next = getByRole(container, "button", "Next page");
    await click(next);
    const drawn = Array.from(doc(container).querySelectorAll<HTMLElement>('[data-spans="r1"]'));
    expect(drawn.map((p) => p.textContent).join("")).toBe("word word word");
    expect(drawn[0]?.closest(".text-seam--before")).not.toBeNull();
  });

  it("marks a span of any length over page breaks with a click and a Shift+click pages on", async () => {
    const long = `😀 ${"word ".repeat(3000)}`;
    const onChange = await workbench(long);
    const container = rendered?.container as HTMLElement;
    const start = long.indexOf("word", 1000) + 2; // inside a word on page 1
    clickAt(container, start);
    const next = getByRole(container, "button", "Next page");
    await click(next);
    await click(next);
    const root = doc(container);
    expect(container.querySelector(".text-stage__status")?.textContent).toContain("Shift+click marks a span from “rd word");
    expect(container.querySelector(".text-stage__status")?.textContent).toContain("on page 1");
    const pageStart = Number(root.dataset.pageStart);
    const end = pageStart + 501; // inside a word on page 3, past its seams
    expect(long.slice(end - 1, end + 1)).toMatch(/^\w\w$/);
    clickAt(container, end, { shiftKey: true });
    const [made] = last(onChange);
    // Snapped out to whole words, in code points (the emoji before them is one).
    const [a, b] = [long.lastIndexOf(" ", start) + 1, long.indexOf(" ", end)];
    expect(made?.value).toEqual({ class: "PER", start: a - 1, end: b - 1 });
    expect(b - a).toBeGreaterThan(4000);
    expect(container.querySelector(".text-stage__status")).toBeNull();
  });

  it("runs the keyboard cursor on into the next page, and keeps its anchor while pages turn", async () => {
    const long = "word ".repeat(3000);
    const onChange = await workbench(long);
    const container = rendered?.container as HTMLElement;
    const root = doc(container);
    const key = keysOn(root);
    key("End"); // the last word shown: the end of the seam from page 2
    const shownEnd = Number(Array.from(root.querySelectorAll<HTMLElement>("[data-at]")).at(-1)?.dataset.end);
    key("ArrowRight", { shiftKey: true }); // past it: page 2 turns up
    expect(container.textContent).toMatch(/Page 2 of/);
    key("Enter");
    expect(last(onChange)[0]?.value).toEqual({ class: "PER", start: shownEnd - 5, end: shownEnd + 4 });
    // From the first word, over two page turns, Shift+→ takes the cursor up on page 3.
    key("Home");
    const first = Number(root.querySelector<HTMLElement>("[data-at]")?.dataset.at);
    press("PageDown", { altKey: true });
    expect(container.textContent).toMatch(/Page 3 of/);
    key("ArrowRight", { shiftKey: true });
    key("ArrowRight", { shiftKey: true });
    const taken = Number(root.querySelector<HTMLElement>("[data-at]")?.dataset.at);
    key("Enter");
    expect(last(onChange)[1]?.value).toEqual({ class: "PER", start: first, end: taken + 9 });
    expect(taken - first).toBeGreaterThan(2000);
  });

  it("shows the rating's rubric beside its values on a text task", async () => {
    await workbench(TEXT);
    const container = rendered?.container as HTMLElement;
    const tone = container.querySelector("fieldset.item-label") as HTMLElement;
    expect(tone.textContent).toContain("hostile");
    expect(tone.textContent).toContain("friendly");
  });

  it("renders hostile HTML inert: no script, handler, frame, style or javascript: link reaches the page", async () => {
    const hostile =
      '<p>Hi <b onmouseover="window.__pwned=15">there</b></p><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' +
      '<svg onload="window.__pwned=3"></svg><iframe src="javascript:window.parent.__pwned=4"></iframe>' +
      '<a href="javascript:window.__pwned=6">link</a><style>p{color:red}</style><details open ontoggle="window.__pwned=8">d</details>';
    await workbench(hostile, [], true);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    const root = doc(rendered?.container as HTMLElement);
    expect(root.querySelectorAll("script, img, svg, iframe, style, object, embed")).toHaveLength(0);
    for (const element of Array.from(root.querySelectorAll("*"))) {
      for (const attribute of Array.from(element.attributes)) expect(attribute.name).not.toMatch(/^on|^style$|^src$/);
    }
    const link = root.querySelector("a") as HTMLAnchorElement;
    expect(link.getAttribute("href")).toBeNull();
    expect(root.textContent).toBe("Hi therelinkd");
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });
});

describe("deleting a region", () => {
  it("deletes the relations that end on it", () => {
    const reduce = makeReducer(schema);
    const regions: Region[] = [
      { id: "r1", label: "entities", type: "span", value: { class: "PER", start: 0, end: 2 } },
      { id: "r2", label: "entities", type: "span", value: { class: "LOC", start: 3, end: 5 } },
      { id: "r3", label: "links", type: "relation", value: { from: "r1", to: "r2" } },
    ];
    const state = reduce(initialState(schema, regions), { type: "delete", id: "r1" });
    expect(state.history.present.map((r) => r.id)).toEqual(["r2"]);
  });
});

describe("offsetAt", () => {
  it("maps a point in a piece's text, on an element between pieces, and outside the text", async () => {
    const { offsetAt } = await import("./TextStage");
    const root = document.createElement("div");
    root.innerHTML = '<p><span data-at="0" data-end="5">Hello</span><br><span data-at="5" data-end="11"> world</span></p>';
    const outside = document.createElement("div");
    document.body.append(root, outside);
    const [first, second] = Array.from(root.querySelectorAll("span"));
    const page = { start: 0, end: 11 };
    expect(offsetAt(root, first?.firstChild as Node, 3, page)).toBe(3);
    expect(offsetAt(root, second?.firstChild as Node, 6, page)).toBe(11);
    const paragraph = root.firstChild as Node;
    expect(offsetAt(root, paragraph, 1, page)).toBe(5); // on the <br>: the next piece's start
    expect(offsetAt(root, paragraph, 0, page)).toBe(0);
    expect(offsetAt(root, outside, 0, page)).toBe(11);
    root.remove();
    outside.remove();
  });
});
