import type { KeyValueStore } from "../lib/draftSync";

/** `localStorage` in memory, for node tests; `failWrites` makes it full (QuotaExceededError). */
export class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  failWrites = false;
  get length(): number {
    return this.items.size;
  }
  key(i: number): string | null {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.failWrites) throw new Error("QuotaExceededError");
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}
