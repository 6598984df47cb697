import { createContext, useContext } from "react";
import type { ApiClient } from "../api/client";
import type { ApiError } from "../api/errors";
import type { User } from "../api/types";

export type AuthState =
  | { status: "loading" }
  /** `loggedOut`: the user pressed "Log out" (so no `next` back to the page they left). */
  | { status: "anonymous"; loggedOut: boolean }
  | { status: "authenticated"; user: User }
  | { status: "error"; error: ApiError };

export interface AuthContextValue {
  state: AuthState;
  client: ApiClient;
  /** Rejects with ApiError on failure; on success the state becomes authenticated. */
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Call when any request answers 401: the session is gone. */
  expire: () => void;
  /** Ask the server again who we are (after a network error). */
  refresh: () => void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}
