import { describe, expect, it } from "vitest";
import { MemoryStore } from "../test/memoryStore";
import { draftKey, dropDraft, keepDraft, readDraft } from "./editDraft";

describe("unpublished edits", () => {
  const key = draftKey(7, 3, "schema");

  it("are kept per user, project and section, and read back", () => {
    const store = new MemoryStore();
    keepDraft(store, key, { base: 2, text: '{"data": []}' }, '{"data": [1]}');
    expect(readDraft(store, key)).toEqual({ base: 2, text: '{"data": []}' });
    expect(readDraft(store, draftKey(7, 3, "guidelines"))).toBeNull();
    expect(readDraft(store, draftKey(8, 3, "schema"))).toBeNull();
    dropDraft(store, key);
    expect(readDraft(store, key)).toBeNull();
  });

  it("are not kept when the text is the published one", () => {
    const store = new MemoryStore();
    keepDraft(store, key, { base: 2, text: "x" }, "y");
    keepDraft(store, key, { base: 2, text: "y" }, "y");
    expect(readDraft(store, key)).toBeNull();
  });

  it("read anything unreadable as none, and survive a full store", () => {
    const store = new MemoryStore();
    store.setItem(key, "{not json");
    expect(readDraft(store, key)).toBeNull();
    store.setItem(key, JSON.stringify({ base: "2", text: 1 }));
    expect(readDraft(store, key)).toBeNull();
    store.failWrites = true;
    expect(() => keepDraft(store, key, { base: 1, text: "x" }, null)).not.toThrow();
  });
});
