import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { isApiError } from "../api/errors";
import { StreamFrame, clause } from "../components/StreamFrame";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { reviewCategories, type ReviewCategory } from "../review/api";
import { ReviewStream } from "../review/ReviewStream";
import { useOffers } from "../review/useOffers";

/** The review stream: one leased task after another, each answer judged, until the queue is empty. */
export function ReviewPage() {
  const projectId = Number(useParams().projectId);
  const { client, loaded, current, error, notice, fetchNext, fail } = useOffers(projectId, "review");
  const [categories, setCategories] = useState<readonly ReviewCategory[] | null>(null);
  useDocumentTitle(loaded ? `Review · ${loaded.project.name}` : "Review");

  useEffect(() => {
    let cancelled = false;
    reviewCategories(client, projectId).then(
      (found) => !cancelled && setCategories(found.length > 0 ? found : null),
      (caught: unknown) => {
        if (cancelled) return;
        if (isApiError(caught) && caught.status === 401) fail(caught, "read the error categories");
        setCategories(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, projectId, fail]);

  const task = current?.offer.task ?? null;
  return (
    <StreamFrame
      projectId={projectId}
      project={loaded?.project ?? null}
      stage="Review"
      taskId={task?.id ?? null}
      notice={notice}
      error={error}
      onRetry={() => void fetchNext()}
      ready={Boolean(loaded && current)}
      empty={current && !task ? `Nothing to review: ${clause(current.offer.reason ?? "no task is waiting for review")}` : null}
    >
      {loaded && current && task && (
        <ReviewStream
          key={`${task.id}-${current.offer.answers.map((a) => `${a.id}.${a.version}`).join(",")}`}
          client={client}
          projectId={projectId}
          schema={loaded.schema}
          members={loaded.members}
          categories={categories}
          current={current}
          onNext={(message) => void fetchNext(message ?? null)}
          onFail={fail}
        />
      )}
    </StreamFrame>
  );
}
