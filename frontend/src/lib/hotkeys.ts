/**
 * Keyboard shortcuts of the label editor: the schema's class hotkeys (docs/schema.md
 * "Classes") plus built-in keys for tools and commands, merged into one keymap in which no two
 * bindings share a keystroke. Pure: events are passed in as plain objects.
 */
import type { LabelType, Schema } from "./schema";

/** `key` is lower-case: one printable character, " " for space, or a named key ("enter"). */
export interface Hotkey {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

export interface KeyEventLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export type Tool = "select" | "pan" | "bbox" | "polygon" | "polyline" | "keypoints" | "brush" | "eraser";
export type Command =
  | "undo"
  | "redo"
  | "delete"
  | "submit"
  | "skip"
  | "flag"
  | "help"
  | "copy_previous"
  | "next_region"
  | "previous_region"
  | "zoom_in"
  | "zoom_out"
  | "zoom_fit"
  | "accept_prediction"
  | "reject_prediction"
  | "cancel"
  | "finish_shape"
  | "toggle_guidelines";

export type Action =
  | { kind: "class"; label: string; class: string }
  | { kind: "tool"; tool: Tool }
  | { kind: "command"; command: Command };

export interface Binding {
  hotkey: Hotkey;
  action: Action;
  description: string;
}

type Modifier = "ctrl" | "alt" | "shift" | "meta";
const MODIFIERS: readonly Modifier[] = ["ctrl", "alt", "shift", "meta"];

/** Named keys and their spellings in hotkey text; values are the normalized `e.key`. */
const NAMED_KEYS: Readonly<Record<string, string>> = {
  delete: "delete", del: "delete", backspace: "backspace", enter: "enter", return: "enter",
  escape: "escape", esc: "escape", tab: "tab", space: " ", arrowleft: "arrowleft",
  left: "arrowleft", arrowright: "arrowright", right: "arrowright", arrowup: "arrowup",
  up: "arrowup", arrowdown: "arrowdown", down: "arrowdown", home: "home", end: "end",
  pageup: "pageup", pagedown: "pagedown", insert: "insert",
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i + 1}`, `f${i + 1}`])),
};

const NAMED_KEY_VALUES = new Set(Object.values(NAMED_KEYS));

/** Old browsers' `e.key` spellings. */
const EVENT_KEY_ALIASES: Readonly<Record<string, string>> = {
  esc: "escape", del: "delete", left: "arrowleft", right: "arrowright", up: "arrowup",
  down: "arrowdown", spacebar: " ",
};

/** US-layout shifted symbols and the key they are typed on: "?" is shift+/. */
const US_SHIFTED: Readonly<Record<string, string>> = {
  "!": "1", "@": "2", "#": "3", $: "4", "%": "5", "^": "6", "&": "7", "*": "8", "(": "9",
  ")": "0", _: "-", "+": "=", "{": "[", "}": "]", "|": "\\", ":": ";", '"': "'", "<": ",",
  ">": ".", "?": "/", "~": "`",
};

/** `KeyboardEvent.code` of layout-independent keys, read when `e.key` cannot be. */
const CODE_KEYS: Readonly<Record<string, string>> = {
  Minus: "-", Equal: "=", BracketLeft: "[", BracketRight: "]", Backslash: "\\", Semicolon: ";",
  Quote: "'", Comma: ",", Period: ".", Slash: "/", Backquote: "`", Space: " ",
  NumpadAdd: "+", NumpadSubtract: "-", NumpadMultiply: "*", NumpadDivide: "/",
  NumpadDecimal: ".", NumpadEnter: "enter",
};

const PRINTABLE = /^[!-~]$/;

function isPrintable(key: string): boolean {
  return PRINTABLE.test(key);
}

function isLetter(key: string): boolean {
  return /^[a-z]$/.test(key);
}

function isDigit(key: string): boolean {
  return /^[0-9]$/.test(key);
}

/** Parse "ctrl+shift+z", "?", "ctrl++" or "shift+tab"; modifiers in any order and case. */
export function parseHotkey(text: string): Hotkey {
  const fail = (why: string): never => {
    throw new Error(`Invalid hotkey ${JSON.stringify(text)}: ${why}`);
  };
  // A trailing "+" is the key itself ("+", "ctrl++"), not a separator.
  const keyStart = text.endsWith("+") ? text.length - 1 : text.lastIndexOf("+") + 1;
  const keyText = text.slice(keyStart);
  const prefix = text.slice(0, keyStart);
  const hotkey: Hotkey = { key: "", ctrl: false, alt: false, shift: false, meta: false };
  if (prefix) {
    if (!prefix.endsWith("+")) fail("expected modifier+key");
    for (const part of prefix.slice(0, -1).split("+")) {
      const modifier = MODIFIERS.find((m) => m === part.toLowerCase());
      if (!modifier) fail(`unknown modifier ${JSON.stringify(part)} (use ctrl, alt, shift, meta)`);
      else hotkey[modifier] = true;
    }
  }
  if (keyText === " " || isPrintable(keyText)) hotkey.key = keyText.toLowerCase();
  else hotkey.key = NAMED_KEYS[keyText.toLowerCase()] ?? fail("expected one printable key or a named key");
  return hotkey;
}

