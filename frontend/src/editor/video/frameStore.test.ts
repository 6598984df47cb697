import { describe, expect, it } from "vitest";
import { createFrameStore } from "./frameStore";

describe("createFrameStore", () => {
  it("tells its listeners of a new frame, once, and not of the same frame again", () => {
    const store = createFrameStore();
    const heard: number[] = [];
    const stop = store.subscribe(() => heard.push(store.get()));
    store.set(3);
    store.set(3);
    store.set(4);
    stop();
    store.set(5);
    expect(heard).toEqual([3, 4]);
    expect(store.get()).toBe(5);
  });
});
