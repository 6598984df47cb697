// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { ActiveTimer, attachActivity } from "./activeTime";

/** A clock the test moves: `at(s)` jumps to s seconds after the start. */
function fakeClock() {
  let ms = 1_000_000;
  const start = ms;
  return {
    now: () => ms,
    at: (seconds: number) => {
      ms = start + seconds * 1000;
    },
  };
}

function timer(options: { idleAfterMs?: number; initialSeconds?: number } = {}) {
  const clock = fakeClock();
  return { clock, timer: new ActiveTimer({ now: clock.now, ...options }) };
}

describe("ActiveTimer", () => {
  it("counts visible time from the start", () => {
    const { clock, timer: t } = timer();
    expect(t.seconds()).toBe(0);
    clock.at(30);
    expect(t.seconds()).toBe(30);
    expect(t.seconds()).toBe(30); // asking again counts nothing twice
  });

  it("counts an idle gap up to idleAfterMs, not beyond", () => {
    const { clock, timer: t } = timer();
    clock.at(300);
    expect(t.seconds()).toBe(60);
    t.activity();
    clock.at(310);
    expect(t.seconds()).toBe(70);
  });

  it("counts each activity's idle allowance from that activity", () => {
    const { clock, timer: t } = timer({ idleAfterMs: 10_000 });
    clock.at(8);
    t.activity(); // active until 18
    clock.at(15);
    t.activity(); // active until 25
    clock.at(100);
    expect(t.seconds()).toBe(25);
  });

  it("never counts hidden time", () => {
    const { clock, timer: t } = timer();
    clock.at(10);
    t.setVisible(false);
    clock.at(40);
    t.activity(); // e.g. a pointer moving over an unfocused window
    expect(t.seconds()).toBe(10);
    t.setVisible(true);
    clock.at(50);
    expect(t.seconds()).toBe(20);
  });

  it("counts nothing after a long absence until the next activity", () => {
    const { clock, timer: t } = timer();
    clock.at(10);
    t.setVisible(false);
    clock.at(3600);
    t.setVisible(true);
    clock.at(3630);
    expect(t.seconds()).toBe(10);
    t.activity();
    clock.at(3640);
    expect(t.seconds()).toBe(20);
  });

  it("setting the same visibility twice changes nothing", () => {
    const { clock, timer: t } = timer();
    clock.at(5);
    t.setVisible(true);
    t.setVisible(true);
    clock.at(10);
    expect(t.seconds()).toBe(10);
  });

  it("adds the seconds counted before", () => {
    const { clock, timer: t } = timer({ initialSeconds: 95.5 });
    clock.at(4);
    expect(t.seconds()).toBe(99.5);
  });

  it("survives a clock going backwards", () => {
    const { clock, timer: t } = timer();
    clock.at(20);
    expect(t.seconds()).toBe(20);
    clock.at(5);
    expect(t.seconds()).toBe(20);
    t.activity();
    clock.at(15);
    expect(t.seconds()).toBe(30);
  });

  it("uses a real clock by default", () => {
    const t = new ActiveTimer();
    expect(t.seconds()).toBeGreaterThanOrEqual(0);
    expect(t.seconds()).toBeLessThan(1);
  });
});

describe("attachActivity", () => {
  let visibility: DocumentVisibilityState = "visible";
  let focused = true;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
  document.hasFocus = () => focused;
  afterEach(() => {
    visibility = "visible";
    focused = true;
  });

  function attached() {
    const clock = fakeClock();
    const t = new ActiveTimer({ now: clock.now, idleAfterMs: 10_000 });
    const detach = attachActivity(t, document, window);
    return { clock, t, detach };
  }

  it("stops counting while the tab is hidden and restarts when it is shown", () => {
    const { clock, t, detach } = attached();
    clock.at(5);
    visibility = "hidden";
    document.dispatchEvent(new Event("visibilitychange"));
    clock.at(500);
    expect(t.seconds()).toBe(5);
    visibility = "visible";
    document.dispatchEvent(new Event("visibilitychange"));
    clock.at(503);
    expect(t.seconds()).toBe(8); // coming back counts as activity
    detach();
  });

  it("stops counting while the window has no focus", () => {
    const { clock, t, detach } = attached();
    clock.at(2);
    focused = false;
    window.dispatchEvent(new FocusEvent("blur"));
    clock.at(9);
    expect(t.seconds()).toBe(2);
    focused = true;
    window.dispatchEvent(new FocusEvent("focus"));
    clock.at(12);
    expect(t.seconds()).toBe(5);
    detach();
  });

  it("ignores focus moving between elements of the page", () => {
    const { clock, t, detach } = attached();
    const input = document.createElement("input");
    document.body.append(input);
    input.focus();
    input.blur();
    clock.at(4);
    expect(t.seconds()).toBe(4);
    input.remove();
    detach();
  });

  it("counts keys, pointer and wheel events as activity, even when propagation stops", () => {
    const { clock, t, detach } = attached();
    const stage = document.createElement("div");
    stage.addEventListener("keydown", (e) => e.stopPropagation());
    document.body.append(stage);
    const events = [
      () => stage.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true })),
      () => window.dispatchEvent(new Event("pointerdown")),
      () => window.dispatchEvent(new Event("pointermove")),
      () => window.dispatchEvent(new Event("wheel")),
    ];
    let expected = 0;
    for (const [i, fire] of events.entries()) {
      clock.at(100 * (i + 1));
      fire();
      expected += 10; // each gap counts its first 10 s only
      expect(t.seconds()).toBe(expected);
    }
    stage.remove();
    detach();
  });

  it("takes a key press as proof of focus", () => {
    const { clock, t, detach } = attached();
    focused = false;
    window.dispatchEvent(new FocusEvent("blur"));
    clock.at(3);
    focused = true;
    window.dispatchEvent(new KeyboardEvent("keydown"));
    clock.at(5);
    expect(t.seconds()).toBe(2);
    detach();
  });

  it("starts hidden when attached to a page in the background", () => {
    visibility = "hidden";
    const { clock, t, detach } = attached();
    clock.at(5);
    expect(t.seconds()).toBe(0);
    detach();
  });

  it("stops listening once detached", () => {
    const { clock, t, detach } = attached();
    detach();
    clock.at(3);
    visibility = "hidden";
    document.dispatchEvent(new Event("visibilitychange"));
    clock.at(6);
    expect(t.seconds()).toBe(6);
    clock.at(100);
    window.dispatchEvent(new Event("pointerdown"));
    clock.at(105);
    expect(t.seconds()).toBe(10);
  });
});
