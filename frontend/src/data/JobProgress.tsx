import { useState } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { cancelJob, type Job } from "./api";
import { describeJob, errorPosition, progressFraction } from "./jobs";
import { usePolledJob } from "./usePolledJob";

interface JobProgressProps {
  client: ApiClient;
  projectId: number;
  job: Job;
  /** Called once when the job is done, failed or cancelled. */
  onFinished: (job: Job) => void;
  onUnauthenticated: () => void;
}

/** A running job followed to its end: a progress bar, what it is doing, and then its result
 * (an import's counts or its error with the position, an export's download link). */
export function JobProgress({ client, projectId, job: started, onFinished, onUnauthenticated }: JobProgressProps) {
  const { job, error, stalled } = usePolledJob(client, projectId, started, onFinished, onUnauthenticated);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  if (job === null) return null;
  const what = job.kind === "import" ? "Import" : "Export";
  const fraction = progressFraction(job);
  const active = job.state === "queued" || job.state === "running";
  const position = job.state === "failed" ? errorPosition(job) : null;

  async function onCancel() {
    setCancelling(true);
    setCancelError(null);
    try {
      await cancelJob(client, projectId, job!.id);
    } catch (caught) {
      setCancelError(isApiError(caught) ? caught.message : "Could not cancel the job.");
    } finally {
      setCancelling(false);
    }
  }

  return (
    <div className="job" aria-label={`${what} job ${job.id}`} role="group">
      {active && (
        <progress
          className="job__bar"
          aria-label={`Progress of ${what.toLowerCase()} job ${job.id}`}
          max={1}
          {...(fraction === null ? {} : { value: fraction })}
        />
      )}
      {job.state === "failed" ? (
        <div role="alert" className="job__error">
          <p className="error">{describeJob(job)}</p>
          {position?.line != null && (
            <p className="job__position">
              Line {position.line}
              {position.column != null ? `, column ${position.column}` : ""} of {job.file_name ?? "the file"}. Nothing was
              imported; fix the file and import it again.
            </p>
          )}
        </div>
      ) : (
        <p role="status" className="job__status">
          {describeJob(job)}
        </p>
      )}
      {job.state === "done" && job.download_url && (
        <p>
          <a className="job__download" href={job.download_url} download={job.file_name ?? true}>
            Download {job.file_name}
          </a>
        </p>
      )}
      {active && (
        <button type="button" className="job__cancel" onClick={onCancel} disabled={cancelling}>
          Cancel {what.toLowerCase()}
        </button>
      )}
      {cancelError && <p className="error">{cancelError}</p>}
      {error && active && <p className="job__meta">Could not check the job ({error}); trying again.</p>}
      {stalled && <p className="job__meta">Still running. Reload the page to check on it again.</p>}
    </div>
  );
}
