import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { getJob, type Job } from "./api";
import { isFinished, POLL, pollDelay } from "./jobs";

export interface PolledJob {
  job: Job | null;
  /** The last poll failed (the next one is still scheduled, unless `stalled`). */
  error: string | null;
  /** Polling gave up after POLL.maxPolls looks; a reload looks again. */
  stalled: boolean;
}

/**
 * Follow a job until it finishes: polls with backoff (POLL), not while the page is hidden
 * (it looks again as soon as the page is shown), never after the component is gone, and at
 * most POLL.maxPolls times. `onFinished` is called once, with the final job.
 */
export function usePolledJob(
  client: ApiClient,
  projectId: number,
  initial: Job | null,
  onFinished: (job: Job) => void,
  onUnauthenticated: () => void,
): PolledJob {
  const [state, setState] = useState<PolledJob>({ job: initial, error: null, stalled: false });
  const finished = useRef(onFinished);
  const unauthenticated = useRef(onUnauthenticated);
  finished.current = onFinished;
  unauthenticated.current = onUnauthenticated;
  const jobId = initial?.id ?? null;

  useEffect(() => {
    setState({ job: initial, error: null, stalled: false });
    if (initial === null || jobId === null) return;
    if (isFinished(initial)) {
      finished.current(initial);
      return;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let polls = 0;
    let inFlight = false;
    let over = false; // finished, or signed out: no more looks

    const schedule = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (over || controller.signal.aborted || document.visibilityState === "hidden") return;
      if (polls >= POLL.maxPolls) {
        setState((s) => ({ ...s, stalled: true }));
        return;
      }
      timer = setTimeout(look, pollDelay(polls));
    };

    const look = async () => {
      timer = null;
      if (over || inFlight || controller.signal.aborted) return;
      inFlight = true;
      polls += 1;
      try {
        const job = await getJob(client, projectId, jobId, controller.signal);
        if (controller.signal.aborted) return;
        setState({ job, error: null, stalled: false });
        if (isFinished(job)) {
          over = true;
          finished.current(job);
          return;
        }
      } catch (caught) {
        if (controller.signal.aborted) return;
        if (isApiError(caught) && caught.status === 401) {
          over = true;
          unauthenticated.current();
          return;
        }
        setState((s) => ({ ...s, error: isApiError(caught) ? caught.message : "Could not check the job." }));
      } finally {
        inFlight = false;
      }
      schedule();
    };

    const onVisibility = () => {
      if (document.visibilityState === "visible" && timer === null && !inFlight) void look();
      else if (document.visibilityState === "hidden" && timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    schedule();
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
    // `initial` is read once per job id: a new job restarts the polling
  }, [client, projectId, jobId]);

  return state;
}
