/**
 * One escalated task: every candidate answer in its author's colour, and the final answer
 * in the workbench, started from the proposed consensus (or empty). The adjudicator takes a
 * whole candidate, or picks regions from any of them (a click on the image, or the Take
 * buttons by keyboard), edits, and submits the final answer.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import type { Annotation, SchemaVersion } from "../api/types";
import { Swatch } from "../editor/panels";
import { Workbench, type HostCommand, type WorkbenchHandle, type WorkbenchOverlay } from "../editor/Workbench";
import { ActiveTimer, attachActivity } from "../lib/activeTime";
import { regionClass, type Region } from "../lib/regions";
import { stageFieldOf } from "../editor/taskMedia";
import { checkRegions } from "../lib/rules";
import { consensusRegions, type ProjectMember } from "./api";
import { annotatorColor } from "./colors";
import { holdsLinked, takeLinked } from "./linked";
import { takeWhole, withDependents } from "./merge";
import type { Current } from "./useOffers";
import "./review.css";

const COMMANDS: readonly HostCommand[] = ["submit"];

interface Props {
  client: ApiClient;
  projectId: number;
  schema: SchemaVersion;
  members: readonly ProjectMember[];
  current: Current;
  onNext: (message?: string | null) => void;
  onFail: (caught: unknown, what: string) => void;
}

export function AdjudicateStream({ client, projectId, schema, members, current, onNext, onFail }: Props) {
  const task = current.offer.task;
  const candidates = current.offer.answers;
  const emails = useMemo(() => new Map(members.map((m) => [m.user_id, m.email])), [members]);
  const nameOf = useCallback((id: number) => emails.get(id) ?? `user ${id}`, [emails]);
  const proposed = useMemo(() => consensusRegions(current.consensus), [current.consensus]);
  const [start] = useState<Region[]>(() => takeWhole(proposed));
  const [final, setFinal] = useState<readonly Region[]>(start);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const bench = useRef<WorkbenchHandle>(null);
  const startedAt = useMemo(() => new Date().toISOString(), []);
  const key = useMemo(() => (typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `adj-${Date.now()}-${Math.random()}`), []);
  const timer = useMemo(() => new ActiveTimer({ initialSeconds: 0 }), []);
  useEffect(() => attachActivity(timer, document, window), [timer]);

  const replace = useCallback((regions: Region[]) => {
    bench.current?.replace(regions);
  }, []);
  // A relation comes with the ends the final answer lacks (linked.ts), a segment with its
  // transcriptions.
  const take = useCallback((candidate: readonly Region[], region: Region) => {
    if (!bench.current) return;
    bench.current.replace(takeLinked(bench.current.regions(), candidate, withDependents(candidate, region)));
  }, []);

  const onPick = useCallback(
    (overlay: string, region: Region) => take(candidates.find((a) => String(a.id) === overlay)?.regions ?? [], region),
    [take, candidates],
  );

  const overlays = useMemo<WorkbenchOverlay[]>(
    () =>
      candidates.flatMap((a, i) =>
        hidden.has(a.id) ? [] : [{ id: String(a.id), name: nameOf(a.author_id), color: annotatorColor(i), regions: a.regions }],
      ),
    [candidates, hidden, nameOf],
  );

  const image = current.image.status === "ready" ? current.image.image : null;
  const submit = useCallback(async () => {
    if (!task || busy || !bench.current) return;
    const regions = bench.current.regions();
    const found = checkRegions(schema.schema, regions, image ? { width: image.width, height: image.height } : undefined);
    if (found.length > 0) {
      setMessage(`Fix ${found.length} problem${found.length === 1 ? "" : "s"} first (listed on the right).`);
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await client.submitAnnotation(projectId, task.id, { regions, lead_time_s: timer.seconds(), started_at: startedAt, schema_version: schema.version }, key);
      onNext(`Task ${task.id} adjudicated: the final answer has ${regions.length} region${regions.length === 1 ? "" : "s"}.`);
    } catch (caught) {
      setBusy(false);
      if (isApiError(caught) && caught.status === 409) {
        onNext(`This task moved on meanwhile (${caught.message}). The next task has been loaded.`);
        return;
      }
      if (isApiError(caught) && caught.status === 401) {
        onFail(caught, "submit the final answer");
        return;
      }
      setMessage(isApiError(caught) ? caught.message : "Could not submit the final answer.");
    }
  }, [task, busy, schema, image, client, projectId, timer, startedAt, key, onNext, onFail]);

  const onCommand = useCallback(
    (command: HostCommand) => {
      if (command === "submit") void submit();
    },
    [submit],
  );

  if (!task) return null;

  const side = (
    <>
      <section className="panel" aria-labelledby="adjudicate-heading">
        <h2 id="adjudicate-heading" className="panel__title">
          Task {task.id} <span className="muted">{candidates.length} candidates</span>
        </h2>
        <dl className="review-facts">
          <dt>Agreement</dt>
          <dd>{typeof task.agreement === "number" ? task.agreement.toFixed(2) : "not measured"}</dd>
          <dt>Started from</dt>
          <dd>{proposed.length > 0 ? `the proposed consensus (${proposed.length} regions)` : "nothing (no consensus)"}</dd>
        </dl>
        {current.consensusError && <p className="muted">No consensus from the server: {current.consensusError}.</p>}
        <p className="muted">With the select tool, click a candidate's region on the image to take it, or use the Take buttons below.</p>
        <div className="actions">
          <button type="button" onClick={() => replace(takeWhole(proposed))} disabled={proposed.length === 0}>
            Start over from the consensus
          </button>
          <button type="button" onClick={() => replace([])}>
            Clear
          </button>
        </div>
      </section>
      {candidates.map((a, i) => (
        <Candidate
          key={a.id}
          answer={a}
          index={i}
          name={nameOf(a.author_id)}
          shown={!hidden.has(a.id)}
          final={final}
          onShow={(shown) =>
            setHidden((h) => {
              const next = new Set(h);
              if (shown) next.delete(a.id);
              else next.add(a.id);
              return next;
            })
          }
          onTakeAll={() => replace(takeWhole(a.regions))}
          onTake={(r) => take(a.regions, r)}
        />
      ))}
    </>
  );

  return (
    <Workbench
      ref={bench}
      schema={schema.schema}
      image={current.image}
      regions={start}
      onChange={setFinal}
      overlays={overlays}
      onOverlayPick={onPick}
      startTool="select"
      commands={COMMANDS}
      onCommand={onCommand}
      data={{ fields: schema.schema.data.filter((d) => d !== stageFieldOf(schema.schema)), values: task.data }}
      sideTop={side}
      sideBottom={
        <>
          {message && (
            <p role="alert" className="error">
              {message}
            </p>
          )}
          <div className="actions actions--submit">
            <button type="button" className="primary" onClick={() => void submit()} disabled={busy} aria-keyshortcuts="Control+Enter">
              Submit final answer
            </button>
          </div>
        </>
      }
    />
  );
}

function Candidate({
  answer,
  index,
  name,
  shown,
  final,
  onShow,
  onTakeAll,
  onTake,
}: {
  answer: Annotation;
  index: number;
  name: string;
  shown: boolean;
  final: readonly Region[];
  onShow: (shown: boolean) => void;
  onTakeAll: () => void;
  onTake: (region: Region) => void;
}) {
  const headingId = `candidate-${answer.id}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel__title">
        <Swatch color={annotatorColor(index)} /> {name} <span className="muted">{answer.regions.length} regions</span>
      </h2>
      <div className="actions">
        <button type="button" onClick={onTakeAll}>
          Use {name}'s whole answer
        </button>
        <label className="answer-row__toggle">
          <input type="checkbox" checked={shown} onChange={(e) => onShow(e.target.checked)} /> Show on the image
        </label>
      </div>
      <ul className="candidate-regions" aria-label={`${name}'s regions`}>
        {answer.regions.map((r) => {
          const taken = holdsLinked(final, answer.regions, r);
          return (
            <li key={r.id}>
              <span>
                {regionClass(r) ?? describeItem(r)} <span className="muted">{r.type} {r.id}</span>
              </span>
              {taken && <span className="muted candidate-regions__taken">in the final answer</span>}
              <button type="button" onClick={() => onTake(r)} disabled={taken} aria-label={`Take ${name}'s ${r.id}`}>
                Take
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function describeItem(region: Region): string {
  const value = region.value as unknown as Record<string, unknown>;
  if (Array.isArray(value.classes)) return `${region.label}: ${(value.classes as string[]).join(", ")}`;
  if (typeof value.rating === "number") return `${region.label}: ${value.rating}`;
  if (typeof value.text === "string") return `${region.label}: ${value.text}`;
  return region.label;
}
