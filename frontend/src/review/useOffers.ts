/**
 * What the review and adjudication pages share: the project, its schema and members, and
 * one leased task after another, each with its image and the server's consensus.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { isApiError } from "../api/errors";
import type { ProjectDetail, SchemaVersion } from "../api/types";
import { useAuth } from "../components/authContext";
import { loadTaskMedia, type MediaState } from "../editor/taskMedia";
import { nextOffer, projectMembers, taskConsensus, type ConsensusResponse, type Offer, type ProjectMember } from "./api";

export interface Loaded {
  project: ProjectDetail;
  schema: SchemaVersion;
  members: ProjectMember[];
}

export interface Current {
  offer: Offer;
  image: MediaState;
  consensus: ConsensusResponse | null;
  /** Why there is no consensus, when asking for it failed. */
  consensusError: string | null;
}

export function useOffers(projectId: number, stage: "review" | "adjudicate") {
  const { client, expire } = useAuth();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [current, setCurrent] = useState<Current | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const loadedRef = useRef<Loaded | null>(null);
  const releaseImage = useRef<() => void>(() => undefined);
  useEffect(() => () => releaseImage.current(), []);

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

  /** The next task (the same one while its lease runs); `message` is shown above it. */
  const fetchNext = useCallback(
    async (message: string | null = null) => {
      setCurrent(null);
      setError(null);
      setNotice(message);
      try {
        const offer = await nextOffer(client, projectId, stage);
        const ready = loadedRef.current;
        if (!offer.task || !ready) {
          setCurrent({ offer, image: { status: "loading" }, consensus: null, consensusError: null });
          return;
        }
        const task = offer.task;
        const image = loadTaskMedia(ready.schema.schema, projectId, task);
        releaseImage.current();
        releaseImage.current = image.release;
        let consensus: ConsensusResponse | null = null;
        let consensusError: string | null = null;
        if (offer.answers.length > 1) {
          try {
            consensus = await taskConsensus(client, projectId, task.id);
          } catch (caught) {
            if (isApiError(caught) && caught.status === 401) throw caught;
            consensusError = isApiError(caught) ? caught.message : "the consensus could not be loaded";
          }
        }
        setCurrent({ offer, image: { status: "loading" }, consensus, consensusError });
        const state = await image.ready;
        setCurrent((c) => (c && c.offer.task?.id === task.id ? { ...c, image: state } : c));
      } catch (caught) {
        fail(caught, "get the next task");
      }
    },
    [client, projectId, stage, fail],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [project, schema, members] = await Promise.all([client.getProject(projectId), client.getSchema(projectId), projectMembers(client, projectId)]);
        if (cancelled) return;
        loadedRef.current = { project, schema, members };
        setLoaded(loadedRef.current);
        await fetchNext();
      } catch (caught) {
        if (!cancelled) fail(caught, "open the project");
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, projectId, fetchNext, fail]);

  return { client, loaded, current, error, notice, fetchNext, fail };
}
