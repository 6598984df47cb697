/**
 * The workflow policy as a form (docs/workflow.md, "The policy"): saved with a PATCH that
 * names only the fields that changed; the server's 422 (`workflow.<field>`) is shown next
 * to its field. Below it, the pilot batch's report with its approval, and the calibration
 * report.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { isApiError } from "../api/errors";
import type { Stage } from "../api/types";
import { useAuth } from "../components/authContext";
import { getWorkflow, patchWorkflow, TIERS, type Policy } from "./api";
import { useFailure } from "./common";
import { CheckGroup, Section, SelectField, TextAreaField, TextField } from "./fields";
import { changedFields, fieldOfError, formFromPolicy, policyFromForm, STAGES, withoutField, type FormField, type PolicyForm } from "./policyForm";
import { WorkflowReports } from "./WorkflowReports";

type Errors = Partial<Record<FormField, string>>;

const STAGE_NAMES: Record<Stage, string> = { label: "Labeling", review: "Review", adjudicate: "Adjudication" };

export function WorkflowSettings({ projectId }: { projectId: number }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const outcomeRef = useRef<HTMLParagraphElement>(null);

  const adopt = useCallback((next: Policy) => {
    setPolicy(next);
    setForm(formFromPolicy(next));
  }, []);

  useEffect(() => {
    getWorkflow(client, projectId).then(adopt, (caught: unknown) => setLoadError(fail(caught, "load the workflow")));
  }, [client, projectId, adopt, fail]);

  if (loadError) {
    return (
      <p role="alert" className="error">
        {loadError}
      </p>
    );
  }
  if (!policy || !form) return <p role="status">Loading the workflow…</p>;

  const set = <K extends keyof PolicyForm>(key: K, value: PolicyForm[K]) => {
    setForm((f) => (f ? { ...f, [key]: value } : f));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setOutcome(null);
  };
  const pending = Object.keys(changedFields(policy, policyFromForm(form).policy));
  const text = (key: FormField & keyof PolicyForm, label: string, hint: string) => (
    <TextField id={`wf-${key}`} label={label} hint={hint} error={errors[key]} value={form[key] as string} onChange={(v) => set(key, v as never)} inputMode="decimal" />
  );

  async function save() {
    if (!form || !policy) return;
    setOutcome(null);
    const reading = policyFromForm(form);
    if (Object.keys(reading.errors).length > 0) {
      setErrors(reading.errors);
      const n = Object.keys(reading.errors).length;
      setOutcome({ ok: false, text: `${n} field${n === 1 ? " needs" : "s need"} attention; see the messages next to ${n === 1 ? "it" : "them"}.` });
      return;
    }
    const changes = changedFields(policy, reading.policy);
    const names = Object.keys(changes);
    if (names.length === 0) {
      setOutcome({ ok: true, text: "Nothing changed, so nothing was saved." });
      return;
    }
    setBusy(true);
    try {
      adopt(await patchWorkflow(client, projectId, changes));
      setErrors({});
      setOutcome({ ok: true, text: `Saved: ${names.join(", ")}.` });
    } catch (caught) {
      const name = isApiError(caught) ? caught.details.field : undefined;
      const field = fieldOfError(name);
      if (isApiError(caught) && caught.status === 422 && field) {
        setErrors({ [field]: withoutField(caught.message, name) });
        setOutcome({ ok: false, text: `Not saved: ${caught.message}` });
      } else {
        const message = fail(caught, "save the workflow");
        if (message) setOutcome({ ok: false, text: `Not saved: ${message}` });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="workflow-settings">
      <form
        aria-label="Workflow policy"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Section title="Overlap and consensus">
          {text("overlap", "Overlap", "Answers per task, from different annotators (1–50).")}
          {text("overlap_sample", "Overlap sample", "Share of tasks that get that overlap, 0–1; the others get one answer.")}
          {text("consensus_threshold", "Consensus threshold", "Agreement (0–1) at or above which the consensus is accepted; below it the task is adjudicated.")}
          <div className="field">
            <label className="check-group__item">
              <input type="checkbox" checked={form.adaptive} onChange={(e) => set("adaptive", e.target.checked)} aria-describedby={errors.adaptive ? "wf-adaptive-error" : undefined} /> Adaptive overlap
            </label>
            <p className="field__hint">Fewer answers from annotators whose agreement with the consensus stays high.</p>
            {errors.adaptive && (
              <p id="wf-adaptive-error" className="error field__error">
                {errors.adaptive}
              </p>
            )}
          </div>
          {form.adaptive && (
            <div className="form-subsection">
              {text("min_overlap", "Minimum overlap", "Answers a trusted annotator's task needs (at most the overlap).")}
              {text("stable_agreement", "Stable agreement", "Agreement (0–1) over the window that earns trust.")}
              {text("window", "Window", "How many recent overlapped answers are averaged.")}
              {text("recheck", "Recheck share", "Share (0–1) of a trusted annotator's tasks that keep the full overlap.")}
            </div>
          )}
        </Section>
        <Section title="Review">
          {text("review_sample", "Review sample", "Share (0–1) of accepted tasks sent to review.")}
          {text("review_below_gold_accuracy", "Review everything below gold accuracy", "0–1; all work of annotators below this gold accuracy goes to review. Empty: off.")}
          {text("min_gold_answers", "Gold answers before accuracy counts", "Gold answers an annotator needs before their gold accuracy is used.")}
          <SelectField
            id="wf-reject_to"
            label="Rejected work goes to"
            error={errors.reject_to}
            value={form.reject_to}
            onChange={(v) => set("reject_to", v)}
            options={[
              { value: "author", label: "its author" },
              { value: "queue", label: "the queue (anyone)" },
            ]}
          />
          <Categories form={form} error={errors.review_categories} onChange={(c) => set("review_categories", c)} />
        </Section>
        <Section title="Gold">{text("gold_rate", "Gold rate", "Share (at least 0, below 1) of handed-out label tasks that are gold.")}</Section>
        <Section title="Hand-out">
          {text("lease_seconds", "Lease (seconds)", "How long a handed-out task stays reserved (10 s to 7 days).")}
          <SelectField
            id="wf-ordering"
            label="Ordering"
            error={errors.ordering}
            value={form.ordering}
            onChange={(v) => set("ordering", v)}
            options={[
              { value: "sequential", label: "sequential (import order)" },
              { value: "random", label: "random (one fixed permutation)" },
              { value: "uncertainty", label: "uncertainty (least confident prediction first)" },
            ]}
          />
          <TextAreaField id="wf-batch_order" label="Batch order" hint="Batches handed out first, one per line, in order; other batches follow." error={errors.batch_order} value={form.batch_order} onChange={(v) => set("batch_order", v)} />
        </Section>
        <Section title="Tiers">
          {STAGES.map((stage) => (
            <CheckGroup
              key={stage}
              id={`wf-stage-${stage}`}
              label={`${STAGE_NAMES[stage]}: tiers that may take it`}
              options={TIERS}
              checked={form.stage_tiers[stage]}
              onChange={(tiers) => set("stage_tiers", { ...form.stage_tiers, [stage]: tiers })}
            />
          ))}
          {errors.stage_tiers && <p className="error field__error">{errors.stage_tiers}</p>}
          <BatchTiersEditor form={form} error={errors.batch_tiers} onChange={(rows) => set("batch_tiers", rows)} />
        </Section>
        <Section title="Pilot and calibration">
          {text("pilot_batch", "Pilot batch", "The batch to approve before the rest of the project opens. Empty: none.")}
          {text("calibration_batch", "Calibration batch", "The batch every annotator labels first. Empty: none.")}
        </Section>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save the workflow"}
          </button>
          <button type="button" className="secondary" onClick={() => (adopt(policy), setErrors({}), setOutcome(null))}>
            Discard changes
          </button>
          {!outcome && pending.length > 0 && <p className="muted">Unsaved changes: {pending.join(", ")}.</p>}
          {outcome && (
            <p ref={outcomeRef} role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "success" : "error"}>
              {outcome.text}
            </p>
          )}
        </div>
      </form>
      <WorkflowReports projectId={projectId} policy={policy} onPolicy={adopt} />
    </div>
  );
}

function Categories({ form, error, onChange }: { form: PolicyForm; error: string | undefined; onChange: (c: PolicyForm["review_categories"]) => void }) {
  const rows = form.review_categories;
  if (rows === null) {
    return <p className="muted">This server keeps no error taxonomy in the workflow policy yet.</p>;
  }
  const update = (i: number, patch: Partial<{ name: string; description: string }>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="rows-editor" aria-describedby={error ? "wf-categories-error" : "wf-categories-hint"}>
      <legend>Error categories</legend>
      <p id="wf-categories-hint" className="field__hint">
        The taxonomy reviewers tag rejected work with.
      </p>
      {rows.length === 0 && <p className="muted">No categories yet.</p>}
      {rows.map((row, i) => (
        <div key={i} className="rows-editor__row">
          <div className="field">
            <label htmlFor={`wf-cat-${i}-name`}>Category {i + 1} name</label>
            <input id={`wf-cat-${i}-name`} value={row.name} onChange={(e) => update(i, { name: e.target.value })} />
          </div>
          <div className="field rows-editor__wide">
            <label htmlFor={`wf-cat-${i}-description`}>Category {i + 1} description</label>
            <input id={`wf-cat-${i}-description`} value={row.description} onChange={(e) => update(i, { description: e.target.value })} />
          </div>
          <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove category {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, { name: "", description: "" }])}>
        Add a category
      </button>
      {error && (
        <p id="wf-categories-error" className="error field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function BatchTiersEditor({ form, error, onChange }: { form: PolicyForm; error: string | undefined; onChange: (rows: PolicyForm["batch_tiers"]) => void }) {
  const rows = form.batch_tiers;
  return (
    <fieldset className="rows-editor" aria-describedby={error ? "wf-batch-tiers-error" : "wf-batch-tiers-hint"}>
      <legend>Restricted batches</legend>
      <p id="wf-batch-tiers-hint" className="field__hint">
        Batches only some tiers may take; batches not listed are open to every tier.
      </p>
      {rows.map((row, i) => (
        <div key={i} className="rows-editor__row">
          <div className="field">
            <label htmlFor={`wf-bt-${i}`}>Batch {i + 1}</label>
            <input id={`wf-bt-${i}`} value={row.batch} onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, batch: e.target.value } : r)))} />
          </div>
          <CheckGroup id={`wf-bt-${i}-tiers`} label={`Tiers for batch ${i + 1}`} options={TIERS} checked={row.tiers} onChange={(tiers) => onChange(rows.map((r, j) => (j === i ? { ...r, tiers } : r)))} />
          <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove batch {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, { batch: "", tiers: ["expert"] }])}>
        Restrict a batch
      </button>
      {error && (
        <p id="wf-batch-tiers-error" className="error field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
