/**
 * The current frame, held outside React state: a step changes what shows the frame (the
 * boxes, the readout, the slider, the playhead) and nothing else. The stage itself, its
 * track panel while nothing is selected and the timeline's rows do not render again per
 * frame; each part that shows the frame subscribes (`useFrame`) or reads it when acting
 * (`get`).
 */
import { useSyncExternalStore } from "react";

export interface FrameStore {
  get(): number;
  set(frame: number): void;
  subscribe(listener: () => void): () => void;
}

export function createFrameStore(initial = 0): FrameStore {
  let frame = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => frame,
    set(next) {
      if (next === frame) return;
      frame = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const NO_SUBSCRIPTION = () => () => {};
const NO_FRAME = () => 0;

/** The current frame, re-rendering the calling component when it changes; while not
 * `following`, 0 and no renders. */
export function useFrame(store: FrameStore, following = true): number {
  return useSyncExternalStore(following ? store.subscribe : NO_SUBSCRIPTION, following ? store.get : NO_FRAME);
}
