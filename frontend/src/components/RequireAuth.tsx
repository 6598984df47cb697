import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useAuth } from "./authContext";

/** Renders children for a logged-in user; otherwise sends the visitor to /login?next=…. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, refresh } = useAuth();
  const location = useLocation();

  if (state.status === "loading") {
    return (
      <main className="page page--centered">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (state.status === "error") {
    return (
      <main className="page page--centered">
        <p role="alert" className="error">
          {state.error.message}
        </p>
        <button type="button" onClick={refresh}>
          Try again
        </button>
      </main>
    );
  }
  if (state.status === "anonymous") {
    const here = location.pathname + location.search + location.hash;
    const to = state.loggedOut || here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}
