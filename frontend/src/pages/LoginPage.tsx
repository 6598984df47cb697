import { useId, useState, type FormEvent } from "react";
import { Navigate, useSearchParams } from "react-router";
import { isApiError } from "../api/errors";
import { useAuth } from "../components/authContext";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { safeNextPath } from "../lib/safeNext";

function loginErrorMessage(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Please try again.";
  if (error.status === 429 && error.retryAfterSeconds !== null) {
    return `${error.message} Try again in ${error.retryAfterSeconds} seconds.`;
  }
  return error.message;
}

export function LoginPage() {
  useDocumentTitle("Log in");
  const { state, login } = useAuth();
  const [searchParams] = useSearchParams();
  const target = safeNextPath(searchParams.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();
  const titleId = useId();

  if (state.status === "authenticated") return <Navigate to={target} replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      await login(email, password);
      // The state change above re-renders this page into <Navigate to={target}>.
    } catch (caught) {
      setError(loginErrorMessage(caught));
      setSubmitting(false);
    }
  }

  return (
    <main className="page page--centered">
      <form className="login" onSubmit={onSubmit} aria-labelledby={titleId}>
        <h1 id={titleId}>Log in to Accord</h1>
        <div className="field">
          <label htmlFor={emailId}>Email</label>
          <input
            id={emailId}
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-describedby={error !== null ? errorId : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={passwordId}>Password</label>
          <input
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-describedby={error !== null ? errorId : undefined}
          />
        </div>
        {error !== null && (
          <p id={errorId} role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={submitting}>
          {submitting ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
