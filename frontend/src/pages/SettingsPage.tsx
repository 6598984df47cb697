import { useEffect, useState } from "react";
import { Link, Navigate, NavLink, Route, Routes, useParams } from "react-router";
import type { ProjectDetail } from "../api/types";
import { AppShell } from "../components/AppShell";
import { useAuth } from "../components/authContext";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useFailure } from "../settings/common";
import { GuidelinesSettings } from "../settings/GuidelinesSettings";
import { MembersSettings } from "../settings/MembersSettings";
import { SchemaSettings } from "../settings/SchemaSettings";
import "../settings/settings.css";
import { WorkflowSettings } from "../settings/WorkflowSettings";

const SECTIONS = [
  { path: "schema", name: "Schema" },
  { path: "guidelines", name: "Guidelines" },
  { path: "workflow", name: "Workflow" },
  { path: "members", name: "Members" },
] as const;

/** A project's settings for its managers: one sub-page (with its own URL) per section. */
export function SettingsPage() {
  const { projectId: raw, "*": rest = "" } = useParams();
  const projectId = Number(raw);
  const { client, state } = useAuth();
  const fail = useFailure();
  const [project, setProject] = useState<ProjectDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const section = SECTIONS.find((s) => rest.split("/")[0] === s.path);
  useDocumentTitle(`${section?.name ?? "Settings"} · ${project?.name ?? "Settings"}`);

  useEffect(() => {
    let cancelled = false;
    client.getProject(projectId).then(
      (p) => !cancelled && setProject(p),
      (caught: unknown) => !cancelled && setError(fail(caught, "open the project")),
    );
    return () => {
      cancelled = true;
    };
  }, [client, projectId, fail]);

  const isAdmin = state.status === "authenticated" && state.user.is_admin;
  const mayManage = project !== null && (isAdmin || project.role === "manager");
  return (
    <AppShell wide={section?.path === "schema"}>
      <div className="settings">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Projects</Link> <span aria-hidden="true">/</span> <span>{project?.name ?? "…"}</span> <span aria-hidden="true">/</span>{" "}
        <span>Settings</span>
      </nav>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {project === null && error === null && <p role="status">Loading the project…</p>}
      {project !== null && (
        <>
          <ProjectNav projectId={projectId} projectName={project.name} role={project.role} />
          <h1>Settings{section && <span className="muted"> · {section.name}</span>}</h1>
          {!mayManage ? (
            <p role="alert" className="error">
              Only the project's managers can change its settings.
            </p>
          ) : (
            <>
              <nav className="settings-tabs" aria-label="Settings sections">
                <ul>
                  {SECTIONS.map((s) => (
                    <li key={s.path}>
                      <NavLink to={`/projects/${projectId}/settings/${s.path}`} className="settings-tabs__link">
                        {s.name}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </nav>
              <Routes>
                <Route index element={<Navigate to="schema" replace />} />
                <Route path="schema" element={<SchemaSettings projectId={projectId} />} />
                <Route path="guidelines" element={<GuidelinesSettings projectId={projectId} />} />
                <Route path="workflow" element={<WorkflowSettings projectId={projectId} />} />
                <Route path="members" element={<MembersSettings projectId={projectId} />} />
                <Route
                  path="*"
                  element={
                    <p role="alert" className="error">
                      There is no settings page at this address; choose a section above.
                    </p>
                  }
                />
              </Routes>
            </>
          )}
        </>
      )}
      </div>
    </AppShell>
  );
}
