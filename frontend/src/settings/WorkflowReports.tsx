/** The pilot batch's report with its Approve button, and the calibration report, for the
 * batches the saved policy names (docs/workflow.md, "Gold, calibration and pilot"). */
import { useCallback, useEffect, useState } from "react";
import { useAuth } from "../components/authContext";
import { approvePilot, calibrationReport, pilotReport, type Policy } from "./api";
import { useFailure } from "./common";

type Report = Record<string, unknown>;

function num(value: unknown, digits = 2): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

function rec(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(rec) : [];
}

function useReport(load: () => Promise<Report>, batch: unknown) {
  const fail = useFailure();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    setError(null);
    load().then(setReport, (caught: unknown) => setError(fail(caught, "load the report")));
  }, [load, fail]);
  useEffect(() => {
    setReport(null);
    if (typeof batch === "string") refresh();
  }, [batch, refresh]);
  return { report, error, refresh };
}

export function WorkflowReports({ projectId, policy, onPolicy }: { projectId: number; policy: Policy; onPolicy: (p: Policy) => void }) {
  return (
    <>
      <PilotReport projectId={projectId} policy={policy} onPolicy={onPolicy} />
      <CalibrationReport projectId={projectId} policy={policy} />
    </>
  );
}

function PilotReport({ projectId, policy, onPolicy }: { projectId: number; policy: Policy; onPolicy: (p: Policy) => void }) {
  const { client } = useAuth();
  const fail = useFailure();
  const load = useCallback(() => pilotReport(client, projectId), [client, projectId]);
  const { report, error, refresh } = useReport(load, policy.pilot_batch);
  const [approving, setApproving] = useState(false);
  const [approveError, setApproveError] = useState<string | null>(null);

  async function approve() {
    setApproving(true);
    setApproveError(null);
    try {
      onPolicy(await approvePilot(client, projectId));
      refresh();
    } catch (caught) {
      setApproveError(fail(caught, "approve the pilot"));
    } finally {
      setApproving(false);
    }
  }

  return (
    <section className="report" aria-labelledby="pilot-heading">
      <h2 id="pilot-heading">Pilot report</h2>
      {typeof policy.pilot_batch !== "string" ? (
        <p className="muted">No pilot batch is set. Name one above and save to hold the rest of the project back until you approve it.</p>
      ) : (
        <>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {!report && !error && <p role="status">Loading the pilot report…</p>}
          {report && (
            <>
              <p>
                Batch <strong>{String(report.batch)}</strong>: {report.approved ? "approved; the rest of the project is open." : "awaiting approval; only its tasks are handed out."}
              </p>
              <dl className="report__figures">
                <dt>Tasks</dt>
                <dd>
                  {num(rec(report.tasks).total, 0)} ({num(rec(report.tasks).done, 0)} done, {num(rec(report.tasks).label, 0)} labeling, {num(rec(report.tasks).review, 0)} in review,{" "}
                  {num(rec(report.tasks).adjudicate, 0)} to adjudicate)
                </dd>
                <dt>Mean agreement</dt>
                <dd>
                  {num(rec(report.agreement).mean)} over {num(rec(report.agreement).tasks, 0)} tasks; {num(rec(report.agreement).below_threshold, 0)} below the threshold{" "}
                  {num(rec(report.agreement).threshold)}
                </dd>
                <dt>Time per task</dt>
                <dd>
                  median {num(rec(report.time_per_task_s).median, 1)} s, 90th percentile {num(rec(report.time_per_task_s).p90, 1)} s, over {num(rec(report.time_per_task_s).answers, 0)} answers
                </dd>
              </dl>
              <AnnotatorTable
                caption="Pilot answers by annotator"
                rows={list(report.annotators)}
                columns={[
                  ["Answers", (r) => num(r.answers, 0)],
                  ["Median time (s)", (r) => num(r.median_time_s, 1)],
                ]}
              />
              {!report.approved && (
                <button type="button" onClick={() => void approve()} disabled={approving}>
                  {approving ? "Approving…" : `Approve the pilot batch ${String(report.batch)}`}
                </button>
              )}
              {approveError && (
                <p role="alert" className="error">
                  {approveError}
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

function CalibrationReport({ projectId, policy }: { projectId: number; policy: Policy }) {
  const { client } = useAuth();
  const load = useCallback(() => calibrationReport(client, projectId), [client, projectId]);
  const { report, error } = useReport(load, policy.calibration_batch);
  return (
    <section className="report" aria-labelledby="calibration-heading">
      <h2 id="calibration-heading">Calibration report</h2>
      {typeof policy.calibration_batch !== "string" ? (
        <p className="muted">No calibration batch is set. Name one above and save: every annotator labels it first, and this report shows how they agree.</p>
      ) : (
        <>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {!report && !error && <p role="status">Loading the calibration report…</p>}
          {report && (
            <>
              <p>
                Batch <strong>{String(report.batch)}</strong>, {num(report.tasks, 0)} tasks.
              </p>
              <AnnotatorTable
                caption="Calibration by annotator"
                rows={list(report.annotators)}
                columns={[
                  ["Answered", (r) => num(r.answered, 0)],
                  ["All done", (r) => (r.complete ? "yes" : "no")],
                  ["Mean score against consensus", (r) => num(r.mean_score)],
                ]}
              />
              <table className="report__table">
                <caption>Agreement per label (Krippendorff's alpha)</caption>
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    <th scope="col">Type</th>
                    <th scope="col">Alpha</th>
                  </tr>
                </thead>
                <tbody>
                  {list(report.labels).map((row) => {
                    const alpha = rec(row.alpha);
                    const why = alpha.reason ?? alpha.undefined_because;
                    return (
                      <tr key={String(row.label)}>
                        <th scope="row">{String(row.label)}</th>
                        <td>{String(row.type)}</td>
                        <td>{row.alpha === null ? "no answers yet" : typeof alpha.value === "number" ? num(alpha.value, 3) : `undefined${why ? `: ${String(why)}` : ""}`}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}

function AnnotatorTable({ caption, rows, columns }: { caption: string; rows: Record<string, unknown>[]; columns: [string, (r: Record<string, unknown>) => string][] }) {
  if (rows.length === 0) return <p className="muted">{caption}: no answers yet.</p>;
  return (
    <table className="report__table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Annotator</th>
          {columns.map(([name]) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={String(row.annotator)}>
            <th scope="row">{String(row.annotator)}</th>
            {columns.map(([name, cell]) => (
              <td key={name}>{cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
