import { describe, expect, it } from "vitest";
import { initialState, makeReducer, regionsOf, TOOL_OF, type EditorAction, type EditorState } from "./editorState";
import { canRedo, canUndo } from "../lib/history";
import type { BoxRegion, ClassificationRegion, PolygonRegion, Region, Unsaved } from "../lib/regions";
import type { Schema } from "../lib/schema";

/** An image project: a weather answer, vehicle boxes (with attributes) and lane polygons. */
const schema: Schema = {
  data: [{ name: "image", type: "image" }],
  labels: [
    { name: "weather", type: "classification", source: "image", classes: [{ name: "sunny" }, { name: "rainy" }] },
    {
      name: "vehicles",
      type: "bbox",
      source: "image",
      classes: [
        { name: "car", hotkey: "1", color: "#ff0000" },
        { name: "truck", hotkey: "2", color: "#0000ff" },
      ],
      attributes: [
        { name: "occluded", type: "bool", default: false },
        { name: "note", type: "text" },
      ],
    },
    { name: "lanes", type: "polygon", source: "image", classes: [{ name: "road" }, { name: "sidewalk" }] },
  ],
};

const reduce = makeReducer(schema);

function run(state: EditorState, ...actions: EditorAction[]): EditorState {
  return actions.reduce(reduce, state);
}

function start(regions: Region[] = []): EditorState {
  return initialState(schema, regions);
}

function newBox(cls = "car", x = 10): Unsaved<BoxRegion> {
  return { label: "vehicles", type: "bbox", value: { class: cls, x, y: 20, width: 30, height: 40 } };
}

function box(id: string, cls = "car", x = 10): BoxRegion {
  return { id, ...newBox(cls, x), attributes: { occluded: false } };
}

function newLane(cls = "road"): Unsaved<PolygonRegion> {
  return { label: "lanes", type: "polygon", value: { class: cls, points: [[0, 0], [50, 0], [50, 50]] } };
}

function lane(id: string, cls = "road"): PolygonRegion {
  return { id, ...newLane(cls) };
}

function weather(cls: string): Unsaved<ClassificationRegion> {
  return { label: "weather", type: "classification", value: { class: cls } };
}

function moved(region: BoxRegion, x: number): BoxRegion {
  return { ...region, value: { ...region.value, x } };
}

const ids = (state: EditorState) => regionsOf(state).map((r) => r.id);

describe("initialState", () => {
  it("starts with the first shape label's first class and its tool, nothing selected", () => {
    const regions = [box("r1")];
    const state = start(regions);
    expect(state.tool).toBe("bbox");
    expect(state.active).toEqual({ label: "vehicles", class: "car" });
    expect(state.selected).toBeNull();
    expect(regionsOf(state)).toBe(regions);
    expect(canUndo(state.history)).toBe(false);
  });

  it("skips shape labels without classes", () => {
    const withEmptyFirst: Schema = {
      ...schema,
      labels: [{ name: "scratch", type: "polyline", source: "image", classes: [] }, ...schema.labels],
    };
    expect(initialState(withEmptyFirst, [])).toMatchObject({ tool: "bbox", active: { label: "vehicles", class: "car" } });
  });

  it("uses the brush for a mask label", () => {
    const masks: Schema = { ...schema, labels: [{ name: "stuff", type: "mask", source: "image", classes: [{ name: "sky" }] }] };
    expect(initialState(masks, [])).toMatchObject({ tool: "brush", active: { label: "stuff", class: "sky" } });
  });

  it("falls back to the select tool and no class without shape labels", () => {
    const itemsOnly: Schema = { ...schema, labels: schema.labels.filter((l) => l.type === "classification") };
    expect(initialState(itemsOnly, [])).toMatchObject({ tool: "select", active: null });
  });

  it("maps every shape type to the tool that draws it", () => {
    expect(TOOL_OF).toEqual({ bbox: "bbox", polygon: "polygon", polyline: "polyline", keypoints: "keypoints", mask: "brush" });
  });
});

