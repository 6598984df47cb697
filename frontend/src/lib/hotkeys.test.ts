import { describe, expect, it } from "vitest";
import {
  buildKeymap,
  formatHotkey,
  hotkeyId,
  isTypingTarget,
  lookup,
  matches,
  parseHotkey,
  toolsFor,
  type Action,
  type Binding,
  type KeyEventLike,
} from "./hotkeys";
import type { Label, LabelType, Schema } from "./schema";

function key(key: string, mods: Partial<KeyEventLike> = {}): KeyEventLike {
  return { key, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods };
}

function label(name: string, type: LabelType, hotkeys: (string | undefined)[] = []): Label {
  return {
    name,
    type,
    source: "image",
    classes: hotkeys.map((hotkey, i) => ({ name: `${name}${i}`, ...(hotkey === undefined ? {} : { hotkey }) })),
  };
}

function schema(...labels: Label[]): Schema {
  return { data: [{ name: "image", type: "image" }], labels };
}

function keysOf(keymap: readonly Binding[], action: Action): string[] {
  return keymap
    .filter((b) => JSON.stringify(b.action) === JSON.stringify(action))
    .map((b) => hotkeyId(b.hotkey));
}

/** The US-layout keystroke: "?" and "shift+/" are the same press. */
const US_BASE: Record<string, string> = { "?": "/", "+": "=", "!": "1", ")": "0", "_": "-" };
function stroke(id: string): string {
  const h = parseHotkey(id);
  const base = US_BASE[h.key];
  return hotkeyId(base === undefined ? h : { ...h, key: base, shift: true });
}

function expectNoCollisions(keymap: readonly Binding[]): void {
  const ids = keymap.map((b) => hotkeyId(b.hotkey));
  expect(new Set(ids).size).toBe(ids.length);
  const builtInStrokes = keymap.filter((b) => b.action.kind !== "class").map((b) => stroke(hotkeyId(b.hotkey)));
  const classStrokes = new Set(keymap.filter((b) => b.action.kind === "class").map((b) => stroke(hotkeyId(b.hotkey))));
  expect(new Set(builtInStrokes).size).toBe(builtInStrokes.length);
  for (const s of builtInStrokes) expect(classStrokes.has(s)).toBe(false);
}

describe("parseHotkey", () => {
  it("reads modifiers in any order and case", () => {
    expect(parseHotkey("Shift+Alt+X")).toEqual({ key: "x", ctrl: false, alt: true, shift: true, meta: false });
    expect(hotkeyId(parseHotkey("shift+alt+x"))).toBe(hotkeyId(parseHotkey("ALT+SHIFT+x")));
    expect(hotkeyId(parseHotkey("Q"))).toBe("q");
  });

  it("reads plus as a key, alone or after modifiers", () => {
    expect(parseHotkey("+").key).toBe("+");
    expect(parseHotkey("ctrl++")).toMatchObject({ key: "+", ctrl: true });
  });

  it("reads named keys and space", () => {
    expect(parseHotkey("ctrl+Enter")).toMatchObject({ key: "enter", ctrl: true });
    expect(parseHotkey("shift+tab")).toMatchObject({ key: "tab", shift: true });
    expect(parseHotkey("Esc").key).toBe("escape");
    expect(parseHotkey("space").key).toBe(" ");
    expect(parseHotkey(" ").key).toBe(" ");
  });

  it.each(["", "ctrl+", "++", "hyper+x", "ctrl+ab", "é", "shift", "ctrl+shift"])(
    "rejects %j with an error naming it",
    (text) => {
      expect(() => parseHotkey(text)).toThrow(JSON.stringify(text));
    },
  );

  it("round-trips through hotkeyId", () => {
    for (const text of ["1", "q", "ctrl+1", "alt+shift+x", "meta+ctrl+alt+shift+/", "ctrl++", "space", "shift+tab", "f2"]) {
      const h = parseHotkey(text);
      expect(parseHotkey(hotkeyId(h))).toEqual(h);
    }
    expect(hotkeyId(parseHotkey("meta+shift+ctrl+alt+k"))).toBe("ctrl+alt+shift+meta+k");
  });
});

describe("formatHotkey", () => {
  it("spells modifiers out on other systems", () => {
    expect(formatHotkey(parseHotkey("shift+ctrl+z"))).toBe("Ctrl+Shift+Z");
    expect(formatHotkey(parseHotkey("ctrl+enter"))).toBe("Ctrl+Enter");
    expect(formatHotkey(parseHotkey("?"))).toBe("?");
    expect(formatHotkey(parseHotkey("escape"))).toBe("Esc");
  });

  it("uses Apple's symbols and order on a Mac", () => {
    expect(formatHotkey(parseHotkey("meta+z"), true)).toBe("⌘Z");
    expect(formatHotkey(parseHotkey("meta+shift+z"), true)).toBe("⇧⌘Z");
    expect(formatHotkey(parseHotkey("ctrl+alt+backspace"), true)).toBe("⌃⌥⌫");
  });
});

