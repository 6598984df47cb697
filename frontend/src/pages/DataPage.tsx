import { useCallback, useEffect, useState } from "react";
import { useParams } from "react-router";
import { isApiError } from "../api/errors";
import type { ProjectDetail } from "../api/types";
import { AppShell } from "../components/AppShell";
import { useAuth } from "../components/authContext";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { listFormats, listJobs, type FormatInfo, type Job, type JobList } from "../data/api";
import { ExportForm, ImportForm } from "../data/JobForms";
import { JobProgress } from "../data/JobProgress";
import { isFinished } from "../data/jobs";
import { JobTable } from "../data/JobTable";
import "../data/data.css";

const RECENT = 10;

/** Import and export: start a background job, follow its progress to the result or the
 * download, and see the project's recent jobs. Managers import; reviewers may export. */
export function DataPage() {
  const projectId = Number(useParams().projectId);
  const { client, expire, state } = useAuth();
  const isAdmin = state.status === "authenticated" && state.user.is_admin;
  const [project, setProject] = useState<ProjectDetail | null>(null);
  const [jobs, setJobs] = useState<JobList | null>(null);
  const [formats, setFormats] = useState<FormatInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState<Job | null>(null);
  const [exporting, setExporting] = useState<Job | null>(null);
  const [importDone, setImportDone] = useState(true);
  const [exportDone, setExportDone] = useState(true);
  useDocumentTitle(project ? `Import & export · ${project.name}` : "Import & export");

  const fail = useCallback(
    (caught: unknown, what: string) => {
      if (isApiError(caught) && caught.status === 401) expire();
      else setError(isApiError(caught) ? caught.message : `Could not ${what}.`);
    },
    [expire],
  );

  const refresh = useCallback(async () => {
    try {
      setJobs(await listJobs(client, projectId, RECENT));
    } catch (caught) {
      fail(caught, "list the project's jobs");
    }
  }, [client, projectId, fail]);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const detail = await client.getProject(projectId);
        if (!live) return;
        setProject(detail);
        const reviewer = isAdmin || detail.role === "manager" || detail.role === "reviewer";
        if (reviewer) {
          const [list, described] = await Promise.all([listJobs(client, projectId, RECENT), listFormats(client, projectId)]);
          if (!live) return;
          setFormats(described);
          setJobs(list);
          // after a reload, follow the jobs still under way
          const running = (kind: Job["kind"]) => list.items.find((job) => job.kind === kind && !isFinished(job)) ?? null;
          const [importJob, exportJob] = [running("import"), running("export")];
          if (importJob) {
            setImportDone(false);
            setImporting(importJob);
          }
          if (exportJob) {
            setExportDone(false);
            setExporting(exportJob);
          }
        }
      } catch (caught) {
        if (live) fail(caught, "load the project");
      }
    })();
    return () => {
      live = false;
    };
  }, [client, projectId, isAdmin, fail]);

  const onImportFinished = useCallback(() => {
    setImportDone(true);
    void refresh();
  }, [refresh]);
  const onExportFinished = useCallback(() => {
    setExportDone(true);
    void refresh();
  }, [refresh]);

  const mayImport = isAdmin || project?.role === "manager";
  const mayExport = mayImport || project?.role === "reviewer";

  return (
    <AppShell>
      {project && <ProjectNav projectId={projectId} projectName={project.name} role={project.role} />}
      <h1>Import &amp; export{project ? ` · ${project.name}` : ""}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {project && !mayExport && <p>Importing and exporting is for the project's reviewers and managers.</p>}
      {project && jobs && formats && mayExport && (
        <div className="data-page">
          {mayImport && (
            <section className="data-panel" aria-labelledby="import-heading">
              <h2 id="import-heading">Import tasks</h2>
              <ImportForm
                client={client}
                projectId={projectId}
                formats={formats.filter((f) => f.import)}
                busy={!importDone}
                onStarted={(job) => {
                  setImportDone(false);
                  setImporting(job);
                  void refresh();
                }}
                onUnauthenticated={expire}
              />
              {importing && (
                <JobProgress
                  client={client}
                  projectId={projectId}
                  job={importing}
                  onFinished={onImportFinished}
                  onUnauthenticated={expire}
                />
              )}
            </section>
          )}
          <section className="data-panel" aria-labelledby="export-heading">
            <h2 id="export-heading">Export the project</h2>
            <ExportForm
              client={client}
              projectId={projectId}
              formats={formats.filter((f) => f.export)}
              busy={!exportDone}
              onStarted={(job) => {
                setExportDone(false);
                setExporting(job);
                void refresh();
              }}
              onUnauthenticated={expire}
            />
            {exporting && (
              <JobProgress
                client={client}
                projectId={projectId}
                job={exporting}
                onFinished={onExportFinished}
                onUnauthenticated={expire}
              />
            )}
          </section>
          <section className="data-panel data-panel--wide" aria-labelledby="jobs-heading">
            <div className="data-panel__head">
              <h2 id="jobs-heading">Recent jobs</h2>
              <button type="button" className="data-refresh" onClick={() => void refresh()}>
                Refresh
              </button>
            </div>
            <JobTable jobs={jobs.items} />
          </section>
        </div>
      )}
    </AppShell>
  );
}
