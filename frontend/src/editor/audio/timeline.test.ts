import { describe, expect, it } from "vitest";
import { clampView, fitView, follow, formatTick, formatTime, MAX_PX_PER_S, scrollBy, ticks, timeAt, xAt, zoomAt, zoomRange } from "./timeline";

describe("timeline", () => {
  const ten = fitView(1000, 10); // 100 px/s

  it("maps seconds to pixels and back", () => {
    expect(ten.pxPerS).toBe(100);
    expect(xAt(ten, 2.5)).toBe(250);
    expect(timeAt(ten, 250)).toBe(2.5);
    const later = { ...ten, start: 3, pxPerS: 400 };
    expect(timeAt(later, xAt(later, 4.2))).toBeCloseTo(4.2, 12);
  });

  it("keeps the time under the pointer where it is when zooming", () => {
    const zoomed = zoomAt(ten, 4, 300);
    expect(zoomed.pxPerS).toBe(400);
    expect(timeAt(zoomed, 300)).toBeCloseTo(3, 12);
    const back = zoomAt(zoomed, 0.25, 300);
    expect(back.pxPerS).toBe(100);
    expect(back.start).toBe(0);
  });

  it("never zooms out past the whole recording nor in past the closest zoom", () => {
    expect(zoomAt(ten, 0.1, 500).pxPerS).toBe(100);
    expect(zoomAt(ten, 1e6, 500).pxPerS).toBe(MAX_PX_PER_S);
    // A long recording caps the scroll extent instead.
    const [low, high] = zoomRange(1000, 36000);
    expect(low).toBeCloseTo(1000 / 36000);
    expect(high * 36000).toBeLessThanOrEqual(8_000_000);
  });

  it("never scrolls before 0 or past the end", () => {
    const zoomed = zoomAt(ten, 2, 0); // 5 s visible
    expect(scrollBy(zoomed, -100).start).toBe(0);
    expect(scrollBy(zoomed, 1e6).start).toBe(5);
    expect(clampView({ ...zoomed, start: 7 }).start).toBe(5);
  });

  it("pages to the playhead once it leaves the view", () => {
    const zoomed = { ...zoomAt(ten, 4, 0), duration: 10 }; // 2.5 s visible from 0
    expect(follow(zoomed, 1)).toBe(zoomed);
    expect(follow(zoomed, 2.6).start).toBeCloseTo(2.35, 12);
    expect(follow(zoomed, 9.9).start).toBe(7.5);
  });

  it("formats times to the millisecond", () => {
    expect(formatTime(0)).toBe("0:00.000");
    expect(formatTime(65.25)).toBe("1:05.250");
    expect(formatTime(3723)).toBe("1:02:03.000");
    expect(formatTime(-1)).toBe("0:00.000");
    expect(formatTime(Number.NaN)).toBe("0:00.000");
  });

  it("writes ruler ticks as short as their step allows", () => {
    expect(formatTick(5, 1)).toBe("0:05");
    expect(formatTick(90, 30)).toBe("1:30");
    expect(formatTick(1.25, 0.25)).toBe("0:01.25");
    expect(formatTick(2, 0.5)).toBe("0:02");
  });

  it("spaces ruler ticks at least the asked gap apart", () => {
    const { step, times } = ticks(ten, 80);
    expect(step).toBe(1);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBe(10);
    expect(ticks({ ...ten, pxPerS: 2000, start: 1.23 }, 80).step).toBe(0.05);
  });
});
