import { useRef, useState, type FormEvent } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { startExport, uploadImport, type FormatInfo, type Job } from "./api";
import {
  REGION_LABELS,
  TARGET_LABELS,
  exportOptions,
  groupByModality,
  importOptions,
  importTargets,
  uploadHelp,
  type ExportRegions,
  type ImportTarget,
} from "./formatOptions";
import { formatBytes } from "./jobs";

interface FormProps {
  client: ApiClient;
  projectId: number;
  formats: FormatInfo[];
  /** Disabled while a job of this kind is being followed. */
  busy: boolean;
  onStarted: (job: Job) => void;
  onUnauthenticated: () => void;
}

function message(caught: unknown, what: string): string {
  return isApiError(caught) ? caught.message : `Could not ${what}.`;
}

function FormatSelect({ id, label, formats, value, onChange }: { id: string; label: string; formats: FormatInfo[]; value: string; onChange: (value: string) => void }) {
  const chosen = formats.find((f) => f.name === value);
  return (
    <div className="data-form__field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-about`}>
        {groupByModality(formats).map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.formats.map((format) => (
              <option key={format.name} value={format.name}>
                {format.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <p id={`${id}-about`} className="data-form__help">
        {chosen?.description}
      </p>
    </div>
  );
}

/** The chosen format's own settings, one text field each, keyed by format so a switch clears them. */
function SettingsFields({ idPrefix, format, side, values, onChange }: { idPrefix: string; format: FormatInfo | undefined; side: "import" | "export"; values: Record<string, string>; onChange: (values: Record<string, string>) => void }) {
  const settings = Object.entries((side === "import" ? format?.import_settings : format?.export_settings) ?? {});
  if (settings.length === 0) return null;
  return (
    <fieldset className="data-form__settings">
      <legend>{format?.title} settings</legend>
      {settings.map(([name, help]) => (
        <div key={name} className="data-form__field">
          <label htmlFor={`${idPrefix}-${name}`}>{name}</label>
          <input
            id={`${idPrefix}-${name}`}
            value={values[name] ?? ""}
            onChange={(event) => onChange({ ...values, [name]: event.target.value })}
            aria-describedby={`${idPrefix}-${name}-help`}
          />
          <p id={`${idPrefix}-${name}-help`} className="data-form__help">
            {help}
          </p>
        </div>
      ))}
    </fieldset>
  );
}

function firstFormat(formats: FormatInfo[]): string {
  return (formats.find((f) => f.name === "jsonl") ?? formats[0])?.name ?? "jsonl";
}

/** Choose a file, its format and what its labels become; the file is uploaded (with its
 * progress) and its import queued. */
export function ImportForm({ client, projectId, formats, busy, onStarted, onUnauthenticated }: FormProps) {
  const [formatName, setFormatName] = useState(() => firstFormat(formats));
  const [target, setTarget] = useState<ImportTarget>("annotations");
  const [author, setAuthor] = useState("");
  const [modelVersion, setModelVersion] = useState("");
  const [mediaPrefix, setMediaPrefix] = useState("");
  const [copyMedia, setCopyMedia] = useState(false);
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const format = formats.find((f) => f.name === formatName);
  const targets = importTargets(format);
  const chosenTarget: ImportTarget = targets.includes(target) ? target : (targets[0] ?? "tasks");

  function chooseFormat(name: string) {
    setFormatName(name);
    setSettings({});
  }

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
      const options = importOptions({ target: chosenTarget, author, modelVersion, mediaPrefix, copyMedia, settings });
      const job = await uploadImport(client, projectId, file, formatName, options, (done, total) => setSent({ sent: done, total }));
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
      <FormatSelect id="import-format" label="Import format" formats={formats} value={formatName} onChange={chooseFormat} />
      <div className="data-form__field data-form__field--file">
        <label htmlFor="import-file">File to import</label>
        <input id="import-file" ref={input} type="file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} aria-describedby="import-help" />
      </div>
      <p id="import-help" className="data-form__help">
        {uploadHelp(format)}
      </p>
      <div className="data-form__field">
        <label htmlFor="import-target">Labels become</label>
        <select id="import-target" value={chosenTarget} onChange={(event) => setTarget(event.target.value as ImportTarget)}>
          {targets.map((t) => (
            <option key={t} value={t}>
              {TARGET_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      {chosenTarget === "annotations" && targets.length > 1 && (
        <div className="data-form__field">
          <label htmlFor="import-author">Annotations by (email)</label>
          <input id="import-author" type="email" value={author} placeholder="you" onChange={(event) => setAuthor(event.target.value)} aria-describedby="import-author-help" />
          <p id="import-author-help" className="data-form__help">
            A member's email; empty means you. A file that names its authors keeps them.
          </p>
        </div>
      )}
      {chosenTarget === "predictions" && (
        <div className="data-form__field">
          <label htmlFor="import-model">Model version</label>
          <input id="import-model" value={modelVersion} onChange={(event) => setModelVersion(event.target.value)} />
        </div>
      )}
      <div className="data-form__field">
        <label htmlFor="import-media-prefix">Media prefix</label>
        <input id="import-media-prefix" value={mediaPrefix} placeholder="s3://bucket/images/" onChange={(event) => setMediaPrefix(event.target.value)} aria-describedby="import-media-help" />
        <p id="import-media-help" className="data-form__help">
          Put before every media file name in the dataset: a URL, a bucket or a folder of the media root.
        </p>
      </div>
      <div className="data-form__field data-form__field--check">
        <input id="import-copy-media" type="checkbox" checked={copyMedia} onChange={(event) => setCopyMedia(event.target.checked)} />
        <label htmlFor="import-copy-media">Copy the upload's media files into the media root (under the prefix); otherwise media are only referenced</label>
      </div>
      <SettingsFields key={formatName} idPrefix="import-setting" side="import" format={format} values={settings} onChange={setSettings} />
      <button type="submit" disabled={busy || sent !== null}>
        Start import
      </button>
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

/** Choose a format, which regions label formats write, and queue an export of the whole project. */
export function ExportForm({ client, projectId, formats, busy, onStarted, onUnauthenticated }: FormProps) {
  const [formatName, setFormatName] = useState(() => firstFormat(formats));
  const [regions, setRegions] = useState<ExportRegions>("final");
  const [includeMedia, setIncludeMedia] = useState(false);
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const format = formats.find((f) => f.name === formatName);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setStarting(true);
    setError(null);
    try {
      onStarted(await startExport(client, projectId, formatName, exportOptions(format, regions, includeMedia, settings)));
    } catch (caught) {
      if (isApiError(caught) && caught.status === 401) onUnauthenticated();
      else setError(message(caught, "start the export"));
    } finally {
      setStarting(false);
    }
  }

  return (
    <form className="data-form" onSubmit={onSubmit} aria-label="Export the project">
      <FormatSelect
        id="export-format"
        label="Export format"
        formats={formats}
        value={formatName}
        onChange={(name) => {
          setFormatName(name);
          setSettings({});
        }}
      />
      {format?.exports === "items" ? (
        <div className="data-form__field">
          <label htmlFor="export-regions">Regions per task</label>
          <select id="export-regions" value={regions} onChange={(event) => setRegions(event.target.value as ExportRegions)}>
            {(Object.keys(REGION_LABELS) as ExportRegions[]).map((r) => (
              <option key={r} value={r}>
                {REGION_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p className="data-form__help">
          Every task with its gold, submitted annotations and predictions, in task order: the same file <code>accord export</code> writes.
        </p>
      )}
      {format?.layout === "folder" && (
        <div className="data-form__field data-form__field--check">
          <input id="export-media" type="checkbox" checked={includeMedia} onChange={(event) => setIncludeMedia(event.target.checked)} />
          <label htmlFor="export-media">Include the media files (those in the media root)</label>
        </div>
      )}
      <SettingsFields key={formatName} idPrefix="export-setting" side="export" format={format} values={settings} onChange={setSettings} />
      <button type="submit" disabled={busy || starting}>
        Start export
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
