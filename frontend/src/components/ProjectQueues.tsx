import { useEffect, useState } from "react";
import { Link } from "react-router";
import type { ApiClient } from "../api/client";
import type { QueueCount, QueueCounts, Stage } from "../api/types";
import { returnedCount } from "../review/api";

const STAGE_NAMES: Record<Stage, string> = { label: "Label", review: "Review", adjudicate: "Adjudicate" };
const STAGES: Stage[] = ["label", "review", "adjudicate"];

/** The caller's queues in one project, with counts; labeling opens the label stream. */
export function ProjectQueues({ client, projectId, projectName }: { client: ApiClient; projectId: number; projectName: string }) {
  const [counts, setCounts] = useState<QueueCounts | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    client.queues(projectId, abort.signal).then(setCounts, () => {
      if (!abort.signal.aborted) setFailed(true);
    });
    return () => abort.abort();
  }, [client, projectId]);

  if (failed) return <p className="muted">Queues could not be loaded.</p>;
  if (counts === null) return null;
  const stages = STAGES.filter((s) => counts[s] !== undefined);
  if (stages.length === 0) return null;
  return (
    <ul className="queues" aria-label={`Your queues in ${projectName}`}>
      {stages.map((stage) => {
        const count = counts[stage] as QueueCount;
        return (
          <li key={stage} className="queue">
            <strong>{STAGE_NAMES[stage]}</strong>: {describe(count)}
            {stage === "label" && returnedCount(counts) > 0 && (
              <>
                , <span className="queue__returned">{returnedCount(counts)} sent back to you</span>
              </>
            )}
            {stage === "label" && (count.available > 0 || count.mine > 0) && (
              <>
                {" "}
                <Link className="queue__start" to={`/projects/${projectId}/label`} aria-label={`Start labeling ${projectName}`}>
                  {count.mine > 0 ? "Continue labeling" : "Start labeling"}
                </Link>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function describe(count: QueueCount): string {
  const available = `${count.available}${count.more ? "+" : ""} to take`;
  return count.mine > 0 ? `${available}, ${count.mine} yours in progress` : available;
}
