import { describe, expect, it } from "vitest";
import { sendLeftovers } from "./leftovers";
import { ApiClient, CSRF_HEADER } from "../api/client";
import { DraftSync, listPending, pendingKey, readPending, type KeyValueStore, type Timers } from "../lib/draftSync";
import type { Region } from "../lib/regions";
import { MemoryStore } from "../test/memoryStore";

/** Timers that never fire: the work stays stored, as when the tab closed before sending. */
function frozenAt(iso: string): Timers {
  return { setTimeout: () => 0, clearTimeout: () => undefined, now: () => Date.parse(iso) };
}

const STARTED_AT = "2025-03-01T09:00:00.000Z";
const never = () => new Promise<never>(() => undefined);

/** Stores work exactly as the editor does: through a DraftSync that never got to send it. */
function leaveWork(
  store: KeyValueStore,
  at: { user: number; project: number; task: number },
  work: { kind: "draft" | "submit"; regions: Region[]; baseVersion?: number; changedAt: string; key?: string; schemaVersion?: number },
): string {
  const key = pendingKey(at.user, at.project, at.task);
  const sync = new DraftSync({
    store,
    key,
    transport: { saveDraft: never, submit: never },
    baseVersion: work.baseVersion ?? 0,
    startedAt: STARTED_AT,
    timers: frozenAt(work.changedAt),
    newKey: () => work.key ?? "unused",
  });
  if (work.kind === "draft") sync.change(work.regions, 42.5);
  else void sync.submit(work.regions, 42.5, work.schemaVersion);
  sync.dispose();
  return key;
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function apiError(status: number, code: string, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return json(status, { ok: false, status, code, message, details }, headers);
}

/** A client whose fetch answers in order and records each request. */
function fakeServer(...answers: Array<Response | Error>) {
  const calls: Call[] = [];
  const queue = [...answers];
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const next = queue.shift() ?? new Error(`unexpected request ${String(input)}`);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const client = new ApiClient({ fetch: fetch as typeof globalThis.fetch, sleep: async () => undefined });
  client.setCsrfToken("csrf-1");
  return { client, calls };
}

function box(id: string, x = 0): Region {
  return { id, label: "vehicles", type: "bbox", value: { class: "car", x, y: 0, width: 10, height: 10 }, attributes: { occluded: false } };
}

const USER = 5;
const PROJECT = 7;
const here = (task: number) => ({ user: USER, project: PROJECT, task });

const draftSaved = (version: number) => json(200, { id: 900 + version, status: "draft", version });
const submitted = () => json(201, { id: 1000, status: "submitted" });
const stale = () => apiError(409, "stale_draft", "your draft of task 41 is stale", { task_id: 41, current_version: 4 });

describe("the stored work the tests send", () => {
  it("is what DraftSync keeps for a closed tab", () => {
    const store = new MemoryStore();
    const key = leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], baseVersion: 3, changedAt: "2025-03-01T10:00:00.000Z", key: "idem-1", schemaVersion: 2 });
    expect(key).toBe("accord.pending.5.7.41");
    expect(readPending(store, key)).toEqual({
      kind: "submit",
      regions: [box("r1")],
      baseVersion: 3,
      leadTimeS: 42.5,
      startedAt: STARTED_AT,
      changedAt: "2025-03-01T10:00:00.000Z",
      idempotencyKey: "idem-1",
      schemaVersion: 2,
    });
  });
});

