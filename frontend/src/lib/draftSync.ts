/**
 * Drafts autosaved to the server without ever losing work. Every change is written to
 * local storage synchronously, before any request, so a reload, a closed tab, an expired
 * session or a dropped network keeps it; it is sent when possible, one request at a time,
 * and removed from storage only once the server has it.
 *
 * Server protocol: `PUT …/draft {regions, lead_time_s, started_at, base_version}` answers the
 * draft with its new `version`, or 409 `stale_draft` (storing nothing) when the server's
 * draft has moved past `base_version`; `POST …/annotations` with an `Idempotency-Key` submits
 * (a retry with the same key returns the first annotation) and deletes the draft.
 */
import { isApiError } from "../api/errors";
import type { Region } from "./regions";

/** The part of `Storage` used here, so tests and other stores can stand in. */
export interface KeyValueStore {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
  readonly length: number;
  key(i: number): string | null;
}

export interface PendingWork {
  kind: "draft" | "submit";
  regions: Region[];
  /** The server draft version the work builds on (0: none). */
  baseVersion: number;
  leadTimeS: number;
  startedAt: string;
  changedAt: string;
  /** Submissions only: the same key on every retry, across reloads. */
  idempotencyKey?: string;
  schemaVersion?: number;
}

export type SyncStatus = "saved" | "pending" | "saving" | "offline" | "signed_out" | "conflict" | "error";

