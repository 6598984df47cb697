import { describe, expect, it } from "vitest";
import type { Region } from "../../lib/regions";
import { markFrame, segmentBetween, segmentsAt, withEdge } from "./segments";

const segment = (id: string, cls: string, start: number, end: number, label = "scene"): Region => ({ id, label, type: "video_segment", value: { class: cls, start, end } });

describe("video segments", () => {
  it("spans both ends of a range, end exclusive, in either order", () => {
    expect(segmentBetween("day", 40, 12)).toEqual({ class: "day", start: 12, end: 41 });
    expect(segmentBetween("day", 7, 7)).toEqual({ class: "day", start: 7, end: 8 });
  });

  it("marks a lone frame as a one-frame segment", () => {
    expect(markFrame([], "scene", "day", 5)).toEqual({ kind: "add", value: { class: "day", start: 5, end: 6 } });
  });

  it("grows a neighbouring segment of the same class, on either side", () => {
    const regions = [segment("r1", "day", 0, 5), segment("r2", "night", 5, 9), segment("r3", "day", 12, 20)];
    expect(markFrame(regions, "scene", "day", 5)).toEqual({ kind: "update", region: segment("r1", "day", 0, 6) });
    expect(markFrame(regions, "scene", "day", 11)).toEqual({ kind: "update", region: segment("r3", "day", 11, 20) });
    expect(markFrame(regions, "scene", "day", 3)).toEqual({ kind: "none" });
    expect(markFrame(regions, "other", "day", 5)).toEqual({ kind: "add", value: { class: "day", start: 5, end: 6 } });
  });

  it("finds the segments holding a frame", () => {
    const regions = [segment("r1", "day", 0, 5), segment("r2", "night", 5, 9)];
    expect(segmentsAt(regions, 5).map((r) => r.id)).toEqual(["r2"]);
    expect(segmentsAt(regions, 9)).toEqual([]);
  });

  it("moves an edge, never to an empty segment", () => {
    expect(withEdge({ class: "day", start: 2, end: 9 }, "end", 4)).toEqual({ class: "day", start: 2, end: 5 });
    expect(withEdge({ class: "day", start: 2, end: 9 }, "start", 8)).toEqual({ class: "day", start: 8, end: 9 });
    expect(withEdge({ class: "day", start: 2, end: 9 }, "start", 9)).toBeNull();
  });
});
