import { NavLink } from "react-router";
import type { ProjectRole } from "../api/types";
import { useAuth } from "./authContext";
import { pagesFor } from "./projectPages";

/** The pages of one project the caller may open, with the current one marked (nothing
 * when the label stream is all there is). */
export function ProjectNav({ projectId, projectName, role }: { projectId: number; projectName: string; role: ProjectRole | null }) {
  const { state } = useAuth();
  const isAdmin = state.status === "authenticated" && state.user.is_admin;
  const pages = pagesFor(role, isAdmin);
  if (pages.length < 2) return null; // an annotator's one page is the label stream
  return (
    <nav className="project-nav" aria-label={`Pages of ${projectName}`}>
      <ul>
        {pages.map((page) => (
          <li key={page.path}>
            <NavLink to={`/projects/${projectId}/${page.path}`} className="project-nav__link">
              {page.name}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
