import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ApiClient } from "../api/client";
import { ApiError, isApiError } from "../api/errors";
import { AuthContext, type AuthContextValue, type AuthState } from "./authContext";

function asApiError(error: unknown): ApiError {
  return isApiError(error) ? error : new ApiError(0, "unexpected", "Something went wrong.");
}

/** Holds who is logged in; asks `GET /api/auth/session` once on start. */
export function AuthProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    client.me().then(
      (session) => {
        if (current) setState({ status: "authenticated", user: session.user });
      },
      (error: unknown) => {
        if (!current) return;
        const apiError = asApiError(error);
        setState(apiError.status === 401 ? { status: "anonymous", loggedOut: false } : { status: "error", error: apiError });
      },
    );
    return () => {
      current = false;
    };
  }, [client, generation]);

  const login = useCallback(
    async (email: string, password: string) => {
      const session = await client.login(email, password);
      setState({ status: "authenticated", user: session.user });
    },
    [client],
  );

  const logout = useCallback(async () => {
    try {
      await client.logout();
    } catch (error) {
      // A 401 means the session was already gone: that is a successful logout.
      if (!(isApiError(error) && error.status === 401)) throw error;
    }
    setState({ status: "anonymous", loggedOut: true });
  }, [client]);

  const expire = useCallback(() => {
    client.setCsrfToken(null);
    setState({ status: "anonymous", loggedOut: false });
  }, [client]);

  const refresh = useCallback(() => {
    setState({ status: "loading" });
    setGeneration((value) => value + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({ state, client, login, logout, expire, refresh }),
    [state, client, login, logout, expire, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
