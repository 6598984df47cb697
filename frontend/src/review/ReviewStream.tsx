/**
 * One review task: its answers overlaid (each annotator in their colour, toggled one by
 * one) or side by side, how their regions match, the agreement and the proposed consensus,
 * and a verdict per answer: accept, reject (categories, a comment, notes pinned to regions)
 * or fix (edit the answer in the workbench and accept the edit). Every verdict has a key.
 */
import { useCallback, useMemo, useRef, useState, type FormEvent } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import type { Annotation, SchemaVersion } from "../api/types";
import { Swatch } from "../editor/panels";
import { Workbench, type WorkbenchHandle, type WorkbenchKey, type WorkbenchOverlay } from "../editor/Workbench";
import { isMediaType, isShapeType } from "../lib/schema";
import type { Region } from "../lib/regions";
import { stageFieldOf } from "../editor/taskMedia";
import { annotationDiff, consensusRegions, reviewAnnotation, scoresByAnswer, type ProjectMember, type Review, type ReviewCategory, type Verdict } from "./api";
import { AnswerThumb } from "./AnswerThumb";
import { annotatorColor } from "./colors";
import { matchAnswers, matchedIn, type Match } from "./matching";
import type { Current } from "./useOffers";
import "./review.css";

export const CONSENSUS_COLOR = "#ffffff";

interface Props {
  client: ApiClient;
  projectId: number;
  schema: SchemaVersion;
  members: readonly ProjectMember[];
  /** The project's error taxonomy; null when it could not be read. */
  categories: readonly ReviewCategory[] | null;
  current: Current;
  /** Load the next task (or this one again), showing `message`. */
  onNext: (message?: string | null) => void;
  onFail: (caught: unknown, what: string) => void;
}

type Mode = "view" | "reject" | "fix";

interface Pin {
  region_id: string;
  body: string;
}