/** Canonical text, equal for equal hotkeys; `parseHotkey` reads it back. */
export function hotkeyId(h: Hotkey): string {
  const modifiers = MODIFIERS.filter((m) => h[m]).map((m) => `${m}+`);
  return modifiers.join("") + (h.key === " " ? "space" : h.key.toLowerCase());
}

/**
 * Identity of the physical keystroke on a US layout: "?" and "shift+/" are one press, so
 * built-in keys must avoid both. (hotkeyId keeps them apart, as the schema does.)
 */
function strokeId(h: Hotkey): string {
  const base = US_SHIFTED[h.key];
  return hotkeyId(base === undefined ? h : { ...h, key: base, shift: true });
}

const PC_NAMES: Readonly<Record<string, string>> = {
  " ": "Space", delete: "Delete", backspace: "Backspace", enter: "Enter", escape: "Esc",
  tab: "Tab", arrowleft: "←", arrowright: "→", arrowup: "↑", arrowdown: "↓", home: "Home",
  end: "End", pageup: "PageUp", pagedown: "PageDown", insert: "Insert",
};
const MAC_NAMES: Readonly<Record<string, string>> = {
  ...PC_NAMES, delete: "⌦", backspace: "⌫", enter: "↩", tab: "⇥",
};

/** For help and tooltips: "Ctrl+Shift+Z"; on a Mac Apple's symbols in Apple's order, "⇧⌘Z". */
export function formatHotkey(h: Hotkey, mac = false): string {
  const names = mac ? MAC_NAMES : PC_NAMES;
  const key = names[h.key] ?? h.key.toUpperCase();
  if (mac) {
    const symbols = `${h.ctrl ? "⌃" : ""}${h.alt ? "⌥" : ""}${h.shift ? "⇧" : ""}${h.meta ? "⌘" : ""}`;
    return symbols + key;
  }
  const parts = [h.ctrl && "Ctrl", h.alt && "Alt", h.shift && "Shift", h.meta && "Meta"];
  return [...parts.filter((p): p is string => typeof p === "string"), key].join("+");
}

function eventKey(e: KeyEventLike): string | null {
  if (e.key.length === 1) return e.key.toLowerCase();
  const lower = e.key.toLowerCase();
  const named = EVENT_KEY_ALIASES[lower] ?? lower;
  return NAMED_KEY_VALUES.has(named) ? named : null;
}

function codeKey(code: string | undefined): string | null {
  if (!code) return null;
  const keyOrDigit = /^(?:Key([A-Z])|Digit([0-9])|Numpad([0-9]))$/.exec(code);
  if (keyOrDigit) return (keyOrDigit[1] ?? keyOrDigit[2] ?? keyOrDigit[3] ?? "").toLowerCase();
  return CODE_KEYS[code] ?? null;
}

/**
 * How well `e` fits `h`: 3 by `e.key` with the same modifiers; 2 by physical key (`e.code`)
 * or by the character shift types on a US layout ("?" for shift+/); 1 by `e.key` with shift
 * held to type the symbol ("?" needs shift on US, "1" on AZERTY); 0 not at all. `lookup`
 * takes the best, so "shift+1" beats "1".
 */
function matchScore(h: Hotkey, e: KeyEventLike): number {
  if (h.ctrl !== e.ctrlKey || h.alt !== e.altKey || h.meta !== e.metaKey) return 0;
  const sameShift = h.shift === e.shiftKey;
  const typed = eventKey(e);
  const byKey = typed === h.key;
  if (byKey && sameShift) return 3;
  // "shift+/" is written for the key, but the event carries what shift typed on it: "?".
  if (sameShift && h.shift && typed !== null && US_SHIFTED[typed] === h.key) return 2;
  // Digits by position always (shift+1 types "!"); other keys only when e.key is not ASCII
  // (alt on a Mac types "å", a Cyrillic layout "ф").
  const codeUsable = isDigit(h.key) || !(e.key === " " || isPrintable(e.key));
  if (sameShift && codeUsable && codeKey(e.code) === h.key) return 2;
  const symbol = !isLetter(h.key) && isPrintable(h.key);
  if (byKey && symbol && !h.shift && e.shiftKey) return 1;
  return 0;
}

/** Letters case-insensitively; shift+digit by `e.code`, since `e.key` is then "!". */
export function matches(h: Hotkey, e: KeyEventLike): boolean {
  return matchScore(h, e) > 0;
}

