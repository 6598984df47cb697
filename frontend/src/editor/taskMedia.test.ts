import { describe, expect, it } from "vitest";
import type { Task } from "../api/types";
import type { Schema } from "../lib/schema";
import { loadTaskMedia, stageFieldOf, stageKindOf } from "./taskMedia";

const label = (type: Schema["labels"][number]["type"], source: string) => ({ name: `${type}-${source}`, type, source, classes: [{ name: "a" }] });

describe("stageFieldOf", () => {
  it("takes the field the placed labels annotate", () => {
    const schema: Schema = {
      data: [{ name: "photo", type: "image" }, { name: "body", type: "text" }],
      labels: [label("classification", "photo"), label("span", "body")],
    };
    expect(stageFieldOf(schema)?.name).toBe("body");
    expect(stageKindOf(schema)).toBe("text");
  });

  it("prefers an image when only item labels are in the schema", () => {
    const schema: Schema = { data: [{ name: "body", type: "text" }, { name: "photo", type: "image" }], labels: [label("classification", "body")] };
    expect(stageKindOf(schema)).toBe("image");
  });

  it("shows HTML on the text stage, and audio and video on theirs", () => {
    expect(stageKindOf({ data: [{ name: "page", type: "html" }], labels: [label("span", "page")] })).toBe("text");
    expect(stageKindOf({ data: [{ name: "clip", type: "audio" }], labels: [label("audio_segment", "clip")] })).toBe("audio");
    expect(stageKindOf({ data: [{ name: "clip", type: "video" }], labels: [label("video_track", "clip")] })).toBe("video");
    expect(stageKindOf({ data: [{ name: "meta", type: "metadata" }], labels: [] })).toBeNull();
  });
});

describe("loadTaskMedia", () => {
  const task = (data: Record<string, unknown>) => ({ id: 7, data }) as unknown as Task;

  it("hands a text over as it is, and HTML marked as HTML", async () => {
    const schema: Schema = { data: [{ name: "page", type: "html", source: "html_key" }], labels: [label("span", "page")] };
    const state = await loadTaskMedia(schema, 3, task({ html_key: "<p>Hi</p>" })).ready;
    expect(state).toMatchObject({ status: "media", media: { kind: "text", text: "<p>Hi</p>", html: true } });
  });

  it("streams a recording from the media route by its data key", async () => {
    const schema: Schema = { data: [{ name: "clip", type: "audio", source: "wav" }], labels: [label("audio_segment", "clip")] };
    const state = await loadTaskMedia(schema, 3, task({ wav: "a/b.wav" })).ready;
    expect(state).toMatchObject({ status: "media", media: { kind: "audio", url: "/api/projects/3/tasks/7/media/wav" } });
  });

  it("says which field is missing", async () => {
    const schema: Schema = { data: [{ name: "clip", type: "video" }], labels: [label("video_track", "clip")] };
    const state = await loadTaskMedia(schema, 3, task({})).ready;
    expect(state).toEqual({ status: "failed", message: 'This task has no video in its "clip" field.' });
  });
});
