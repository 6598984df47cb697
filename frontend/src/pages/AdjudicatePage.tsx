import { Link, useParams } from "react-router";
import { AppShell } from "../components/AppShell";
import { ProjectNav } from "../components/ProjectNav";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { AdjudicateStream } from "../review/AdjudicateStream";
import { clause, useOffers } from "../review/useOffers";

/** Adjudication: one escalated task after another, each decided with a final answer. */
export function AdjudicatePage() {
  const projectId = Number(useParams().projectId);
  const { client, loaded, current, error, notice, fetchNext, fail } = useOffers(projectId, "adjudicate");
  useDocumentTitle(loaded ? `Adjudicate · ${loaded.project.name}` : "Adjudicate");
  const task = current?.offer.task ?? null;
  return (
    <AppShell wide>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Projects</Link> <span aria-hidden="true">/</span> <span>{loaded?.project.name ?? "…"}</span> <span aria-hidden="true">/</span>{" "}
        <span>Adjudicate</span>
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
          <p role="status">Nothing to adjudicate: {clause(current.offer.reason ?? "no task is waiting for adjudication")}</p>
          <Link to="/">Back to projects</Link>
        </div>
      )}
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
    </AppShell>
  );
}
