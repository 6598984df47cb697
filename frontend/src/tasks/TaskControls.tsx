import { useState, type FormEvent } from "react";
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import type { Stage } from "../api/types";
import { assignTask, controlTask, type BrowsedTask, type Member, type TaskControl } from "./api";

const STAGES: Stage[] = ["label", "review", "adjudicate"];

/** The manager's controls over one task: release its leases, re-open, freeze, or direct it
 * to a member. Each action reloads the task's history, where it also shows as an event. */
export function TaskControls(props: { client: ApiClient; projectId: number; task: BrowsedTask; members: Member[]; onChanged: () => void }) {
  const { client, projectId, task, members, onChanged } = props;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [userId, setUserId] = useState("");
  const [stage, setStage] = useState<Stage>(STAGES.includes(task.state as Stage) ? (task.state as Stage) : "label");

  async function run(what: string, action: () => Promise<unknown>) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      setMessage({ text: `${what}: done.`, error: false });
      onChanged();
    } catch (caught) {
      setMessage({ text: isApiError(caught) ? caught.message : `Could not ${what.toLowerCase()}.`, error: true });
    } finally {
      setBusy(false);
    }
  }

  const control = (name: TaskControl, what: string) => () => void run(what, () => controlTask(client, projectId, task.id, name));

  function assign(event: FormEvent) {
    event.preventDefault();
    if (!userId) {
      setMessage({ text: "Choose whom to assign the task to.", error: true });
      return;
    }
    void run("Assign", () => assignTask(client, projectId, task.id, Number(userId), stage));
  }

  return (
    <section aria-labelledby="task-controls-heading">
      <h2 id="task-controls-heading">Control</h2>
      <div className="task-controls">
        <button type="button" disabled={busy} onClick={control("release", "Release")}>
          Release leases
        </button>
        <button type="button" disabled={busy} onClick={control("reopen", "Re-open")}>
          Re-open for labeling
        </button>
        {task.frozen ? (
          <button type="button" disabled={busy} onClick={control("unfreeze", "Unfreeze")}>
            Unfreeze
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={control("freeze", "Freeze")}>
            Freeze
          </button>
        )}
        <form onSubmit={assign} aria-label="Assign the task">
          <label>
            Assign to
            <select value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">choose a member</option>
              {members.map((m) => (
                <option key={m.user_id} value={String(m.user_id)}>
                  {m.email} ({m.role})
                </option>
              ))}
            </select>
          </label>
          <label>
            for
            <select value={stage} onChange={(e) => setStage(e.target.value as Stage)}>
              {STAGES.map((s) => (
                <option key={s} value={s}>{s}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Assign
          </button>
        </form>
      </div>
      {message !== null && (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "muted"}>
          {message.text}
        </p>
      )}
    </section>
  );
}