/** The action of the best-matching binding (the first among equals), or null. */
export function lookup(keymap: readonly Binding[], e: KeyEventLike): Action | null {
  let best: Binding | null = null;
  let bestScore = 0;
  for (const binding of keymap) {
    const score = matchScore(binding.hotkey, e);
    if (score > bestScore) {
      best = binding;
      bestScore = score;
    }
  }
  return best?.action ?? null;
}

const NON_TEXT_INPUTS = new Set([
  "button", "checkbox", "radio", "submit", "reset", "range", "color", "file", "image",
]);

/** Where keys type text, hotkeys are off (the editor still lets Escape through). */
export function isTypingTarget(
  target: { tagName?: string; isContentEditable?: boolean; type?: string } | null,
): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && !NON_TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
}

interface BuiltIn {
  action: Action;
  /** Defaults; those a class took are dropped, and if none is left the first moves. */
  keys: readonly string[];
  description: string;
}

const TOOLS: readonly { tool: Tool; key: string; name: string }[] = [
  { tool: "select", key: "v", name: "select" },
  { tool: "pan", key: "h", name: "pan" },
  { tool: "bbox", key: "b", name: "box" },
  { tool: "polygon", key: "p", name: "polygon" },
  { tool: "polyline", key: "l", name: "polyline" },
  { tool: "keypoints", key: "k", name: "keypoints" },
  { tool: "brush", key: "m", name: "brush" },
  { tool: "eraser", key: "e", name: "eraser" },
];

const COMMANDS: readonly { command: Command; keys: readonly string[]; description: string }[] = [
  { command: "undo", keys: ["ctrl+z"], description: "Undo" },
  { command: "redo", keys: ["ctrl+shift+z", "ctrl+y"], description: "Redo" },
  { command: "delete", keys: ["delete", "backspace"], description: "Delete selected region" },
  { command: "submit", keys: ["ctrl+enter"], description: "Submit" },
  { command: "skip", keys: ["ctrl+shift+s"], description: "Skip task" },
  { command: "flag", keys: ["f"], description: "Flag task" },
  { command: "help", keys: ["?"], description: "Show shortcuts" },
  { command: "copy_previous", keys: ["ctrl+shift+v"], description: "Copy regions of the previous task" },
  { command: "next_region", keys: ["tab"], description: "Next region" },
  { command: "previous_region", keys: ["shift+tab"], description: "Previous region" },
  { command: "zoom_in", keys: ["+", "="], description: "Zoom in" },
  { command: "zoom_out", keys: ["-"], description: "Zoom out" },
  { command: "zoom_fit", keys: ["0"], description: "Zoom to fit" },
  { command: "accept_prediction", keys: ["a"], description: "Accept prediction" },
  { command: "reject_prediction", keys: ["x"], description: "Reject prediction" },
  { command: "cancel", keys: ["escape"], description: "Cancel" },
  { command: "finish_shape", keys: ["enter"], description: "Finish shape" },
  { command: "toggle_guidelines", keys: ["g"], description: "Show or hide guidelines" },
];

const TOOLS_OF: Partial<Record<LabelType, readonly Tool[]>> = {
  bbox: ["bbox"],
  polygon: ["polygon"],
  polyline: ["polyline"],
  keypoints: ["keypoints"],
  mask: ["brush", "eraser"],
  video_track: ["bbox"],
};

/** The drawing tools the schema's labels need, plus select and pan, in toolbar order. */
export function toolsFor(schema: Schema): Tool[] {
  const needed = new Set<Tool>(["select", "pan"]);
  for (const label of schema.labels) for (const tool of TOOLS_OF[label.type] ?? []) needed.add(tool);
  return TOOLS.map((t) => t.tool).filter((tool) => needed.has(tool));
}

function builtIns(schema: Schema): BuiltIn[] {
  const tools = new Set(toolsFor(schema));
  return [
    ...TOOLS.filter((t) => tools.has(t.tool)).map((t) => ({
      action: { kind: "tool" as const, tool: t.tool },
      keys: [t.key],
      description: `Tool: ${t.name}`,
    })),
    ...COMMANDS.map((c) => ({
      action: { kind: "command" as const, command: c.command },
      keys: c.keys,
      description: c.description,
    })),
  ];
}

/** Keys no schema hotkey can take (they are not printable), tried when all variants are taken. */
const SPARE_KEYS = ["f2", "f4", "f8", "f9", "f10", "insert", "home", "end"];

