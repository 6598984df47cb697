/**
 * The label editor's state as one pure reducer: the region list (with its undo history),
 * the selection, the tool and the class new shapes get. Viewport and in-flight drags live
 * in the stage instead: they change every frame and are not part of the work.
 */
import { createHistory, endCoalescing, record, redo, undo, type History } from "../lib/history";
import type { Tool } from "../lib/hotkeys";
import { defaultAttributes } from "../lib/rules";
import { nextRegionId, regionClass, type Region, type Unsaved } from "../lib/regions";
import { isMediaType, isShapeType, type AttributeValue, type Label, type Schema, type ShapeType } from "../lib/schema";

export interface ActiveClass {
  label: string;
  class: string;
}

export interface EditorState {
  history: History<Region[]>;
  selected: string | null;
  tool: Tool;
  active: ActiveClass | null;
}

export type EditorAction =
  | { type: "select"; id: string | null }
  | { type: "tool"; tool: Tool }
  | { type: "pick_class"; label: string; class: string }
  | { type: "add"; region: Unsaved; select?: boolean }
  | { type: "update"; region: Region; coalesce?: string }
  | { type: "delete"; id: string }
  | { type: "attribute"; id: string; name: string; value: AttributeValue | undefined }
  | { type: "set_item"; label: string; region: Unsaved | null }
  | { type: "replace"; regions: Region[] }
  | { type: "end_gesture" }
  | { type: "undo" }
  | { type: "redo" };

/** The tool that draws a shape label's regions. */
export const TOOL_OF: Record<ShapeType, Tool> = {
  bbox: "bbox",
  polygon: "polygon",
  polyline: "polyline",
  keypoints: "keypoints",
  mask: "brush",
};

export function initialState(schema: Schema, regions: Region[]): EditorState {
  const first = schema.labels.find((l) => (isShapeType(l.type) || isMediaType(l.type)) && (l.classes?.length ?? 0) > 0);
  const firstClass = first?.classes?.[0];
  return {
    history: createHistory(regions),
    selected: null,
    tool: first && isShapeType(first.type) ? TOOL_OF[first.type] : "select",
    active: first && firstClass ? { label: first.name, class: firstClass.name } : null,
  };
}

export function regionsOf(state: EditorState): Region[] {
  return state.history.present;
}

function labelNamed(schema: Schema, name: string): Label | undefined {
  return schema.labels.find((l) => l.name === name);
}

export function makeReducer(schema: Schema) {
  return function reduce(state: EditorState, action: EditorAction): EditorState {
    const regions = state.history.present;
    switch (action.type) {
      case "select":
        return { ...state, selected: action.id };
      case "tool":
        return { ...state, tool: action.tool, selected: action.tool === "select" ? state.selected : null };
      case "pick_class": {
        const label = labelNamed(schema, action.label);
        if (!label) return state;
        const selected = regions.find((r) => r.id === state.selected);
        // In the select tool a class key relabels the selected region of that label (as in
        // CVAT and Label Studio); in a drawing tool it chooses what the next shape will be,
        // so drawing car, car, person is three keys and three drags.
        if (state.tool === "select" && selected && selected.label === action.label) {
          if (regionClass(selected) === action.class) return state;
          const changed = { ...selected, value: { ...selected.value, class: action.class } } as Region;
          return {
            ...withRegions(state, regions.map((r) => (r.id === selected.id ? changed : r))),
            active: { label: action.label, class: action.class },
          };
        }
        const tool = isShapeType(label.type) ? TOOL_OF[label.type] : state.tool;
        return { ...state, active: { label: action.label, class: action.class }, tool };
      }
      case "add": {
        const label = labelNamed(schema, action.region.label);
        const region = {
          ...action.region,
          id: nextRegionId(regions),
          attributes: { ...(label ? defaultAttributes(label) : {}), ...action.region.attributes },
        } as Region;
        if (Object.keys(region.attributes ?? {}).length === 0) delete region.attributes;
        const next = withRegions(state, [...regions, region]);
        return action.select === false ? next : { ...next, selected: region.id };
      }
      case "update":
        return withRegions(
          state,
          regions.map((r) => (r.id === action.region.id ? action.region : r)),
          action.coalesce,
        );
      case "delete": {
        if (!regions.some((r) => r.id === action.id)) return state;
        // A relation cannot outlive either of its ends (the server refuses it as unknown_region).
        const ends = (r: Region) => r.type === "relation" && (r.value.from === action.id || r.value.to === action.id);
        // Nor a segment's transcription its segment.
        const tied = (r: Region) => r.type === "transcription" && r.value.region === action.id;
        const next = withRegions(state, regions.filter((r) => r.id !== action.id && !ends(r) && !tied(r)));
        return { ...next, selected: state.selected === action.id ? null : state.selected };
      }
      case "attribute": {
        const region = regions.find((r) => r.id === action.id);
        if (!region) return state;
        const attributes = { ...region.attributes };
        if (action.value === undefined) delete attributes[action.name];
        else attributes[action.name] = action.value;
        const changed = { ...region, attributes } as Region;
        if (Object.keys(attributes).length === 0) delete changed.attributes;
        return withRegions(state, regions.map((r) => (r.id === region.id ? changed : r)));
      }
      case "set_item": {
        // Item-level labels (classification, rating, …) hold one region per item; a
        // transcription tied to a region (a segment's text) is not the item's.
        const existing = regions.find((r) => r.label === action.label && !(r.type === "transcription" && r.value.region !== undefined));
        if (action.region === null) {
          return existing ? withRegions(state, regions.filter((r) => r !== existing)) : state;
        }
        if (existing) {
          const changed = { ...existing, ...action.region, id: existing.id } as Region;
          return withRegions(state, regions.map((r) => (r === existing ? changed : r)));
        }
        return withRegions(state, [...regions, { ...action.region, id: nextRegionId(regions) } as Region]);
      }
      case "replace":
        return { ...withRegions(state, action.regions), selected: null };
      case "end_gesture":
        return { ...state, history: endCoalescing(state.history) };
      case "undo":
        return keepSelection({ ...state, history: undo(state.history) });
      case "redo":
        return keepSelection({ ...state, history: redo(state.history) });
    }
  };
}

function withRegions(state: EditorState, regions: Region[], coalesce?: string): EditorState {
  return { ...state, history: record(state.history, regions, coalesce) };
}

/** Undo may remove the selected region; the selection must not point at nothing. */
function keepSelection(state: EditorState): EditorState {
  const exists = state.history.present.some((r) => r.id === state.selected);
  return exists ? state : { ...state, selected: null };
}
