// @vitest-environment jsdom
import { act, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import type { Job, JobState } from "./api";
import { pollDelay } from "./jobs";
import { usePolledJob } from "./usePolledJob";

function job(state: JobState, done = 0): Job {
  return {
    id: 7, project_id: 1, kind: "export", format: "jsonl", state, phase: null,
    progress: { done, total: 10 }, result: null, error: null, error_details: null,
    file_name: "project-1.jsonl", file_size: null, file_sha256: null, file_available: false,
    download_url: null, created_by: 1, created_at: "2026-12-01T00:00:00Z", started_at: null,
    finished_at: null, expires_at: null,
  };
}

/** A client whose server answers each look at the job with the next state given. */
function serverAnswering(states: JobState[]) {
  const urls: string[] = [];
  let look = 0;
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    urls.push(String(input));
    const state = states[Math.min(look, states.length - 1)]!;
    look += 1;
    return new Response(JSON.stringify(job(state, look)), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  return { client: new ApiClient({ fetch: fetch as unknown as typeof globalThis.fetch }), urls };
}

function Probe({ client, onFinished }: { client: ApiClient; onFinished: (job: Job) => void }) {
  const { job: current } = usePolledJob(client, 1, job("queued"), onFinished, () => undefined);
  return <p>{current?.state}</p>;
}

let hidden = false;

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

/** Mount without the shared helper's flush, which waits on (here fake) timers. */
async function render(ui: ReactNode) {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(ui));
  return { container, unmount: () => act(() => root.unmount()) };
}

async function wait(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

beforeEach(() => {
  hidden = false;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = "";
});

describe("following a job", () => {
  it("polls with backoff until the job is finished, then stops", async () => {
    const { client, urls } = serverAnswering(["running", "running", "done"]);
    const finished = vi.fn();
    const view = await render(<Probe client={client} onFinished={finished} />);
    expect(urls).toHaveLength(0);
    await wait(pollDelay(0));
    expect(urls).toEqual(["/api/projects/1/jobs/7"]);
    await wait(pollDelay(1) - 1);
    expect(urls).toHaveLength(1); // backed off: not yet
    await wait(1);
    expect(urls).toHaveLength(2);
    await wait(pollDelay(2));
    expect(urls).toHaveLength(3);
    expect(view.container.textContent).toBe("done");
    expect(finished).toHaveBeenCalledTimes(1);
    await wait(60_000);
    expect(urls).toHaveLength(3);
    view.unmount();
  });

  it("does not poll while the page is hidden, and looks at once when it is shown", async () => {
    const { client, urls } = serverAnswering(["running"]);
    const view = await render(<Probe client={client} onFinished={() => undefined} />);
    await wait(pollDelay(0));
    expect(urls).toHaveLength(1);
    hidden = true;
    document.dispatchEvent(new Event("visibilitychange"));
    await wait(60_000);
    expect(urls).toHaveLength(1);
    hidden = false;
    document.dispatchEvent(new Event("visibilitychange"));
    await wait(0);
    expect(urls).toHaveLength(2);
    view.unmount();
  });

  it("stops when the page is left", async () => {
    const { client, urls } = serverAnswering(["running"]);
    const view = await render(<Probe client={client} onFinished={() => undefined} />);
    await wait(pollDelay(0));
    expect(urls).toHaveLength(1);
    view.unmount();
    await wait(60_000);
    expect(urls).toHaveLength(1);
  });
});
