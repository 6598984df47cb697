import { describe, expect, it } from "vitest";
import { ApiError, NETWORK_ERROR } from "../api/errors";
import {
  DraftSync,
  listPending,
  pendingKey,
  randomKey,
  readPending,
  sameJson,
  type DraftSyncOptions,
  type DraftTransport,
  type PendingWork,
  type SyncStatus,
  type Timers,
} from "./draftSync";
import type { Region } from "./regions";
import { MemoryStore } from "../test/memoryStore";

/** Runs timers only when told to, in order of their due time. */
class FakeTimers implements Timers {
  private time = Date.UTC(2025, 0, 1);
  private nextId = 1;
  private queue: { id: number; at: number; fn: () => void }[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ id, at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  now(): number {
    return this.time;
  }
  get scheduled(): number {
    return this.queue.length;
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.queue.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.queue = this.queue.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

interface Call {
  kind: "draft" | "submit";
  body: { regions: Region[]; lead_time_s: number; started_at: string; base_version?: number; schema_version?: number };
  key?: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Every request waits until the test answers it. */
class FakeTransport implements DraftTransport {
  readonly calls: Call[] = [];
  loadDraft?: () => Promise<{ version: number; regions: Region[] } | null>;
  private request(kind: Call["kind"], body: Call["body"], key?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.calls.push({ kind, body, resolve, reject, ...(key === undefined ? {} : { key }) });
    });
  }
  saveDraft(body: { regions: Region[]; lead_time_s: number; started_at: string; base_version: number }): Promise<{ version: number }> {
    return this.request("draft", body).then((v) => ({ version: typeof v === "number" ? v : -1 }));
  }
  submit(body: Call["body"], idempotencyKey: string): Promise<unknown> {
    return this.request("submit", body, idempotencyKey);
  }
  last(): Call {
    const call = this.calls.at(-1);
    if (!call) throw new Error("no request was made");
    return call;
  }
  async answer(value: unknown): Promise<void> {
    this.last().resolve(value);
    await settle();
  }
  async fail(error: unknown): Promise<void> {
    this.last().reject(error);
    await settle();
  }
}

const offline = () => new ApiError(0, NETWORK_ERROR, "Could not reach the server.");
const expired = () => new ApiError(401, "unauthenticated", "Please sign in again.");
const stale = (current: number) => new ApiError(409, "stale_draft", "The draft has moved on.", { current_version: current });
const invalid = () => new ApiError(422, "invalid_regions", "Region r1 is outside the image.");

function box(id: string, x = 0): Region {
  return { id, label: "objects", type: "bbox", value: { class: "car", x, y: 0, width: 10, height: 10 } };
}

const KEY = pendingKey(7, 3, 42);

function setup(options: Partial<DraftSyncOptions> = {}, store = new MemoryStore()) {
  const timers = new FakeTimers();
  const transport = new FakeTransport();
  const statuses: { status: SyncStatus; detail?: string }[] = [];
  const conflicts: (number | null)[] = [];
  let keys = 0;
  const sync = new DraftSync({
    store,
    key: KEY,
    transport,
    baseVersion: 4,
    startedAt: "2025-01-01T00:00:00.000Z",
    timers,
    newKey: () => `key-${++keys}`,
    onStatus: (status, detail) => statuses.push(detail === undefined ? { status } : { status, detail }),
    onConflict: (current) => conflicts.push(current),
    ...options,
  });
  const stored = () => readPending(store, KEY);
  return { sync, store, timers, transport, statuses, conflicts, stored };
}

function work(overrides: Partial<PendingWork> = {}): PendingWork {
  return {
    kind: "draft",
    regions: [box("r1")],
    baseVersion: 2,
    leadTimeS: 30,
    startedAt: "2024-12-31T23:00:00.000Z",
    changedAt: "2024-12-31T23:30:00.000Z",
    ...overrides,
  };
}

describe("stored pending work", () => {
  it("is keyed by user, project and task", () => {
    expect(pendingKey(7, 3, 42)).toBe("accord.pending.7.3.42");
  });

  it("reads back what was stored", () => {
    const store = new MemoryStore();
    store.setItem(KEY, JSON.stringify(work({ kind: "submit", idempotencyKey: "k", schemaVersion: 2 })));
    expect(readPending(store, KEY)).toEqual(work({ kind: "submit", idempotencyKey: "k", schemaVersion: 2 }));
    expect(readPending(store, "accord.pending.7.3.43")).toBeNull();
  });

  it.each([
    ["unparsable JSON", "{not json"],
    ["a wrong shape", JSON.stringify({ kind: "draft", regions: "r1" })],
    ["an unknown kind", JSON.stringify(work({ kind: "submit" }))], // a submit without its key
    ["a non-integer version", JSON.stringify({ ...work(), baseVersion: "2" })],
  ])("treats %s as absent and removes it", (_, raw) => {
    const store = new MemoryStore();
    store.setItem(KEY, raw);
    expect(readPending(store, KEY)).toBeNull();
    expect(store.items.has(KEY)).toBe(false);
  });

  it("lists a user's work only, oldest change first, dropping corrupt entries", () => {
    const store = new MemoryStore();
    store.setItem(pendingKey(7, 3, 42), JSON.stringify(work({ changedAt: "2025-01-02T00:00:00.000Z" })));
    store.setItem(pendingKey(7, 1, 5), "corrupt");
    store.setItem(pendingKey(7, 9, 6), JSON.stringify(work({ changedAt: "2025-01-01T00:00:00.000Z" })));
    store.setItem(pendingKey(8, 3, 42), JSON.stringify(work()));
    store.setItem(pendingKey(70, 3, 42), JSON.stringify(work()));
    store.setItem("accord.pending.7.x.1", JSON.stringify(work()));
    store.setItem("theme", "dark");
    expect(listPending(store, 7).map(({ projectId, taskId, key }) => [projectId, taskId, key])).toEqual([
      [9, 6, "accord.pending.7.9.6"],
      [3, 42, "accord.pending.7.3.42"],
    ]);
    expect(store.items.has(pendingKey(7, 1, 5))).toBe(false);
    expect(store.items.has(pendingKey(8, 3, 42))).toBe(true);
  });
});

describe("DraftSync saving drafts", () => {
  it("stores a change at once and sends it after the debounce", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 12);
    expect(stored()).toMatchObject({ kind: "draft", regions: [box("r1")], baseVersion: 4, leadTimeS: 12 });
    expect(sync.status).toBe("pending");
    await timers.advance(799);
    expect(transport.calls).toHaveLength(0);
    await timers.advance(1);
    expect(transport.calls).toHaveLength(1);
    expect(transport.last().body).toEqual({
      regions: [box("r1")],
      lead_time_s: 12,
      started_at: "2025-01-01T00:00:00.000Z",
      base_version: 4,
    });
    expect(sync.status).toBe("saving");
    await transport.answer(5);
    expect(sync.status).toBe("saved");
    expect(sync.version).toBe(5);
    expect(stored()).toBeNull();
  });

  it("sends only the latest of quick edits", async () => {
    const { sync, transport, timers } = setup();
    for (let x = 0; x < 5; x++) {
      sync.change([box("r1", x)], x);
      await timers.advance(500);
    }
    expect(transport.calls).toHaveLength(0);
    await timers.advance(300);
    expect(transport.calls.map((c) => c.body.regions)).toEqual([[box("r1", 4)]]);
  });

  it("still saves during continuous editing, at most five debounces after the first change", async () => {
    const { sync, transport, timers } = setup();
    for (let i = 0; i < 45; i++) {
      sync.change([box("r1", i)], i);
      await timers.advance(100);
    }
    expect(transport.calls).toHaveLength(1); // and the rest waits for its answer
    expect(transport.calls[0]?.body.lead_time_s).toBe(39); // the change at 3.9 s, sent at 4 s
  });

  it("keeps one request in flight and sends edits made meanwhile with the new version", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    sync.change([box("r1"), box("r2")], 2);
    sync.change([box("r1"), box("r2"), box("r3")], 3);
    await timers.advance(5_000);
    expect(transport.calls).toHaveLength(1);

    await transport.answer(5);
    // The newer work stays stored, now on top of version 5.
    expect(stored()).toMatchObject({ baseVersion: 5, leadTimeS: 3 });
    expect(transport.calls).toHaveLength(2);
    expect(transport.last().body).toMatchObject({ base_version: 5, lead_time_s: 3 });
    expect(transport.last().body.regions).toHaveLength(3);
    await transport.answer(6);
    expect(stored()).toBeNull();
    expect(sync.version).toBe(6);
    expect(sync.status).toBe("saved");
  });

