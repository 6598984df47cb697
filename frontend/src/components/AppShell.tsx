import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { isApiError } from "../api/errors";
import { useAuth } from "./authContext";

/** Page frame for logged-in pages: header with the user's email and a log-out button.
 * `wide` pages (the label editor) use the whole window. */
export function AppShell({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const { state, logout } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onLogout() {
    setBusy(true);
    setError(null);
    try {
      // On success the state becomes anonymous and <RequireAuth> moves us to /login.
      await logout();
    } catch (caught) {
      setError(isApiError(caught) ? caught.message : "Could not log out.");
      setBusy(false);
    }
  }

  return (
    <>
      <header className="app-header">
        <Link to="/" className="app-header__brand">
          Accord
        </Link>
        <div className="app-header__user">
          {state.status === "authenticated" && (
            <span className="app-header__email" title={state.user.name}>
              {state.user.email}
            </span>
          )}
          <button type="button" onClick={onLogout} disabled={busy}>
            Log out
          </button>
        </div>
      </header>
      {error !== null && (
        <p role="alert" className="error app-header__error">
          {error}
        </p>
      )}
      <main className={wide ? "page page--wide" : "page"}>{children}</main>
    </>
  );
}
