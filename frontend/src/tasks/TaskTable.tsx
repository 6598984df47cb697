import { Link } from "react-router";
import type { BrowsedTask } from "./api";

/** One page of tasks; each row links to the task's own page with its history. */
export function TaskTable({ projectId, tasks, emailOf }: { projectId: number; tasks: BrowsedTask[]; emailOf: (id: number) => string }) {
  return (
    <table className="task-table">
      <caption className="visually-hidden">Tasks matching the filters</caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Preview</th>
          <th scope="col">State</th>
          <th scope="col">Batch</th>
          <th scope="col">Agreement</th>
          <th scope="col">Score</th>
          <th scope="col">Annotators</th>
          <th scope="col">Flags</th>
          <th scope="col">Gold</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.id}>
            <th scope="row">
              <Link to={`/projects/${projectId}/tasks/${task.id}`}>Task {task.id}</Link>
            </th>
            <td>
              {task.thumbnail ? (
                <img className="task-thumb" src={task.thumbnail} alt="" loading="lazy" decoding="async" />
              ) : (
                <span className="muted">{summary(task.data)}</span>
              )}
            </td>
            <td>{task.frozen ? `${task.state ?? ""} (frozen)` : (task.state ?? "")}</td>
            <td>{task.batch ?? ""}</td>
            <td>{formatFigure(task.agreement)}</td>
            <td>{formatFigure(task.score)}</td>
            <td>{(task.annotators ?? []).map(emailOf).join(", ")}</td>
            <td>{task.open_flags ? task.open_flags : ""}</td>
            <td>{task.is_gold ? "gold" : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Figures show three decimals, as on the dashboard; missing ones show nothing. */
export function formatFigure(value: number | null | undefined): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(3) : "";
}

/** A task without an image: the start of its first text field. */
export function summary(data: Record<string, unknown>): string {
  for (const value of Object.values(data)) {
    if (typeof value === "string" && value.trim() !== "") {
      const text = value.trim();
      return text.length > 60 ? `${text.slice(0, 59)}…` : text;
    }
  }
  return "";
}
