/**
 * Undo/redo of the editor's region list. Immutable, so React state can hold it and
 * components compare by reference. A drag records many steps with one coalesce key, which
 * undo then takes back as one.
 */

export interface History<T> {
  past: readonly T[];
  present: T;
  future: readonly T[];
  /** The key of the last record, while further records with it replace `present`. */
  coalesce: string | null;
}

export const DEFAULT_HISTORY_LIMIT = 200;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], coalesce: null };
}

/**
 * `next` becomes the present. With the same non-null `coalesceKey` as the last record it
 * replaces the present instead of adding an undo step (one drag, one step). Recording the
 * present itself is a no-op; any real record drops the redo future. At most `limit` undo
 * steps are kept, the oldest dropped first.
 */
export function record<T>(
  h: History<T>,
  next: T,
  coalesceKey?: string,
  limit: number = DEFAULT_HISTORY_LIMIT,
): History<T> {
  if (next === h.present) return h;
  const key = coalesceKey ?? null;
  if (key !== null && key === h.coalesce) {
    return { past: h.past, present: next, future: [], coalesce: key };
  }
  const keep = Math.max(0, Math.floor(limit));
  const past = [...h.past, h.present];
  return { past: past.slice(Math.max(0, past.length - keep)), present: next, future: [], coalesce: key };
}

/** Steps back; nothing to undo leaves the history as it is (but ends coalescing). */
export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return endCoalescing(h);
  const past = h.past.slice(0, -1);
  const previous = h.past[past.length] as T; // in range: past is one shorter
  return { past, present: previous, future: [h.present, ...h.future], coalesce: null };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return endCoalescing(h);
  const next = h.future[0] as T; // in range: future is not empty
  return { past: [...h.past, h.present], present: next, future: h.future.slice(1), coalesce: null };
}

export function canUndo<T>(h: History<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: History<T>): boolean {
  return h.future.length > 0;
}

/** The next record is a step of its own even with the same key (a drag ended: pointer up). */
export function endCoalescing<T>(h: History<T>): History<T> {
  return h.coalesce === null ? h : { ...h, coalesce: null };
}
