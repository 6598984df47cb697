import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useParams } from "react-router";
import { isApiError } from "../api/errors";
import type { Guidelines, NextTask, Prediction, ProjectDetail, SchemaVersion } from "../api/types";
import { StreamFrame, sentence } from "../components/StreamFrame";
import { useAuth } from "../components/authContext";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { LabelEditor, type Outcome } from "../editor/LabelEditor";
import { sendLeftovers } from "../editor/leftovers";
import { loadTaskMedia, type MediaState } from "../editor/taskMedia";
import type { Region } from "../lib/regions";
import { isShapeType } from "../lib/schema";
import { returnedOf } from "../review/api";
import { ReturnedPanel } from "../review/Returned";

interface Loaded {
  project: ProjectDetail;
  schema: SchemaVersion;
  guidelines: Guidelines | null;
}

interface Current {
  next: NextTask;
  predictions: Prediction[];
  image: MediaState;
}

/** The label stream: one leased task after another, until the queue is empty. */
export function LabelPage() {
  const { projectId: raw } = useParams();
  const projectId = Number(raw);
  const { client, expire, state } = useAuth();
  const userId = state.status === "authenticated" ? state.user.id : 0;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [current, setCurrent] = useState<Current | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ outcome: Outcome; count: number } | null>(null);
  const previous = useRef<Region[] | null>(null);
  const loadedRef = useRef<Loaded | null>(null);
  const releaseImage = useRef<() => void>(() => undefined);
  useEffect(() => () => releaseImage.current(), []);
  useDocumentTitle(loaded ? `Label · ${loaded.project.name}` : "Label");

  const fail = useCallback(
    (caught: unknown, what: string) => {
      if (isApiError(caught) && caught.status === 401) {
        expire();
        return;
      }
      setError(isApiError(caught) ? caught.message : `Could not ${what}.`);
    },
    [expire],
  );

  const fetchNext = useCallback(async () => {
    setCurrent(null);
    setError(null);
    try {
      const next = await client.nextTask(projectId, "label");
      if (!next.task || !loadedRef.current) {
        setCurrent({ next, predictions: [], image: { status: "loading" } });
        return;
      }
      // The image downloads while the predictions are read and the editor renders.
      const task = next.task;
      const image = loadTaskMedia(loadedRef.current.schema.schema, projectId, task);
      releaseImage.current();
      releaseImage.current = image.release;
      const predictions = await client.predictions(projectId, task.id);
      setCurrent({ next, predictions, image: { status: "loading" } });
      const state = await image.ready;
      setCurrent((c) => (c && c.next.task?.id === task.id ? { ...c, image: state } : c));
    } catch (caught) {
      fail(caught, "get the next task");
    }
  }, [client, projectId, fail]);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [project, schema] = await Promise.all([client.getProject(projectId), client.getSchema(projectId)]);
        const guidelines = project.guideline_version > 0 ? await client.getGuidelines(projectId) : null;
        if (cancelled) return;
        loadedRef.current = { project, schema, guidelines };
        setLoaded(loadedRef.current);
        await sendLeftovers(client, window.localStorage, userId, projectId);
        await fetchNext();
      } catch (caught) {
        if (!cancelled) fail(caught, "open the project");
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, projectId, userId, fetchNext, fail]);

  const onDone = useCallback(
    (outcome: Outcome, regions: Region[]) => {
      if (outcome === "submitted") previous.current = regions.filter((r) => isShapeType(r.type));
      setDone((d) => ({ outcome, count: (d?.count ?? 0) + (outcome === "submitted" ? 1 : 0) }));
      void fetchNext();
    },
    [fetchNext],
  );

  const task = current?.next.task ?? null;
  const returned = useMemo(() => (current ? returnedOf(current.next) : null), [current]);
  const [selectRequest, setSelectRequest] = useState<{ id: string } | null>(null);
  useEffect(() => setSelectRequest(null), [task?.id]);
  const pinned = useMemo(() => {
    const counts = new Map<string, number>();
    for (const review of returned?.reviews ?? []) for (const c of review.region_comments) counts.set(c.region_id, (counts.get(c.region_id) ?? 0) + 1);
    return counts;
  }, [returned]);
  const regionNote = useCallback((id: string) => {
    const n = pinned.get(id) ?? 0;
    return n === 0 ? null : `${n} reviewer note${n === 1 ? "" : "s"}`;
  }, [pinned]);
  return (
    <StreamFrame
      projectId={projectId}
      project={loaded?.project ?? null}
      stage="Label"
      taskId={task?.id ?? null}
      crumbExtra={done && <span className="muted"> · {done.count} submitted this session</span>}
      error={error}
      onRetry={() => void fetchNext()}
      ready={Boolean(loaded && current)}
      empty={current && !task ? sentence(current.next.reason ?? "no task left for you") : null}
    >
      {loaded && current && task && (
        <LabelEditor
          key={task.id}
          client={client}
          userId={userId}
          projectId={projectId}
          task={task}
          schema={loaded.schema}
          guidelines={loaded.guidelines}
          draft={current.next.draft}
          predictions={current.predictions}
          previous={previous.current}
          onDone={onDone}
          onReload={() => void fetchNext()}
          image={current.image}
          initialRegions={returned?.annotation.regions ?? null}
          sideTop={returned && <ReturnedPanel returned={returned} onSelect={(id) => setSelectRequest({ id })} />}
          selectRequest={selectRequest}
          regionNote={returned ? regionNote : undefined}
        />
      )}
    </StreamFrame>
  );
}
