import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { isApiError } from "../api/errors";
import { AppShell } from "../components/AppShell";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { reviewCategories, type ReviewCategory } from "../review/api";
import { ReviewStream } from "../review/ReviewStream";
import { clause, useOffers } from "../review/useOffers";

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
    <AppShell wide>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Projects</Link> <span aria-hidden="true">/</span> <span>{loaded?.project.name ?? "…"}</span> <span aria-hidden="true">/</span>{" "}
        <span>Review</span>
        {task && (
          <>
            {" "}
            <span aria-hidden="true">/</span> <span className="breadcrumbs__task">Task {task.id}</span>
          </>
        )}
      </nav>
      {loaded && <ProjectNav projectId={projectId} projectName={loaded.project.name} role={loaded.project.role} />}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error && (
        <div className="notice">
          <p role="alert" className="error">
            {error}
          </p>
          <button type="button" onClick={() => void fetchNext()}>
            Try again
          </button>
        </div>
      )}
      {!error && (!loaded || !current) && <p role="status">Loading the next task…</p>}
      {loaded && current && !task && (
        <div className="notice">
          <p role="status">Nothing to review: {clause(current.offer.reason ?? "no task is waiting for review")}</p>
          <Link to="/">Back to projects</Link>
        </div>
      )}
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
    </AppShell>
  );
}
