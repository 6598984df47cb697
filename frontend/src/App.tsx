import { Route, Routes } from "react-router";
import type { ApiClient } from "./api/client";
import { AuthProvider } from "./components/AuthProvider";
import { RequireAuth } from "./components/RequireAuth";
import { DashboardPage } from "./pages/DashboardPage";
import { DataPage } from "./pages/DataPage";
import { LabelPage } from "./pages/LabelPage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProjectsPage } from "./pages/ProjectsPage";
import { AdjudicatePage } from "./pages/AdjudicatePage";
import { ReviewPage } from "./pages/ReviewPage";
import { SettingsPage } from "./pages/SettingsPage";
import { TaskPage } from "./pages/TaskPage";
import { TasksPage } from "./pages/TasksPage";

/** Routes of the app. The router itself is supplied by the caller (browser or memory). */
export function App({ client }: { client: ApiClient }) {
  return (
    <AuthProvider client={client}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/"
          element={
            <RequireAuth>
              <ProjectsPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/label"
          element={
            <RequireAuth>
              <LabelPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/tasks"
          element={
            <RequireAuth>
              <TasksPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/tasks/:taskId"
          element={
            <RequireAuth>
              <TaskPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/dashboard"
          element={
            <RequireAuth>
              <DashboardPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/settings/*"
          element={
            <RequireAuth>
              <SettingsPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/review"
          element={
            <RequireAuth>
              <ReviewPage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/adjudicate"
          element={
            <RequireAuth>
              <AdjudicatePage />
            </RequireAuth>
          }
        />
        <Route
          path="/projects/:projectId/data"
          element={
            <RequireAuth>
              <DataPage />
            </RequireAuth>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </AuthProvider>
  );
}
