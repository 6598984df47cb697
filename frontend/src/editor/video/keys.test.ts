import { describe, expect, it } from "vitest";
import type { Schema } from "../../lib/schema";
import { pickKeys } from "./keys";

const schema = (hotkeys: string[] = []): Schema => ({
  data: [{ name: "video", type: "video" }],
  labels: [
    { name: "objects", type: "video_track", source: "video", classes: hotkeys.map((hotkey, i) => ({ name: `c${i}`, hotkey })) },
    { name: "scene", type: "video_segment", source: "video", classes: [{ name: "day" }] },
  ],
});

describe("video stage keys", () => {
  it("gives every command its first key when nothing holds it", () => {
    const keys = Object.fromEntries(pickKeys(schema(), false).map((k) => [k.command, k.hotkey]));
    expect(keys).toMatchObject({ play: "space", next_frame: "arrowright", back_10: "shift+arrowleft", toggle_keyframe: "k", toggle_outside: "o", mark_frame: "m" });
  });

  it("leaves a class its hotkey and takes the next candidate", () => {
    const keys = Object.fromEntries(pickKeys(schema(["o", "k"]), false).map((k) => [k.command, k.hotkey]));
    expect(keys.toggle_outside).toBe("shift+o");
    expect(keys.toggle_keyframe).toBe("shift+k");
  });

  it("offers no editing keys on a read-only stage, and none for labels the schema lacks", () => {
    const onlyTracks: Schema = { ...schema(), labels: schema().labels.slice(0, 1) };
    const commands = pickKeys(onlyTracks, true).map((k) => k.command);
    expect(commands).toContain("next_keyframe");
    expect(commands).not.toContain("toggle_outside");
    expect(pickKeys(onlyTracks, false).map((k) => k.command)).not.toContain("mark_frame");
  });
});