describe("select and tool", () => {
  it("keeps the selection in the select tool and drops it for a drawing tool", () => {
    const selected = run(start([box("r1")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    expect(selected.selected).toBe("r1");
    expect(run(selected, { type: "tool", tool: "select" }).selected).toBe("r1");
    expect(run(selected, { type: "tool", tool: "polygon" })).toMatchObject({ tool: "polygon", selected: null });
  });
});

describe("pick_class", () => {
  it("in a drawing tool chooses the next shape's class and the label's tool, changing no region", () => {
    const state = start([box("r1")]);
    const next = run(state, { type: "pick_class", label: "lanes", class: "sidewalk" });
    expect(next).toMatchObject({ tool: "polygon", active: { label: "lanes", class: "sidewalk" } });
    expect(next.history).toBe(state.history);

    const back = run(next, { type: "pick_class", label: "vehicles", class: "truck" });
    expect(back).toMatchObject({ tool: "bbox", active: { label: "vehicles", class: "truck" } });
  });

  it("in a drawing tool does not relabel the region just drawn", () => {
    const drawn = run(start(), { type: "add", region: newBox("car") });
    expect(drawn.selected).toBe("r1");
    const next = run(drawn, { type: "pick_class", label: "vehicles", class: "truck" });
    expect(regionsOf(next)).toBe(regionsOf(drawn));
    expect(next.active).toEqual({ label: "vehicles", class: "truck" });
  });

  it("in the select tool relabels the selected region of that label as one undo step", () => {
    const state = run(start([box("r1"), box("r2")]), { type: "tool", tool: "select" }, { type: "select", id: "r2" });
    const relabelled = run(state, { type: "pick_class", label: "vehicles", class: "truck" });
    expect(regionsOf(relabelled)).toEqual([box("r1"), box("r2", "truck")]);
    expect(relabelled).toMatchObject({ tool: "select", selected: "r2", active: { label: "vehicles", class: "truck" } });
    expect(relabelled.history.past).toHaveLength(1);

    const undone = run(relabelled, { type: "undo" });
    expect(regionsOf(undone)).toEqual([box("r1"), box("r2")]);
    expect(undone.selected).toBe("r2");
  });

  it("in the select tool does nothing for the selected region's own class", () => {
    const state = run(start([box("r1")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    expect(run(state, { type: "pick_class", label: "vehicles", class: "car" })).toBe(state);
  });

  it("in the select tool with a region of another label selected chooses what to draw", () => {
    const state = run(start([box("r1")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    const next = run(state, { type: "pick_class", label: "lanes", class: "road" });
    expect(regionsOf(next)).toBe(regionsOf(state));
    expect(next).toMatchObject({ tool: "polygon", active: { label: "lanes", class: "road" } });
  });

  it("in the select tool with nothing selected chooses what to draw", () => {
    const state = run(start([box("r1")]), { type: "tool", tool: "select" });
    expect(run(state, { type: "pick_class", label: "vehicles", class: "truck" })).toMatchObject({
      tool: "bbox",
      active: { label: "vehicles", class: "truck" },
    });
  });

  it("ignores an unknown label", () => {
    const state = start();
    expect(run(state, { type: "pick_class", label: "pedestrians", class: "adult" })).toBe(state);
  });
});

describe("add", () => {
  it("numbers new regions r1, r2, … and selects each", () => {
    const state = run(start(), { type: "add", region: newBox() }, { type: "add", region: newLane() });
    expect(ids(state)).toEqual(["r1", "r2"]);
    expect(state.selected).toBe("r2");
  });

  it("never reuses an id that is already taken", () => {
    const state = run(start([box("r2"), box("r3")]), { type: "add", region: newBox() }, { type: "add", region: newBox() });
    expect(ids(state)).toEqual(["r2", "r3", "r4", "r5"]);
    expect(new Set(ids(state)).size).toBe(4);
  });

  it("fills the label's attribute defaults, keeping values the region brings", () => {
    const state = run(
      start(),
      { type: "add", region: newBox() },
      { type: "add", region: { ...newBox("truck"), attributes: { occluded: true, note: "half hidden" } } },
    );
    const [first, second] = regionsOf(state);
    expect(first?.attributes).toEqual({ occluded: false });
    expect(second?.attributes).toEqual({ occluded: true, note: "half hidden" });
  });

  it("omits attributes when the label has none", () => {
    const state = run(start(), { type: "add", region: newLane() });
    expect(regionsOf(state)[0]).toEqual(lane("r1"));
    expect(regionsOf(state)[0]).not.toHaveProperty("attributes");
  });

  it("leaves the selection alone with select: false", () => {
    const state = run(start([box("r1")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    const next = run(state, { type: "add", region: newBox(), select: false });
    expect(ids(next)).toEqual(["r1", "r2"]);
    expect(next.selected).toBe("r1");
  });

  it("is one undo step, and undoing it clears the selection of the region", () => {
    const added = run(start([box("r1")]), { type: "add", region: newBox() });
    expect(added.selected).toBe("r2");
    const undone = run(added, { type: "undo" });
    expect(ids(undone)).toEqual(["r1"]);
    expect(undone.selected).toBeNull();
  });
});

describe("update", () => {
  it("with one coalesce key is one undo step (a drag)", () => {
    const original = box("r1", "car", 10);
    const dragged = run(
      start([original]),
      { type: "update", region: moved(original, 11), coalesce: "move-r1" },
      { type: "update", region: moved(original, 12), coalesce: "move-r1" },
      { type: "update", region: moved(original, 13), coalesce: "move-r1" },
    );
    expect(regionsOf(dragged)).toEqual([moved(original, 13)]);
    expect(dragged.history.past).toHaveLength(1);
    expect(regionsOf(run(dragged, { type: "undo" }))).toEqual([original]);
  });

  it("starts a new undo step after end_gesture, even with the same key", () => {
    const original = box("r1", "car", 10);
    const twice = run(
      start([original]),
      { type: "update", region: moved(original, 20), coalesce: "move-r1" },
      { type: "end_gesture" },
      { type: "update", region: moved(original, 30), coalesce: "move-r1" },
    );
    expect(twice.history.past).toHaveLength(2);
    const once = run(twice, { type: "undo" });
    expect(regionsOf(once)).toEqual([moved(original, 20)]);
    expect(regionsOf(run(once, { type: "undo" }))).toEqual([original]);
  });

  it("without a key is a step per update", () => {
    const original = box("r1");
    const state = run(start([original]), { type: "update", region: moved(original, 1) }, { type: "update", region: moved(original, 2) });
    expect(state.history.past).toHaveLength(2);
  });

  it("replaces only the region with that id", () => {
    const state = run(start([box("r1"), box("r2")]), { type: "update", region: box("r2", "truck") });
    expect(regionsOf(state)).toEqual([box("r1"), box("r2", "truck")]);
  });

  it("end_gesture changes no regions", () => {
    const state = start([box("r1")]);
    expect(regionsOf(run(state, { type: "end_gesture" }))).toBe(regionsOf(state));
  });
});

describe("delete", () => {
  it("removes the region and clears the selection of it", () => {
    const state = run(start([box("r1"), box("r2")]), { type: "tool", tool: "select" }, { type: "select", id: "r2" });
    const next = run(state, { type: "delete", id: "r2" });
    expect(ids(next)).toEqual(["r1"]);
    expect(next.selected).toBeNull();
  });

  it("keeps the selection of another region", () => {
    const state = run(start([box("r1"), box("r2")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    expect(run(state, { type: "delete", id: "r2" }).selected).toBe("r1");
  });

  it("does nothing for an unknown id", () => {
    const state = start([box("r1")]);
    expect(run(state, { type: "delete", id: "r9" })).toBe(state);
  });

  it("is undone with the region back in its place", () => {
    const state = run(start([box("r1"), box("r2"), box("r3")]), { type: "delete", id: "r2" }, { type: "undo" });
    expect(ids(state)).toEqual(["r1", "r2", "r3"]);
  });
});

describe("attribute", () => {
  it("sets a value as one undo step", () => {
    const state = run(start([box("r1")]), { type: "attribute", id: "r1", name: "occluded", value: true });
    expect(regionsOf(state)[0]?.attributes).toEqual({ occluded: true });
    expect(state.history.past).toHaveLength(1);
    expect(regionsOf(run(state, { type: "undo" }))[0]?.attributes).toEqual({ occluded: false });
  });

  it("adds a value to a region that had none", () => {
    const state = run(start([lane("r1")]), { type: "attribute", id: "r1", name: "note", value: "faded" });
    expect(regionsOf(state)[0]?.attributes).toEqual({ note: "faded" });
  });

  it("removes a value, and removing the last one drops attributes", () => {
    const region: BoxRegion = { ...box("r1"), attributes: { occluded: true, note: "behind a tree" } };
    const one = run(start([region]), { type: "attribute", id: "r1", name: "note", value: undefined });
    expect(regionsOf(one)[0]?.attributes).toEqual({ occluded: true });
    const none = run(one, { type: "attribute", id: "r1", name: "occluded", value: undefined });
    expect(regionsOf(none)[0]).not.toHaveProperty("attributes");
    expect(regionsOf(none)[0]).toEqual({ id: "r1", ...newBox() });
  });

  it("does nothing for an unknown id", () => {
    const state = start([box("r1")]);
    expect(run(state, { type: "attribute", id: "r9", name: "occluded", value: true })).toBe(state);
  });
});

describe("set_item", () => {
  it("adds the label's item-level region with a fresh id", () => {
    const state = run(start([box("r1")]), { type: "set_item", label: "weather", region: weather("sunny") });
    expect(regionsOf(state)).toEqual([box("r1"), { id: "r2", ...weather("sunny") }]);
  });

  it("replaces it in place, keeping its id, so a label holds one", () => {
    const state = run(
      start([box("r1")]),
      { type: "set_item", label: "weather", region: weather("sunny") },
      { type: "add", region: newBox("truck") },
      { type: "set_item", label: "weather", region: weather("rainy") },
    );
    expect(regionsOf(state)).toEqual([box("r1"), { id: "r2", ...weather("rainy") }, box("r3", "truck")]);
    expect(regionsOf(state).filter((r) => r.label === "weather")).toHaveLength(1);
  });

  it("removes it with null, and does nothing when there is none", () => {
    const answered = run(start([box("r1")]), { type: "set_item", label: "weather", region: weather("sunny") });
    const cleared = run(answered, { type: "set_item", label: "weather", region: null });
    expect(ids(cleared)).toEqual(["r1"]);
    expect(run(cleared, { type: "set_item", label: "weather", region: null })).toBe(cleared);
  });

  it("records each change as an undo step", () => {
    const state = run(
      start(),
      { type: "set_item", label: "weather", region: weather("sunny") },
      { type: "set_item", label: "weather", region: weather("rainy") },
      { type: "undo" },
    );
    expect(regionsOf(state)).toEqual([{ id: "r1", ...weather("sunny") }]);
  });
});

describe("replace", () => {
  it("sets the regions as one undo step and clears the selection", () => {
    const state = run(start([box("r1")]), { type: "tool", tool: "select" }, { type: "select", id: "r1" });
    const replaced = run(state, { type: "replace", regions: [box("r1", "truck"), lane("r2")] });
    expect(regionsOf(replaced)).toEqual([box("r1", "truck"), lane("r2")]);
    expect(replaced.selected).toBeNull();
    expect(regionsOf(run(replaced, { type: "undo" }))).toEqual([box("r1")]);
  });
});

describe("undo and redo", () => {
  it("restore the regions step by step", () => {
    const a = box("r1");
    const steps = run(
      start([a]),
      { type: "add", region: newBox("truck", 100) },
      { type: "update", region: moved(a, 50) },
      { type: "delete", id: "r2" },
    );
    expect(regionsOf(steps)).toEqual([moved(a, 50)]);

    const back1 = run(steps, { type: "undo" });
    expect(regionsOf(back1)).toEqual([moved(a, 50), box("r2", "truck", 100)]);
    const back2 = run(back1, { type: "undo" });
    expect(regionsOf(back2)).toEqual([a, box("r2", "truck", 100)]);
    const back3 = run(back2, { type: "undo" });
    expect(regionsOf(back3)).toEqual([a]);
    expect(canUndo(back3.history)).toBe(false);
    expect(regionsOf(run(back3, { type: "undo" }))).toEqual([a]);

    const forward = run(back3, { type: "redo" }, { type: "redo" }, { type: "redo" });
    expect(regionsOf(forward)).toEqual([moved(a, 50)]);
    expect(canRedo(forward.history)).toBe(false);
    expect(regionsOf(run(forward, { type: "redo" }))).toEqual([moved(a, 50)]);
  });

  it("clear a selection whose region undo removes", () => {
    const state = run(start([box("r1")]), { type: "add", region: newBox("truck") });
    expect(state.selected).toBe("r2");
    expect(run(state, { type: "undo" }).selected).toBeNull();
  });

  it("clear a selection whose region redo removes", () => {
    const state = run(
      start([box("r1"), box("r2")]),
      { type: "delete", id: "r2" },
      { type: "undo" },
      { type: "tool", tool: "select" },
      { type: "select", id: "r2" },
    );
    expect(state.selected).toBe("r2");
    const redone = run(state, { type: "redo" });
    expect(ids(redone)).toEqual(["r1"]);
    expect(redone.selected).toBeNull();
  });

  it("keep a selection whose region still exists", () => {
    const state = run(
      start([box("r1")]),
      { type: "tool", tool: "select" },
      { type: "select", id: "r1" },
      { type: "add", region: newBox("truck"), select: false },
      { type: "undo" },
    );
    expect(state.selected).toBe("r1");
    expect(run(state, { type: "redo" }).selected).toBe("r1");
  });

  it("drop the redo future on a new change", () => {
    const state = run(start(), { type: "add", region: newBox() }, { type: "undo" }, { type: "add", region: newBox("truck") });
    expect(canRedo(state.history)).toBe(false);
    expect(regionsOf(run(state, { type: "redo" }))).toEqual([box("r1", "truck")]);
  });

  it("end coalescing, so a drag after an undo is a step of its own", () => {
    const original = box("r1", "car", 0);
    const state = run(
      start([original]),
      { type: "update", region: moved(original, 5), coalesce: "move-r1" },
      { type: "update", region: moved(original, 6), coalesce: "move-r1" },
      { type: "undo" },
      { type: "redo" },
      { type: "update", region: moved(original, 7), coalesce: "move-r1" },
      { type: "undo" },
    );
    expect(regionsOf(state)).toEqual([moved(original, 6)]);
  });
});
