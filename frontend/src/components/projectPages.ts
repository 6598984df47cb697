import type { ProjectRole } from "../api/types";

/** A page of a project, and the least project role that may open it. */
export interface ProjectPage {
  path: string;
  name: string;
  role: ProjectRole;
}

/** Every project page, in the order the project navigation lists them. The server enforces
 * the same roles (accord/api/access.py); this only hides what a caller could not use.
 * Reviewers may export, so they see "Import & export" (without its import form). */
export const PROJECT_PAGES: readonly ProjectPage[] = [
  { path: "label", name: "Label", role: "annotator" },
  { path: "review", name: "Review", role: "reviewer" },
  { path: "adjudicate", name: "Adjudicate", role: "reviewer" },
  { path: "dashboard", name: "Dashboard", role: "reviewer" },
  { path: "tasks", name: "Tasks", role: "reviewer" },
  { path: "data", name: "Import & export", role: "reviewer" },
  { path: "settings", name: "Settings", role: "manager" },
];

const RANK: Record<ProjectRole, number> = { annotator: 0, reviewer: 1, manager: 2 };

/** Whether a caller with `role` in the project (null: not a member) may open `page`;
 * site admins may open every page. */
export function mayOpen(page: ProjectPage, role: ProjectRole | null, isAdmin: boolean): boolean {
  if (isAdmin) return true;
  return role !== null && RANK[role] >= RANK[page.role];
}

/** The pages a caller may open, in navigation order. */
export function pagesFor(role: ProjectRole | null, isAdmin: boolean): ProjectPage[] {
  return PROJECT_PAGES.filter((page) => mayOpen(page, role, isAdmin));
}
