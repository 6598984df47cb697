/**
 * The labeling interface for the schema being edited: the real workbench the label stream
 * uses, on the project's first task's image (or a blank canvas when there is none), with
 * the schema's classes, tools and hotkeys. It is a sandbox: what is drawn here is not saved.
 *
 * Its keys work while focus is inside the preview, so typing elsewhere on the page never
 * picks a class or a tool.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { Task } from "../api/types";
import { useAuth } from "../components/authContext";
import { imageFieldOf, loadTaskMedia } from "../editor/taskMedia";
import { Workbench, type WorkbenchImage } from "../editor/Workbench";
import { dataKey, type Schema } from "../lib/schema";
import { firstTask } from "./api";
import { RenderBoundary, useFailure } from "./common";

const BLANK = { status: "blank", width: 640, height: 480 } as const;

export function SchemaPreview({ projectId, schema }: { projectId: number; schema: Schema }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [task, setTask] = useState<Task | null | undefined>(undefined);
  const [taskError, setTaskError] = useState<string | null>(null);
  const [image, setImage] = useState<{ key: string; state: WorkbenchImage } | null>(null);
  const [focused, setFocused] = useState(false);
  const frame = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    firstTask(client, projectId).then(
      (t) => !cancelled && setTask(t),
      (caught: unknown) => {
        if (cancelled) return;
        setTask(null);
        setTaskError(fail(caught, "load the project's first task"));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, projectId, fail]);

  // The image depends only on which data key the schema's image field reads.
  const field = useMemo(() => imageFieldOf(schema), [schema]);
  const imageKey = field && task ? `${task.id}:${field.name}:${dataKey(field)}` : "blank";
  const schemaRef = useRef(schema);
  schemaRef.current = schema;
  useEffect(() => {
    if (!task || imageKey === "blank") {
      setImage({ key: imageKey, state: BLANK });
      return;
    }
    setImage({ key: imageKey, state: { status: "loading" } });
    // The media route takes the task's data key (`…/media/{key}`), which differs from the
    // field's name when the field has a `source`; taskImage asks by name, so it is handed a
    // one-field schema named after the key.
    const field = imageFieldOf(schemaRef.current);
    const key = field ? dataKey(field) : "";
    const loading = loadTaskMedia({ data: [{ name: key, type: "image" }], labels: [] }, projectId, task);
    let current = true;
    void loading.ready.then((state) => {
      if (current) setImage({ key: imageKey, state });
    });
    return () => {
      current = false;
      loading.release();
    };
  }, [imageKey, task, projectId]);

  const schemaKey = useMemo(() => JSON.stringify(schema), [schema]);
  if (task === undefined || image === null) return <p role="status">Loading the preview…</p>;
  const shown: WorkbenchImage = image.state.status === "failed" ? BLANK : image.state;
  return (
    <div
      ref={frame}
      className="schema-preview"
      onFocus={() => setFocused(true)}
      onBlur={(event) => {
        if (!frame.current?.contains(event.relatedTarget as Node | null)) setFocused(false);
      }}
    >
      <p className="muted schema-preview__note">
        {task === null
          ? "The project has no tasks yet, so the preview shows a blank canvas."
          : field === null
            ? "The schema has no image field, so the preview shows a blank canvas."
            : image.state.status === "failed"
              ? `${image.state.message} The preview shows a blank canvas.`
              : `On task ${task.id}. Try the tools: nothing drawn here is saved.`}{" "}
        {focused ? "Keys go to the preview." : "Click in the preview to try its keys."}
      </p>
      {taskError && <p className="error">{taskError}</p>}
      <RenderBoundary
        resetKey={schemaKey}
        fallback={(message) => (
          <p role="alert" className="error">
            The preview could not show this schema: {message}
          </p>
        )}
      >
        <Workbench key={`${schemaKey}|${image.key}|${shown.status}`} schema={schema} image={shown} regions={[]} suspended={!focused} data={task ? { fields: schema.data, values: task.data } : undefined} />
      </RenderBoundary>
    </div>
  );
}
