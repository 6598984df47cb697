import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { isApiError } from "../api/errors";
import type { ProjectDetail } from "../api/types";
import { AppShell } from "../components/AppShell";
import { useAuth } from "../components/authContext";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { listMembers, listTasks, type BrowsedTask } from "../tasks/api";
import { FilterForm, type FilterChoices } from "../tasks/FilterForm";
import { describeFilters, parseQuery, toSearch, type TaskQuery } from "../tasks/filters";
import { TaskTable } from "../tasks/TaskTable";
import "../tasks/tasks.css";

const PAGE_SIZE = 50;

interface Listing {
  /** The query (in its URL form) the items answer; while it is not the page's, they are stale. */
  search: string | null;
  items: BrowsedTask[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

/** The task browser: the project's tasks filtered and sorted as the URL says, so every
 * dashboard chart can link to the tasks behind it. */
export function TasksPage() {
  const projectId = Number(useParams().projectId);
  const { client, expire } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { query, problems } = useMemo(() => parseQuery(params), [params]);
  const search = toSearch(query);
  const [project, setProject] = useState<ProjectDetail | null>(null);
  const [choices, setChoices] = useState<FilterChoices>({ schema: null, members: [], categories: [] });
  const [listing, setListing] = useState<Listing>({ search: null, items: [], nextCursor: null, loading: true, error: null });
  const controller = useRef<AbortController | null>(null);
  useDocumentTitle(project ? `Tasks · ${project.name}` : "Tasks");

  const fail = useCallback(
    (caught: unknown, what: string): string | null => {
      if (isApiError(caught) && caught.status === 401) {
        expire();
        return null;
      }
      return isApiError(caught) ? caught.message : `Could not ${what}.`;
    },
    [expire],
  );

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const detail = await client.getProject(projectId);
        if (!live) return;
        setProject(detail);
        const [schema, members, workflow] = await Promise.all([
          client.getSchema(projectId).catch(() => null),
          listMembers(client, projectId),
          client.request<{ review_categories?: { name: string }[] }>("GET", `/api/projects/${projectId}/workflow`),
        ]);
        if (live) {
          setChoices({
            schema: schema?.schema ?? null,
            members,
            categories: (workflow.review_categories ?? []).map((c) => c.name),
          });
        }
      } catch (caught) {
        const message = fail(caught, "load the project");
        if (live && message !== null) setListing((l) => ({ ...l, loading: false, error: message }));
      }
    })();
    return () => {
      live = false;
    };
  }, [client, projectId, fail]);

  const load = useCallback(
    async (q: TaskQuery, cursor: string | null) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const search = toSearch(q);
      setListing((l) => ({ ...(cursor === null ? { items: [], nextCursor: null } : l), search, loading: true, error: null }));
      try {
        const page = await listTasks(client, projectId, q, cursor, PAGE_SIZE, abort.signal);
        setListing((l) => ({
          search,
          items: cursor === null ? page.items : [...l.items, ...page.items],
          nextCursor: page.next_cursor,
          loading: false,
          error: null,
        }));
      } catch (caught) {
        if (abort.signal.aborted) return;
        const message = fail(caught, "load the tasks");
        setListing((l) => ({ ...l, loading: false, error: message }));
      }
    },
    [client, projectId, fail],
  );

  useEffect(() => {
    void load(query, null);
    return () => controller.current?.abort();
  }, [load, query]);

  const emails = useMemo(() => new Map(choices.members.map((m) => [m.user_id, m.email])), [choices.members]);
  const emailOf = useCallback((id: number) => emails.get(id) ?? `user ${id}`, [emails]);
  const inForce = describeFilters(query.filters, { annotator: (id) => emailOf(Number(id)) });

  // Between a new address and its first answer the list still holds the last query's tasks.
  const current = listing.search === search;
  const loading = listing.loading || !current;
  const items = current ? listing.items : [];

  const apply = (next: TaskQuery) => {
    const text = toSearch(next);
    void navigate(text ? `?${text}` : "?");
  };

  return (
    <AppShell wide>
      <h1>Tasks{project ? ` · ${project.name}` : ""}</h1>
      {project && <ProjectNav projectId={projectId} projectName={project.name} role={project.role} />}
      {problems.length > 0 && (
        <div role="alert" className="notice">
          <p>Some parts of this link were not understood and are not applied:</p>
          <ul>
            {problems.map((p) => (
              <li key={p.name + p.message}>
                <code>{p.name}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="task-browser">
        <FilterForm key={search} query={query} choices={choices} onApply={apply} />
        <section className="task-browser__results" aria-labelledby="task-results-heading" aria-busy={loading}>
          <h2 id="task-results-heading">
            {inForce.length === 0 ? "All tasks" : "Tasks where " + inForce.join(", ")}
          </h2>
          {listing.error !== null && (
            <div className="notice">
              <p role="alert" className="error">{listing.error}</p>
              <button type="button" onClick={() => void load(query, listing.items.length > 0 ? listing.nextCursor : null)}>
                Try again
              </button>
            </div>
          )}
          {!loading && listing.error === null && items.length === 0 && <p>No task matches.</p>}
          {items.length > 0 && <TaskTable projectId={projectId} tasks={items} emailOf={emailOf} />}
          {loading && listing.error === null && <p role="status">Loading tasks…</p>}
          {!loading && listing.error === null && listing.nextCursor !== null && (
            <button type="button" onClick={() => void load(query, listing.nextCursor)}>
              Load {PAGE_SIZE} more
            </button>
          )}
        </section>
      </div>
    </AppShell>
  );
}
