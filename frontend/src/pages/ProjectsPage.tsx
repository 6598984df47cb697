import { useCallback, useEffect, useRef, useState } from "react";
import { isApiError } from "../api/errors";
import type { ProjectRole, ProjectSummary } from "../api/types";
import { AppShell } from "../components/AppShell";
import { useAuth } from "../components/authContext";
import { ProgressBar } from "../components/ProgressBar";
import { ProjectNav } from "../components/ProjectNav";
import { ProjectQueues } from "../components/ProjectQueues";
import { useDocumentTitle } from "../components/useDocumentTitle";

const PAGE_SIZE = 50;

const ROLE_NAMES: Record<ProjectRole, string> = {
  manager: "Manager",
  reviewer: "Reviewer",
  annotator: "Annotator",
};

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString();
}

interface ListState {
  items: ProjectSummary[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

export function ProjectsPage() {
  useDocumentTitle("Projects");
  const { client, expire } = useAuth();
  const [list, setList] = useState<ListState>({ items: [], nextCursor: null, loading: true, error: null });
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setList((previous) => ({ ...previous, loading: true, error: null }));
      try {
        const page = await client.listProjects({ limit: PAGE_SIZE, cursor }, abort.signal);
        setList((previous) => ({
          items: cursor === null ? page.items : [...previous.items, ...page.items],
          nextCursor: page.next_cursor,
          loading: false,
          error: null,
        }));
      } catch (caught) {
        if (abort.signal.aborted) return;
        if (isApiError(caught) && caught.status === 401) {
          expire();
          return;
        }
        const message = isApiError(caught) ? caught.message : "Could not load projects.";
        setList((previous) => ({ ...previous, loading: false, error: message }));
      }
    },
    [client, expire],
  );

  useEffect(() => {
    void load(null);
    return () => controller.current?.abort();
  }, [load]);

  const { items, nextCursor, loading, error } = list;
  return (
    <AppShell>
      <h1>Projects</h1>
      {error !== null && (
        <div className="notice">
          <p role="alert" className="error">
            {error}
          </p>
          <button type="button" onClick={() => void load(items.length > 0 ? nextCursor : null)}>
            Try again
          </button>
        </div>
      )}
      {!loading && error === null && items.length === 0 && <p>No projects yet.</p>}
      {items.length > 0 && (
        <ul className="project-list" aria-label="Projects">
          {items.map((project) => (
            <li key={project.id} className="project-card">
              <article aria-labelledby={`project-${project.id}-name`}>
                <h2 id={`project-${project.id}-name`} className="project-card__name">
                  {project.name}
                </h2>
                {project.description && <p className="project-card__description">{project.description}</p>}
                <ProgressBar counts={project} label={`Progress of ${project.name}`} />
                <ProjectQueues client={client} projectId={project.id} projectName={project.name} />
                <ProjectNav projectId={project.id} projectName={project.name} role={project.role} />
                <p className="project-card__meta">
                  <span>Role: {project.role === null ? "none" : ROLE_NAMES[project.role] ?? project.role}</span>
                  <span>
                    Created <time dateTime={project.created_at}>{formatDate(project.created_at)}</time>
                  </span>
                </p>
              </article>
            </li>
          ))}
        </ul>
      )}
      {loading && <p role="status">Loading projects…</p>}
      {!loading && error === null && nextCursor !== null && (
        <button type="button" onClick={() => void load(nextCursor)}>
          Load more projects
        </button>
      )}
    </AppShell>
  );
}