describe("matches", () => {
  it("matches letters case-insensitively but not with another modifier", () => {
    const q = parseHotkey("q");
    expect(matches(q, key("q"))).toBe(true);
    expect(matches(q, key("Q"))).toBe(true); // caps lock
    expect(matches(q, key("Q", { shiftKey: true }))).toBe(false);
    expect(matches(q, key("q", { ctrlKey: true }))).toBe(false);
    expect(matches(parseHotkey("shift+q"), key("Q", { shiftKey: true }))).toBe(true);
  });

  it("matches shift+digit by code although e.key is the symbol", () => {
    const h = parseHotkey("shift+1");
    expect(matches(h, key("!", { shiftKey: true, code: "Digit1" }))).toBe(true);
    expect(matches(h, key("1", { code: "Digit1" }))).toBe(false);
    expect(matches(parseHotkey("1"), key("!", { shiftKey: true, code: "Digit1" }))).toBe(false);
    expect(matches(parseHotkey("1"), key("1", { code: "Numpad1" }))).toBe(true);
  });

  it("matches digits by position on layouts that type symbols there (AZERTY)", () => {
    expect(matches(parseHotkey("1"), key("&", { code: "Digit1" }))).toBe(true);
    expect(matches(parseHotkey("ctrl+2"), key("é", { code: "Digit2", ctrlKey: true }))).toBe(true);
  });

  it("matches letters by position when the layout or alt types something else", () => {
    expect(matches(parseHotkey("alt+a"), key("å", { altKey: true, code: "KeyA" }))).toBe(true);
    expect(matches(parseHotkey("b"), key("и", { code: "KeyB" }))).toBe(true);
    // An ASCII letter is trusted over its position: AZERTY's A key sits where QWERTY has Q.
    expect(matches(parseHotkey("q"), key("a", { code: "KeyQ" }))).toBe(false);
  });

  it("matches shifted symbols by the character typed", () => {
    expect(matches(parseHotkey("?"), key("?", { shiftKey: true, code: "Slash" }))).toBe(true);
    expect(matches(parseHotkey("shift+/"), key("?", { shiftKey: true, code: "Slash" }))).toBe(true);
    expect(matches(parseHotkey("shift+="), key("+", { shiftKey: true, code: "Equal" }))).toBe(true);
    expect(matches(parseHotkey("shift+/"), key("/", { code: "Slash" }))).toBe(false);
    expect(matches(parseHotkey("+"), key("+", { shiftKey: true, code: "Equal" }))).toBe(true);
    expect(matches(parseHotkey("+"), key("+", { code: "NumpadAdd" }))).toBe(true);
    expect(matches(parseHotkey("/"), key("?", { shiftKey: true, code: "Slash" }))).toBe(false);
  });

  it("matches named keys exactly, including shift", () => {
    expect(matches(parseHotkey("delete"), key("Delete"))).toBe(true);
    expect(matches(parseHotkey("escape"), key("Esc"))).toBe(true);
    expect(matches(parseHotkey("tab"), key("Tab", { shiftKey: true }))).toBe(false);
    expect(matches(parseHotkey("shift+tab"), key("Tab", { shiftKey: true }))).toBe(true);
    expect(matches(parseHotkey("ctrl+enter"), key("Enter", { ctrlKey: true, code: "NumpadEnter" }))).toBe(true);
    expect(matches(parseHotkey("space"), key(" ", { code: "Space" }))).toBe(true);
  });

  it("never matches bare modifiers or dead keys", () => {
    expect(matches(parseHotkey("shift+a"), key("Shift", { shiftKey: true }))).toBe(false);
    expect(matches(parseHotkey("a"), key("Dead", { code: "Quote" }))).toBe(false);
  });
});

