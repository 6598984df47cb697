/**
 * The label stream's editor for one image task: the Workbench (Workbench.tsx) plus what a
 * labeling task needs around it. It keeps the work safe (every change goes to browser
 * storage at once and to the server's draft soon after, through DraftSync), counts active
 * time, offers pre-labels and the previous task's shapes, and submits, skips or flags.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { useAuth } from "../components/authContext";
import type { Annotation, Guidelines, Prediction, SchemaVersion, Task } from "../api/types";
import { ActiveTimer, attachActivity } from "../lib/activeTime";
import { DraftSync, pendingKey, type SyncStatus } from "../lib/draftSync";
import { withCopies, type Region } from "../lib/regions";
import { withUniqueTrackIds } from "./video/tracks";
import { checkRegions } from "../lib/rules";
import { isMediaType, isShapeType, type Schema } from "../lib/schema";
import { FlagDialog, ReloginDialog } from "./dialogs";
import "./editor.css";
import { GuidelinesPanel } from "./Guidelines";
import { stageFieldOf, type MediaState } from "./taskMedia";
import { Workbench, type HostCommand, type WorkbenchHandle } from "./Workbench";

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
  image: MediaState;
  /** Load the task afresh from the server (its draft moved on elsewhere). */
  onReload: () => void;
  /** The work to start from when there is neither a draft nor work kept in this browser
   * (the regions a reviewer sent back). */
  initialRegions?: readonly Region[] | null;
  /** Panels above the editor's own (what a reviewer said). */
  sideTop?: ReactNode;
  /** A region to select (a click on a pinned comment): a new object each time. */
  selectRequest?: { id: string | null } | null;
  /** Marks on region rows (a pinned comment). */
  regionNote?: (id: string) => string | null;
}

const STATUS_TEXT: Record<SyncStatus, string> = {
  saved: "All changes saved",
  pending: "Saving soon…",
  saving: "Saving…",
  offline: "Offline: your changes are kept in this browser and will be sent when the server is back",
  signed_out: "Your session ended: your changes are kept in this browser until you log in again",
  conflict: "Newer work on this task was saved elsewhere; it has been loaded",
  error: "Could not save",
};

const COMMANDS: readonly HostCommand[] = ["submit", "skip", "flag", "copy_previous", "accept_prediction", "reject_prediction", "toggle_guidelines"];

