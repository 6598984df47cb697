/**
 * Unpublished edits of the schema and the guidelines, kept in the browser's storage as they
 * are typed, so leaving the page (another settings section, a reload, a crash) loses none.
 * An edit remembers the version it started from, so the page can say when another version
 * has been published since.
 */

export interface EditDraft {
  /** The version the edit started from (0: none was published). */
  base: number;
  text: string;
}

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function draftKey(userId: number, projectId: number, section: "schema" | "guidelines"): string {
  return `accord.settings.${userId}.${projectId}.${section}`;
}

export function readDraft(store: Store, key: string): EditDraft | null {
  try {
    const raw = store.getItem(key);
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return null;
    const { base, text } = value as Record<string, unknown>;
    return typeof base === "number" && typeof text === "string" ? { base, text } : null;
  } catch {
    return null; // unreadable: as if there were none
  }
}

/** Keep `text` unless it is the published text itself (then there is nothing to keep). */
export function keepDraft(store: Store, key: string, draft: EditDraft, published: string | null): void {
  try {
    if (published !== null && draft.text === published) store.removeItem(key);
    else store.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or off: the edit stays on the page, only not across a reload.
  }
}

export function dropDraft(store: Store, key: string): void {
  try {
    store.removeItem(key);
  } catch {
    // nothing kept, nothing to drop
  }
}