export function ReviewStream({ client, projectId, schema, members, categories, current, onNext, onFail }: Props) {
  const answers = current.offer.answers;
  const task = current.offer.task;
  const emails = useMemo(() => new Map(members.map((m) => [m.user_id, m.email])), [members]);
  const emailOf = useCallback((id: number) => emails.get(id) ?? null, [emails]);
  const nameOf = useCallback((id: number) => emails.get(id) ?? `user ${id}`, [emails]);
  const matches = useMemo(() => matchAnswers(answers, current.consensus, emailOf), [answers, current.consensus, emailOf]);
  const proposed = useMemo(() => consensusRegions(current.consensus), [current.consensus]);
  const scores = useMemo(() => scoresByAnswer(current.consensus), [current.consensus]);
  const [results, setResults] = useState<Record<number, Review>>({});
  /** The regions of each fix sent, shown in place of the answer once accepted. */
  const [fixes, setFixes] = useState<Record<number, Region[]>>({});
  const pending = useCallback((a: Annotation) => a.status === "submitted" && results[a.id] === undefined, [results]);
  const [at, setAt] = useState(() => Math.max(0, answers.findIndex((a) => a.status === "submitted")));
  const answer = answers[at];
  const [mode, setMode] = useState<Mode>("view");
  const [layout, setLayout] = useState<"overlay" | "side">("overlay");
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [showConsensus, setShowConsensus] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectRequest, setSelectRequest] = useState<{ id: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState("");
  const [pins, setPins] = useState<Pin[]>([]);
  const [note, setNote] = useState("");
  const bench = useRef<WorkbenchHandle>(null);
  const allJudged = answers.every((a) => !pending(a));

  const resetForm = () => {
    setChosen([]);
    setComment("");
    setPins([]);
    setNote("");
  };

  const goTo = useCallback(
    (index: number) => {
      if (index < 0 || index >= answers.length) return;
      setAt(index);
      setMode("view");
      setSelected(null);
      setMessage(null);
      resetForm();
    },
    [answers.length],
  );

  const judge = useCallback(
    async (verdict: Verdict) => {
      if (!answer || busy) return;
      setBusy(true);
      setMessage(null);
      try {
        let review = await reviewAnnotation(client, projectId, answer, verdict);
        if (review.verdict === "fix" && !review.diff && review.fixed_annotation_id !== null) {
          // The diff as the server keeps it for any later view, when the answer did not carry it.
          review = { ...review, diff: await annotationDiff(client, projectId, review.fixed_annotation_id) };
        }
        if (verdict.verdict === "fix") setFixes((f) => ({ ...f, [answer.id]: verdict.regions }));
        const next = { ...results, [answer.id]: review };
        setResults(next);
        setMode("view");
        resetForm();
        setSelected(null);
        setSelectRequest({ id: null });
        const following = answers.findIndex((a, i) => i > at && a.status === "submitted" && next[a.id] === undefined);
        const earlier = answers.findIndex((a) => a.status === "submitted" && next[a.id] === undefined);
        const go = following >= 0 ? following : earlier;
        if (go >= 0) setAt(go);
      } catch (caught) {
        if (isApiError(caught) && caught.status === 409) {
          onNext(`Someone else reviewed this answer first, or it changed (${caught.message}). The task has been loaded again.`);
          return;
        }
        if (isApiError(caught) && caught.status === 401) {
          onFail(caught, "send the review");
          return;
        }
        setMessage(isApiError(caught) ? caught.message : "Could not send the review.");
      } finally {
        setBusy(false);
      }
    },
    [answer, busy, client, projectId, results, answers, at, onNext, onFail],
  );

  const accept = useCallback(() => {
    if (answer && pending(answer) && mode === "view") void judge({ verdict: "accept" });
  }, [answer, pending, mode, judge]);

  const sendRejection = useCallback(
    (event?: FormEvent) => {
      event?.preventDefault();
      if (chosen.length === 0) {
        setMessage("Choose at least one error category.");
        return;
      }
      if (!comment.trim()) {
        setMessage("Say what is wrong in the comment, so the annotator can fix it.");
        return;
      }
      void judge({ verdict: "reject", error_categories: chosen, comment: comment.trim(), region_comments: pins });
    },
    [chosen, comment, pins, judge],
  );

  const acceptFix = useCallback(() => {
    if (mode !== "fix" || !bench.current) return;
    void judge({ verdict: "fix", regions: bench.current.regions() });
  }, [mode, judge]);

  const pin = useCallback(() => {
    if (!selected) {
      setMessage("Select a region first (on the image or in the list), then write the note.");
      return;
    }
    if (!note.trim()) {
      setMessage("Write the note to pin.");
      return;
    }
    setPins((p) => [...p, { region_id: selected, body: note.trim() }]);
    setNote("");
    setMessage(null);
  }, [selected, note]);

  const keys = useMemo<WorkbenchKey[]>(() => {
    if (mode === "fix") return [{ hotkey: "ctrl+enter", description: "Accept with your fix", run: acceptFix }];
    if (mode === "reject") return [{ hotkey: "escape", description: "Cancel the rejection", run: () => setMode("view") }];
    const open = answer !== undefined && pending(answer);
    const list: WorkbenchKey[] = [];
    if (open) {
      list.push(
        { hotkey: "a", description: "Accept this answer", run: accept },
        { hotkey: "r", description: "Reject this answer…", run: () => setMode("reject") },
        { hotkey: "e", description: "Fix this answer (edit, then accept)", run: () => setMode("fix") },
      );
    }
    list.push(
      { hotkey: "j", description: "Next answer", run: () => goTo((at + 1) % Math.max(1, answers.length)) },
      { hotkey: "k", description: "Previous answer", run: () => goTo((at - 1 + answers.length) % Math.max(1, answers.length)) },
      { hotkey: "o", description: "Overlaid or side by side", run: () => setLayout((l) => (l === "overlay" ? "side" : "overlay")) },
    );
    if (proposed.length > 0) list.push({ hotkey: "c", description: "Show or hide the proposed consensus", run: () => setShowConsensus((v) => !v) });
    if (allJudged) list.push({ hotkey: "n", description: "Next task", run: () => onNext() });
    return list;
  }, [mode, acceptFix, answer, pending, accept, goTo, at, answers.length, proposed.length, allJudged, onNext]);

  const overlays = useMemo<WorkbenchOverlay[]>(() => {
    if (layout !== "overlay") return [];
    const out: WorkbenchOverlay[] = answers.flatMap((a, i) =>
      i === at || hidden.has(a.id) ? [] : [{ id: String(a.id), name: nameOf(a.author_id), color: annotatorColor(i), regions: a.regions }],
    );
    if (showConsensus) out.push({ id: "consensus", name: "Proposed consensus", color: CONSENSUS_COLOR, regions: proposed });
    return out;
  }, [layout, answers, at, hidden, nameOf, showConsensus, proposed]);

  const ownColor = useMemo(() => {
    const color = annotatorColor(at);
    return () => color;
  }, [at]);

  const pinsOn = useCallback(
    (id: string) => {
      const n = pins.filter((p) => p.region_id === id).length;
      return n === 0 ? null : `${n} note${n === 1 ? "" : "s"}`;
    },
    [pins],
  );

  if (!task || !answer) {
    return (
      <div className="notice">
        <p role="status">This task has no answers to review.</p>
        <button type="button" onClick={() => onNext()}>
          Next task
        </button>
      </div>
    );
  }

  const image = current.image.status === "ready" ? current.image.image : null;
  const matchedHere = matchedIn(matches, at);
  // Regions placed on the media: shapes, spans, segments, tracks.
  const placed = (r: Region) => isShapeType(r.type) || isMediaType(r.type);
  const shapeCount = answer.regions.filter(placed).length;
  const matchedCount = answer.regions.filter((r) => placed(r) && (matchedHere.get(r.id)?.members.length ?? 0) > 1).length;
  const result = results[answer.id];

  const side = (
    <>
      <section className="panel" aria-labelledby="review-task-heading">
        <h2 id="review-task-heading" className="panel__title">
          Task {task.id}
        </h2>
        <dl className="review-facts">
          <dt>Agreement</dt>
          <dd>{typeof task.agreement === "number" ? task.agreement.toFixed(2) : answers.length > 1 ? "not measured" : "one answer"}</dd>
          {typeof task.round === "number" && (
            <>
              <dt>Round</dt>
              <dd>{task.round}</dd>
            </>
          )}
        </dl>
        {current.consensusError && <p className="muted">No consensus from the server ({current.consensusError}); regions are matched here.</p>}
        <ul className="answer-list" aria-label="Answers">
          {answers.map((a, i) => {
            const done = results[a.id];
            const score = (a as Annotation & { gold_score?: number | null }).gold_score;
            return (
              <li key={a.id} className={i === at ? "answer-row answer-row--current" : "answer-row"}>
                <button type="button" className="answer-row__pick" aria-pressed={i === at} onClick={() => goTo(i)}>
                  <Swatch color={annotatorColor(i)} />
                  <span className="answer-row__name">{nameOf(a.author_id)}</span>{" "}
                  <span className="muted">{done ? verdictText(done.verdict) : a.status}</span>
                  {typeof scores.get(a.id) === "number" && (
                    <span className="muted">score {(scores.get(a.id) as number).toFixed(2)} against the consensus</span>
                  )}
                  {typeof score === "number" && <span className="muted">gold score {score.toFixed(2)}</span>}
                </button>
                {layout === "overlay" && i !== at && (
                  <label className="answer-row__toggle">
                    <input
                      type="checkbox"
                      checked={!hidden.has(a.id)}
                      onChange={(e) => {
                        const checked = e.target.checked;
                        setHidden((h) => {
                          const next = new Set(h);
                          if (checked) next.delete(a.id);
                          else next.add(a.id);
                          return next;
                        });
                      }}
                    />
                    <span className="visually-hidden">Show {nameOf(a.author_id)}'s regions</span>
                    <span aria-hidden="true">shown</span>
                  </label>
                )}
              </li>
            );
          })}
        </ul>
        <div className="actions">
          <button type="button" aria-pressed={layout === "side"} onClick={() => setLayout((l) => (l === "overlay" ? "side" : "overlay"))}>
            Side by side
          </button>
          {proposed.length > 0 && (
            <button type="button" aria-pressed={showConsensus} onClick={() => setShowConsensus((v) => !v)}>
              Proposed consensus ({proposed.length})
            </button>
          )}
        </div>
      </section>
      {allJudged ? (
        <Summary answers={answers} results={results} nameOf={nameOf} onNext={() => onNext()} />
      ) : (
        <section className="panel review-verdict" aria-labelledby="verdict-heading">
          <h2 id="verdict-heading" className="panel__title">
            {nameOf(answer.author_id)}'s answer <span className="muted">{at + 1} of {answers.length}</span>
          </h2>
          <p className="muted">
            {shapeCount} region{shapeCount === 1 ? "" : "s"}
            {answers.length > 1 ? `, ${matchedCount} matched in another answer` : ""}
          </p>
          {result && <ResultLine review={result} />}
          {!pending(answer) && !result && <p>This answer is {answer.status}; there is nothing to judge.</p>}
          {pending(answer) && mode === "view" && (
            <div className="actions">
              <button type="button" className="primary" onClick={accept} disabled={busy} aria-keyshortcuts="A">
                Accept <kbd>A</kbd>
              </button>
              <button type="button" onClick={() => setMode("reject")} disabled={busy} aria-keyshortcuts="R">
                Reject… <kbd>R</kbd>
              </button>
              <button type="button" onClick={() => setMode("fix")} disabled={busy} aria-keyshortcuts="E">
                Fix <kbd>E</kbd>
              </button>
            </div>
          )}
          {mode === "reject" && (
            <RejectForm
              categories={categories}
              chosen={chosen}
              setChosen={setChosen}
              comment={comment}
              setComment={setComment}
              pins={pins}
              setPins={setPins}
              note={note}
              setNote={setNote}
              selected={selected}
              onPin={pin}
              onSubmit={sendRejection}
              onCancel={() => setMode("view")}
              busy={busy}
            />
          )}
          {mode === "fix" && (
            <>
              <p>Edit the answer on the image, then accept it with your changes. The annotator's version is kept; yours becomes the next version.</p>
              <div className="actions">
                <button type="button" onClick={() => setMode("view")} disabled={busy}>
                  Cancel fix
                </button>
                <button type="button" className="primary" onClick={acceptFix} disabled={busy} aria-keyshortcuts="Control+Enter">
                  Accept with fix
                </button>
              </div>
            </>
          )}
          {message && (
            <p role="alert" className="error">
              {message}
            </p>
          )}
        </section>
      )}
      {answers.length > 1 && <MatchPanel matches={matches} answers={answers} at={at} nameOf={nameOf} onSelect={(id) => setSelectRequest({ id })} />}
    </>
  );

  return (
    <div className="review">
      {layout === "side" && image && (
        <div className="review-side" role="group" aria-label="Answers side by side">
          {answers.map((a, i) => (
            <figure key={a.id} className={i === at ? "review-side__item review-side__item--current" : "review-side__item"}>
              <AnswerThumb image={image} regions={a.regions} color={annotatorColor(i)} title={`${nameOf(a.author_id)}'s answer`} selected={i === at ? selected : null} />
              <figcaption>
                <button type="button" className="link-button" onClick={() => goTo(i)} aria-pressed={i === at}>
                  {nameOf(a.author_id)}
                </button>
              </figcaption>
            </figure>
          ))}
          {proposed.length > 0 && (
            <figure className="review-side__item">
              <AnswerThumb image={image} regions={proposed} color="#444444" title="The proposed consensus" />
              <figcaption>Proposed consensus</figcaption>
            </figure>
          )}
        </div>
      )}
      <Workbench
        key={`${answer.id}-${mode === "fix" ? "fix" : fixes[answer.id] ? "fixed" : "view"}`}
        ref={bench}
        schema={schema.schema}
        image={current.image}
        regions={fixes[answer.id] ?? answer.regions}
        readOnly={mode !== "fix"}
        colorOf={mode === "fix" ? undefined : ownColor}
        overlays={overlays}
        selectRequest={selectRequest}
        onSelect={setSelected}
        keys={keys}
        data={{ fields: schema.schema.data.filter((d) => d !== stageFieldOf(schema.schema)), values: task.data }}
        regionNote={pinsOn}
        sideTop={side}
      />
    </div>
  );
}

