import { describe, expect, it } from "vitest";
import type { Region } from "../../lib/regions";
import type { Schema } from "../../lib/schema";
import { lanes, lastMs, moveRange, partAt, rangeFromDrag, resizeRange, roundMs, segmentInFocus, segmentsOf, transcriptionLabels, transcriptionOf } from "./segments";

const schema: Schema = {
  data: [{ name: "audio", type: "audio" }],
  labels: [
    { name: "speaker", type: "audio_segment", source: "audio", classes: [{ name: "alice" }, { name: "bob" }] },
    { name: "words", type: "transcription", source: "audio" },
    { name: "notes", type: "transcription", source: "other" },
  ],
};

const seg = (id: string, start: number, end: number): Region => ({ id, label: "speaker", type: "audio_segment", value: { class: "alice", start, end } });

describe("segment edits", () => {
  it("round to the millisecond without float noise", () => {
    expect(roundMs(0.1 + 0.2)).toBe(0.3);
    expect(roundMs(1.23449)).toBe(1.234);
    expect(Object.is(roundMs(-0.0001), 0)).toBe(true);
    expect(lastMs(2.0004)).toBe(2);
    expect(lastMs(3)).toBe(3);
  });

  it("make a range from a drag either way, inside the recording", () => {
    expect(rangeFromDrag(2.5004, 1.2, 10)).toEqual({ start: 1.2, end: 2.5 });
    expect(rangeFromDrag(-1, 12, 10.0006)).toEqual({ start: 0, end: 10 });
    expect(rangeFromDrag(1.2, 1.2003, 10)).toBeNull();
    expect(rangeFromDrag(1.2, 1.2006, 10)).toEqual({ start: 1.2, end: 1.201 });
  });

  it("move a range keeping its length, stopping at the ends", () => {
    expect(moveRange({ start: 1, end: 2.5 }, 0.25, 10)).toEqual({ start: 1.25, end: 2.75 });
    expect(moveRange({ start: 1, end: 2.5 }, -5, 10)).toEqual({ start: 0, end: 1.5 });
    expect(moveRange({ start: 1, end: 2.5 }, 50, 10)).toEqual({ start: 8.5, end: 10 });
  });

  it("resize an edge without crossing the other", () => {
    expect(resizeRange({ start: 1, end: 2 }, "start", 0.5, 10)).toEqual({ start: 0.5, end: 2 });
    expect(resizeRange({ start: 1, end: 2 }, "start", 3, 10)).toEqual({ start: 1.999, end: 2 });
    expect(resizeRange({ start: 1, end: 2 }, "end", 0, 10)).toEqual({ start: 1, end: 1.001 });
    expect(resizeRange({ start: 1, end: 2 }, "end", 11, 10)).toEqual({ start: 1, end: 10 });
  });

  it("put overlapping segments on separate lanes, with as few lanes as possible", () => {
    const list = [seg("a", 0, 2), seg("b", 1, 3), seg("c", 2, 4), seg("d", 1.5, 5), seg("e", 5, 6)] as { id: string; value: { start: number; end: number } }[];
    const { lane, count } = lanes(list);
    expect(count).toBe(3);
    expect(lane.get("a")).toBe(0);
    expect(lane.get("b")).toBe(1);
    expect(lane.get("d")).toBe(2);
    expect(lane.get("c")).toBe(0); // a ended at 2
    expect(lane.get("e")).toBe(0);
    for (const x of list) for (const y of list) {
      if (x !== y && lane.get(x.id) === lane.get(y.id)) expect(x.value.end <= y.value.start || y.value.end <= x.value.start).toBe(true);
    }
  });

  it("tell an edge from the body", () => {
    expect(partAt(102, 100, 200)).toBe("start");
    expect(partAt(150, 100, 200)).toBe("body");
    expect(partAt(197, 100, 200)).toBe("end");
    // Narrow: thirds.
    expect(partAt(100.5, 100, 103)).toBe("start");
    expect(partAt(101.5, 100, 103)).toBe("body");
  });

  it("find segments, transcription labels and the segment a selection is about", () => {
    const t: Region = { id: "r3", label: "words", type: "transcription", value: { text: "hi", region: "r1" } };
    const whole: Region = { id: "r4", label: "words", type: "transcription", value: { text: "all" } };
    const regions = [seg("r1", 0, 1), seg("r2", 1, 2), t, whole];
    expect(segmentsOf(schema, regions, "audio").map((r) => r.id)).toEqual(["r1", "r2"]);
    expect(transcriptionLabels(schema, "audio").map((l) => l.name)).toEqual(["words"]);
    expect(transcriptionOf(regions, "words", "r1")).toBe(t);
    expect(transcriptionOf(regions, "words", "r2")).toBeUndefined();
    expect(segmentInFocus(regions, "r2")?.id).toBe("r2");
    expect(segmentInFocus(regions, "r3")?.id).toBe("r1");
    expect(segmentInFocus(regions, "r4")).toBeNull();
    expect(segmentInFocus(regions, null)).toBeNull();
  });
});
