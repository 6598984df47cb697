/**
 * Time on task as annotators spend it: the lead time stored with each annotation counts
 * only while the editor is visible and within `idleAfterMs` of the last key, pointer or wheel
 * event, so a tab left open over lunch does not make a task look slow (Label Studio's
 * `lead_time` is wall time; CVAT subtracts only what it notices).
 */

export interface ActiveTimerOptions {
  /** A monotonic clock in ms; default `performance.now`, which wall-clock changes do not move. */
  now?: () => number;
  /** After this long without activity the annotator is idle; default 60 000. */
  idleAfterMs?: number;
  /** Seconds counted before, e.g. a restored draft's lead time. */
  initialSeconds?: number;
}

export const DEFAULT_IDLE_AFTER_MS = 60_000;

function defaultNow(): () => number {
  return typeof performance === "undefined" ? () => Date.now() : () => performance.now();
}

export class ActiveTimer {
  private readonly now: () => number;
  private readonly idleAfterMs: number;
  private readonly initialSeconds: number;
  private countedMs = 0;
  /** Time up to which activity has been counted (or skipped as hidden). */
  private countedTo: number;
  /** Activity counts up to here: the last activity plus the idle threshold. */
  private activeUntil: number;
  private visible = true;

  /** Starts visible and active: the annotator just opened the task. */
  constructor(options: ActiveTimerOptions = {}) {
    this.now = options.now ?? defaultNow();
    this.idleAfterMs = Math.max(0, options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS);
    this.initialSeconds = Math.max(0, options.initialSeconds ?? 0);
    const start = this.now();
    this.countedTo = start;
    this.activeUntil = start + this.idleAfterMs;
  }

  /** A key, pointer or wheel event: counts as active from now. */
  activity(): void {
    const now = this.advance();
    this.activeUntil = Math.max(this.activeUntil, now + this.idleAfterMs);
  }

  /** The page became visible or hidden (visibility or window focus). Hidden time never counts. */
  setVisible(visible: boolean): void {
    this.advance();
    this.visible = visible;
  }

  /** Active seconds so far, `initialSeconds` included. */
  seconds(): number {
    this.advance();
    return this.initialSeconds + this.countedMs / 1000;
  }

  /** Count the time since the last call that was visible and not yet idle. */
  private advance(): number {
    const now = this.now();
    if (now <= this.countedTo) {
      // A clock that went back counts nothing and restarts from here.
      this.countedTo = Math.min(this.countedTo, now);
      return now;
    }
    if (this.visible) this.countedMs += Math.max(0, Math.min(now, this.activeUntil) - this.countedTo);
    this.countedTo = now;
    return now;
  }
}

/** Visible to the annotator: the tab is shown and the window has focus. */
function isShown(doc: Document): boolean {
  return doc.visibilityState !== "hidden" && doc.hasFocus();
}

/**
 * Feeds `timer` from the page: visibility and window focus, key, pointer and wheel events.
 * Coming back to the page counts as activity. Returns a function that removes every listener.
 */
export function attachActivity(timer: ActiveTimer, doc: Document, win: Window): () => void {
  const onActivity = () => timer.activity();
  const onShown = () => {
    const shown = isShown(doc);
    timer.setVisible(shown);
    if (shown) timer.activity();
  };
  const onBlur = () => timer.setVisible(false);
  // Pressing a key or a button means the window has focus, even if no focus event said so.
  const onInput = () => {
    if (doc.visibilityState !== "hidden") timer.setVisible(true);
    timer.activity();
  };

  // Input is captured, so that an editor handler stopping propagation still counts. Focus
  // and blur are not: captured on the window they would also report every element's.
  const input: AddEventListenerOptions = { capture: true, passive: true };
  const listeners: [EventTarget, string, () => void, AddEventListenerOptions][] = [
    [doc, "visibilitychange", onShown, {}],
    [win, "focus", onShown, {}],
    [win, "blur", onBlur, {}],
    [win, "keydown", onInput, input],
    [win, "pointerdown", onInput, input],
    [win, "pointermove", onActivity, input],
    [win, "wheel", onActivity, input],
  ];
  for (const [target, type, listener, options] of listeners) target.addEventListener(type, listener, options);
  timer.setVisible(isShown(doc));
  return () => {
    for (const [target, type, listener, options] of listeners) target.removeEventListener(type, listener, options);
  };
}
