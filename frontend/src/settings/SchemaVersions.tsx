/** The schema versions published so far, newest first, each with its note and date; one can
 * be opened read-only, and loaded into the editor to start from it. */
import { useState } from "react";
import type { Schema } from "../lib/schema";
import type { SchemaVersionEntry } from "./api";
import { VersionTable } from "./VersionTable";

export function SchemaVersions({ versions, onLoad }: { versions: readonly SchemaVersionEntry[]; onLoad: (schema: Schema) => void }) {
  const [open, setOpen] = useState<number | null>(null);
  const shown = versions.find((v) => v.version === open) ?? null;
  if (versions.length === 0) return <p className="muted">No schema has been published yet.</p>;
  return (
    <section aria-labelledby="schema-versions-heading" className="versions">
      <h3 id="schema-versions-heading">Versions</h3>
      <VersionTable
        versions={versions}
        action={(v) => (
          <button type="button" className="secondary" aria-expanded={open === v.version} onClick={() => setOpen(open === v.version ? null : v.version)}>
            {open === v.version ? `Hide v${v.version}` : `View v${v.version}`}
          </button>
        )}
      />
      {shown && (
        <div className="versions__view">
          <h4>
            Schema version {shown.version}
            {shown.note && <span className="muted"> · {shown.note}</span>}
          </h4>
          <pre className="versions__json" tabIndex={0} aria-label={`Schema version ${shown.version} as JSON`}>
            {JSON.stringify(shown.schema, null, 2)}
          </pre>
          <button type="button" className="secondary" onClick={() => onLoad(shown.schema)}>
            Load v{shown.version} into the editor
          </button>
        </div>
      )}
    </section>
  );
}
