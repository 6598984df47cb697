/**
 * The video stage's own keys. Each command has a few candidate hotkeys; it gets the first one
 * that no class hotkey, assigned class key or built-in editor key already holds, so a schema
 * that gives a class the key "o" keeps it and "outside" moves to shift+o. (The Workbench
 * matches stage keys before its own, so a stage key taken blindly would silence a class.)
 */
import { buildKeymap, hotkeyId, parseHotkey } from "../../lib/hotkeys";
import type { Schema } from "../../lib/schema";

export type VideoCommand =
  | "play"
  | "next_frame"
  | "previous_frame"
  | "forward_10"
  | "back_10"
  | "first_frame"
  | "last_frame"
  | "next_keyframe"
  | "previous_keyframe"
  | "toggle_keyframe"
  | "toggle_outside"
  | "mark_frame"
  | "mark_range";

interface KeyDef {
  command: VideoCommand;
  candidates: readonly string[];
  description: string;
  /** Changes the work, so absent from a read-only stage. */
  edits?: boolean;
  /** Needs a label of this type on the video. */
  needs?: "video_track" | "video_segment";
}

export const KEY_DEFS: readonly KeyDef[] = [
  { command: "play", candidates: ["space", "shift+space"], description: "Play or pause" },
  { command: "next_frame", candidates: ["arrowright", "."], description: "Next frame" },
  { command: "previous_frame", candidates: ["arrowleft", ","], description: "Previous frame" },
  { command: "forward_10", candidates: ["shift+arrowright", "shift+."], description: "10 frames forward" },
  { command: "back_10", candidates: ["shift+arrowleft", "shift+,"], description: "10 frames back" },
  { command: "first_frame", candidates: ["home", "shift+home"], description: "First frame" },
  { command: "last_frame", candidates: ["end", "shift+end"], description: "Last frame" },
  { command: "next_keyframe", candidates: ["]", "alt+]"], description: "Next keyframe of the selected track", needs: "video_track" },
  { command: "previous_keyframe", candidates: ["[", "alt+["], description: "Previous keyframe of the selected track", needs: "video_track" },
  { command: "toggle_keyframe", candidates: ["k", "shift+k", "alt+k"], description: "Add or delete the selected track's keyframe on this frame", edits: true, needs: "video_track" },
  { command: "toggle_outside", candidates: ["o", "shift+o", "alt+o"], description: "Selected track leaves or re-enters the view on this frame", edits: true, needs: "video_track" },
  { command: "mark_frame", candidates: ["m", "shift+m", "alt+m"], description: "Mark this frame with the active segment class", edits: true, needs: "video_segment" },
  { command: "mark_range", candidates: ["n", "shift+n", "alt+n"], description: "Start a range of frames here; again: end it here", edits: true, needs: "video_segment" },
];

export interface PickedKey {
  command: VideoCommand;
  hotkey: string;
  description: string;
}

/** The stage's keys for `schema`: one per command that applies, on a key nothing else holds. */
export function pickKeys(schema: Schema, readOnly: boolean): PickedKey[] {
  const taken = new Set(buildKeymap(schema).map((b) => hotkeyId(b.hotkey)));
  const types = new Set(schema.labels.map((l) => l.type));
  const out: PickedKey[] = [];
  for (const def of KEY_DEFS) {
    if ((readOnly && def.edits) || (def.needs && !types.has(def.needs))) continue;
    const hotkey = def.candidates.find((c) => !taken.has(hotkeyId(parseHotkey(c))));
    if (!hotkey) continue;
    taken.add(hotkeyId(parseHotkey(hotkey)));
    out.push({ command: def.command, hotkey, description: def.description });
  }
  return out;
}
