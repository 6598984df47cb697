/** The flags queue: tasks annotators flagged as ambiguous, oldest first; a manager resolves
 * one with a note, and may publish new guidelines with it. */
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { listOpenFlags, resolveFlag, type Flag } from "./api";
import { Section } from "./frame";

interface Props {
  client: ApiClient;
  projectId: number;
  canResolve: boolean;
  /** User id → email, for the flags' authors. */
  people: ReadonlyMap<number, string>;
}

export function FlagsQueue({ client, projectId, canResolve, people }: Props) {
  const [flags, setFlags] = useState<Flag[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(
    async (from: string | null) => {
      setError(null);
      try {
        const page = await listOpenFlags(client, projectId, from);
        setFlags((old) => (from === null ? page.items : [...(old ?? []), ...page.items]));
        setCursor(page.next_cursor);
      } catch (caught) {
        setError(isApiError(caught) ? caught.message : "Could not read the flags.");
      }
    },
    [client, projectId],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const onResolved = (flag: Flag) => {
    setFlags((old) => (old ?? []).filter((f) => f.id !== flag.id));
    setDone(
      `Flag on task ${flag.task_id} resolved` +
        (flag.guideline_version ? `; guidelines version ${flag.guideline_version} published.` : "."),
    );
  };

  return (
    <Section
      title="Flags"
      caption="Tasks annotators flagged as ambiguous instead of guessing, oldest first. Resolving one answers it; new guidelines published with it become the next guideline version."
    >
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" className="dash-status">
        {done ?? ""}
      </p>
      {flags === null && !error && <p className="dash-muted">Loading the flags…</p>}
      {flags !== null && flags.length === 0 && <p className="dash-muted">No open flags.</p>}
      {flags !== null && flags.length > 0 && (
        <ul className="dash-flags" aria-label="Open flags">
          {flags.map((flag) => (
            <FlagItem
              key={flag.id}
              flag={flag}
              author={people.get(flag.author_id) ?? `user ${flag.author_id}`}
              projectId={projectId}
              client={client}
              canResolve={canResolve}
              onResolved={onResolved}
            />
          ))}
        </ul>
      )}
      {cursor !== null && (
        <button type="button" className="dash-button-secondary" onClick={() => void load(cursor)}>
          More flags
        </button>
      )}
    </Section>
  );
}

function FlagItem({
  flag,
  author,
  projectId,
  client,
  canResolve,
  onResolved,
}: {
  flag: Flag;
  author: string;
  projectId: number;
  client: ApiClient;
  canResolve: boolean;
  onResolved: (flag: Flag) => void;
}) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [publish, setPublish] = useState(false);
  const [guidelines, setGuidelines] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const onPublish = async (checked: boolean) => {
    setPublish(checked);
    if (checked && guidelines === null) {
      try {
        setGuidelines((await client.getGuidelines(projectId))?.body ?? "");
      } catch (caught) {
        setError(isApiError(caught) ? caught.message : "Could not read the guidelines.");
        setGuidelines("");
      }
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onResolved(await resolveFlag(client, projectId, flag.id, note, publish ? (guidelines ?? "") : undefined));
    } catch (caught) {
      setError(isApiError(caught) ? caught.message : "Could not resolve the flag.");
      setBusy(false);
    }
  };

  return (
    <li className="dash-flag">
      <p className="dash-flag__head">
        <Link to={`/projects/${projectId}/tasks/${flag.task_id}`}>Task {flag.task_id}</Link>
        <span className="dash-muted">
          {" "}
          flagged by {author} on {flag.created_at.slice(0, 10)}
        </span>
      </p>
      <p className="dash-flag__note">{flag.note}</p>
      {canResolve && !open && (
        <button type="button" onClick={() => setOpen(true)} aria-label={`Resolve the flag on task ${flag.task_id}`}>
          Resolve
        </button>
      )}
      {canResolve && open && (
        <form className="dash-flag__form" onSubmit={(e) => void onSubmit(e)} aria-label={`Resolve the flag on task ${flag.task_id}`}>
          <label htmlFor={`${id}-note`}>Resolution note</label>
          <textarea id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={5000} />
          <label className="dash-check">
            <input type="checkbox" checked={publish} onChange={(e) => void onPublish(e.target.checked)} />
            Publish new guidelines with it
          </label>
          {publish && (
            <>
              <label htmlFor={`${id}-guidelines`}>New guidelines (Markdown)</label>
              <textarea
                id={`${id}-guidelines`}
                value={guidelines ?? ""}
                onChange={(e) => setGuidelines(e.target.value)}
                rows={8}
                disabled={guidelines === null}
              />
            </>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="dash-flag__actions">
            <button type="submit" disabled={busy}>
              Resolve flag
            </button>
            <button type="button" className="dash-button-secondary" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
