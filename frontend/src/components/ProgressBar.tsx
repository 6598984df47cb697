import { computeProgress } from "../lib/progress";
import type { ProjectSummary } from "../api/types";

interface ProgressBarProps {
  counts: Pick<ProjectSummary, "task_count" | "annotated_count" | "accepted_count">;
  /** Accessible name, e.g. "Progress of Street scenes". */
  label: string;
}

/**
 * Stacked bar: accepted, then annotated-but-not-accepted, of all tasks. Drawn in SVG with
 * width attributes (no inline styles, which the CSP forbids).
 */
export function ProgressBar({ counts, label }: ProgressBarProps) {
  const progress = computeProgress(counts);
  return (
    <div className="progress">
      <div
        className="progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.annotatedPercent}
        aria-valuetext={progress.description}
      >
        <svg
          className="progress__svg"
          viewBox="0 0 100 10"
          preserveAspectRatio="none"
          aria-hidden="true"
          focusable="false"
        >
          <rect className="progress__annotated" x="0" y="0" height="10" width={progress.annotatedFraction * 100} />
          <rect className="progress__accepted" x="0" y="0" height="10" width={progress.acceptedFraction * 100} />
        </svg>
      </div>
      <p className="progress__legend">
        <span className="progress__key progress__key--accepted">{progress.accepted} accepted</span>
        <span className="progress__key progress__key--annotated">{progress.annotated} annotated</span>
        <span className="progress__key">
          {progress.total} {progress.total === 1 ? "task" : "tasks"}
        </span>
        <span className="progress__percent">{progress.annotatedPercent}% annotated</span>
      </p>
    </div>
  );
}