describe("lookup", () => {
  it("prefers the closest match when a press fits two bindings", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["1", "shift+1"])));
    const shifted = key("!", { shiftKey: true, code: "Digit1" });
    expect(lookup(keymap, shifted)).toEqual({ kind: "class", label: "objects", class: "objects1" });
    // AZERTY: shift+Digit1 types "1"; shift+1 is exact, 1 only by the character.
    expect(lookup(keymap, key("1", { shiftKey: true, code: "Digit1" }))).toEqual({
      kind: "class", label: "objects", class: "objects1",
    });
    expect(lookup(keymap, key("1", { code: "Digit1" }))).toEqual({ kind: "class", label: "objects", class: "objects0" });
  });

  it("returns null when nothing is bound", () => {
    expect(lookup(buildKeymap(schema()), key("j"))).toBeNull();
    expect(lookup([], key("v"))).toBeNull();
  });

  it("finds built-ins", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox")));
    expect(lookup(keymap, key("z", { ctrlKey: true }))).toEqual({ kind: "command", command: "undo" });
    expect(lookup(keymap, key("Z", { ctrlKey: true, shiftKey: true }))).toEqual({ kind: "command", command: "redo" });
    expect(lookup(keymap, key("y", { ctrlKey: true }))).toEqual({ kind: "command", command: "redo" });
    expect(lookup(keymap, key("Backspace"))).toEqual({ kind: "command", command: "delete" });
    expect(lookup(keymap, key("?", { shiftKey: true, code: "Slash" }))).toEqual({ kind: "command", command: "help" });
    expect(lookup(keymap, key("b"))).toEqual({ kind: "tool", tool: "bbox" });
    expect(lookup(keymap, key("Tab", { shiftKey: true }))).toEqual({ kind: "command", command: "previous_region" });
  });
});

describe("toolsFor", () => {
  it("offers the tools the labels need, select and pan always", () => {
    expect(toolsFor(schema())).toEqual(["select", "pan"]);
    expect(toolsFor(schema(label("m", "mask"), label("b", "bbox"), label("c", "classification")))).toEqual([
      "select", "pan", "bbox", "brush", "eraser",
    ]);
  });
});

