/**
 * The annotation workbench for one image: the stage, the toolbar, the class picker, the
 * region list, the attribute editor, the live problems, undo/redo and every key. It owns
 * the work being edited (regions with undo) and knows nothing of tasks or servers, so the
 * label stream, review, adjudication and the schema editor's preview all render it:
 *
 * - `regions` is read once, at mount (give the component a new `key` to start afresh);
 *   `onChange` hears the work after every finished change (a drag is one change, on release);
 *   the handle reads the work as it is and replaces it (accepting pre-labels, a merge).
 * - `readOnly` shows the work to be looked at and selected, never edited.
 * - `selectRequest` selects a region for the host; `onSelect` reports every selection.
 * - `overlays` are other people's regions in their colours, drawn under the work; with
 *   `onOverlayPick` a click on one hands it to the host (adjudication takes it in).
 * - `keys` are the host's own shortcuts (a review's verdicts), matched before the editor's
 *   and listed in the same help overlay; `commands` names the editor commands the host
 *   carries out (submit, skip, …) through `onCommand`; the others have no key here.
 */
import { forwardRef, useCallback, useDeferredValue, useEffect, useImperativeHandle, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import { buildKeymap, formatHotkey, hotkeyId, isTypingTarget, lookup, matches, parseHotkey, toolsFor, type Action, type Command, type Hotkey, type Tool } from "../lib/hotkeys";
import type { Region, ShapeRegion, Unsaved } from "../lib/regions";
import { checkRegions, problemsByRegion } from "../lib/rules";
import { isMediaType, isShapeType, type Label, type Schema } from "../lib/schema";
import { HelpOverlay } from "./dialogs";
import { initialState, makeReducer, regionsOf } from "./editorState";
import "./editor.css";
import { roundShape } from "./precision";
import { moved } from "./shapeEdits";
import { ImageStage, type StageHandle, type StageOverlay } from "./ImageStage";
import { MediaStage, type StageKey } from "./MediaStage";
import { imageFieldOf, stageFieldOf, type MediaState, type TaskImage } from "./taskMedia";
import { AttributeEditor, ClassPicker, ItemLabels, ProblemList, RegionList, TaskData } from "./panels";
import type { DataField } from "../lib/schema";

/** The image, text, recording or video to work on, or a blank canvas of a given size (no
 * image, as in a preview). */
export type WorkbenchImage = MediaState | { status: "blank"; width: number; height: number };

/** Other people's regions shown beside the work: one set per person, in their colour. */
export interface WorkbenchOverlay extends Omit<StageOverlay, "regions"> {
  regions: readonly Region[];
  /** Who drew them, for the help text and accessible names. */
  name: string;
}

/** A host's own shortcut: `hotkey` in the schema's hotkey syntax ("a", "shift+r"). */
export interface WorkbenchKey {
  hotkey: string;
  description: string;
  run: () => void;
}

/** Commands a host may carry out; the editor does the rest itself. */
export type HostCommand = Extract<Command, "submit" | "skip" | "flag" | "copy_previous" | "accept_prediction" | "reject_prediction" | "toggle_guidelines">;

export interface WorkbenchHandle {
  /** The work as it is now (mid-gesture too). */
  regions(): Region[];
  /** Replace the work, as one undo step. */
  replace(regions: Region[]): void;
  /** Select a region (or none). */
  select(id: string | null): void;
}

export interface WorkbenchProps {
  schema: Schema;
  image: WorkbenchImage;
  /** The work to start from; read at mount. */
  regions: readonly Region[];
  onChange?: (regions: Region[]) => void;
  readOnly?: boolean;
  overlays?: readonly WorkbenchOverlay[];
  onOverlayPick?: (overlayId: string, region: Region) => void;
  /** A model's suggestions, dashed; a click on one (select tool) calls `onAcceptPrediction`. */
  predictions?: readonly Region[];
  onAcceptPrediction?: (region: Region) => void;
  /** A text, recording or video stage has its media and the work on screen. */
  onStageReady?: () => void;
  /** A selection the host asks for (a click on a note pinned to a region): a new object
   * each time, so asking twice for one region selects it twice. */
  selectRequest?: { id: string | null } | null;
  /** Hears every change of the selection. */
  onSelect?: (id: string | null) => void;
  /** The task's other data fields and their values, shown as text. */
  data?: { fields: readonly DataField[]; values: Record<string, unknown> };
  keys?: readonly WorkbenchKey[];
  commands?: readonly HostCommand[];
  onCommand?: (command: HostCommand) => void;
  /** Keys are off (the host has a dialog up). */
  suspended?: boolean;
  /** Toolbar buttons after the editor's own, before the help button; then `toolbarEnd`. */
  toolbarExtra?: ReactNode;
  toolbarEnd?: ReactNode;
  /** Panels above the editor's side panels, and below them. */
  sideTop?: ReactNode;
  sideBottom?: ReactNode;
  /** Beside the side panels (a guidelines drawer). */
  drawer?: ReactNode;
  /** Marks on region rows (a pinned comment): text after the region's name. */
  regionNote?: (id: string) => string | null;
  /** The tool to start with (else the first shape label's drawing tool; read-only: select). */
  startTool?: Tool;
  /** The work's colours, when not the classes' (a review draws an answer in its author's). */
  colorOf?: (region: Pick<Region, "label" | "value">) => string;
}

const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324"];

const TOOL_NAMES: Record<Tool, string> = {
  select: "Select",
  pan: "Pan",
  bbox: "Box",
  polygon: "Polygon",
  polyline: "Polyline",
  keypoints: "Keypoints",
  brush: "Brush",
  eraser: "Eraser",
};

const HOST_COMMANDS = new Set<Command>(["submit", "skip", "flag", "copy_previous", "accept_prediction", "reject_prediction", "toggle_guidelines"]);
/** What a read-only workbench still does. */
const VIEW_COMMANDS = new Set<Command>(["help", "next_region", "previous_region", "zoom_in", "zoom_out", "zoom_fit", "cancel", "toggle_guidelines"]);
const NO_REGIONS: readonly Region[] = [];
const isShape = (r: Region): r is ShapeRegion => isShapeType(r.type);
const NO_COMMANDS: readonly HostCommand[] = [];
const NO_KEYS: readonly WorkbenchKey[] = [];

/** A class's colour: the schema's, else one from a palette by its place in the schema. */
export function classColor(schema: Schema, region: Pick<Region, "label" | "value">): string {
  const label = schema.labels.find((l) => l.name === region.label);
  const cls = (region.value as { class?: string }).class;
  const index = label?.classes?.findIndex((c) => c.name === cls) ?? -1;
  const chosen = index >= 0 ? label?.classes?.[index]?.color : undefined;
  return chosen ?? PALETTE[(Math.max(0, index) + schema.labels.indexOf(label as Label)) % PALETTE.length] ?? "#e6194b";
}

export const Workbench = forwardRef<WorkbenchHandle, WorkbenchProps>(function Workbench(props, ref) {
  const { schema, readOnly = false, suspended = false } = props;
  const commands = props.commands ?? NO_COMMANDS;
  const hostKeys = props.keys ?? NO_KEYS;
  const reducer = useMemo(() => makeReducer(schema), [schema]);
  const [state, dispatch] = useReducer(reducer, undefined, () => {
    const start = initialState(schema, [...props.regions]);
    return readOnly ? { ...start, tool: "select" as Tool } : props.startTool ? { ...start, tool: props.startTool } : start;
  });
  const regions = regionsOf(state);
  const stage = useRef<StageHandle>(null);
  const [help, setHelp] = useState(false);
  const image: TaskImage | null =
    props.image.status === "ready" ? props.image.image : props.image.status === "blank" ? { url: "", width: props.image.width, height: props.image.height } : null;
  const media = props.image.status === "media" ? props.image.media : null;
  const imageError = props.image.status === "failed" ? props.image.message : null;

  const latestRegions = useRef(regions);
  latestRegions.current = regions;
  useImperativeHandle(
    ref,
    () => ({
      regions: () => latestRegions.current,
      replace: (next) => dispatch({ type: "replace", regions: next }),
      select: (id) => dispatch({ type: "select", id }),
    }),
    [],
  );

  // The host hears the work once per gesture: a drag changes it on every pointer move. A
  // gesture is one undo step; it ends on pointer or key up.
  const gesture = state.history.coalesce !== null;
  const stored = useRef<Region[]>(regions);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  useEffect(() => {
    if (gesture || stored.current === regions) return;
    stored.current = regions;
    onChange.current?.(regions);
  }, [regions, gesture]);

  // Selection: the host may ask for one and hears every change. (A request, not a controlled
  // value: a host re-rendering late with an old selection must not undo a newer one.)
  const { selectRequest, onSelect: hostSelect } = props;
  useEffect(() => {
    if (!selectRequest) return;
    // As a click in the region list does, it takes the select tool.
    if (selectRequest.id !== null) dispatch({ type: "tool", tool: "select" });
    dispatch({ type: "select", id: selectRequest.id });
  }, [selectRequest]);
  const reported = useRef<string | null>(state.selected);
  useEffect(() => {
    if (reported.current === state.selected) return;
    reported.current = state.selected;
    hostSelect?.(state.selected);
  }, [state.selected, hostSelect]);

  // The labels placed on the stage's field: shapes on an image, spans, segments or tracks on
  // a text, a recording or a video; the class picker offers their classes.
  const stageField = useMemo(() => (media ? media.field : (imageFieldOf(schema) ?? stageFieldOf(schema))), [schema, media]);
  const placedLabels = useMemo(
    () => schema.labels.filter((l) => (isShapeType(l.type) || isMediaType(l.type)) && l.source === stageField?.name),
    [schema, stageField],
  );
  const [stageKeys, setStageKeys] = useState<readonly StageKey[]>(NO_KEYS);
  const itemLabels = useMemo(
    () => schema.labels.filter((l) => ["classification", "multilabel", "rating", "transcription"].includes(l.type)),
    [schema],
  );
  const extraKeys = useMemo(() => [...hostKeys, ...stageKeys].map((k) => ({ ...k, parsed: parseHotkey(k.hotkey) })), [hostKeys, stageKeys]);
  const keymap = useMemo(() => {
    const taken = new Set(extraKeys.map((k) => hotkeyId(k.parsed)));
    return buildKeymap(schema, { mac: MAC }).filter((b) => {
      if (taken.has(hotkeyId(b.hotkey))) return false;
      if (b.action.kind === "command") {
        const c = b.action.command;
        if (HOST_COMMANDS.has(c) && !commands.includes(c as HostCommand)) return false;
        if (readOnly && !VIEW_COMMANDS.has(c)) return false;
        return true;
      }
      if (b.action.kind === "tool") return !readOnly || b.action.tool === "select" || b.action.tool === "pan";
      return !readOnly;
    });
  }, [schema, extraKeys, commands, readOnly]);
  const classKey = useMemo(() => {
    const keys = new Map<string, { text: string; aria: string }>();
    for (const b of keymap) {
      const id = b.action.kind === "class" ? `${b.action.label}\u0000${b.action.class}` : null;
      if (id && !keys.has(id)) keys.set(id, { text: formatHotkey(b.hotkey, MAC), aria: shortcut(b.hotkey) });
    }
    return (label: string, cls: string) => keys.get(`${label}\u0000${cls}`) ?? null;
  }, [keymap]);
  const imageSize = useMemo(() => (image ? { width: image.width, height: image.height } : undefined), [image?.width, image?.height]);
  // The rules see the work as it was before a gesture, and again once it ends; deferred to an
  // idle moment so the frame that shows a change is not held up by checking 2,000 regions.
  const checkedRegions = useRef<Region[]>(regions);
  if (!gesture) checkedRegions.current = regions;
  const checked = useDeferredValue(checkedRegions.current);
  const problems = useMemo(() => (readOnly ? [] : checkRegions(schema, checked, imageSize)), [schema, checked, imageSize, readOnly]);
  const byRegion = useMemo(() => problemsByRegion(problems), [problems]);
  const invalid = useMemo(() => new Set(byRegion.keys()), [byRegion]);
  const shapes = useMemo(() => regions.filter(isShape), [regions]);
  const predictions = props.predictions ?? NO_REGIONS;
  const shapePredictions = useMemo(() => predictions.filter(isShape), [predictions]);
  const shapeOverlays = useMemo(() => props.overlays?.map((o) => ({ ...o, regions: o.regions.filter(isShape) })), [props.overlays]);
  // What next/previous region steps through: what is placed on the stage.
  const placed = useMemo(() => (media ? regions.filter((r) => isMediaType(r.type)) : shapes), [media, regions, shapes]);
  const selectedRegion = regions.find((r) => r.id === state.selected) ?? null;
  const selectedLabel = selectedRegion ? schema.labels.find((l) => l.name === selectedRegion.label) : undefined;
  const activeLabel = state.active ? schema.labels.find((l) => l.name === state.active?.label) : undefined;
  const activeKeypoints = activeLabel?.classes?.find((c) => c.name === state.active?.class)?.keypoints ?? [];
  const tools = useMemo(() => toolsFor(schema).filter((t) => !readOnly || t === "select" || t === "pan"), [schema, readOnly]);
  const ownColor = useCallback((region: Pick<Region, "label" | "value">) => classColor(schema, region), [schema]);
  const colorOf = props.colorOf ?? ownColor;

  const { onCommand } = props;
  const perform = useCallback(
    (action: Action) => {
      if (action.kind === "class") {
        if (readOnly) return;
        const label = schema.labels.find((l) => l.name === action.label);
        if (!label) return;
        if (isShapeType(label.type) || isMediaType(label.type)) dispatch({ type: "pick_class", label: action.label, class: action.class });
        else if (label.type === "classification") {
          dispatch({ type: "set_item", label: label.name, region: { label: label.name, type: "classification", value: { class: action.class } } });
        } else if (label.type === "multilabel") {
          const existing = regions.find((r) => r.label === label.name);
          const chosen = existing && existing.type === "multilabel" ? existing.value.classes : [];
          const next = chosen.includes(action.class) ? chosen.filter((c) => c !== action.class) : [...chosen, action.class];
          dispatch({ type: "set_item", label: label.name, region: next.length ? { label: label.name, type: "multilabel", value: { classes: next } } : null });
        }
        return;
      }
      if (action.kind === "tool") {
        if (!readOnly || action.tool === "select" || action.tool === "pan") dispatch({ type: "tool", tool: action.tool });
        return;
      }
      const command = action.command;
      if (HOST_COMMANDS.has(command)) {
        if (commands.includes(command as HostCommand)) onCommand?.(command as HostCommand);
        return;
      }
      switch (command) {
        case "undo":
          if (!readOnly && !stage.current?.undoPoint()) dispatch({ type: "undo" });
          return;
        case "redo":
          if (!readOnly) dispatch({ type: "redo" });
          return;
        case "delete": // while a shape is being drawn, its last point
          if (!readOnly && !stage.current?.undoPoint() && state.selected) dispatch({ type: "delete", id: state.selected });
          return;
        case "help":
          setHelp((h) => !h);
          return;
        case "next_region":
        case "previous_region": {
          if (placed.length === 0) return;
          const at = placed.findIndex((r) => r.id === state.selected);
          const step = command === "next_region" ? 1 : -1;
          const next = placed[(at + step + placed.length) % placed.length];
          if (state.tool !== "select") dispatch({ type: "tool", tool: "select" });
          if (next) dispatch({ type: "select", id: next.id });
          return;
        }
        case "zoom_in":
          stage.current?.zoomBy(1.25);
          return;
        case "zoom_out":
          stage.current?.zoomBy(0.8);
          return;
        case "zoom_fit":
          stage.current?.fit();
          return;
        case "cancel":
          if (help) setHelp(false);
          else if (!stage.current?.cancelShape()) dispatch({ type: "select", id: null });
          return;
        case "finish_shape":
          if (!readOnly) stage.current?.finishShape();
          return;
      }
    },
    [schema, regions, placed, state.selected, state.tool, commands, onCommand, help, readOnly],
  );

  // The panels' callbacks stay the same function while the selection changes, so the
  // memoised panels that do not show it are not re-rendered.
  const latestPerform = useRef(perform);
  latestPerform.current = perform;
  const onPick = useCallback((label: string, cls: string) => latestPerform.current({ kind: "class", label, class: cls }), []);
  const onSetItem = useCallback((label: Label, region: Unsaved | null) => dispatch({ type: "set_item", label: label.name, region }), []);

  const nudging = useRef(false);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (suspended) return; // the host's dialog is up
      if (help && event.key !== "Escape") return;
      if (isTypingTarget(event.target as HTMLElement | null) && event.key !== "Escape") return;
      // Enter and Space on a focused button, link or box press it, as everywhere else.
      if ((event.key === "Enter" || event.key === " ") && !event.ctrlKey && !event.metaKey && !event.altKey && pressable(event.target)) return;
      const own = extraKeys.find((k) => matches(k.parsed, event));
      if (own && !help) {
        event.preventDefault();
        own.run();
        return;
      }
      const action = lookup(keymap, event);
      if (action) {
        event.preventDefault();
        perform(action);
        return;
      }
      const nudge = NUDGE[event.key];
      if (nudge && !readOnly && selectedRegion && isShapeType(selectedRegion.type)) {
        event.preventDefault();
        const step = event.shiftKey ? 10 : 1;
        nudging.current = true;
        dispatch({ type: "update", region: roundShape(moved(selectedRegion as ShapeRegion, nudge[0] * step, nudge[1] * step)), coalesce: `nudge-${selectedRegion.id}` });
      }
    }
    function onKeyUp(event: KeyboardEvent) {
      // Only a nudge has a gesture to end: a stage's arrow keys (a video's frame steps)
      // must not re-render the whole workbench on every key release.
      if (!NUDGE[event.key] || !nudging.current) return;
      nudging.current = false;
      dispatch({ type: "end_gesture" });
    }
    window.addEventListener("keydown", onKey);
    window.addEventListener("keyup", onKeyUp);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("keyup", onKeyUp);
    };
  }, [keymap, extraKeys, perform, help, selectedRegion, suspended, readOnly]);

  const onAdd = useCallback((region: Unsaved<Region>) => dispatch({ type: "add", region }), []);
  const onUpdate = useCallback((region: Region, coalesce: string) => dispatch({ type: "update", region, coalesce }), []);
  const onStageSelect = useCallback((id: string | null) => dispatch({ type: "select", id }), []);
  const onGestureEnd = useCallback(() => dispatch({ type: "end_gesture" }), []);
  const onListSelect = useCallback((id: string) => {
    dispatch({ type: "tool", tool: "select" });
    dispatch({ type: "select", id });
  }, []);
  const onDelete = useCallback((id: string) => dispatch({ type: "delete", id }), []);
  const { onAcceptPrediction } = props;
  const acceptPrediction = useCallback((region: Region) => onAcceptPrediction?.(region), [onAcceptPrediction]);
  // What every stage takes, an image's or another medium's.
  const stageProps = {
    ref: stage,
    selected: state.selected,
    active: state.active,
    invalid,
    colorOf,
    onSelect: onStageSelect,
    onAdd,
    onUpdate,
    onGestureEnd,
    onAcceptPrediction: acceptPrediction,
    readOnly,
    onOverlayPick: props.onOverlayPick,
  };
  const extraHelp = useMemo(() => extraKeys.map((k) => ({ hotkey: k.parsed, description: k.description })), [extraKeys]);
  const regionNote = props.regionNote;

  return (
    <div className={`editor${readOnly ? " editor--readonly" : ""}`}>
      <div className="toolbar" role="toolbar" aria-label="Tools">
        {!media && tools.map((tool) => {
          const binding = keymap.find((b) => b.action.kind === "tool" && b.action.tool === tool);
          return (
            <button
              key={tool}
              type="button"
              aria-pressed={state.tool === tool}
              aria-keyshortcuts={binding ? shortcut(binding.hotkey) : undefined}
              onClick={() => dispatch({ type: "tool", tool })}
            >
              {TOOL_NAMES[tool]}
            </button>
          );
        })}
        {(state.tool === "polygon" || state.tool === "polyline") && (
          <button type="button" onClick={() => stage.current?.finishShape()}>
            Finish shape
          </button>
        )}
        <span className="toolbar__gap" />
        {!readOnly && (
          <>
            <button type="button" onClick={() => perform({ kind: "command", command: "undo" })}>
              Undo
            </button>
            <button type="button" onClick={() => perform({ kind: "command", command: "redo" })}>
              Redo
            </button>
          </>
        )}
        {media?.kind !== "text" && (
          <>
            <button type="button" onClick={() => stage.current?.zoomBy(1.25)} aria-label="Zoom in">
              +
            </button>
            <button type="button" onClick={() => stage.current?.zoomBy(0.8)} aria-label="Zoom out">
              −
            </button>
            <button type="button" onClick={() => stage.current?.fit()}>
              Fit
            </button>
          </>
        )}
        {props.toolbarExtra}
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        {props.toolbarEnd}
      </div>
      <div className="editor__body">
        <div className="editor__canvas">
          {image && (
            <ImageStage
              {...stageProps}
              image={image}
              regions={shapes}
              predictions={shapePredictions}
              tool={state.tool}
              activeKeypoints={activeKeypoints}
              overlays={shapeOverlays}
            />
          )}
          {media && (
            <MediaStage
              {...stageProps}
              schema={schema}
              media={media}
              regions={regions}
              predictions={predictions}
              overlays={props.overlays}
              onKeys={setStageKeys}
              onReady={props.onStageReady}
            />
          )}
          {!image && !media && !imageError && <p role="status">Loading…</p>}
          {imageError && (
            <p role="alert" className="error">
              {imageError}
            </p>
          )}
          {state.tool === "keypoints" && activeKeypoints.length > 0 && (
            <p className="canvas-hint">Click to place the keypoints of {state.active?.class} in order: {activeKeypoints.join(", ")}</p>
          )}
        </div>
        <div className="editor__side">
          {props.sideTop}
          {props.data && <TaskData fields={props.data.fields} data={props.data.values} />}
          {!readOnly && (
            <ClassPicker labels={placedLabels} active={state.active} colorOf={colorOf} classKey={classKey} onPick={onPick} />
          )}
          <fieldset className="editor__fields" disabled={readOnly}>
            <ItemLabels labels={itemLabels} regions={regions} classKey={classKey} onSet={onSetItem} />
            {selectedRegion && selectedLabel && (
              <AttributeEditor
                region={selectedRegion}
                label={selectedLabel}
                onChange={(name, value) => dispatch({ type: "attribute", id: selectedRegion.id, name, value })}
              />
            )}
          </fieldset>
          <ProblemList problems={problems} onSelect={onListSelect} />
          <RegionList
            regions={regions}
            selected={state.selected}
            problems={byRegion}
            colorOf={colorOf}
            onSelect={onListSelect}
            onDelete={readOnly ? undefined : onDelete}
            note={regionNote}
          />
          {props.sideBottom}
        </div>
        {props.drawer}
      </div>
      {help && <HelpOverlay keymap={keymap} extra={extraHelp} readOnly={readOnly} onClose={() => setHelp(false)} />}
    </div>
  );
});

function pressable(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest("button, a[href], summary, [role=button], input[type=checkbox], input[type=radio]") !== null;
}

const MAC = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);

const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export function shortcut(hotkey: Hotkey): string {
  const parts = [hotkey.ctrl && "Control", hotkey.alt && "Alt", hotkey.shift && "Shift", hotkey.meta && "Meta"].filter(Boolean);
  return [...parts, hotkey.key.length === 1 ? hotkey.key.toUpperCase() : hotkey.key].join("+");
}
