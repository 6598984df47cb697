import type { ReactNode } from "react";
import { Link } from "react-router";
import type { ProjectDetail } from "../api/types";
import { AppShell } from "./AppShell";
import { ProjectNav } from "./ProjectNav";

export interface StreamFrameProps {
  projectId: number;
  project: ProjectDetail | null;
  /** The stream's name in the breadcrumbs: "Label", "Review", "Adjudicate". */
  stage: string;
  taskId: number | null;
  /** After the task in the breadcrumbs, e.g. how many were submitted this session. */
  crumbExtra?: ReactNode;
  notice?: string | null;
  error: string | null;
  onRetry: () => void;
  /** Whether the project and the first offer have arrived. */
  ready: boolean;
  /** Why the queue is empty (a sentence), or null while there is a task. */
  empty: string | null;
  children: ReactNode;
}

/** The frame the label, review and adjudication streams share: breadcrumbs naming the
 * task, the project's pages, a notice or an error with a retry, and the empty queue's
 * reason; the stream itself goes inside. */
export function StreamFrame(props: StreamFrameProps) {
  const { project, stage, taskId, error, ready, empty } = props;
  return (
    <AppShell wide>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Projects</Link> <span aria-hidden="true">/</span> <span>{project?.name ?? "…"}</span>{" "}
        <span aria-hidden="true">/</span> <span>{stage}</span>
        {taskId !== null && (
          <>
            {" "}
            <span aria-hidden="true">/</span> <span className="breadcrumbs__task">Task {taskId}</span>
          </>
        )}
        {props.crumbExtra}
      </nav>
      {project && <ProjectNav projectId={props.projectId} projectName={project.name} role={project.role} />}
      {props.notice && (
        <p role="status" className="notice">
          {props.notice}
        </p>
      )}
      {error && (
        <div className="notice">
          <p role="alert" className="error">
            {error}
          </p>
          <button type="button" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      )}
      {!error && !ready && <p role="status">Loading the next task…</p>}
      {ready && empty !== null && (
        <div className="notice">
          <p role="status">{empty}</p>
          <Link to="/">Back to projects</Link>
        </div>
      )}
      {ready && empty === null && props.children}
    </AppShell>
  );
}

/** A server's reason as the end of a sentence: "Nothing to review: {clause}". */
export function clause(text: string): string {
  return text + (/[.!?]$/.test(text) ? "" : ".");
}

/** A server's reason ("no task left for you") as a sentence of its own. */
export function sentence(text: string): string {
  return clause(text.charAt(0).toUpperCase() + text.slice(1));
}