describe("buildKeymap", () => {
  it("binds class hotkeys, needed tools and every command", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["1", undefined]), label("kind", "classification", ["q"])));
    expect(keymap.filter((b) => b.action.kind === "class").map((b) => [hotkeyId(b.hotkey), b.description])).toEqual([
      ["1", "Class objects0 (objects)"],
      ["q", "Class kind0 (kind)"],
      ["2", "Class objects1 (objects)"], // no schema hotkey: the next free digit
    ]);
    expect(keysOf(keymap, { kind: "tool", tool: "bbox" })).toEqual(["b"]);
    expect(keysOf(keymap, { kind: "tool", tool: "polygon" })).toEqual([]);
    expect(keymap.find((b) => b.action.kind === "tool" && b.action.tool === "bbox")?.description).toBe("Tool: box");
    const commands = new Set(keymap.flatMap((b) => (b.action.kind === "command" ? [b.action.command] : [])));
    expect(commands.size).toBe(18);
    expect(keysOf(keymap, { kind: "command", command: "redo" })).toEqual(["ctrl+shift+z", "ctrl+y"]);
    expect(keysOf(keymap, { kind: "command", command: "delete" })).toEqual(["delete", "backspace"]);
    expectNoCollisions(keymap);
  });

  it("gives every class without a hotkey a free key, never displacing a schema or built-in one", () => {
    const names = Array.from({ length: 12 }, () => undefined);
    const keymap = buildKeymap(schema(label("objects", "bbox", ["2", ...names]), label("links", "relation", [undefined])));
    const assigned = keymap.filter((b) => b.action.kind === "class" && b.description !== "Class objects0 (objects)").map((b) => hotkeyId(b.hotkey));
    // 1, 3…9 (2 is the schema's, 0 is zoom to fit), then shift+digits; no key for a relation kind
    expect(assigned).toEqual(["1", "3", "4", "5", "6", "7", "8", "9", "shift+1", "shift+2", "shift+3", "shift+4"]);
    expect(keysOf(keymap, { kind: "command", command: "zoom_fit" })).toEqual(["0"]);
    expect(keymap.some((b) => b.action.kind === "class" && b.action.label === "links")).toBe(false);
    expectNoCollisions(keymap);
  });

  it("moves a built-in a class took to shift+key, then alt+key", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["b", "v", "shift+v", "a", "shift+a", "alt+a"])));
    expect(keysOf(keymap, { kind: "tool", tool: "bbox" })).toEqual(["shift+b"]);
    expect(keysOf(keymap, { kind: "tool", tool: "select" })).toEqual(["alt+v"]);
    expect(keysOf(keymap, { kind: "command", command: "accept_prediction" })).toEqual(["alt+shift+a"]);
    expectNoCollisions(keymap);
  });

  it("keeps a moved key off other built-ins' defaults", () => {
    // Undo's first fallback, ctrl+shift+z, is redo's.
    const keymap = buildKeymap(schema(label("objects", "bbox", ["ctrl+z"])));
    expect(keysOf(keymap, { kind: "command", command: "undo" })).toEqual(["ctrl+alt+z"]);
    expect(keysOf(keymap, { kind: "command", command: "redo" })).toEqual(["ctrl+shift+z", "ctrl+y"]);
  });

  it("drops a taken key of a command that keeps another, moves one that keeps none", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["ctrl+y", "=", "ctrl+shift+z"])));
    expect(keysOf(keymap, { kind: "command", command: "redo" })).toEqual(["ctrl+alt+shift+z"]);
    expect(keysOf(keymap, { kind: "command", command: "zoom_in" })).toEqual(["+"]);
    const redoKept = buildKeymap(schema(label("objects", "bbox", ["ctrl+shift+z"])));
    expect(keysOf(redoKept, { kind: "command", command: "redo" })).toEqual(["ctrl+y"]);
  });

  it("treats a shifted symbol and shift+its key as one keystroke", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["shift+/", "shift+="])));
    expect(keysOf(keymap, { kind: "command", command: "help" })).toEqual(["alt+?"]);
    expect(keysOf(keymap, { kind: "command", command: "zoom_in" })).toEqual(["="]);
    expect(lookup(keymap, key("?", { shiftKey: true, code: "Slash" }))).toEqual({ kind: "class", label: "objects", class: "objects0" });
    expectNoCollisions(keymap);
  });

  it("never has duplicates, however many built-in keys the schema takes", () => {
    const every = "abcdefghijklmnopqrstuvwxyz0123456789+-=/?".split("");
    const variants = ["", "shift+", "alt+", "alt+shift+", "ctrl+", "ctrl+shift+", "ctrl+alt+", "ctrl+alt+shift+"];
    const hotkeys = variants.flatMap((v) => every.map((k) => v + k));
    const types: LabelType[] = ["bbox", "polygon", "polyline", "keypoints", "mask"];
    // Several labels share the hotkeys out; the last one repeats some, which gets none.
    const labels = types.map((type, i) => label(`l${i}`, type, hotkeys.filter((_, j) => j % types.length === i)));
    labels.push(label("again", "classification", ["a", "ctrl+z"]));
    const keymap = buildKeymap(schema(...labels));
    expectNoCollisions(keymap);
    expect(keymap.filter((b) => b.action.kind === "class").length).toBe(new Set(hotkeys.map((h) => hotkeyId(parseHotkey(h)))).size);
    for (const tool of toolsFor(schema(...labels))) expect(keysOf(keymap, { kind: "tool", tool }).length).toBe(1);
    const commands = new Set(keymap.flatMap((b) => (b.action.kind === "command" ? [b.action.command] : [])));
    expect(commands.size).toBe(18);
    // Every binding is reachable: its own key press finds it.
    for (const binding of keymap.filter((b) => b.action.kind !== "class")) {
      const h = binding.hotkey;
      const press = key(h.key.length === 1 ? h.key : h.key === "escape" ? "Escape" : h.key[0]?.toUpperCase() + h.key.slice(1), {
        ctrlKey: h.ctrl, altKey: h.alt, shiftKey: h.shift || h.key === "?" || h.key === "+", metaKey: h.meta,
      });
      expect(lookup(keymap, press)).toEqual(binding.action);
    }
  });

  it("is deterministic", () => {
    const s = schema(label("objects", "bbox", ["b", "shift+b", "0"]), label("mask", "mask", ["m"]));
    expect(buildKeymap(s)).toEqual(buildKeymap(s));
  });

  it("uses ⌘ for built-in ctrl shortcuts on a Mac, not for schema hotkeys", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["ctrl+1"])), { mac: true });
    expect(keysOf(keymap, { kind: "command", command: "undo" })).toEqual(["meta+z"]);
    expect(keysOf(keymap, { kind: "command", command: "submit" })).toEqual(["meta+enter"]);
    expect(keysOf(keymap, { kind: "class", label: "objects", class: "objects0" })).toEqual(["ctrl+1"]);
  });

  it("skips unparsable class hotkeys instead of failing the editor", () => {
    const keymap = buildKeymap(schema(label("objects", "bbox", ["hyper+1", "2"])));
    expect(keymap.filter((b) => b.action.kind === "class").map((b) => hotkeyId(b.hotkey))).toEqual(["2"]);
  });
});

describe("isTypingTarget", () => {
  it("is true where keys type text", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTypingTarget({ tagName: "input" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "number" })).toBe(true);
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "SELECT" })).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });

  it("is false elsewhere", () => {
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "CANVAS", isContentEditable: false })).toBe(false);
  });
});
