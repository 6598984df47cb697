/**
 * The audio stage's own keys, chosen so that none takes a key the editor already binds:
 * each action has a list of candidates and gets the first one neither a schema class nor a
 * built-in command or tool uses (buildKeymap). Space plays and pauses, as in every player,
 * unless the schema gave Space to a class.
 */
import { buildKeymap, hotkeyId, parseHotkey } from "../../lib/hotkeys";
import type { Schema } from "../../lib/schema";

export type AudioAction = "play_pause" | "play_segment" | "back" | "forward" | "back_far" | "forward_far" | "slower" | "faster";

const CANDIDATES: readonly { action: AudioAction; keys: readonly string[]; description: string }[] = [
  { action: "play_pause", keys: ["space", "k", "f9"], description: "Play or pause" },
  { action: "play_segment", keys: ["shift+space", "shift+k", "f10"], description: "Play the selected segment" },
  { action: "back", keys: ["arrowleft", "j"], description: "Back 1 s" },
  { action: "forward", keys: ["arrowright", "l"], description: "Forward 1 s" },
  { action: "back_far", keys: ["shift+arrowleft", "shift+j"], description: "Back 5 s" },
  { action: "forward_far", keys: ["shift+arrowright", "shift+l"], description: "Forward 5 s" },
  { action: "slower", keys: ["[", "alt+["], description: "Slower playback" },
  { action: "faster", keys: ["]", "alt+]"], description: "Faster playback" },
];

export interface ChosenKey {
  action: AudioAction;
  hotkey: string;
  description: string;
}

/** One key per action, free in `schema`'s keymap; an action whose candidates are all taken
 * gets none (its button still works). */
export function audioKeys(schema: Schema): ChosenKey[] {
  const taken = new Set(buildKeymap(schema).map((b) => hotkeyId(b.hotkey)));
  const out: ChosenKey[] = [];
  for (const candidate of CANDIDATES) {
    const hotkey = candidate.keys.find((k) => !taken.has(hotkeyId(parseHotkey(k))));
    if (!hotkey) continue;
    taken.add(hotkeyId(parseHotkey(hotkey)));
    out.push({ action: candidate.action, hotkey, description: candidate.description });
  }
  return out;
}

/** Playback speeds offered, slowest first. */
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;

/** The next speed in `SPEEDS` after (or before, `step` -1) `rate`, stopping at the ends. */
export function stepSpeed(rate: number, step: 1 | -1): number {
  const at = SPEEDS.findIndex((s) => s >= rate - 1e-9);
  const index = at < 0 ? SPEEDS.length - 1 : SPEEDS[at] === rate ? at + step : step > 0 ? at : at - 1;
  return SPEEDS[Math.min(Math.max(index, 0), SPEEDS.length - 1)] as number;
}
