import { useRef, useState, type FormEvent } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { startExport, uploadImport, type Job } from "./api";
import { formatBytes } from "./jobs";

interface FormProps {
  client: ApiClient;
  projectId: number;
  formats: string[];
  /** Disabled while a job of this kind is being followed. */
  busy: boolean;
  onStarted: (job: Job) => void;
  onUnauthenticated: () => void;
}

function message(caught: unknown, what: string): string {
  return isApiError(caught) ? caught.message : `Could not ${what}.`;
}

function FormatSelect({ id, label, formats, value, onChange }: { id: string; label: string; formats: string[]; value: string; onChange: (value: string) => void }) {
  return (
    <div className="data-form__field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {formats.map((format) => (
          <option key={format} value={format}>
            {format.toUpperCase()}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Choose a file and a format; the file is uploaded (with its progress) and its import queued. */
export function ImportForm({ client, projectId, formats, busy, onStarted, onUnauthenticated }: FormProps) {
  const [format, setFormat] = useState(formats[0] ?? "jsonl");
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (file === null) {
      setError("Choose a file to import first.");
      input.current?.focus();
      return;
    }
    setError(null);
    setSent({ sent: 0, total: file.size });
    try {
      const job = await uploadImport(client, projectId, file, format, (done, total) => setSent({ sent: done, total }));
      onStarted(job);
      setFile(null);
      if (input.current) input.current.value = "";
    } catch (caught) {
      if (isApiError(caught) && caught.status === 401) onUnauthenticated();
      else setError(message(caught, "upload the file"));
    } finally {
      setSent(null);
    }
  }

  return (
    <form className="data-form" onSubmit={onSubmit} aria-label="Import tasks">
      <FormatSelect id="import-format" label="Import format" formats={formats} value={format} onChange={setFormat} />
      <div className="data-form__field data-form__field--file">
        <label htmlFor="import-file">File to import</label>
        <input
          id="import-file"
          ref={input}
          type="file"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          aria-describedby="import-help"
        />
      </div>
      <button type="submit" disabled={busy || sent !== null}>
        Start import
      </button>
      <p id="import-help" className="data-form__help">
        One task per line, with optional gold, annotations and predictions. The whole file is checked first: a
        single bad line imports nothing and names the line. Tasks already in the project are skipped.
      </p>
      {sent !== null && (
        <div className="job" role="group" aria-label="Upload">
          <progress className="job__bar" aria-label="Upload progress" max={Math.max(1, sent.total)} value={sent.sent} />
          <p role="status" className="job__status">
            Uploading {formatBytes(sent.sent)} of {formatBytes(sent.total)}…
          </p>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** Choose a format and queue an export of the whole project. */
export function ExportForm({ client, projectId, formats, busy, onStarted, onUnauthenticated }: FormProps) {
  const [format, setFormat] = useState(formats[0] ?? "jsonl");
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setStarting(true);
    setError(null);
    try {
      onStarted(await startExport(client, projectId, format));
    } catch (caught) {
      if (isApiError(caught) && caught.status === 401) onUnauthenticated();
      else setError(message(caught, "start the export"));
    } finally {
      setStarting(false);
    }
  }

  return (
    <form className="data-form" onSubmit={onSubmit} aria-label="Export the project">
      <FormatSelect id="export-format" label="Export format" formats={formats} value={format} onChange={setFormat} />
      <button type="submit" disabled={busy || starting}>
        Start export
      </button>
      <p className="data-form__help">
        Every task with its gold, submitted annotations and predictions, in task order: the same file{" "}
        <code>accord export</code> writes.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
