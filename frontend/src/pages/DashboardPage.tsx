import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { isApiError } from "../api/errors";
import type { ProjectDetail } from "../api/types";
import { AppShell } from "../components/AppShell";
import { ProjectNav } from "../components/ProjectNav";
import { useAuth } from "../components/authContext";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { fetchReport, listMembers, type Member } from "../dashboard/api";
import { FlagsQueue } from "../dashboard/FlagsQueue";
import { ReportShapeError, type Report } from "../dashboard/report";
import { annotatorIds, classLabels, DIGITS } from "../dashboard/series";
import "../dashboard/dashboard.css";

const Charts = lazy(() => import("../dashboard/Charts"));

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

interface Loaded {
  project: ProjectDetail;
  report: Report;
  members: Member[];
  classLabels: Map<string, string>;
}

/** The QA dashboard of one project (reviewers and managers): the QA report, fetched once,
 * as charts that each open the tasks behind them, and the flags queue. */
export function DashboardPage() {
  const { projectId: raw } = useParams();
  const projectId = Number(raw);
  const { client, expire, state } = useAuth();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(loaded ? `Dashboard · ${loaded.project.name}` : "Dashboard");

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      try {
        // The schema names each class's label, for links to a class's tasks.
        const withSchema = client
          .getProject(projectId)
          .then(async (project) => ({ project, schema: project.schema_version > 0 ? await client.getSchema(projectId) : null }));
        const [{ project, schema }, report, members] = await Promise.all([
          withSchema,
          fetchReport(client, projectId, abort.signal),
          listMembers(client, projectId, abort.signal),
        ]);
        if (abort.signal.aborted) return;
        setLoaded({ project, report, members, classLabels: classLabels(schema?.schema ?? { labels: [] }) });
      } catch (caught) {
        if (abort.signal.aborted) return;
        if (isApiError(caught) && caught.status === 401) return expire();
        setError(
          isApiError(caught) || caught instanceof ReportShapeError ? caught.message : "Could not load the QA report.",
        );
      }
    })();
    return () => abort.abort();
  }, [client, projectId, expire]);

  const ids = useMemo(
    () => annotatorIds(loaded?.members ?? [], loaded?.report.throughput ?? null),
    [loaded],
  );
  const people = useMemo(() => new Map((loaded?.members ?? []).map((m) => [m.user_id, m.email])), [loaded]);
  const isAdmin = state.status === "authenticated" && state.user.is_admin;
  const project = loaded?.project;
  const counts = loaded?.report.counts;

  return (
    <AppShell>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Projects</Link> <span aria-hidden="true">/</span> <span>{project?.name ?? "…"}</span>{" "}
        <span aria-hidden="true">/</span> <span>Dashboard</span>
      </nav>
      {project && <ProjectNav projectId={projectId} projectName={project.name} role={project.role} />}
      <h1>QA dashboard{project ? ` · ${project.name}` : ""}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!error && !loaded && <p role="status">Computing the QA report…</p>}
      {loaded && counts && (
        <>
          <p className="dash-counts" data-testid="report-counts">
            {plural(counts.tasks, "task")} ({counts.labelled_tasks} labelled, {counts.gold_tasks} gold),{" "}
            {plural(counts.annotations, "answer")} by {plural(counts.annotators, "annotator")},{" "}
            {plural(counts.reviews, "review")}
            {counts.unreadable_regions > 0 && `; ${counts.unreadable_regions} stored regions no longer parse and are left out`}
            .
          </p>
          <p className="dash-caption">
            Figures are each annotator's latest own answer per task, whatever a review made of it. Coefficients, scores
            and rates are rounded to {DIGITS} decimals, times to 0.1 s; "—" is undefined (the table says why). Every bar,
            point and cell opens the tasks behind it.
          </p>
          <Suspense fallback={<p role="status">Drawing the charts…</p>}>
            <Charts projectId={projectId} report={loaded.report} ids={ids} classLabels={loaded.classLabels} />
          </Suspense>
          <FlagsQueue
            client={client}
            projectId={projectId}
            canResolve={isAdmin || loaded.project.role === "manager"}
            people={people}
          />
        </>
      )}
    </AppShell>
  );
}