  it("waits for the debounce of an edit made during the request", async () => {
    const { sync, transport, timers } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    sync.change([box("r2")], 2);
    await transport.answer(5);
    expect(transport.calls).toHaveLength(1);
    await timers.advance(800);
    expect(transport.calls).toHaveLength(2);
    expect(transport.last().body).toMatchObject({ base_version: 5, regions: [box("r2")] });
  });

  it("goes offline on a network error and retries with capped exponential backoff", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    const gaps: number[] = [];
    let last = timers.now();
    for (let attempt = 0; attempt < 8; attempt++) {
      await transport.fail(offline());
      expect(sync.status).toBe("offline");
      expect(stored()).not.toBeNull();
      const before = transport.calls.length;
      while (transport.calls.length === before) await timers.advance(100);
      gaps.push(timers.now() - last);
      last = timers.now();
    }
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    await transport.answer(5);
    expect(stored()).toBeNull();
    expect(sync.status).toBe("saved");

    // The backoff starts over after a success.
    sync.change([box("r2")], 2);
    await timers.advance(800);
    await transport.fail(offline());
    const before = transport.calls.length;
    await timers.advance(1_000);
    expect(transport.calls.length).toBe(before + 1);
  });

  it("sends the latest edit, not the failed one, when it retries", async () => {
    const { sync, transport, timers } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(offline());
    sync.change([box("r9")], 9);
    expect(sync.status).toBe("offline"); // more informative than "pending"
    await timers.advance(1_000);
    expect(transport.calls).toHaveLength(2);
    expect(transport.last().body.regions).toEqual([box("r9")]);
  });

  it("waits for resume() after the session expired", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(expired());
    expect(sync.status).toBe("signed_out");
    sync.change([box("r2")], 2);
    expect(sync.status).toBe("signed_out");
    await timers.advance(10 * 60_000);
    expect(transport.calls).toHaveLength(1);
    expect(stored()?.regions).toEqual([box("r2")]);

    sync.resume();
    await settle();
    expect(transport.calls).toHaveLength(2);
    expect(transport.last().body).toMatchObject({ regions: [box("r2")], base_version: 4 });
  });

  it("drops a stale draft on a conflict and reports the server's version", async () => {
    const { sync, transport, timers, stored, conflicts } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    sync.change([box("r2")], 2); // made on the same stale base
    await transport.fail(stale(9));
    expect(sync.status).toBe("conflict");
    expect(conflicts).toEqual([9]);
    expect(stored()).toBeNull();
    await timers.advance(60_000);
    expect(transport.calls).toHaveLength(1);

    // Once the editor shows the server's draft, saves build on its version.
    sync.change([box("server")], 3);
    await timers.advance(800);
    expect(transport.last().body.base_version).toBe(9);
  });

  it("recognises its own save whose answer was lost, and sends the newer work on top", async () => {
    const server: { version: number; regions: Region[] } = { version: 5, regions: [box("r1")] };
    const { sync, transport, timers, stored, conflicts } = setup();
    transport.loadDraft = async () => server; // the lost save did reach the server
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(offline());
    sync.change([box("r1"), box("r2")], 2);
    await timers.advance(1_000);
    expect(transport.last().body.base_version).toBe(4);
    await transport.fail(stale(5));
    await timers.advance(0);
    expect(conflicts).toEqual([]);
    expect(transport.last().body).toMatchObject({ base_version: 5, regions: [box("r1"), box("r2")] });
    await transport.answer(6);
    expect(sync.status).toBe("saved");
    expect(stored()).toBeNull();
  });

  it("treats a stale refusal as a conflict when the server holds other work", async () => {
    const { sync, transport, timers, conflicts } = setup();
    transport.loadDraft = async () => ({ version: 5, regions: [box("from another tab")] });
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(offline());
    await timers.advance(1_000);
    await transport.fail(stale(5));
    await timers.advance(0);
    expect(conflicts).toEqual([5]);
    expect(sync.status).toBe("conflict");
  });

  it("compares JSON without regard to key order", () => {
    expect(sameJson({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it("reports a conflict without a usable version as null", async () => {
    const { sync, transport, timers, conflicts } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(new ApiError(409, "stale_draft", "Moved on."));
    expect(conflicts).toEqual([null]);
    expect(sync.version).toBe(4);
  });

  it("keeps the work on other errors, without repeating a refused request", async () => {
    const { sync, transport, timers, stored, statuses } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(invalid());
    expect(sync.status).toBe("error");
    expect(statuses.at(-1)).toEqual({ status: "error", detail: "Region r1 is outside the image." });
    expect(stored()?.regions).toEqual([box("r1")]);
    await timers.advance(60_000);
    expect(transport.calls).toHaveLength(1);
    // The next edit is sent as usual.
    sync.change([box("r1", 5)], 2);
    await timers.advance(800);
    expect(transport.calls).toHaveLength(2);
  });

  it("retries server errors, after Retry-After when the server asks for longer", async () => {
    const { sync, transport, timers } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    await transport.fail(new ApiError(503, "unavailable", "Down for maintenance.", {}, 10));
    expect(sync.status).toBe("error");
    await timers.advance(9_999);
    expect(transport.calls).toHaveLength(1);
    await timers.advance(1);
    expect(transport.calls).toHaveLength(2);
    await transport.fail(new ApiError(500, "internal", "Oops."));
    await timers.advance(2_000);
    expect(transport.calls).toHaveLength(3);
  });

  it("flushes at once, waits for the answer and never rejects", async () => {
    const { sync, transport } = setup();
    sync.change([box("r1")], 1);
    const flushed = sync.flush();
    expect(transport.calls).toHaveLength(1);
    let done = false;
    void flushed.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    await transport.fail(offline());
    await expect(flushed).resolves.toBeUndefined();
    expect(sync.status).toBe("offline");
    // A flush does not wait out the backoff.
    void sync.flush();
    expect(transport.calls).toHaveLength(2);
  });

  it("keeps sending from memory when storage is full", async () => {
    const store = new MemoryStore();
    store.failWrites = true;
    const { sync, transport, timers } = setup({}, store);
    sync.change([box("r1")], 1);
    await timers.advance(800);
    expect(transport.last().body.regions).toEqual([box("r1")]);
  });

  it("does not remove another tab's newer work after its own save", async () => {
    const { sync, transport, timers, store, stored } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    store.setItem(KEY, JSON.stringify(work({ regions: [box("other tab")] })));
    await transport.answer(5);
    expect(stored()?.regions).toEqual([box("other tab")]);
  });
});

describe("DraftSync submitting", () => {
  it("stores the submit, sends it with an idempotency key and forgets it once accepted", async () => {
    const { sync, transport, stored } = setup();
    sync.change([box("r1")], 1);
    const result = sync.submit([box("r1")], 20, 3);
    expect(stored()).toMatchObject({ kind: "submit", idempotencyKey: "key-1", schemaVersion: 3, leadTimeS: 20 });
    expect(transport.calls).toHaveLength(1);
    expect(transport.last()).toMatchObject({
      kind: "submit",
      key: "key-1",
      body: { regions: [box("r1")], lead_time_s: 20, started_at: "2025-01-01T00:00:00.000Z", schema_version: 3 },
    });
    await transport.answer({ id: 99 });
    await expect(result).resolves.toEqual({ id: 99 });
    expect(stored()).toBeNull();
    expect(sync.status).toBe("saved");
    expect(sync.version).toBe(0);
  });

  it("sends no draft after a submit, and retries the submit with the same key", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 1);
    const result = sync.submit([box("r1")], 20);
    expect(transport.last().body).not.toHaveProperty("schema_version");
    sync.change([box("late edit")], 21);
    expect(stored()?.kind).toBe("submit");
    await transport.fail(offline());
    await timers.advance(1_000);
    await transport.fail(new ApiError(502, "bad_gateway", "Bad gateway."));
    await timers.advance(2_000);
    await transport.fail(expired());
    expect(sync.status).toBe("signed_out");
    await timers.advance(60_000);
    sync.resume();
    await settle();
    expect(transport.calls.map((c) => [c.kind, c.key])).toEqual([
      ["submit", "key-1"],
      ["submit", "key-1"],
      ["submit", "key-1"],
      ["submit", "key-1"],
    ]);
    await transport.answer({ id: 1 });
    await expect(result).resolves.toEqual({ id: 1 });
  });

  it("waits for a draft save in flight, then submits", async () => {
    const { sync, transport, timers } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    const result = sync.submit([box("r1"), box("r2")], 2);
    expect(transport.calls).toHaveLength(1);
    await transport.answer(5);
    expect(transport.calls.map((c) => c.kind)).toEqual(["draft", "submit"]);
    await transport.answer("ok");
    await expect(result).resolves.toBe("ok");
  });

  it("still submits when the draft in flight turns out stale", async () => {
    const { sync, transport, timers, conflicts } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    void sync.submit([box("r1")], 2);
    await transport.fail(stale(8));
    expect(conflicts).toEqual([]);
    expect(transport.last().kind).toBe("submit");
  });

  it("returns the pending submit's promise when asked to submit again", async () => {
    const { sync, transport } = setup();
    const first = sync.submit([box("r1")], 1);
    const second = sync.submit([box("r1")], 1);
    expect(second).toBe(first);
    expect(transport.calls).toHaveLength(1);
  });

  it("rejects a refused submit and keeps the work as a draft", async () => {
    const { sync, transport, timers, stored } = setup();
    const result = sync.submit([box("r1")], 5);
    const error = invalid();
    await transport.fail(error);
    await expect(result).rejects.toBe(error);
    expect(stored()).toMatchObject({ kind: "draft", regions: [box("r1")], leadTimeS: 5 });
    expect(stored()).not.toHaveProperty("idempotencyKey");
    expect(sync.status).toBe("error");
    await timers.advance(60_000);
    expect(transport.calls).toHaveLength(1);
    // Fixed and submitted again: a fresh key, since the first was refused.
    void sync.submit([box("r1", 1)], 6);
    expect(transport.last().key).toBe("key-2");
  });
});

describe("DraftSync resuming stored work", () => {
  function storeWith(pending: PendingWork): MemoryStore {
    const store = new MemoryStore();
    store.setItem(KEY, JSON.stringify(pending));
    return store;
  }

  it("re-sends a stored draft with its stored base version", async () => {
    const store = storeWith(work({ baseVersion: 2 }));
    expect(DraftSync.restore(store, KEY)).toEqual(work({ baseVersion: 2 }));
    const { sync, transport, timers, stored } = setup({ baseVersion: 4 }, store);
    expect(sync.status).toBe("pending");
    expect(sync.version).toBe(2);
    await timers.advance(0);
    expect(transport.last().body).toEqual({
      regions: [box("r1")],
      lead_time_s: 30,
      started_at: "2024-12-31T23:00:00.000Z",
      base_version: 2,
    });
    await transport.answer(3);
    expect(stored()).toBeNull();
    // Later changes keep the work's original start.
    sync.change([box("r2")], 31);
    expect(stored()?.startedAt).toBe("2024-12-31T23:00:00.000Z");
  });

  it("re-sends a stored submit with its stored key, and lets the editor await it", async () => {
    const store = storeWith(work({ kind: "submit", idempotencyKey: "from-before", schemaVersion: 2 }));
    const { sync, transport, timers } = setup({}, store);
    const result = sync.submit([box("r1")], 30, 2);
    await timers.advance(0);
    expect(transport.calls).toHaveLength(1);
    expect(transport.last()).toMatchObject({ kind: "submit", key: "from-before", body: { schema_version: 2 } });
    await transport.answer({ id: 5 });
    await expect(result).resolves.toEqual({ id: 5 });
  });

  it("sends nothing for an instance disposed at once (React StrictMode)", async () => {
    const store = storeWith(work());
    const first = setup({}, store);
    first.sync.dispose();
    await first.timers.advance(10_000);
    expect(first.transport.calls).toHaveLength(0);
    expect(readPending(store, KEY)).not.toBeNull();
  });
});

describe("DraftSync.dispose", () => {
  it("stops timers and keeps what is pending", async () => {
    const { sync, transport, timers, stored, statuses } = setup();
    sync.change([box("r1")], 1);
    sync.dispose();
    await timers.advance(60_000);
    expect(transport.calls).toHaveLength(0);
    expect(timers.scheduled).toBe(0);
    expect(stored()?.regions).toEqual([box("r1")]);
    const seen = statuses.length;
    sync.change([box("r2")], 2);
    expect(stored()?.regions).toEqual([box("r2")]);
    expect(statuses).toHaveLength(seen);
  });

  it("still records the answer of a request in flight, but sends nothing more", async () => {
    const { sync, transport, timers, stored } = setup();
    sync.change([box("r1")], 1);
    await timers.advance(800);
    sync.dispose();
    await transport.fail(offline());
    await timers.advance(60_000);
    expect(transport.calls).toHaveLength(1);
    expect(stored()).not.toBeNull();
  });
});

describe("randomKey", () => {
  it("makes distinct v4 UUIDs", () => {
    const a = randomKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomKey()).not.toBe(a);
  });
});