function verdictText(verdict: Review["verdict"]): string {
  return verdict === "accept" ? "accepted" : verdict === "reject" ? "rejected" : "fixed";
}

function ResultLine({ review }: { review: Review }) {
  return (
    <div className="review-result">
      <p>
        <strong>{verdictText(review.verdict)}</strong>
        {review.error_categories.length > 0 && <> · {review.error_categories.join(", ")}</>}
      </p>
      {review.comment && <p className="review-result__comment">{review.comment}</p>}
      {review.diff && <DiffView diff={review.diff} />}
    </div>
  );
}

export function DiffView({ diff }: { diff: NonNullable<Review["diff"]> }) {
  const none = diff.added.length + diff.removed.length + diff.changed.length === 0;
  return (
    <dl className="review-diff" aria-label="Changes of the fix">
      {none && (
        <>
          <dt>Changes</dt>
          <dd>none</dd>
        </>
      )}
      {diff.added.length > 0 && (
        <>
          <dt>Added</dt>
          <dd data-diff="added">{diff.added.join(", ")}</dd>
        </>
      )}
      {diff.removed.length > 0 && (
        <>
          <dt>Removed</dt>
          <dd data-diff="removed">{diff.removed.join(", ")}</dd>
        </>
      )}
      {diff.changed.length > 0 && (
        <>
          <dt>Changed</dt>
          <dd data-diff="changed">{diff.changed.map((c) => `${c.id} (${c.fields.join(", ")})`).join("; ")}</dd>
        </>
      )}
    </dl>
  );
}

