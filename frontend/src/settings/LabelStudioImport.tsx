/** Turn a Label Studio labeling config (its <View> XML) into a schema for the editor; the
 * server converts it (`POST /api/schema/from-label-studio`) and names any tag it refuses. */
import { useState } from "react";
import { useAuth } from "../components/authContext";
import type { Schema } from "../lib/schema";
import { schemaFromLabelStudio } from "./api";
import { useFailure } from "./common";

export function LabelStudioImport({ onConverted }: { onConverted: (schema: Schema) => void }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [xml, setXml] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function convert() {
    setError(null);
    if (xml.trim() === "") {
      setError("Paste a Label Studio config first (it starts with <View>).");
      return;
    }
    setBusy(true);
    try {
      onConverted(await schemaFromLabelStudio(client, xml));
    } catch (caught) {
      setError(fail(caught, "convert the config"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="ls-import">
      <summary>Import a Label Studio labeling config</summary>
      <p className="muted">The converted schema replaces the editor's text; nothing is published until you publish it.</p>
      <label htmlFor="ls-xml">Label Studio config (XML)</label>
      <textarea id="ls-xml" className="ls-import__text" rows={8} value={xml} spellCheck={false} onChange={(event) => setXml(event.target.value)} aria-describedby={error ? "ls-error" : undefined} />
      <button type="button" onClick={() => void convert()} disabled={busy}>
        {busy ? "Converting…" : "Convert into the editor"}
      </button>
      {error && (
        <p id="ls-error" role="alert" className="error">
          {error}
        </p>
      )}
    </details>
  );
}
