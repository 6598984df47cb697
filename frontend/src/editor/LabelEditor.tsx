/**
 * The label stream's editor for one image task. It owns the work (regions with undo), keeps
 * it safe (every change goes to browser storage at once and to the server's draft soon
 * after, through DraftSync), counts active time, and maps every key to an action.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { useAuth } from "../components/authContext";
import type { Annotation, Guidelines, Prediction, SchemaVersion, Task } from "../api/types";
import { ActiveTimer, attachActivity } from "../lib/activeTime";
import { DraftSync, pendingKey, type SyncStatus } from "../lib/draftSync";
import { buildKeymap, formatHotkey, isTypingTarget, lookup, toolsFor, type Action, type Tool } from "../lib/hotkeys";
import { withCopies, type Region, type ShapeRegion, type Unsaved } from "../lib/regions";
import { checkRegions, problemsByRegion } from "../lib/rules";
import { isShapeType, type Label, type Schema } from "../lib/schema";
import { FlagDialog, HelpOverlay, ReloginDialog } from "./dialogs";
import { initialState, makeReducer, regionsOf } from "./editorState";
import "./editor.css";
import { GuidelinesPanel } from "./Guidelines";
import { roundShape } from "./precision";
import { moved } from "./shapeEdits";
import { ImageStage, type StageHandle } from "./ImageStage";
import { imageFieldOf, type ImageState } from "./taskImage";
import { AttributeEditor, ClassPicker, ItemLabels, ProblemList, RegionList, TaskData } from "./panels";

export type Outcome = "submitted" | "skipped" | "flagged";

export interface LabelEditorProps {
  client: ApiClient;
  userId: number;
  projectId: number;
  task: Task;
  schema: SchemaVersion;
  guidelines: Guidelines | null;
  draft: Annotation | null;
  predictions: Prediction[];
  /** The shapes of the caller's previous submission, for "copy from previous task". */
  previous: readonly Region[] | null;
  onDone: (outcome: Outcome, regions: Region[]) => void;
  /** The task's image, loaded by the page as soon as the task is known. */
  image: ImageState;
  /** Load the task afresh from the server (its draft moved on elsewhere). */
  onReload: () => void;
}

const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324"];

const STATUS_TEXT: Record<SyncStatus, string> = {
  saved: "All changes saved",
  pending: "Saving soon…",
  saving: "Saving…",
  offline: "Offline: your changes are kept in this browser and will be sent when the server is back",
  signed_out: "Your session ended: your changes are kept in this browser until you log in again",
  conflict: "Newer work on this task was saved elsewhere; it has been loaded",
  error: "Could not save",
};

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

