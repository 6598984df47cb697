/** Publishing a new version of a document (the schema, the guidelines): its note, the
 * button naming the version it becomes, and how the attempt went. */
export interface Outcome {
  ok: boolean;
  text: string;
}

export function PublishForm(props: {
  id: string;
  note: string;
  onNote: (note: string) => void;
  busy: boolean;
  version: number;
  outcome: Outcome | null;
  onPublish: () => void;
}) {
  const { outcome } = props;
  return (
    <form
      className="publish-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onPublish();
      }}
    >
      <div className="field">
        <label htmlFor={props.id}>Note for this version</label>
        <input id={props.id} value={props.note} onChange={(event) => props.onNote(event.target.value)} maxLength={10000} placeholder="What changed, and why" />
      </div>
      <button type="submit" disabled={props.busy}>
        {props.busy ? "Publishing…" : `Publish as version ${props.version}`}
      </button>
      {outcome && (
        <p role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "success" : "error"}>
          {outcome.text}
        </p>
      )}
    </form>
  );
}