/** Where a displaced built-in goes: with shift, with alt, with both; then spare keys. */
function fallbacks(h: Hotkey): Hotkey[] {
  const variants = [{ shift: true }, { alt: true }, { alt: true, shift: true }];
  const spares = SPARE_KEYS.flatMap((key) =>
    [{}, ...variants].map((mods) => ({ key, ctrl: false, alt: false, shift: false, meta: false, ...mods })),
  );
  return [...variants.map((mods) => ({ ...h, ...mods })), ...spares];
}

export interface KeymapOptions {
  /** Built-in ctrl shortcuts use ⌘ instead (⌘Z undo). Schema hotkeys stay as written. */
  mac?: boolean;
}

/**
 * Schema class hotkeys first, as written; then every needed tool and every command with its
 * built-in keys that are free; then classes without a hotkey take the digits left free. One whose keys classes took all gets a fallback for its first
 * (shift+key, alt+key, alt+shift+key, then spare keys), so each keeps a working key and no
 * two bindings share a keystroke. Unparsable or repeated class hotkeys (the server rejects
 * both) get no binding.
 */
export function buildKeymap(schema: Schema, options: KeymapOptions = {}): Binding[] {
  const taken = new Set<string>();
  const classIds = new Set<string>();
  const classBindings: Binding[] = [];
  for (const label of schema.labels) {
    for (const cls of label.classes ?? []) {
      const hotkey = cls.hotkey === undefined ? null : tryParse(cls.hotkey);
      if (!hotkey || classIds.has(hotkeyId(hotkey))) continue;
      classIds.add(hotkeyId(hotkey));
      taken.add(strokeId(hotkey));
      classBindings.push({
        hotkey,
        action: { kind: "class", label: label.name, class: cls.name },
        description: `Class ${cls.name} (${label.name})`,
      });
    }
  }

  const mac = options.mac ?? false;
  const defs = builtIns(schema).map((def) => ({
    ...def,
    hotkeys: def.keys.map((text) => platformKey(parseHotkey(text), mac)),
  }));
  const take = (hotkey: Hotkey): Hotkey | null => {
    if (taken.has(strokeId(hotkey))) return null;
    taken.add(strokeId(hotkey));
    return hotkey;
  };
  const placed = defs.map((def) => def.hotkeys.map(take));
  // Displaced primaries move only after every free default is placed, so that a moved key
  // never takes another built-in's default.
  defs.forEach((def, i) => {
    const keys = placed[i];
    const primary = def.hotkeys[0];
    if (!keys || !primary || keys.some((h) => h !== null)) return;
    // Never undefined: schema hotkeys cannot take the spare keys, and they outnumber the built-ins.
    keys[0] = fallbacks(primary).find((h) => !taken.has(strokeId(h))) ?? null;
    if (keys[0]) taken.add(strokeId(keys[0]));
  });

  const builtInBindings = defs.flatMap((def, i) =>
    (placed[i] ?? [])
      .filter((h): h is Hotkey => h !== null)
      .map((hotkey) => ({ hotkey, action: def.action, description: def.description })),
  );
  return [...classBindings, ...builtInBindings, ...assignedClassKeys(schema, taken)];
}

const CLASS_KEYED = new Set(["bbox", "polygon", "polyline", "keypoints", "mask", "span", "audio_segment", "video_track", "video_segment", "classification", "multilabel"]);

/** Keys offered to classes the schema gave none, in order: digits, then with shift, then alt. */
const ASSIGNABLE = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
const ASSIGNABLE_MODS = [{}, { shift: true }, { alt: true }, { alt: true, shift: true }];

/**
 * Classes without a schema hotkey get the next key left free (as Label Studio numbers its
 * labels), after every schema hotkey and built-in is placed, so they never displace one.
 * Only labels a class key acts on get them (shapes, spans, segments, tracks and whole-item
 * choices; not relations).
 */
function assignedClassKeys(schema: Schema, taken: Set<string>): Binding[] {
  const free = ASSIGNABLE_MODS.flatMap((mods) =>
    ASSIGNABLE.map((key): Hotkey => ({ key, ctrl: false, alt: false, shift: false, meta: false, ...mods })),
  ).filter((h) => !taken.has(strokeId(h)));
  const out: Binding[] = [];
  for (const label of schema.labels) {
    if (!CLASS_KEYED.has(label.type)) continue;
    for (const cls of label.classes ?? []) {
      if (cls.hotkey !== undefined) continue;
      const hotkey = free.shift();
      if (!hotkey) return out;
      taken.add(strokeId(hotkey));
      out.push({ hotkey, action: { kind: "class", label: label.name, class: cls.name }, description: `Class ${cls.name} (${label.name})` });
    }
  }
  return out;
}

function tryParse(text: string): Hotkey | null {
  try {
    return parseHotkey(text);
  } catch {
    return null;
  }
}

function platformKey(h: Hotkey, mac: boolean): Hotkey {
  return mac && h.ctrl ? { ...h, ctrl: false, meta: true } : h;
}
