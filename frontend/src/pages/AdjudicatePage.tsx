import { useParams } from "react-router";
import { StreamFrame, clause } from "../components/StreamFrame";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { AdjudicateStream } from "../review/AdjudicateStream";
import { useOffers } from "../review/useOffers";

/** Adjudication: one escalated task after another, each decided with a final answer. */
export function AdjudicatePage() {
  const projectId = Number(useParams().projectId);
  const { client, loaded, current, error, notice, fetchNext, fail } = useOffers(projectId, "adjudicate");
  useDocumentTitle(loaded ? `Adjudicate · ${loaded.project.name}` : "Adjudicate");
  const task = current?.offer.task ?? null;
  return (
    <StreamFrame
      projectId={projectId}
      project={loaded?.project ?? null}
      stage="Adjudicate"
      taskId={task?.id ?? null}
      notice={notice}
      error={error}
      onRetry={() => void fetchNext()}
      ready={Boolean(loaded && current)}
      empty={current && !task ? `Nothing to adjudicate: ${clause(current.offer.reason ?? "no task is waiting for adjudication")}` : null}
    >
      {loaded && current && task && (
        <AdjudicateStream
          key={task.id}
          client={client}
          projectId={projectId}
          schema={loaded.schema}
          members={loaded.members}
          current={current}
          onNext={(message) => void fetchNext(message ?? null)}
          onFail={fail}
        />
      )}
    </StreamFrame>
  );
}
