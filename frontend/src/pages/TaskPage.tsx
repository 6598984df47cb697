import { useCallback, useEffect, useMemo, useState } from "react";
import { useParams } from "react-router";
import { mediaUrl } from "../api/client";
import { isApiError } from "../api/errors";
import type { ProjectDetail, SchemaVersion } from "../api/types";
import { dataKey } from "../lib/schema";
import { AppShell } from "../components/AppShell";
import { useAuth } from "../components/authContext";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { listMembers, taskHistory, type Member, type TaskHistory } from "../tasks/api";
import { TaskControls } from "../tasks/TaskControls";
import { TaskHistoryView } from "../tasks/TaskHistoryView";
import { formatFigure, summary } from "../tasks/TaskTable";
import "../tasks/tasks.css";

/** One task for reviewers and managers: where it is in the workflow, every annotation
 * version, its events, and (for managers) the controls over it. */
export function TaskPage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const taskId = Number(params.taskId);
  const { client, expire, state } = useAuth();
  const [project, setProject] = useState<ProjectDetail | null>(null);
  const [schema, setSchema] = useState<SchemaVersion | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [history, setHistory] = useState<TaskHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(`Task ${taskId}${project ? ` · ${project.name}` : ""}`);

  const load = useCallback(async () => {
    try {
      const [detail, found, people, current] = await Promise.all([
        client.getProject(projectId),
        taskHistory(client, projectId, taskId),
        listMembers(client, projectId),
        client.getSchema(projectId).catch(() => null),
      ]);
      setProject(detail);
      setHistory(found);
      setMembers(people);
      setSchema(current);
      setError(null);
    } catch (caught) {
      if (isApiError(caught) && caught.status === 401) expire();
      else setError(isApiError(caught) ? caught.message : "Could not load the task.");
    }
  }, [client, projectId, taskId, expire]);

  useEffect(() => {
    void load();
  }, [load]);

  const emails = useMemo(() => new Map(members.map((m) => [m.user_id, m.email])), [members]);
  const emailOf = useCallback((id: number | null) => (id === null ? "the system" : (emails.get(id) ?? `user ${id}`)), [emails]);
  const isManager = project?.role === "manager" || (state.status === "authenticated" && state.user.is_admin);
  const imageField = schema?.schema.data.find((field) => field.type === "image");
  const task = history?.task;

  return (
    <AppShell>
      <h1>Task {taskId}{project ? ` · ${project.name}` : ""}</h1>
      {project && <ProjectNav projectId={projectId} projectName={project.name} role={project.role} />}
      {error !== null && (
        <div className="notice">
          <p role="alert" className="error">{error}</p>
          <button type="button" onClick={() => void load()}>Try again</button>
        </div>
      )}
      {!task && error === null && <p role="status">Loading the task…</p>}
      {task && history && (
        <>
          <dl className="task-facts" aria-label="Task facts">
            <dt>State</dt>
            <dd>{task.state}{task.frozen ? " (frozen)" : ""}</dd>
            <dt>Batch</dt>
            <dd>{task.batch ?? "none"}</dd>
            <dt>Priority</dt>
            <dd>{task.priority}</dd>
            <dt>Answers</dt>
            <dd>{task.taken ?? 0} of {task.overlap ?? 1} slots taken, round {task.round ?? 1}</dd>
            <dt>Agreement</dt>
            <dd>{formatFigure(task.agreement) || "not measured"}</dd>
            <dt>Gold</dt>
            <dd>{task.is_gold ? "yes" : "no"}</dd>
          </dl>
          {imageField ? (
            <img className="task-image" src={mediaUrl(projectId, taskId, dataKey(imageField))} alt={`Task ${taskId}'s ${imageField.name}`} />
          ) : (
            <p>{summary(task.data)}</p>
          )}
          {isManager && <TaskControls client={client} projectId={projectId} task={task} members={members} onChanged={() => void load()} />}
          <TaskHistoryView projectId={projectId} annotations={history.annotations} events={history.events} emailOf={emailOf} />
        </>
      )}
    </AppShell>
  );
}
