import { Link } from "react-router";
import type { HistoryAnnotation, HistoryEvent } from "./api";
import { formatFigure } from "./TaskTable";

/** The task's annotations, every version with what it followed (schema and guideline
 * versions), and its events in order. */
export function TaskHistoryView(props: {
  projectId: number;
  annotations: HistoryAnnotation[];
  events: HistoryEvent[];
  emailOf: (id: number | null) => string;
}) {
  const { annotations, events, emailOf } = props;
  return (
    <>
      <section aria-labelledby="task-annotations-heading">
        <h2 id="task-annotations-heading">Annotations</h2>
        {annotations.length === 0 ? (
          <p className="muted">No submitted work yet.</p>
        ) : (
          <table className="task-table">
            <thead>
              <tr>
                <th scope="col">Annotation</th>
                <th scope="col">Author</th>
                <th scope="col">Stage</th>
                <th scope="col">Status</th>
                <th scope="col">Version of</th>
                <th scope="col">Schema</th>
                <th scope="col">Guidelines</th>
                <th scope="col">Gold score</th>
                <th scope="col">Submitted</th>
              </tr>
            </thead>
            <tbody>
              {annotations.map((a) => (
                <tr key={a.id}>
                  <th scope="row">#{a.id}</th>
                  <td>{emailOf(a.author_id)}</td>
                  <td>{a.stage}</td>
                  <td>{a.status}</td>
                  <td>{a.parent_id === null ? "" : `#${a.parent_id}`}</td>
                  <td>v{a.schema_version}</td>
                  <td>{a.guideline_version > 0 ? `v${a.guideline_version}` : "none"}</td>
                  <td>{formatFigure(a.gold_score)}</td>
                  <td>{a.submitted_at ? <Time iso={a.submitted_at} /> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="task-events-heading">
        <h2 id="task-events-heading">History</h2>
        {events.length === 0 ? (
          <p className="muted">No events yet.</p>
        ) : (
          <ol className="timeline">
            {events.map((e) => (
              <li key={e.id}>
                <Time iso={e.at} />
                <strong>{e.action}</strong> by {emailOf(e.actor_id)}
                {e.object_type !== "task" && ` on ${e.object_type} #${e.object_id ?? ""}`}
                {describeDetails(e.details)}
              </li>
            ))}
          </ol>
        )}
      </section>
      <p>
        <Link to={`/projects/${props.projectId}/tasks`}>Back to the tasks</Link>
      </p>
    </>
  );
}

function Time({ iso }: { iso: string }) {
  const date = new Date(iso);
  return <time dateTime={iso}>{Number.isNaN(date.getTime()) ? iso : date.toLocaleString()}</time>;
}

/** An event's details as one short line of text, e.g. " (stage: review, user_id: 4)". */
export function describeDetails(details: Record<string, unknown> | null | undefined): string {
  if (!details) return "";
  const parts = Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