describe("sendLeftovers", () => {
  it("saves a pending draft with its base version and forgets it once saved", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "draft", regions: [box("r1"), box("r2", 50)], baseVersion: 3, changedAt: "2025-03-01T10:00:00.000Z" });
    const { client, calls } = fakeServer(draftSaved(4));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toEqual([
      {
        url: "/api/projects/7/tasks/41/draft",
        method: "PUT",
        headers: { Accept: "application/json", "Content-Type": "application/json", [CSRF_HEADER]: "csrf-1" },
        body: { regions: [box("r1"), box("r2", 50)], lead_time_s: 42.5, started_at: STARTED_AT, base_version: 3 },
      },
    ]);
    expect(store.items.size).toBe(0);
  });

  it("submits a pending submission with its idempotency key and forgets it once accepted", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], baseVersion: 3, changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41", schemaVersion: 2 });
    const { client, calls } = fakeServer(submitted());

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "/api/projects/7/tasks/41/annotations", method: "POST" });
    expect(calls[0]?.headers["Idempotency-Key"]).toBe("idem-41");
    expect(calls[0]?.headers[CSRF_HEADER]).toBe("csrf-1");
    expect(calls[0]?.body).toEqual({ regions: [box("r1")], lead_time_s: 42.5, started_at: STARTED_AT, schema_version: 2 });
    expect(store.items.size).toBe(0);
  });

  it("sends no schema_version for a submission stored without one", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "submit", regions: [], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41" });
    const { client, calls } = fakeServer(submitted());
    await sendLeftovers(client, store, USER, PROJECT);
    expect(calls[0]?.body).toEqual({ regions: [], lead_time_s: 42.5, started_at: STARTED_AT });
  });

  it("sends several tasks' work one at a time, oldest change first", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(43), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T12:00:00.000Z" });
    leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41" });
    leaveWork(store, here(42), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T11:00:00.000Z" });
    const { client, calls } = fakeServer(submitted(), draftSaved(1), draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST /api/projects/7/tasks/41/annotations",
      "PUT /api/projects/7/tasks/42/draft",
      "PUT /api/projects/7/tasks/43/draft",
    ]);
    expect(store.items.size).toBe(0);
  });

  it("drops a draft the server calls stale (newer work exists) and goes on", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "draft", regions: [box("r1")], baseVersion: 3, changedAt: "2025-03-01T10:00:00.000Z" });
    leaveWork(store, here(42), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T11:00:00.000Z" });
    const { client, calls } = fakeServer(stale(), draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(2);
    expect(store.items.size).toBe(0);
  });

  it("drops a draft of a task that no longer exists", async () => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z" });
    const { client } = fakeServer(apiError(404, "not_found", "task 41 not found in project 7"));
    await sendLeftovers(client, store, USER, PROJECT);
    expect(store.items.size).toBe(0);
  });

  it("keeps a draft the server refuses for another reason, and goes on", async () => {
    const store = new MemoryStore();
    const refusedKey = leaveWork(store, here(41), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z" });
    leaveWork(store, here(42), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T11:00:00.000Z" });
    const { client, calls } = fakeServer(apiError(403, "permission_denied", "you are not a member of project 7"), draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(2);
    expect([...store.items.keys()]).toEqual([refusedKey]);
  });

  it.each([
    ["the network is down (fetch rejects)", () => new TypeError("Failed to fetch")],
    ["the server fails (500)", () => apiError(500, "internal_error", "Something went wrong on our side.")],
    ["the server is unavailable (503)", () => new Response("<html>Service Unavailable</html>", { status: 503 })],
    ["the session expired (401)", () => apiError(401, "not_authenticated", "log in")],
  ])("keeps everything and stops when %s", async (_, failure) => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41" });
    leaveWork(store, here(42), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T11:00:00.000Z" });
    const before = new Map(store.items);
    const { client, calls } = fakeServer(failure(), draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(1); // the second entry waits for the next time
    expect(store.items).toEqual(before);
  });

  it("keeps a draft when the network fails, to send it next time with the same base", async () => {
    const store = new MemoryStore();
    const key = leaveWork(store, here(41), { kind: "draft", regions: [box("r1")], baseVersion: 3, changedAt: "2025-03-01T10:00:00.000Z" });
    const first = fakeServer(new TypeError("Failed to fetch"));
    await sendLeftovers(first.client, store, USER, PROJECT);
    expect(readPending(store, key)?.baseVersion).toBe(3);

    const second = fakeServer(draftSaved(4));
    await sendLeftovers(second.client, store, USER, PROJECT);
    expect(second.calls[0]?.body).toMatchObject({ base_version: 3 });
    expect(store.items.size).toBe(0);
  });

  it("sends only the given user's work for the given project", async () => {
    const store = new MemoryStore();
    leaveWork(store, { user: USER, project: 8, task: 41 }, { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T09:30:00.000Z" });
    leaveWork(store, { user: 6, project: PROJECT, task: 41 }, { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T09:40:00.000Z", key: "theirs" });
    leaveWork(store, { user: 55, project: PROJECT, task: 41 }, { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T09:50:00.000Z" });
    const mine = leaveWork(store, here(41), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z" });
    store.setItem("accord.theme", "dark");
    const { client, calls } = fakeServer(draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls.map((c) => c.url)).toEqual(["/api/projects/7/tasks/41/draft"]);
    expect(store.items.has(mine)).toBe(false);
    expect(store.items.size).toBe(4);
    expect(listPending(store, USER).map((p) => p.projectId)).toEqual([8]);
    expect(listPending(store, 6)).toHaveLength(1);
    expect(listPending(store, 55)).toHaveLength(1);
  });

  it("does nothing without stored work", async () => {
    const store = new MemoryStore();
    const { client, calls } = fakeServer();
    await sendLeftovers(client, store, USER, PROJECT);
    expect(calls).toEqual([]);
  });

  it.each([
    ["the task moved on (409 not_assigned)", () => apiError(409, "not_assigned", "task 41 cannot take your submission now: it is done; your work is kept as a draft", { task_id: 41, state: "done" })],
    ["the schema changed (409 schema_changed)", () => apiError(409, "schema_changed", "the project's schema changed; your work is kept as a draft", { current_schema_version: 3 })],
  ])("forgets a submission refused because %s (the server keeps it as a draft) and goes on", async (_, refusal) => {
    const store = new MemoryStore();
    leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41", schemaVersion: 2 });
    leaveWork(store, here(42), { kind: "draft", regions: [box("r1")], changedAt: "2025-03-01T11:00:00.000Z" });
    const { client, calls } = fakeServer(refusal(), draftSaved(1));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(2);
    expect(store.items.size).toBe(0);
  });

  // A 429 never reached the handler: the work stays for later, like after a 5xx.
  it("keeps a submission when the server rate-limits it (429)", async () => {
    const store = new MemoryStore();
    const key = leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41" });
    const { client, calls } = fakeServer(apiError(429, "rate_limited", "Too many requests.", {}, { "Retry-After": "60" }));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(calls).toHaveLength(1);
    expect(readPending(store, key)?.regions).toEqual([box("r1")]);
  });

  // Refused as invalid, the server stores nothing: the work stays here as a draft to fix.
  it("keeps the work of a submission the server refuses as invalid (422) as a draft", async () => {
    const store = new MemoryStore();
    const key = leaveWork(store, here(41), { kind: "submit", regions: [box("r1")], changedAt: "2025-03-01T10:00:00.000Z", key: "idem-41" });
    const { client } = fakeServer(apiError(422, "invalid_input", "regions: region 'r1', value: the box is outside the image"));

    await sendLeftovers(client, store, USER, PROJECT);

    expect(readPending(store, key)).toMatchObject({ kind: "draft", regions: [box("r1")] });
    expect(readPending(store, key)?.idempotencyKey).toBeUndefined();
  });
});
