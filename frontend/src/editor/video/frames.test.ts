import { describe, expect, it } from "vitest";
import { clampFrame, estimateFps, frameCountOf, frameOfMediaTime, frameOfTime, frameTime, timecode, videoTiming } from "./frames";

describe("frames and media time", () => {
  it("seeks to the middle of a frame and reads every frame back from it", () => {
    for (const fps of [25, 30000 / 1001, 60]) {
      for (let frame = 0; frame < 20_000; frame += 997) {
        expect(frameOfTime(frameTime(frame, fps), fps)).toBe(frame);
        expect(frameOfMediaTime(frame / fps, fps)).toBe(frame);
      }
    }
  });

  it("reads the frame a playback position falls in", () => {
    expect(frameOfTime(0, 25)).toBe(0);
    expect(frameOfTime(0.0399, 25)).toBe(0);
    expect(frameOfTime(0.04, 25)).toBe(1);
    expect(frameOfTime(599.99, 25)).toBe(14_999);
  });

  it("keeps frames inside the video", () => {
    expect([-3, 0, 7.4, 75, 1e9].map((f) => clampFrame(f, 75))).toEqual([0, 0, 7, 74, 74]);
  });

  it("counts frames from the task, else from the duration", () => {
    expect(frameCountOf(3, 25)).toBe(75);
    expect(frameCountOf(600, 25)).toBe(15_000);
    expect(frameCountOf(3, 25, 74)).toBe(74);
    expect(frameCountOf(NaN, 25)).toBe(1);
  });

  it("reads fps and the frame count from the task's data", () => {
    expect(videoTiming({ video: "a.webm", fps: 25, frame_count: 750 })).toEqual({ fps: 25, frameCount: 750 });
    expect(videoTiming({ frame_rate: 30 })).toEqual({ fps: 30 });
    expect(videoTiming({ fps: "25", frame_count: 7.5 })).toEqual({});
    expect(videoTiming({ fps: 0, frame_count: -1 })).toEqual({});
  });

  it("estimates the rate from presented frames, skipped ones too", () => {
    expect(estimateFps([0, 0.04, 0.12, 0.16])).toBe(25);
    expect(estimateFps([1, 1 + 1001 / 30000, 1 + 2002 / 30000])).toBeCloseTo(30000 / 1001, 9);
    expect(estimateFps([0, 1 / 12.5])).toBe(12.5);
    expect(estimateFps([0.5, 0.5])).toBeNull();
  });

  it("writes a timecode of minutes, seconds and frames", () => {
    expect(timecode(0, 25)).toBe("0:00.00");
    expect(timecode(26, 25)).toBe("0:01.01");
    expect(timecode(14_999, 25)).toBe("9:59.24");
  });
});
