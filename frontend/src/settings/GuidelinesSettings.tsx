/**
 * The guidelines editor: Markdown with the preview annotators see (the label editor's own
 * renderer, which never renders HTML), publishing a new version with a note, the version
 * history, and a line diff between any two versions.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Guidelines } from "../api/types";
import { useAuth } from "../components/authContext";
import { GuidelinesPanel } from "../editor/Guidelines";
import { getGuidelineVersion, listGuidelineVersions, publishGuidelines, type GuidelineVersionEntry } from "./api";
import { PublishForm, type Outcome } from "./PublishForm";
import { CodeEditor } from "./CodeEditor";
import { useFailure } from "./common";
import { DiffView } from "./DiffView";
import { VersionTable } from "./VersionTable";
import { RestoredNotice, useKeptEdit } from "./useKeptEdit";

export function GuidelinesSettings({ projectId }: { projectId: number }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [versions, setVersions] = useState<GuidelineVersionEntry[] | null>(null);
  const [current, setCurrent] = useState<Guidelines | null>(null);
  const [error, setError] = useState<string | null>(null);
  const publishedText = versions === null ? null : (current?.body ?? "");
  const edit = useKeptEdit(projectId, "guidelines", publishedText, current?.version ?? 0);
  const { text, setText, open } = edit;
  const [note, setNote] = useState("");
  const [preview, setPreview] = useState(true);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);

  const load = useCallback(async () => {
    // Asking for the current guidelines of a project that has none is a 404 (a console
    // error in the browser), so the list says first whether there are any.
    const list = await listGuidelineVersions(client, projectId);
    const newest = list[list.length - 1];
    const latest = newest ? await getGuidelineVersion(client, projectId, newest.version) : null;
    setVersions(list);
    setCurrent(latest);
    if (list.length >= 2) {
      const to = list[list.length - 1]?.version ?? 0;
      setCompare((c) => c ?? { from: to - 1, to });
    }
    return latest;
  }, [client, projectId]);

  useEffect(() => {
    load().then(
      (latest) => open(latest?.body ?? "", latest?.version ?? 0),
      (caught: unknown) => setError(fail(caught, "load the guidelines")),
    );
  }, [load, fail, open]);

  async function onPublish() {
    setOutcome(null);
    if (current && text === current.body) {
      setOutcome({ ok: false, text: `This text is the same as version ${current.version}; change something before publishing.` });
      return;
    }
    setBusy(true);
    try {
      const published = await publishGuidelines(client, projectId, text, note.trim());
      setNote("");
      edit.published(published.body, published.version);
      await load();
      if (published.version > 1) setCompare({ from: published.version - 1, to: published.version });
      setOutcome({ ok: true, text: `Published guidelines version ${published.version}. New work is stamped with it.` });
    } catch (caught) {
      const message = fail(caught, "publish the guidelines");
      if (message) setOutcome({ ok: false, text: message });
    } finally {
      setBusy(false);
    }
  }

  const next = (current?.version ?? 0) + 1;
  const draft = useMemo(() => ({ version: next, body: text, note: "", created_at: "" }), [next, text]);
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (versions === null) return <p role="status">Loading the guidelines…</p>;
  return (
    <div className="guidelines-settings">
      <section aria-labelledby="guidelines-editor-heading">
        <h2 id="guidelines-editor-heading">
          Guidelines {current ? <span className="muted">· editing from version {current.version}</span> : <span className="muted">· none published yet</span>}
        </h2>
        <RestoredNotice edit={edit} nothing="no guidelines" current={current?.version ?? null} />
        <div className={preview ? "guidelines-settings__panes" : undefined}>
          <CodeEditor prose id="guidelines-text" label="Guidelines (Markdown)" value={text} onChange={(v) => (setText(v), setOutcome(null))} rows={20} />
          {preview ? (
            <div className="guidelines-settings__preview" aria-label="Preview of the guidelines" role="region">
              <GuidelinesPanel guidelines={draft} onClose={() => setPreview(false)} />
            </div>
          ) : (
            <button type="button" className="secondary" onClick={() => setPreview(true)}>
              Show the preview
            </button>
          )}
        </div>
        <PublishForm id="guidelines-note" note={note} onNote={setNote} busy={busy} version={next} outcome={outcome} onPublish={() => void onPublish()} />
      </section>
      <GuidelineHistory projectId={projectId} versions={versions} compare={compare} onCompare={setCompare} />
    </div>
  );
}

function GuidelineHistory({
  projectId,
  versions,
  compare,
  onCompare,
}: {
  projectId: number;
  versions: readonly GuidelineVersionEntry[];
  compare: { from: number; to: number } | null;
  onCompare: (c: { from: number; to: number }) => void;
}) {
  const { client } = useAuth();
  const fail = useFailure();
  const [bodies, setBodies] = useState<Map<number, string>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!compare) return;
    const missing = [compare.from, compare.to].filter((v) => !bodies.has(v));
    if (missing.length === 0) return;
    let cancelled = false;
    Promise.all(missing.map((v) => getGuidelineVersion(client, projectId, v))).then(
      (loaded) => {
        if (cancelled) return;
        setBodies((b) => new Map([...b, ...loaded.map((g) => [g.version, g.body] as const)]));
      },
      (caught: unknown) => !cancelled && setError(fail(caught, "load the versions to compare")),
    );
    return () => {
      cancelled = true;
    };
  }, [compare, bodies, client, projectId, fail]);

  if (versions.length === 0) return <p className="muted">No guidelines have been published yet.</p>;
  const before = compare ? bodies.get(compare.from) : undefined;
  const after = compare ? bodies.get(compare.to) : undefined;
  const choice = (id: string, label: string, value: number | undefined, set: (v: number) => void) => (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ""} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
            {v.note ? ` — ${v.note.slice(0, 40)}` : ""}
          </option>
        ))}
      </select>
    </div>
  );
  const first = versions[0]?.version ?? 1;
  const last = versions[versions.length - 1]?.version ?? 1;
  return (
    <section aria-labelledby="guideline-versions-heading" className="versions">
      <h3 id="guideline-versions-heading">Version history</h3>
      <VersionTable versions={versions} />
      <h3>Compare versions</h3>
      <div className="compare-controls">
        {choice("diff-from", "From", compare?.from ?? first, (from) => onCompare({ from, to: compare?.to ?? last }))}
        {choice("diff-to", "To", compare?.to ?? last, (to) => onCompare({ from: compare?.from ?? first, to }))}
        {!compare && versions.length > 0 && (
          <button type="button" className="secondary" onClick={() => onCompare({ from: first, to: last })}>
            Compare
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {compare && (before === undefined || after === undefined) && !error && <p role="status">Loading the versions…</p>}
      {compare && before !== undefined && after !== undefined && (
        <DiffView before={before} after={after} caption={`Changes from version ${compare.from} to version ${compare.to}`} />
      )}
    </section>
  );
}
