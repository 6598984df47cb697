/** Small pieces the settings pages share: failure messages, dates, and a boundary that keeps
 * a preview's crash from taking the page with it. */
import { Component, useCallback, type ErrorInfo, type ReactNode } from "react";
import { isApiError } from "../api/errors";
import { useAuth } from "../components/authContext";

/** Turns a failed call into the message to show; a 401 ends the session (the login page
 * follows) and gives null. */
export function useFailure(): (caught: unknown, what: string) => string | null {
  const { expire } = useAuth();
  return useCallback(
    (caught: unknown, what: string) => {
      if (isApiError(caught) && caught.status === 401) {
        expire();
        return null;
      }
      return isApiError(caught) ? caught.message : `Could not ${what}.`;
    },
    [expire],
  );
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function DateTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

/** Shows `fallback` with the error's message instead of children that threw while rendering. */
export class RenderBoundary extends Component<{ children: ReactNode; fallback: (message: string) => ReactNode; resetKey: string }, { error: string | null; key: string }> {
  override state = { error: null as string | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<{ error: string }> {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: string | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Caught and shown in place; the console note helps whoever reports it.
    console.warn("the preview could not render", error, info.componentStack);
  }

  override render() {
    return this.state.error === null ? this.props.children : this.props.fallback(this.state.error);
  }
}