export function LabelEditor(props: LabelEditorProps) {
  const { client, userId, projectId, task, schema: version, guidelines, draft, predictions, previous } = props;
  const { login, state: auth } = useAuth();
  const email = auth.status === "authenticated" ? auth.user.email : "";
  const schema: Schema = version.schema;
  const storageKey = pendingKey(userId, projectId, task.id);
  const restored = useMemo(() => DraftSync.restore(window.localStorage, storageKey), [storageKey]);
  const startRegions = restored?.regions ?? draft?.regions ?? [];
  const reducer = useMemo(() => makeReducer(schema), [schema]);
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState(schema, startRegions));
  const regions = regionsOf(state);
  const stage = useRef<StageHandle>(null);
  const [status, setStatus] = useState<SyncStatus>(restored ? "pending" : "saved");
  const [statusDetail, setStatusDetail] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<"help" | "flag" | null>(null);
  const [showGuidelines, setShowGuidelines] = useState(false);
  const [prelabels, setPrelabels] = useState<ShapeRegion[]>(() =>
    restored || draft ? [] : predictions.flatMap((p) => p.regions).filter((r): r is ShapeRegion => isShapeType(r.type)),
  );
  const image = props.image.status === "ready" ? props.image.image : null;
  const imageError = props.image.status === "failed" ? props.image.message : null;

  const timer = useMemo(
    () => new ActiveTimer({ initialSeconds: restored?.leadTimeS ?? draft?.lead_time_s ?? 0 }),
    // one timer per task
    [task.id],
  );
  useEffect(() => attachActivity(timer, document, window), [timer]);

  const sync = useRef<DraftSync | null>(null);
  useEffect(() => {
    const startedAt = restored?.startedAt ?? draft?.started_at ?? new Date().toISOString();
    const instance = new DraftSync({
      store: window.localStorage,
      key: storageKey,
      baseVersion: restored?.baseVersion ?? draft?.version ?? 0,
      startedAt,
      transport: {
        saveDraft: (body) => client.saveDraft(projectId, task.id, body),
        submit: (body, key) => client.submitAnnotation(projectId, task.id, body, key),
        loadDraft: () => client.getDraft(projectId, task.id),
      },
      onStatus: (next, detail) => {
        setStatus(next);
        setStatusDetail(detail ?? null);
      },
      onConflict: () => props.onReload(),
    });
    sync.current = instance;
    const hide = () => void instance.flush();
    window.addEventListener("pagehide", hide);
    const online = () => instance.resume();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("pagehide", hide);
      window.removeEventListener("online", online);
      instance.dispose();
      sync.current = null;
    };
    // one sync per task; restored and draft are read once
  }, [client, projectId, task.id, storageKey]);

  // A 401 outside DraftSync (skip, flag) also means the session ended.
  const [signedOut, setSignedOut] = useState(false);
  const loggedOut = status === "signed_out" || signedOut;
  const relogin = useCallback(
    async (password: string) => {
      await login(email, password);
      setSignedOut(false);
      sync.current?.resume();
    },
    [login, email],
  );

  // Every change of the work goes to storage now and to the server soon — once per gesture:
  // a drag changes the work on every pointer move, and storing 2,000 regions each time would
  // cost more than the frame. A gesture is one undo step; it ends on pointer or key up.
  const gesture = state.history.coalesce !== null;
  const stored = useRef<Region[]>(regions);
  useEffect(() => {
    if (gesture || stored.current === regions) return;
    stored.current = regions;
    sync.current?.change(regions, timer.seconds());
  }, [regions, gesture, timer]);

  const imageField = useMemo(() => imageFieldOf(schema), [schema]);

  // A User Timing mark once the task's image and regions are on screen (bench/ui_render.py
  // reads it as load-to-interactive): two frames after the stage rendered them.
  useEffect(() => {
    if (!image) return;
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => performance.mark("accord:editor-ready", { detail: { task: task.id } }));
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [image, task.id]);

  const shapeLabels = useMemo(() => schema.labels.filter((l) => isShapeType(l.type) && l.source === imageField?.name), [schema, imageField]);
  const itemLabels = useMemo(
    () => schema.labels.filter((l) => ["classification", "multilabel", "rating", "transcription"].includes(l.type)),
    [schema],
  );
  const otherFields = useMemo(() => schema.data.filter((d) => d !== imageField), [schema, imageField]);
  const keymap = useMemo(() => buildKeymap(schema, { mac: MAC }), [schema]);
  const classKey = useMemo(() => {
    const keys = new Map<string, { text: string; aria: string }>();
    for (const b of keymap) {
      const id = b.action.kind === "class" ? `${b.action.label}\u0000${b.action.class}` : null;
      if (id && !keys.has(id)) keys.set(id, { text: formatHotkey(b.hotkey, MAC), aria: shortcut(b.hotkey) });
    }
    return (label: string, cls: string) => keys.get(`${label}\u0000${cls}`) ?? null;
  }, [keymap]);
  const imageSize = useMemo(() => (image ? { width: image.width, height: image.height } : undefined), [image]);
  // The rules see the work as it was before a gesture, and again once it ends.
  const checkedRegions = useRef<Region[]>(regions);
  if (!gesture) checkedRegions.current = regions;
  // Deferred: the frame that shows a change is not held up by checking 2,000 regions.
  const checked = useDeferredValue(checkedRegions.current);
  const problems = useMemo(() => checkRegions(schema, checked, imageSize), [schema, checked, imageSize]);
  const byRegion = useMemo(() => problemsByRegion(problems), [problems]);
  const invalid = useMemo(() => new Set(byRegion.keys()), [byRegion]);
  const shapes = useMemo(() => regions.filter((r): r is ShapeRegion => isShapeType(r.type)), [regions]);
  const selectedRegion = regions.find((r) => r.id === state.selected) ?? null;
  const selectedLabel = selectedRegion ? schema.labels.find((l) => l.name === selectedRegion.label) : undefined;
  const activeLabel = state.active ? schema.labels.find((l) => l.name === state.active?.label) : undefined;
  const activeKeypoints = activeLabel?.classes?.find((c) => c.name === state.active?.class)?.keypoints ?? [];
  const tools = useMemo(() => toolsFor(schema), [schema]);

  const colorOf = useCallback(
    (region: Pick<Region, "label" | "value">) => {
      const label = schema.labels.find((l) => l.name === region.label);
      const cls = (region.value as { class?: string }).class;
      const index = label?.classes?.findIndex((c) => c.name === cls) ?? -1;
      const chosen = index >= 0 ? label?.classes?.[index]?.color : undefined;
      return chosen ?? PALETTE[(Math.max(0, index) + schema.labels.indexOf(label as Label)) % PALETTE.length] ?? "#e6194b";
    },
    [schema],
  );

  const submit = useCallback(async () => {
    if (busy || !sync.current) return;
    const found = checkRegions(schema, regions, imageSize); // the work as it is now, not deferred
    if (found.length > 0) {
      setMessage(`Fix ${found.length} problem${found.length === 1 ? "" : "s"} first (listed on the right).`);
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await sync.current.submit(regions, timer.seconds(), version.version);
      props.onDone("submitted", regions);
    } catch (caught) {
      setBusy(false);
      setMessage(isApiError(caught) ? caught.message : "Could not submit.");
    }
  }, [busy, schema, regions, imageSize, timer, version.version, props]);

  const leave = useCallback(
    async (outcome: "skipped" | "flagged", note?: string) => {
      setBusy(true);
      try {
        if (outcome === "flagged") await client.flagTask(projectId, task.id, note ?? "");
        await client.skipTask(projectId, task.id);
        sync.current?.dispose();
        window.localStorage.removeItem(storageKey);
        props.onDone(outcome, regions);
      } catch (caught) {
        setBusy(false);
        if (isApiError(caught) && caught.status === 401) {
          setSignedOut(true);
          setDialog(null);
          return;
        }
        throw caught;
      }
    },
    [client, projectId, task.id, storageKey, props, regions],
  );

  const acceptPrelabel = useCallback(
    (region: ShapeRegion) => {
      dispatch({ type: "replace", regions: withCopies(regions, [region]) });
      setPrelabels((current) => current.filter((p) => p !== region));
    },
    [regions],
  );

  const acceptPrelabels = useCallback(() => {
    if (prelabels.length === 0) return;
    dispatch({ type: "replace", regions: withCopies(regions, prelabels) });
    setPrelabels([]);
  }, [prelabels, regions]);

  const perform = useCallback(
    (action: Action) => {
      if (action.kind === "class") {
        const label = schema.labels.find((l) => l.name === action.label);
        if (!label) return;
        if (isShapeType(label.type)) dispatch({ type: "pick_class", label: action.label, class: action.class });
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
        dispatch({ type: "tool", tool: action.tool });
        return;
      }
      switch (action.command) {
        case "undo":
          if (!stage.current?.undoPoint()) dispatch({ type: "undo" });
          return;
        case "redo":
          dispatch({ type: "redo" });
          return;
        case "delete": // while a shape is being drawn, its last point
          if (!stage.current?.undoPoint() && state.selected) dispatch({ type: "delete", id: state.selected });
          return;
        case "submit":
          void submit();
          return;
        case "skip":
          void leave("skipped").catch((e: unknown) => setMessage(isApiError(e) ? e.message : "Could not skip."));
          return;
        case "flag":
          setDialog("flag");
          return;
        case "help":
          setDialog((d) => (d === "help" ? null : "help"));
          return;
        case "copy_previous":
          if (previous && previous.length) dispatch({ type: "replace", regions: withCopies(regions, previous) });
          else setMessage("There is no previous task to copy from yet.");
          return;
        case "next_region":
        case "previous_region": {
          if (shapes.length === 0) return;
          const at = shapes.findIndex((r) => r.id === state.selected);
          const step = action.command === "next_region" ? 1 : -1;
          const next = shapes[(at + step + shapes.length) % shapes.length];
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
        case "accept_prediction":
          acceptPrelabels();
          return;
        case "reject_prediction":
          setPrelabels([]);
          return;
        case "cancel":
          if (dialog) setDialog(null);
          else if (!stage.current?.cancelShape()) dispatch({ type: "select", id: null });
          return;
        case "finish_shape":
          stage.current?.finishShape();
          return;
        case "toggle_guidelines":
          setShowGuidelines((v) => !v);
          return;
      }
    },
    [schema, regions, shapes, state.selected, state.tool, submit, leave, previous, acceptPrelabels, dialog],
  );

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (loggedOut) return; // the re-login dialog is up
      if (dialog && event.key !== "Escape") return;
      if (isTypingTarget(event.target as HTMLElement | null) && event.key !== "Escape") return;
      const action = lookup(keymap, event);
      if (action) {
        event.preventDefault();
        perform(action);
        return;
      }
      const nudge = NUDGE[event.key];
      if (nudge && selectedRegion && isShapeType(selectedRegion.type)) {
        event.preventDefault();
        const step = event.shiftKey ? 10 : 1;
        dispatch({ type: "update", region: roundShape(moved(selectedRegion as ShapeRegion, nudge[0] * step, nudge[1] * step)), coalesce: `nudge-${selectedRegion.id}` });
      }
    }
    function onKeyUp(event: KeyboardEvent) {
      if (NUDGE[event.key]) dispatch({ type: "end_gesture" });
    }
    window.addEventListener("keydown", onKey);
    window.addEventListener("keyup", onKeyUp);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("keyup", onKeyUp);
    };
  }, [keymap, perform, dialog, selectedRegion, loggedOut]);

  const onAdd = useCallback((region: Unsaved<ShapeRegion>) => dispatch({ type: "add", region }), []);
  const onUpdate = useCallback((region: ShapeRegion, coalesce: string) => dispatch({ type: "update", region, coalesce }), []);
  const onSelect = useCallback((id: string | null) => dispatch({ type: "select", id }), []);
  const onGestureEnd = useCallback(() => dispatch({ type: "end_gesture" }), []);
  const onListSelect = useCallback((id: string) => {
    dispatch({ type: "tool", tool: "select" });
    dispatch({ type: "select", id });
  }, []);
  const onDelete = useCallback((id: string) => dispatch({ type: "delete", id }), []);

  return (
    <div className="editor">
      <div className="toolbar" role="toolbar" aria-label="Tools">
        {tools.map((tool) => {
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
        <button type="button" onClick={() => perform({ kind: "command", command: "undo" })}>
          Undo
        </button>
        <button type="button" onClick={() => perform({ kind: "command", command: "redo" })}>
          Redo
        </button>
        <button type="button" onClick={() => stage.current?.zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => stage.current?.zoomBy(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => stage.current?.fit()}>
          Fit
        </button>
        {previous && previous.length > 0 && (
          <button type="button" onClick={() => perform({ kind: "command", command: "copy_previous" })}>
            Copy previous
          </button>
        )}
        <button type="button" aria-pressed={showGuidelines} onClick={() => setShowGuidelines((v) => !v)}>
          Guidelines
        </button>
        <button type="button" onClick={() => setDialog("help")} aria-label="Keyboard shortcuts">
          ?
        </button>
        <span className={`save-status save-status--${status}`} role="status" aria-live="polite">
          {STATUS_TEXT[status]}
          {status === "error" && statusDetail ? `: ${statusDetail}` : ""}
        </span>
      </div>
      <div className="editor__body">
        <div className="editor__canvas">
          {image && (
            <ImageStage
              ref={stage}
              image={image}
              regions={shapes}
              predictions={prelabels}
              selected={state.selected}
              tool={state.tool}
              active={state.active}
              activeKeypoints={activeKeypoints}
              invalid={invalid}
              colorOf={colorOf}
              onSelect={onSelect}
              onAdd={onAdd}
              onUpdate={onUpdate}
              onGestureEnd={onGestureEnd}
              onAcceptPrediction={acceptPrelabel}
            />
          )}
          {!image && !imageError && <p role="status">Loading image…</p>}
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
          {prelabels.length > 0 && (
            <section className="panel" aria-labelledby="prelabels-heading">
              <h2 id="prelabels-heading" className="panel__title">
                Pre-labels <span className="muted">{prelabels.length}</span>
              </h2>
              <p className="muted">
                A model's suggestions, shown dashed. Accept them all, or click one with the select tool to take it; then edit
                or delete as any region.
              </p>
              <div className="actions">
                <button type="button" onClick={acceptPrelabels}>
                  Accept pre-labels
                </button>
                <button type="button" onClick={() => setPrelabels([])}>
                  Reject pre-labels
                </button>
              </div>
            </section>
          )}
          <TaskData fields={otherFields} data={task.data} />
          <ClassPicker labels={shapeLabels} active={state.active} colorOf={colorOf} classKey={classKey} onPick={(label, cls) => perform({ kind: "class", label, class: cls })} />
          <ItemLabels labels={itemLabels} regions={regions} classKey={classKey} onSet={(label, region) => dispatch({ type: "set_item", label: label.name, region })} />
          {selectedRegion && selectedLabel && (
            <AttributeEditor
              region={selectedRegion}
              label={selectedLabel}
              onChange={(name, value) => dispatch({ type: "attribute", id: selectedRegion.id, name, value })}
            />
          )}
          <ProblemList problems={problems} onSelect={onListSelect} />
          <RegionList regions={regions} selected={state.selected} problems={byRegion} colorOf={colorOf} onSelect={onListSelect} onDelete={onDelete} />
          {message && (
            <p role="alert" className="error">
              {message}
            </p>
          )}
          <div className="actions actions--submit">
            <button type="button" onClick={() => setDialog("flag")} disabled={busy}>
              Flag
            </button>
            <button type="button" onClick={() => perform({ kind: "command", command: "skip" })} disabled={busy}>
              Skip
            </button>
            <button type="button" className="primary" onClick={() => void submit()} disabled={busy}>
              Submit
            </button>
          </div>
        </div>
        {showGuidelines && <GuidelinesPanel guidelines={guidelines} onClose={() => setShowGuidelines(false)} />}
      </div>
      {dialog === "help" && <HelpOverlay keymap={keymap} onClose={() => setDialog(null)} />}
      {dialog === "flag" && <FlagDialog onClose={() => setDialog(null)} onSubmit={(note) => leave("flagged", note)} />}
      {loggedOut && <ReloginDialog email={email} onLogin={relogin} />}
    </div>
  );
}

const MAC = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);

const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function shortcut(hotkey: { key: string; ctrl: boolean; alt: boolean; shift: boolean; meta: boolean }): string {
  const parts = [hotkey.ctrl && "Control", hotkey.alt && "Alt", hotkey.shift && "Shift", hotkey.meta && "Meta"].filter(Boolean);
  return [...parts, hotkey.key.length === 1 ? hotkey.key.toUpperCase() : hotkey.key].join("+");
}
