import type { Job } from "./api";
import { describeJob } from "./jobs";

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** The project's recent jobs, newest first, with their states and what came of them. */
export function JobTable({ jobs }: { jobs: Job[] }) {
  if (jobs.length === 0) return <p className="data-empty">No imports or exports yet.</p>;
  return (
    <table className="job-table">
      <caption className="visually-hidden">Recent imports and exports</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Kind</th>
          <th scope="col">Format</th>
          <th scope="col">State</th>
          <th scope="col">Started</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id}>
            <td>{job.id}</td>
            <td>{job.kind}</td>
            <td>{job.format.toUpperCase()}</td>
            <td>
              <span className={`job-state job-state--${job.state}`}>{job.state}</span>
            </td>
            <td>
              <time dateTime={job.created_at}>{when(job.created_at)}</time>
            </td>
            <td className="job-table__outcome">
              {job.state === "done" && job.download_url ? (
                <a href={job.download_url} download={job.file_name ?? true}>
                  Download {job.file_name}
                </a>
              ) : (
                describeJob(job)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