export function LabelEditor(props: LabelEditorProps) {
  const { client, userId, projectId, task, schema: version, guidelines, draft, predictions, previous } = props;
  const { login, state: auth } = useAuth();
  const email = auth.status === "authenticated" ? auth.user.email : "";
  const schema: Schema = version.schema;
  const storageKey = pendingKey(userId, projectId, task.id);
  const restored = useMemo(() => DraftSync.restore(window.localStorage, storageKey), [storageKey]);
  const [startRegions] = useState<readonly Region[]>(() => restored?.regions ?? draft?.regions ?? props.initialRegions ?? []);
  const bench = useRef<WorkbenchHandle>(null);
  const [status, setStatus] = useState<SyncStatus>(restored ? "pending" : "saved");
  const [statusDetail, setStatusDetail] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<"flag" | null>(null);
  const [showGuidelines, setShowGuidelines] = useState(false);
  const [prelabels, setPrelabels] = useState<Region[]>(() =>
    restored || draft ? [] : predictions.flatMap((p) => p.regions).filter((r) => isShapeType(r.type) || isMediaType(r.type)),
  );
  const image = props.image.status === "ready" ? props.image.image : null;
  const [stageReady, setStageReady] = useState(false);

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

  // Every finished change of the work goes to storage now and to the server soon.
  const onChange = useCallback((regions: Region[]) => sync.current?.change(regions, timer.seconds()), [timer]);

  const stageField = useMemo(() => stageFieldOf(schema), [schema]);

  // A User Timing mark once the task's media and regions are on screen (bench/ui_render.py
  // reads it as load-to-interactive): two frames after the stage rendered them.
  useEffect(() => {
    if (!image && !stageReady) return;
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => performance.mark("accord:editor-ready", { detail: { task: task.id } }));
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [image, stageReady, task.id]);

  const otherFields = useMemo(() => schema.data.filter((d) => d !== stageField), [schema, stageField]);
  const imageSize = useMemo(() => (image ? { width: image.width, height: image.height } : undefined), [image]);

  const submit = useCallback(async () => {
    if (busy || !sync.current) return;
    const regions = bench.current?.regions() ?? [];
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
  }, [busy, schema, imageSize, timer, version.version, props]);

  const leave = useCallback(
    async (outcome: "skipped" | "flagged", note?: string) => {
      setBusy(true);
      try {
        if (outcome === "flagged") await client.flagTask(projectId, task.id, note ?? "");
        await client.skipTask(projectId, task.id);
        sync.current?.dispose();
        window.localStorage.removeItem(storageKey);
        props.onDone(outcome, bench.current?.regions() ?? []);
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
    [client, projectId, task.id, storageKey, props],
  );

  const acceptPrelabel = useCallback((region: Region) => {
    if (!bench.current) return;
    const work = bench.current.regions();
    bench.current.replace(withUniqueTrackIds(withCopies(work, [region]), work.length));
    setPrelabels((now) => now.filter((p) => p !== region));
  }, []);

  const acceptPrelabels = useCallback(() => {
    if (prelabels.length === 0 || !bench.current) return;
    const work = bench.current.regions();
    bench.current.replace(withUniqueTrackIds(withCopies(work, prelabels), work.length));
    setPrelabels([]);
  }, [prelabels]);

  const copyPrevious = useCallback(() => {
    if (previous && previous.length && bench.current) {
      const work = bench.current.regions();
      bench.current.replace(withUniqueTrackIds(withCopies(work, previous), work.length));
    } else setMessage("There is no previous task to copy from yet.");
  }, [previous]);

  const onCommand = useCallback(
    (command: HostCommand) => {
      switch (command) {
        case "submit":
          void submit();
          return;
        case "skip":
          void leave("skipped").catch((e: unknown) => setMessage(isApiError(e) ? e.message : "Could not skip."));
          return;
        case "flag":
          setDialog("flag");
          return;
        case "copy_previous":
          copyPrevious();
          return;
        case "accept_prediction":
          acceptPrelabels();
          return;
        case "reject_prediction":
          setPrelabels([]);
          return;
        case "toggle_guidelines":
          setShowGuidelines((v) => !v);
          return;
      }
    },
    [submit, leave, copyPrevious, acceptPrelabels],
  );

  return (
    <>
      <Workbench
        ref={bench}
        schema={schema}
        image={props.image}
        regions={startRegions}
        onChange={onChange}
        predictions={prelabels}
        onAcceptPrediction={acceptPrelabel}
        onStageReady={() => setStageReady(true)}
        data={{ fields: otherFields, values: task.data }}
        commands={COMMANDS}
        onCommand={onCommand}
        suspended={loggedOut || dialog !== null}
        selectRequest={props.selectRequest}
        regionNote={props.regionNote}
        toolbarExtra={
          <>
            {previous && previous.length > 0 && (
              <button type="button" onClick={copyPrevious}>
                Copy previous
              </button>
            )}
            <button type="button" aria-pressed={showGuidelines} onClick={() => setShowGuidelines((v) => !v)}>
              Guidelines
            </button>
          </>
        }
        toolbarEnd={
          <span className={`save-status save-status--${status}`} role="status" aria-live="polite">
            {STATUS_TEXT[status]}
            {status === "error" && statusDetail ? `: ${statusDetail}` : ""}
          </span>
        }
        sideTop={
          <>
            {props.sideTop}
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
          </>
        }
        sideBottom={
          <>
            {message && (
              <p role="alert" className="error">
                {message}
              </p>
            )}
            <div className="actions actions--submit">
              <button type="button" onClick={() => setDialog("flag")} disabled={busy}>
                Flag
              </button>
              <button type="button" onClick={() => onCommand("skip")} disabled={busy}>
                Skip
              </button>
              <button type="button" className="primary" onClick={() => void submit()} disabled={busy}>
                Submit
              </button>
            </div>
          </>
        }
        drawer={showGuidelines && <GuidelinesPanel guidelines={guidelines} onClose={() => setShowGuidelines(false)} />}
      />
      {dialog === "flag" && <FlagDialog onClose={() => setDialog(null)} onSubmit={(note) => leave("flagged", note)} />}
      {loggedOut && <ReloginDialog email={email} onLogin={relogin} />}
    </>
  );
}
