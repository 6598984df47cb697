import { describe, expect, it } from "vitest";
import type { Schema } from "../../lib/schema";
import { audioKeys, stepSpeed } from "./keys";

const base = (hotkeys: string[]): Schema => ({
  data: [{ name: "audio", type: "audio" }],
  labels: [{ name: "speaker", type: "audio_segment", source: "audio", classes: hotkeys.map((h, i) => ({ name: `c${i}`, hotkey: h })) }],
});

describe("audio keys", () => {
  it("play and pause with Space when the schema leaves it free", () => {
    const keys = audioKeys(base(["1"]));
    expect(keys.find((k) => k.action === "play_pause")?.hotkey).toBe("space");
    expect(keys.find((k) => k.action === "play_segment")?.hotkey).toBe("shift+space");
    expect(keys.find((k) => k.action === "slower")?.hotkey).toBe("[");
  });

  it("move to the next candidate when a class took a key", () => {
    const keys = audioKeys(base(["space", "["]));
    expect(keys.find((k) => k.action === "play_pause")?.hotkey).toBe("k");
    expect(keys.find((k) => k.action === "slower")?.hotkey).toBe("alt+[");
  });

  it("never take a built-in's key", () => {
    // "k" is the keypoints tool when the schema has keypoints.
    const schema: Schema = {
      data: [{ name: "audio", type: "audio" }, { name: "image", type: "image" }],
      labels: [
        { name: "speaker", type: "audio_segment", source: "audio", classes: [{ name: "a", hotkey: "space" }] },
        { name: "points", type: "keypoints", source: "image", classes: [{ name: "p", keypoints: ["x"] }] },
      ],
    };
    expect(audioKeys(schema).find((k) => k.action === "play_pause")?.hotkey).toBe("f9");
  });

  it("step speeds between 0.5x and 2x", () => {
    expect(stepSpeed(1, 1)).toBe(1.25);
    expect(stepSpeed(1, -1)).toBe(0.75);
    expect(stepSpeed(2, 1)).toBe(2);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
    expect(stepSpeed(1.1, 1)).toBe(1.25);
    expect(stepSpeed(1.1, -1)).toBe(1);
  });
});