export interface DraftTransport {
  saveDraft(body: { regions: Region[]; lead_time_s: number; started_at: string; base_version: number }): Promise<{ version: number }>;
  submit(
    body: { regions: Region[]; lead_time_s: number; started_at: string; schema_version?: number },
    idempotencyKey: string,
  ): Promise<unknown>;
  /** The server's draft now, or null: lets a save whose answer was lost be recognised. */
  loadDraft?(): Promise<{ version: number; regions: Region[] } | null>;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface DraftSyncOptions {
  store: KeyValueStore;
  key: string;
  transport: DraftTransport;
  baseVersion: number;
  startedAt: string;
  /** Quiet time after the last change before it is sent; default 800. */
  debounceMs?: number;
  timers?: Timers;
  /** Idempotency keys; default `crypto.randomUUID`. */
  newKey?: () => string;
  onStatus?: (s: SyncStatus, detail?: string) => void;
  onConflict?: (currentVersion: number | null) => void;
}

const PREFIX = "accord.pending.";
export const DEFAULT_DEBOUNCE_MS = 800;
/** Continuous editing still saves at least this many debounce periods after its first change. */
const MAX_WAIT_DEBOUNCES = 5;
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;
/** The longest a server's Retry-After is honoured. */
const MAX_RETRY_AFTER_MS = 300_000;

export function pendingKey(userId: number, projectId: number, taskId: number): string {
  return `${PREFIX}${userId}.${projectId}.${taskId}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPendingWork(value: unknown): value is PendingWork {
  if (!isRecord(value)) return false;
  const { kind, idempotencyKey, schemaVersion } = value;
  const keyOk = kind === "submit" ? typeof idempotencyKey === "string" && idempotencyKey !== "" : kind === "draft";
  return (
    keyOk &&
    (idempotencyKey === undefined || typeof idempotencyKey === "string") &&
    (schemaVersion === undefined || typeof schemaVersion === "number") &&
    Array.isArray(value.regions) &&
    Number.isInteger(value.baseVersion) &&
    typeof value.leadTimeS === "number" &&
    Number.isFinite(value.leadTimeS) &&
    typeof value.startedAt === "string" &&
    typeof value.changedAt === "string"
  );
}

/** The work stored under `key`; null when there is none or it is unreadable (then removed). */
export function readPending(store: KeyValueStore, key: string): PendingWork | null {
  const raw = store.getItem(key);
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  if (isPendingWork(value)) return value;
  store.removeItem(key);
  return null;
}

/** All of a user's stored work, oldest change first (to send what a closed tab left). */
export function listPending(
  store: KeyValueStore,
  userId: number,
): { key: string; projectId: number; taskId: number; work: PendingWork }[] {
  const prefix = `${PREFIX}${userId}.`;
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  // Read after listing: readPending removes unreadable entries, which shifts the indices.
  return keys
    .flatMap((key) => {
      const ids = /^(\d+)\.(\d+)$/.exec(key.slice(prefix.length));
      const work = ids ? readPending(store, key) : null;
      return ids && work ? [{ key, projectId: Number(ids[1]), taskId: Number(ids[2]), work }] : [];
    })
    .sort((a, b) => a.work.changedAt.localeCompare(b.work.changedAt));
}

function browserTimers(): Timers {
  return {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    // The handle is one `setTimeout` above returned.
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    now: () => Date.now(),
  };
}

/** A v4 UUID; `randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function randomKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Submission {
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

function newSubmission(): Submission {
  let resolve: (value: unknown) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A submission restored from storage may have no one awaiting it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

type Outcome = "sent" | "stopped";

function isTransient(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DraftSync {
  private readonly store: KeyValueStore;
  private readonly key: string;
  private readonly transport: DraftTransport;
  private readonly timers: Timers;
  private readonly debounceMs: number;
  private readonly newKey: () => string;
  private readonly onStatus: ((s: SyncStatus, detail?: string) => void) | undefined;
  private readonly onConflict: ((currentVersion: number | null) => void) | undefined;
  private readonly startedAt: string;

  private baseVersion: number;
  private pending: PendingWork | null = null;
  private currentStatus: SyncStatus = "saved";
  private statusDetail: string | undefined;
  private inFlight: Promise<void> | null = null;
  /** A debounced (or, at construction, deferred) send. */
  private sendTimer: { handle: unknown } | null = null;
  /** When the oldest change not yet sent was made, for the debounce's maximum wait. */
  private unsentSince: number | null = null;
  private retryTimer: { handle: unknown } | null = null;
  private retryDelayMs = FIRST_RETRY_MS;
  /** A save that failed on the network may still have reached the server. */
  private unanswered: { baseVersion: number; regions: Region[] } | null = null;
  private signedOut = false;
  /** After an error a retry would repeat: wait for the next change, flush or resume. */
  private halted = false;
  private disposed = false;
  private submission: Submission | null = null;

  constructor(options: DraftSyncOptions) {
    this.store = options.store;
    this.key = options.key;
    this.transport = options.transport;
    this.timers = options.timers ?? browserTimers();
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.newKey = options.newKey ?? randomKey;
    this.onStatus = options.onStatus;
    this.onConflict = options.onConflict;
    this.baseVersion = options.baseVersion;

    const stored = readPending(this.store, this.key);
    this.startedAt = stored?.startedAt ?? options.startedAt;
    if (stored) {
      this.pending = stored;
      // Edits go on top of the restored work, so they share its base, not the caller's.
      this.baseVersion = stored.baseVersion;
      if (stored.kind === "submit") this.submission = newSubmission();
      this.setStatus("pending");
      // Deferred, so that an instance disposed at once (React's StrictMode) sends nothing.
      this.schedule(0);
    }
  }

  /** What is stored for `key`, to show before the server answers (a reload, a re-login). */
  static restore(store: KeyValueStore, key: string): PendingWork | null {
    return readPending(store, key);
  }

  get status(): SyncStatus {
    return this.currentStatus;
  }

  /** The server draft version the next save builds on. */
  get version(): number {
    return this.baseVersion;
  }

  /** Stores the work now and sends it once edits pause. Ignored while a submit is pending. */
  change(regions: Region[], leadTimeS: number): void {
    if (this.pending?.kind === "submit") return;
    this.keep({
      kind: "draft",
      regions,
      baseVersion: this.baseVersion,
      leadTimeS,
      startedAt: this.startedAt,
      changedAt: this.stamp(),
    });
    this.halted = false;
    if (this.currentStatus !== "offline" && this.currentStatus !== "signed_out") this.setStatus("pending");
    if (this.disposed) return;
    const now = this.timers.now();
    this.unsentSince ??= now;
    const latest = this.unsentSince + MAX_WAIT_DEBOUNCES * this.debounceMs;
    this.schedule(Math.max(0, Math.min(this.debounceMs, latest - now)));
  }

  /** Sends what is pending now, without waiting for the debounce or a retry; never rejects. */
  async flush(): Promise<void> {
    if (this.disposed) return;
    this.cancelSend();
    this.cancelRetry();
    this.halted = false;
    this.pump();
    while (this.inFlight) await this.inFlight;
  }

  /**
   * Stores a pending submit, which replaces any pending draft, and sends it, retrying with the
   * same idempotency key after network and server errors and after `resume()` when signed
   * out. Resolves with the server's answer. Rejects with the error of any other refusal (a
   * 4xx but 401); the work then stays pending as a draft. While a submit is pending (also one
   * restored from storage), calling this again returns that submit's promise.
   */
  submit(regions: Region[], leadTimeS: number, schemaVersion?: number): Promise<unknown> {
    if (this.submission && this.pending?.kind === "submit") return this.submission.promise;
    this.keep({
      kind: "submit",
      regions,
      baseVersion: this.baseVersion,
      leadTimeS,
      startedAt: this.startedAt,
      changedAt: this.stamp(),
      idempotencyKey: this.newKey(),
      ...(schemaVersion === undefined ? {} : { schemaVersion }),
    });
    const submission = newSubmission();
    this.submission = submission;
    this.cancelSend();
    this.cancelRetry();
    this.halted = false;
    if (!this.signedOut) this.setStatus("pending");
    this.pump();
    return submission.promise;
  }

  /** After a re-login or the `online` event: retry what is pending now. */
  resume(): void {
    if (this.disposed) return;
    this.signedOut = false;
    this.halted = false;
    this.cancelRetry();
    this.retryDelayMs = FIRST_RETRY_MS;
    if (this.pending === null) this.setStatus("saved");
    else if (this.sendTimer === null || this.pending.kind === "submit") this.pump();
    else this.setStatus("pending");
  }

  /** Stops sending; what is pending stays stored, for the next instance or page load. */
  dispose(): void {
    this.disposed = true;
    this.cancelSend();
    this.cancelRetry();
  }

  // --- sending --------------------------------------------------------------------------

  /** Whether to send now: one request at a time, drafts only after the debounce. */
  private ready(): boolean {
    const work = this.pending;
    return (
      work !== null &&
      !this.disposed &&
      !this.signedOut &&
      !this.halted &&
      this.inFlight === null &&
      this.retryTimer === null &&
      (this.sendTimer === null || work.kind === "submit")
    );
  }

  private pump(): void {
    if (!this.ready()) return;
    this.inFlight = this.drain().finally(() => {
      this.inFlight = null;
      // Work kept while the last answer was being handled.
      this.pump();
    });
  }

  private async drain(): Promise<void> {
    for (let work = this.pending; work !== null; work = this.pending) {
      const outcome = work.kind === "submit" ? await this.sendSubmit(work) : await this.sendDraft(work);
      if (outcome === "stopped") return;
      // ready() without the in-flight check: this loop is the request in flight.
      if (this.disposed || this.signedOut || this.halted || this.retryTimer !== null) return;
      if (this.sendTimer !== null && this.pending?.kind !== "submit") return;
    }
  }

  private async sendDraft(work: PendingWork): Promise<Outcome> {
    this.setStatus("saving");
    this.unsentSince = null;
    try {
      const saved = await this.transport.saveDraft({
        regions: work.regions,
        lead_time_s: work.leadTimeS,
        started_at: work.startedAt,
        base_version: work.baseVersion,
      });
      this.retryDelayMs = FIRST_RETRY_MS;
      this.unanswered = null;
      this.baseVersion = saved.version;
      this.settle(work);
      return "sent";
    } catch (error) {
      if (isApiError(error) && error.status === 0) {
        this.unanswered ??= { baseVersion: work.baseVersion, regions: work.regions };
      } else if (await this.wasOurs(error)) {
        return this.drainAgain(work);
      }
      return this.failed(work, error);
    }
  }

  /**
   * A stale-draft refusal right after a save that got no answer may be that very save,
   * applied by the server before the connection dropped: then the server's draft is one
   * version on and holds exactly what was sent. Recognised, the newer work is sent on top
   * instead of being dropped as a conflict.
   */
  private async wasOurs(error: unknown): Promise<boolean> {
    const sent = this.unanswered;
    this.unanswered = null;
    if (!sent || !this.transport.loadDraft) return false;
    if (!isApiError(error) || error.status !== 409 || error.code !== "stale_draft") return false;
    if (error.details.current_version !== sent.baseVersion + 1) return false;
    try {
      const server = await this.transport.loadDraft();
      if (server === null || server.version !== sent.baseVersion + 1 || !sameJson(server.regions, sent.regions)) return false;
      this.baseVersion = server.version;
      return true;
    } catch {
      return false;
    }
  }

  /** Send the latest work again at once, on the recovered base version. */
  private drainAgain(work: PendingWork): Outcome {
    const latest = this.pending ?? work;
    this.keep({ ...latest, baseVersion: this.baseVersion });
    this.retryDelayMs = FIRST_RETRY_MS;
    return "sent"; // the drain loop goes on with the pending work
  }

  private async sendSubmit(work: PendingWork): Promise<Outcome> {
    this.setStatus("saving");
    this.unsentSince = null;
    const body = {
      regions: work.regions,
      lead_time_s: work.leadTimeS,
      started_at: work.startedAt,
      ...(work.schemaVersion === undefined ? {} : { schema_version: work.schemaVersion }),
    };
    try {
      // Never a fresh key here: submit() and readPending() ensure a pending submit has one.
      const result = await this.transport.submit(body, work.idempotencyKey ?? "");
      this.retryDelayMs = FIRST_RETRY_MS;
      this.baseVersion = 0; // the server deleted the draft
      this.settle(work);
      const submission = this.submission;
      this.submission = null;
      submission?.resolve(result);
      return "sent";
    } catch (error) {
      return this.failed(work, error);
    }
  }

  /** `work` reached the server: forget it, unless something newer was stored meanwhile. */
  private settle(work: PendingWork): void {
    if (this.pending === work) {
      this.pending = null;
      this.forget(work);
      this.setStatus("saved");
    } else if (this.pending) {
      // The newer work was made on top of what was just saved.
      this.keep({ ...this.pending, baseVersion: this.baseVersion });
      this.setStatus("pending");
    }
  }

  private failed(work: PendingWork, error: unknown): Outcome {
    if (isApiError(error) && error.status === 0) {
      this.setStatus("offline", error.message);
      this.scheduleRetry(null);
      return "stopped";
    }
    if (isApiError(error) && error.status === 401) {
      this.signedOut = true;
      this.setStatus("signed_out", error.message);
      return "stopped";
    }
    if (isApiError(error) && error.status === 409 && error.code === "stale_draft" && work.kind === "draft") {
      return this.conflicted(error.details.current_version);
    }
    if (isApiError(error) && isTransient(error.status)) {
      this.setStatus("error", error.message);
      this.scheduleRetry(error.retryAfterSeconds);
      return "stopped";
    }
    this.halted = true;
    if (work.kind === "submit" && this.pending === work) this.refused(work, error);
    this.setStatus("error", messageOf(error));
    return "stopped";
  }

  /** The server has newer work: drop ours (any pending draft shares the stale base). */
  private conflicted(currentVersion: unknown): Outcome {
    const current = typeof currentVersion === "number" && Number.isInteger(currentVersion) ? currentVersion : null;
    // Further saves build on the server's draft, which the editor is expected to load now.
    if (current !== null) this.baseVersion = current;
    if (this.pending?.kind === "submit") return "sent"; // a submit made meanwhile still goes
    if (this.pending) this.forget(this.pending);
    this.pending = null;
    this.setStatus("conflict");
    if (!this.disposed) this.onConflict?.(current);
    return "stopped";
  }

  /** A refused submit goes back to being a draft, so nothing is lost. */
  private refused(work: PendingWork, error: unknown): void {
    this.keep({
      kind: "draft",
      regions: work.regions,
      baseVersion: this.baseVersion,
      leadTimeS: work.leadTimeS,
      startedAt: work.startedAt,
      changedAt: this.stamp(),
    });
    const submission = this.submission;
    this.submission = null;
    submission?.reject(error);
  }

  // --- timers and storage -----------------------------------------------------------------

  private schedule(ms: number): void {
    this.cancelSend();
    const timer = {
      handle: this.timers.setTimeout(() => {
        if (this.sendTimer !== timer) return;
        this.sendTimer = null;
        this.pump();
      }, ms),
    };
    this.sendTimer = timer;
  }

  private cancelSend(): void {
    if (this.sendTimer) this.timers.clearTimeout(this.sendTimer.handle);
    this.sendTimer = null;
  }

  /** Capped exponential backoff, or longer when the server asked for it. */
  private scheduleRetry(retryAfterSeconds: number | null): void {
    const asked = Math.min((retryAfterSeconds ?? 0) * 1000, MAX_RETRY_AFTER_MS);
    const delay = Math.max(this.retryDelayMs, asked);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_MS);
    this.cancelRetry();
    if (this.disposed) return;
    const timer = {
      handle: this.timers.setTimeout(() => {
        if (this.retryTimer !== timer) return;
        this.retryTimer = null;
        this.pump();
      }, delay),
    };
    this.retryTimer = timer;
  }

  private cancelRetry(): void {
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer.handle);
    this.retryTimer = null;
  }

  /** Make `work` the pending work, in storage first. A full store still keeps it in memory. */
  private keep(work: PendingWork): void {
    this.pending = work;
    try {
      this.store.setItem(this.key, JSON.stringify(work));
    } catch {
      // Quota exceeded or storage disabled: sending still works while the page lives.
    }
  }

  /** Remove `work` from storage unless another writer (a second tab) replaced it. */
  private forget(work: PendingWork): void {
    if (this.store.getItem(this.key) === JSON.stringify(work)) this.store.removeItem(this.key);
  }

  private stamp(): string {
    return new Date(this.timers.now()).toISOString();
  }

  private setStatus(status: SyncStatus, detail?: string): void {
    if (status === this.currentStatus && detail === this.statusDetail) return;
    this.currentStatus = status;
    this.statusDetail = detail;
    if (!this.disposed) this.onStatus?.(status, detail);
  }
}

/** Deep equality of JSON values, ignoring object key order (PostgreSQL's JSONB reorders keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => k in right && sameJson(left[k], right[k]));
}