function Summary({ answers, results, nameOf, onNext }: { answers: readonly Annotation[]; results: Record<number, Review>; nameOf: (id: number) => string; onNext: () => void }) {
  return (
    <section className="panel" aria-labelledby="summary-heading">
      <h2 id="summary-heading" className="panel__title">
        Every answer is judged
      </h2>
      <ul className="review-summary">
        {answers.map((a) => (
          <li key={a.id}>
            <span>{nameOf(a.author_id)}</span>: {results[a.id] ? <ResultLine review={results[a.id] as Review} /> : a.status}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="primary" onClick={onNext} aria-keyshortcuts="N">
          Next task <kbd>N</kbd>
        </button>
      </div>
    </section>
  );
}

function RejectForm(props: {
  categories: readonly ReviewCategory[] | null;
  chosen: string[];
  setChosen: (c: string[]) => void;
  comment: string;
  setComment: (c: string) => void;
  pins: Pin[];
  setPins: (p: Pin[]) => void;
  note: string;
  setNote: (n: string) => void;
  selected: string | null;
  onPin: () => void;
  onSubmit: (event?: FormEvent) => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const { categories, chosen, setChosen, pins, selected } = props;
  const [typed, setTyped] = useState("");
  return (
    <form
      className="reject-form"
      aria-label="Reject this answer"
      onSubmit={props.onSubmit}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) props.onSubmit(e);
      }}
    >
      <fieldset>
        <legend>Error categories</legend>
        {categories && categories.length > 0 ? (
          categories.map((c) => (
            <label key={c.name} className="reject-form__category">
              <input
                type="checkbox"
                checked={chosen.includes(c.name)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, c.name] : chosen.filter((x) => x !== c.name))}
              />{" "}
              {c.name}
              {c.description && <span className="muted"> — {c.description}</span>}
            </label>
          ))
        ) : (
          <>
            <p className="muted">The project's error categories could not be read; type one.</p>
            <label htmlFor="reject-category">Category</label>
            <input
              id="reject-category"
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
                setChosen(e.target.value.trim() ? [e.target.value.trim()] : []);
              }}
            />
          </>
        )}
      </fieldset>
      <label htmlFor="reject-comment">Comment</label>
      <textarea id="reject-comment" value={props.comment} onChange={(e) => props.setComment(e.target.value)} maxLength={10000} autoFocus />
      <fieldset>
        <legend>Notes pinned to regions</legend>
        <p className="muted">{selected ? `Selected: ${selected}.` : "Select a region on the image or in the list."}</p>
        <label htmlFor="reject-note">{selected ? `Note on ${selected}` : "Note on the selected region"}</label>
        <textarea id="reject-note" value={props.note} onChange={(e) => props.setNote(e.target.value)} maxLength={5000} rows={2} />
        <button type="button" onClick={props.onPin} disabled={!selected}>
          {selected ? `Pin to ${selected}` : "Pin to the selected region"}
        </button>
        {pins.length > 0 && (
          <ul className="pin-list" aria-label="Pinned notes">
            {pins.map((p, i) => (
              <li key={i}>
                <strong>{p.region_id}</strong>: <span>{p.body}</span>{" "}
                <button type="button" className="icon-button" aria-label={`Remove the note on ${p.region_id}`} onClick={() => props.setPins(pins.filter((_, j) => j !== i))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="actions">
        <button type="button" onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={props.busy}>
          Send rejection
        </button>
      </div>
    </form>
  );
}

function MatchPanel({
  matches,
  answers,
  at,
  nameOf,
  onSelect,
}: {
  matches: readonly Match[];
  answers: readonly Annotation[];
  at: number;
  nameOf: (id: number) => string;
  onSelect: (id: string) => void;
}) {
  const shown = matches.slice(0, 200);
  return (
    <section className="panel" aria-labelledby="matching-heading">
      <h2 id="matching-heading" className="panel__title">
        Matching <span className="muted">{matches.length} objects</span>
      </h2>
      <ul className="match-list" aria-label="Matched objects">
        {shown.map((m, i) => {
          const mine = m.members.find((x) => x.answer === at);
          const who = m.members.map((x) => nameOf(answers[x.answer]?.author_id ?? -1)).join(", ");
          const text = (
            <>
              <span className="match-list__dots" aria-hidden="true">
                {m.members.map((x) => (
                  <Swatch key={x.answer} color={annotatorColor(x.answer)} />
                ))}
              </span>
              <span>
                {m.cls ?? m.label} <span className="muted">{m.label}</span>
              </span>{" "}
              <span className="muted">
                {Math.round(m.support * 100)}%{m.agreement !== null ? ` · IoU ${m.agreement.toFixed(2)}` : ""}
                {m.consensus ? " · in the consensus" : ""}
              </span>
              <span className="visually-hidden">, drawn by {who}</span>
            </>
          );
          return (
            <li key={i} title={`Drawn by ${who}`}>
              {mine ? (
                <button type="button" className="match-list__pick" onClick={() => onSelect(mine.regionId)}>
                  {text}
                </button>
              ) : (
                <span className="match-list__pick match-list__pick--absent">
                  {text}
                  <span className="muted"> (not in this answer)</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {matches.length > shown.length && <p className="muted">and {matches.length - shown.length} more</p>}
    </section>
  );
}
