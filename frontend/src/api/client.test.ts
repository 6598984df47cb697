import { describe, expect, it } from "vitest";
import { ApiClient, CSRF_HEADER } from "./client";
import { ApiError, parseRetryAfter } from "./errors";

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** A fetch that answers with the given responses in order and records each call. */
function fakeFetch(...responses: Array<Response | Error>) {
  const calls: Call[] = [];
  const queue = [...responses];
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), init: init ?? {} });
    const next = queue.shift();
    if (next === undefined) throw new Error(`unexpected request ${String(input)}`);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

function headersOf(call: Call | undefined): Record<string, string> {
  return (call?.init.headers ?? {}) as Record<string, string>;
}

const session = {
  user: { id: 1, email: "ann@example.com", name: "Ann", is_admin: false },
  csrf_token: "csrf-123",
};

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected the promise to reject");
}

describe("ApiClient error mapping", () => {
  it("maps the server's error body to ApiError", async () => {
    const { fetch } = fakeFetch(
      json(422, {
        ok: false,
        status: 422,
        code: "invalid_input",
        message: "Name is required.",
        details: { field: "name" },
      }),
    );
    const error = await rejection(new ApiClient({ fetch }).request("GET", "/api/projects"));
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe("Name is required.");
    expect(error.details).toEqual({ field: "name" });
  });

  it("maps invalid credentials on login", async () => {
    const { fetch } = fakeFetch(
      json(401, { ok: false, status: 401, code: "invalid_credentials", message: "Wrong email or password.", details: {} }),
    );
    const client = new ApiClient({ fetch });
    const error = await rejection(client.login("ann@example.com", "nope"));
    expect(error).toMatchObject({ status: 401, code: "invalid_credentials", message: "Wrong email or password." });
    expect(client.hasCsrfToken).toBe(false);
  });

  it("falls back to a generic error for a non-JSON body", async () => {
    const { fetch } = fakeFetch(new Response("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const error = await rejection(new ApiClient({ fetch }).request("GET", "/api/projects"));
    expect(error).toMatchObject({ status: 502, code: "http_error", details: {} });
    expect(error.message).toContain("502");
  });

  it("ignores ill-typed fields of an error body", async () => {
    const { fetch } = fakeFetch(json(500, { code: 42, message: null, details: [1, 2] }));
    const error = await rejection(new ApiClient({ fetch }).request("GET", "/api/x"));
    expect(error).toMatchObject({ status: 500, code: "http_error", details: {} });
  });

  it("maps a failed connection to a network error", async () => {
    const { fetch } = fakeFetch(new TypeError("Failed to fetch"));
    const error = await rejection(new ApiClient({ fetch }).me());
    expect(error).toMatchObject({ status: 0, code: "network_error" });
  });

  it("rethrows an abort instead of mapping it", async () => {
    const abort = new AbortController();
    abort.abort();
    const { fetch } = fakeFetch(new DOMException("aborted", "AbortError"));
    await expect(new ApiClient({ fetch }).listProjects({}, abort.signal)).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("ApiClient requests", () => {
  it("sends the CSRF token from /me on unsafe requests only, always same-origin", async () => {
    const { fetch, calls } = fakeFetch(
      json(200, session),
      json(200, { items: [], next_cursor: null }),
      new Response(null, { status: 204 }),
    );
    const client = new ApiClient({ fetch });
    await client.me();
    await client.listProjects({ cursor: "abc/=" });
    await expect(client.logout()).resolves.toBeUndefined();

    expect(calls.map((call) => call.init.credentials)).toEqual(["same-origin", "same-origin", "same-origin"]);
    expect(headersOf(calls[0])[CSRF_HEADER]).toBeUndefined();
    expect(calls[1]?.url).toBe("/api/projects?limit=50&cursor=abc%2F%3D");
    expect(headersOf(calls[1])[CSRF_HEADER]).toBeUndefined();
    expect(calls[2]?.init.method).toBe("POST");
    expect(headersOf(calls[2])[CSRF_HEADER]).toBe("csrf-123");
    expect(client.hasCsrfToken).toBe(false);
  });

  it("uses the CSRF token returned by login on later unsafe requests", async () => {
    const { fetch, calls } = fakeFetch(json(200, { ...session, csrf_token: "from-login" }), json(200, { ok: true }));
    const client = new ApiClient({ fetch });
    await client.login("ann@example.com", "secret");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ email: "ann@example.com", password: "secret" });
    expect(headersOf(calls[0])["Content-Type"]).toBe("application/json");

    await client.request("DELETE", "/api/projects/1");
    expect(headersOf(calls[1])[CSRF_HEADER]).toBe("from-login");
  });

  it("omits absent query parameters", async () => {
    const { fetch, calls } = fakeFetch(json(200, { items: [], next_cursor: null }));
    await new ApiClient({ fetch }).listProjects({ limit: 10, cursor: null });
    expect(calls[0]?.url).toBe("/api/projects?limit=10");
  });
});

describe("ApiClient 429 handling", () => {
  const throttled = (retryAfter?: string) =>
    json(
      429,
      { ok: false, status: 429, code: "rate_limited", message: "Too many attempts.", details: {} },
      retryAfter === undefined ? {} : { "Retry-After": retryAfter },
    );

  it("retries after Retry-After seconds, resending the same request", async () => {
    const waits: number[] = [];
    const { fetch, calls } = fakeFetch(json(200, session), throttled("2"), throttled("1"), json(200, { ok: 1 }));
    const client = new ApiClient({ fetch, sleep: async (ms) => void waits.push(ms) });
    await client.me();
    await expect(client.request("POST", "/api/things", { body: { a: 1 } })).resolves.toEqual({ ok: 1 });
    expect(waits).toEqual([2000, 1000]);
    expect(calls).toHaveLength(4);
    for (const call of calls.slice(1)) {
      expect(call.init.body).toBe('{"a":1}');
      expect(headersOf(call)[CSRF_HEADER]).toBe("csrf-123");
    }
  });

  it("gives up after three attempts with the server's 429 error", async () => {
    const waits: number[] = [];
    const { fetch, calls } = fakeFetch(throttled("1"), throttled("1"), throttled("3"));
    const client = new ApiClient({ fetch, sleep: async (ms) => void waits.push(ms) });
    const error = await rejection(client.login("ann@example.com", "secret"));
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "Too many attempts.", retryAfterSeconds: 3 });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it("does not wait out a long Retry-After but reports it", async () => {
    const waits: number[] = [];
    const { fetch, calls } = fakeFetch(throttled("600"));
    const client = new ApiClient({ fetch, sleep: async (ms) => void waits.push(ms) });
    const error = await rejection(client.request("GET", "/api/projects"));
    expect(error.retryAfterSeconds).toBe(600);
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("waits a default second when Retry-After is missing", async () => {
    const waits: number[] = [];
    const { fetch } = fakeFetch(throttled(), json(200, { items: [], next_cursor: null }));
    const client = new ApiClient({ fetch, sleep: async (ms) => void waits.push(ms) });
    await client.listProjects();
    expect(waits).toEqual([1000]);
  });

  it("does not retry other errors", async () => {
    const { fetch, calls } = fakeFetch(json(503, { code: "unavailable", message: "Down." }, { "Retry-After": "1" }));
    const error = await rejection(new ApiClient({ fetch, sleep: async () => undefined }).me());
    expect(error.status).toBe(503);
    expect(calls).toHaveLength(1);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("5", now)).toBe(5);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-1", now)).toBeNull();
  });
});
