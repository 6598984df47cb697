import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, endCoalescing, record, redo, undo, type History } from "./history";

/** Records each value as its own step. */
function steps(...values: string[]): History<string> {
  return values.slice(1).reduce((h, v) => record(h, v), createHistory(values[0] ?? ""));
}

describe("history", () => {
  it("starts with nothing to undo or redo", () => {
    const h = createHistory(["a"]);
    expect(h).toEqual({ past: [], present: ["a"], future: [], coalesce: null });
    expect(canUndo(h)).toBe(false);
    expect(canRedo(h)).toBe(false);
  });

  it("undoes and redoes steps in order", () => {
    let h = steps("a", "b", "c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    expect(h.present).toBe("b");
    h = redo(h);
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
  });

  it("leaves the history alone when there is nothing to undo or redo", () => {
    const h = createHistory("a");
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });

  it("drops the redo future on a new record", () => {
    const h = record(undo(steps("a", "b")), "x");
    expect(h.present).toBe("x");
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe("a");
  });

  it("ignores recording the present itself", () => {
    const regions = [{ id: "r1" }];
    const h = createHistory(regions);
    expect(record(h, regions)).toBe(h);
    expect(record(h, regions, "drag")).toBe(h);
    // A new array with equal content is a change: the editor only builds one on edits.
    expect(record(h, [{ id: "r1" }]).past).toHaveLength(1);
  });

  it("does not mutate its input", () => {
    const h = steps("a", "b");
    const snapshot = structuredClone(h);
    record(h, "c");
    undo(h);
    redo(undo(h));
    expect(h).toEqual(snapshot);
  });

  it("makes one drag one undo step", () => {
    let h = steps("start");
    for (const x of ["x1", "x2", "x3"]) h = record(h, x, "move:r1");
    expect(h.past).toEqual(["start"]);
    expect(h.present).toBe("x3");
    expect(undo(h).present).toBe("start");
  });

  it("starts a new step for another key or after coalescing ends", () => {
    let h = record(record(createHistory("a"), "b", "move:r1"), "c", "move:r2");
    expect(h.past).toEqual(["a", "b"]);
    h = endCoalescing(record(h, "d", "move:r2"));
    expect(h.coalesce).toBeNull();
    h = record(h, "e", "move:r2");
    expect(h.past).toEqual(["a", "b", "d"]);
  });

  it("never coalesces without a key", () => {
    const h = record(record(createHistory("a"), "b"), "c");
    expect(h.past).toEqual(["a", "b"]);
  });

  it("ends coalescing on undo and redo", () => {
    let h = record(record(createHistory("a"), "b", "drag"), "c", "drag");
    h = undo(h);
    expect(h.coalesce).toBeNull();
    h = record(h, "d", "drag");
    // "d" is its own step after "a": the undone drag cannot absorb it.
    expect(h.past).toEqual(["a"]);
    h = redo(undo(record(h, "e", "other")));
    expect(h.coalesce).toBeNull();
    expect(record(h, "f", "other").past).toEqual(["a", "d", "e"]);
  });

  it("keeps at most `limit` undo steps, dropping the oldest", () => {
    let h = createHistory(0);
    for (let i = 1; i <= 250; i++) h = record(h, i);
    expect(h.past).toHaveLength(200);
    expect(h.past[0]).toBe(50);
    const small = record(record(record(createHistory(0), 1, undefined, 2), 2, undefined, 2), 3, undefined, 2);
    expect(small.past).toEqual([1, 2]);
    expect(record(createHistory(0), 1, undefined, 0).past).toEqual([]);
  });

  it("handles falsy and undefined values as ordinary states", () => {
    let h = record(createHistory<number | undefined>(undefined), 0);
    h = undo(h);
    expect(h.present).toBeUndefined();
    expect(redo(h).present).toBe(0);
  });
});
