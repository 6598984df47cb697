/**
 * The schema editor: the current schema as JSON, checked as the manager types (syntax here,
 * meaning on the server), a live preview of the labeling interface for it, publishing a new
 * version with a note, the versions published so far, and importing a Label Studio config.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useAuth } from "../components/authContext";
import type { Schema } from "../lib/schema";
import { listSchemaVersions, publishSchema, validateSchema, type SchemaVersionEntry } from "./api";
import { PublishForm, type Outcome } from "./PublishForm";
import { CodeEditor, type CodeEditorHandle } from "./CodeEditor";
import { useFailure } from "./common";
import { LabelStudioImport } from "./LabelStudioImport";
import { problemsOf, readSchemaText, describePath, type PlacedProblem, type SchemaCheck } from "./schemaCheck";
import { SchemaPreview } from "./SchemaPreview";
import { SchemaVersions } from "./SchemaVersions";
import { RestoredNotice, useKeptEdit } from "./useKeptEdit";

const CHECK_DELAY_MS = 400;
const STARTER: Schema = { data: [{ name: "image", type: "image" }], labels: [] };

export function toText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function SchemaSettings({ projectId }: { projectId: number }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [versions, setVersions] = useState<SchemaVersionEntry[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const current = versions?.[versions.length - 1] ?? null;
  const publishedText = versions === null ? null : toText(current?.schema ?? STARTER);
  const edit = useKeptEdit(projectId, "schema", publishedText, current?.version ?? 0);
  const { text, setText, open } = edit;
  const [check, setCheck] = useState<SchemaCheck>({ status: "checking" });
  const [lastValid, setLastValid] = useState<Schema | null>(null);
  const [note, setNote] = useState("");
  const [publishing, setPublishing] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const editor = useRef<CodeEditorHandle>(null);

  const load = useCallback(async () => {
    try {
      const list = await listSchemaVersions(client, projectId);
      setVersions(list);
      return list;
    } catch (caught) {
      setLoadError(fail(caught, "load the schema versions"));
      return null;
    }
  }, [client, projectId, fail]);

  useEffect(() => {
    void load().then((list) => {
      if (!list) return;
      const newest = list[list.length - 1];
      open(toText(newest?.schema ?? STARTER), newest?.version ?? 0);
    });
  }, [load, open]);

  // The live check, debounced: each keystroke restarts the wait and cancels a check in flight.
  useEffect(() => {
    if (versions === null) return;
    setCheck({ status: "checking" });
    const abort = new AbortController();
    const timer = window.setTimeout(async () => {
      const read = readSchemaText(text);
      if ("status" in read) {
        setCheck(read);
        return;
      }
      try {
        const schema = await validateSchema(client, read.document, abort.signal);
        setCheck({ status: "valid", schema });
        setLastValid(schema);
      } catch (caught) {
        if (abort.signal.aborted) return;
        const problems = problemsOf(caught, read.places);
        if (problems) setCheck({ status: "invalid", problems });
        else setCheck({ status: "unchecked", message: fail(caught, "check the schema") ?? "Your session ended." });
      }
    }, CHECK_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [text, versions, client, fail]);

  const marked = useMemo(() => {
    if (check.status === "syntax") return new Set([check.error.line]);
    if (check.status === "invalid") return new Set(check.problems.flatMap((p) => (p.place ? [p.place.line] : [])));
    return new Set<number>();
  }, [check]);

  async function onPublish() {
    setOutcome(null);
    if (check.status === "syntax") {
      setOutcome({ ok: false, text: `The schema is not valid JSON (line ${check.error.line}, column ${check.error.column}); fix it before publishing.` });
      return;
    }
    if (check.status === "invalid") {
      const n = check.problems.length;
      setOutcome({ ok: false, text: `The schema has ${n} problem${n === 1 ? "" : "s"}; fix ${n === 1 ? "it" : "them"} before publishing.` });
      return;
    }
    const read = readSchemaText(text);
    if ("status" in read) return; // the check above already said why
    setPublishing(true);
    try {
      const published = await publishSchema(client, projectId, read.document, note.trim());
      setNote("");
      edit.published(toText(published.schema), published.version);
      await load();
      setOutcome({ ok: true, text: `Published schema version ${published.version}. New work is stamped with it.` });
    } catch (caught) {
      const problems = problemsOf(caught, read.places);
      if (problems) {
        setCheck({ status: "invalid", problems });
        setOutcome({ ok: false, text: "The server refused the schema; see the problems above." });
      } else {
        const message = fail(caught, "publish the schema");
        if (message) setOutcome({ ok: false, text: message });
      }
    } finally {
      setPublishing(false);
    }
  }

  if (loadError) {
    return (
      <p role="alert" className="error">
        {loadError}
      </p>
    );
  }
  if (versions === null) return <p role="status">Loading the schema…</p>;
  const previewSchema = check.status === "valid" ? check.schema : lastValid;
  return (
    <div className="schema-settings">
      <section className="schema-settings__editor" aria-labelledby="schema-editor-heading">
        <h2 id="schema-editor-heading">
          Schema {current ? <span className="muted">· editing from version {current.version}</span> : <span className="muted">· none published yet</span>}
        </h2>
        <RestoredNotice edit={edit} nothing="no schema" current={current?.version ?? null} />
        <CodeEditor
          ref={editor}
          id="schema-text"
          label="Schema (JSON)"
          value={text}
          onChange={(value) => {
            setText(value);
            setOutcome(null);
          }}
          marked={marked}
          invalid={check.status === "syntax" || check.status === "invalid"}
          describedBy="schema-check"
        />
        <CheckReport check={check} onGoTo={(offset) => editor.current?.focusAt(offset)} />
        <PublishForm
          id="schema-note"
          note={note}
          onNote={setNote}
          busy={publishing}
          version={(current?.version ?? 0) + 1}
          outcome={outcome}
          onPublish={() => void onPublish()}
        />
        <LabelStudioImport
          onConverted={(schema) => {
            setText(toText(schema));
            setOutcome({ ok: true, text: "The Label Studio config is in the editor; check the preview, then publish it." });
          }}
        />
        <SchemaVersions versions={versions} onLoad={(schema) => setText(toText(schema))} />
      </section>
      <section className="schema-settings__preview" aria-labelledby="schema-preview-heading">
        <h2 id="schema-preview-heading">Preview</h2>
        {previewSchema === null ? (
          <p className="muted">The preview appears once the schema is valid.</p>
        ) : (
          <>
            {check.status !== "valid" && check.status !== "checking" && <p className="muted">Showing the last valid version of your edit.</p>}
            <SchemaPreview projectId={projectId} schema={previewSchema} />
          </>
        )}
      </section>
    </div>
  );
}

function CheckReport({ check, onGoTo }: { check: SchemaCheck; onGoTo: (offset: number) => void }) {
  return (
    <div id="schema-check" className="schema-check" aria-live="polite">
      {check.status === "checking" && <p className="muted">Checking…</p>}
      {check.status === "valid" && <p className="success">The schema is valid.</p>}
      {check.status === "unchecked" && <p className="error">Could not check the schema: {check.message}</p>}
      {check.status === "syntax" && (
        <>
          <p className="error">
            Not valid JSON, at line {check.error.line}, column {check.error.column}: {check.error.message}.
          </p>
          <button type="button" className="link-button" onClick={() => onGoTo(check.error.offset)}>
            Go to line {check.error.line}
          </button>
        </>
      )}
      {check.status === "invalid" && (
        <>
          <p className="error">
            {check.problems.length} problem{check.problems.length === 1 ? "" : "s"} in the schema:
          </p>
          <ul className="problems" aria-label="Problems in the schema">
            {check.problems.map((problem, i) => (
              <Problem key={i} problem={problem} onGoTo={onGoTo} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Problem({ problem, onGoTo }: { problem: PlacedProblem; onGoTo: (offset: number) => void }) {
  return (
    <li>
      <code>{problem.path}</code> <span className="muted">({describePath(problem.path)})</span>: {problem.message}
      {problem.place && (
        <>
          {" "}
          <button type="button" className="link-button" onClick={() => problem.place && onGoTo(problem.place.offset)}>
            Go to line {problem.place.line}
          </button>
        </>
      )}
    </li>
  );
}
