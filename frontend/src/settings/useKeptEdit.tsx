/**
 * The editor text of a versioned document (the schema, the guidelines) with its unpublished
 * edit kept in the browser (editDraft.ts): restored on return, dropped on publish or discard.
 */
import { useCallback, useEffect, useState } from "react";
import { useAuth } from "../components/authContext";
import { draftKey, dropDraft, keepDraft, readDraft } from "./editDraft";

export interface KeptEdit {
  text: string;
  setText: (text: string) => void;
  /** The version the text started from (0: none). */
  base: number;
  /** The version a restored edit started from, while its notice shows; else null. */
  restored: number | null;
  /** Open the published document: the kept edit wins when there is one. */
  open: (published: string, version: number) => void;
  /** After publishing `version` (whose text is `published`): nothing is kept any more. */
  published: (published: string, version: number) => void;
  /** Drop the kept edit and go back to the published text. */
  discard: () => void;
}

export function useKeptEdit(projectId: number, section: "schema" | "guidelines", publishedText: string | null, publishedVersion: number): KeptEdit {
  const { state } = useAuth();
  const key = draftKey(state.status === "authenticated" ? state.user.id : 0, projectId, section);
  const [text, setText] = useState("");
  const [base, setBase] = useState(0);
  const [restored, setRestored] = useState<number | null>(null);
  /** The editor holds the published text or the restored edit (never the empty start). */
  const [ready, setReady] = useState(false);

  const open = useCallback(
    (published: string, version: number) => {
      const kept = readDraft(window.localStorage, key);
      const restoring = kept !== null && kept.text !== published;
      setText(restoring ? kept.text : published);
      setBase(restoring ? kept.base : version);
      setRestored(restoring ? kept.base : null);
      setReady(true);
    },
    [key],
  );

  const published = useCallback(
    (body: string, version: number) => {
      dropDraft(window.localStorage, key);
      setText(body);
      setBase(version);
      setRestored(null);
    },
    [key],
  );

  const discard = useCallback(() => {
    dropDraft(window.localStorage, key);
    setText(publishedText ?? "");
    setBase(publishedVersion);
    setRestored(null);
  }, [key, publishedText, publishedVersion]);

  // Every edit is kept until it is published or discarded.
  useEffect(() => {
    if (ready && publishedText !== null) keepDraft(window.localStorage, key, { base, text }, publishedText);
  }, [ready, text, base, publishedText, key]);

  return { text, setText, base, restored, open, published, discard };
}

/** The notice over an editor that holds a restored edit, with its Discard button. */
export function RestoredNotice({ edit, nothing, current }: { edit: KeptEdit; nothing: string; current: number | null }) {
  if (edit.restored === null) return null;
  const from = edit.restored;
  return (
    <div className="notice-bar" role="status">
      <p>
        Restored your unpublished edit, started from {from === 0 ? nothing : `version ${from}`}
        {current !== null && current !== from ? `; version ${current} has been published since` : ""}.
      </p>
      <button type="button" className="secondary" onClick={edit.discard}>
        Discard the edit
      </button>
    </div>
  );
}
