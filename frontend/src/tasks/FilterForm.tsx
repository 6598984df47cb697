import { useState, type FormEvent } from "react";
import type { Schema } from "../lib/schema";
import type { Member } from "./api";
import { FILTER_NAMES, SORTS, TASK_STATES, type FilterName, type Filters, type Sort, type TaskQuery } from "./filters";

const SORT_NAMES: Record<Sort, string> = {
  id: "Task id, oldest first",
  "-id": "Task id, newest first",
  priority: "Priority, lowest first",
  "-priority": "Priority, highest first",
  agreement: "Agreement, lowest first",
  "-agreement": "Agreement, highest first",
  score: "Prediction score, lowest first",
  "-score": "Prediction score, highest first",
  updated: "Last change, oldest first",
  "-updated": "Last change, newest first",
};

export interface FilterChoices {
  schema: Schema | null;
  members: Member[];
  categories: string[];
}

/** The filter form. Edits stay local until "Apply", which hands the whole query back, so
 * the URL (and with it the list) changes once per decision, not per keystroke. */
export function FilterForm({ query, choices, onApply }: { query: TaskQuery; choices: FilterChoices; onApply: (query: TaskQuery) => void }) {
  const [filters, setFilters] = useState<Filters>(query.filters);
  const [sort, setSort] = useState<Sort>(query.sort);
  const set = (name: FilterName, value: string) =>
    setFilters((current) => {
      const next = { ...current, [name]: value };
      if (name === "label") delete next.class;
      return next;
    });
  const value = (name: FilterName) => filters[name] ?? "";
  const labels = choices.schema?.labels ?? [];
  const classes = labels.find((l) => l.name === filters.label)?.classes ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    const clean: Filters = {};
    for (const name of FILTER_NAMES) {
      const v = filters[name]?.trim();
      if (v) clean[name] = v;
    }
    onApply({ filters: clean, sort });
  }

  return (
    <form className="task-filters" onSubmit={submit} aria-label="Filter tasks">
      <label>
        State
        <select value={value("state")} onChange={(e) => set("state", e.target.value)}>
          <option value="">any</option>
          {TASK_STATES.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Annotator
        <select value={value("annotator")} onChange={(e) => set("annotator", e.target.value)}>
          <option value="">anyone</option>
          {choices.members.map((m) => (
            <option key={m.user_id} value={String(m.user_id)}>{m.email}</option>
          ))}
        </select>
      </label>
      <label>
        Batch
        <input value={value("batch")} onChange={(e) => set("batch", e.target.value)} />
      </label>
      <label>
        Gold
        <YesNo value={value("gold")} onChange={(v) => set("gold", v)} />
      </label>
      <label>
        Open flags
        <YesNo value={value("flagged")} onChange={(v) => set("flagged", v)} />
      </label>
      <label>
        Error category
        <select value={value("error_category")} onChange={(e) => set("error_category", e.target.value)}>
          <option value="">any</option>
          {withCurrent(choices.categories, filters.error_category).map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Label
        <select value={value("label")} onChange={(e) => set("label", e.target.value)}>
          <option value="">any</option>
          {withCurrent(labels.map((l) => l.name), filters.label).map((name) => (
            <option key={name} value={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Class
        <select value={value("class")} onChange={(e) => set("class", e.target.value)} disabled={!filters.label}>
          <option value="">any</option>
          {withCurrent(classes.map((c) => c.name), filters.class).map((name) => (
            <option key={name} value={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Guideline version
        <input type="number" min={1} step={1} value={value("guideline_version")} onChange={(e) => set("guideline_version", e.target.value)} />
      </label>
      <Range label="Agreement" min="agreement_min" max="agreement_max" value={value} set={set} step="0.01" />
      <Range label="Prediction score" min="score_min" max="score_max" value={value} set={set} step="0.01" />
      <label>
        Submitted from
        <input type="datetime-local" value={toLocal(value("submitted_from"))} onChange={(e) => set("submitted_from", fromLocal(e.target.value))} />
      </label>
      <label>
        Submitted before
        <input type="datetime-local" value={toLocal(value("submitted_to"))} onChange={(e) => set("submitted_to", fromLocal(e.target.value))} />
      </label>
      <label>
        Sort by
        <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
          {SORTS.map((s) => (
            <option key={s} value={s}>{SORT_NAMES[s]}</option>
          ))}
        </select>
      </label>
      <div className="task-filters__actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="button--quiet" onClick={() => onApply({ filters: {}, sort: "id" })}>
          Clear all
        </button>
      </div>
    </form>
  );
}

function YesNo({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">either</option>
      <option value="true">yes</option>
      <option value="false">no</option>
    </select>
  );
}

function Range(props: {
  label: string;
  min: FilterName;
  max: FilterName;
  step: string;
  value: (name: FilterName) => string;
  set: (name: FilterName, value: string) => void;
}) {
  return (
    <fieldset className="task-filters__range">
      <legend>{props.label}</legend>
      <label>
        at least
        <input type="number" step={props.step} value={props.value(props.min)} onChange={(e) => props.set(props.min, e.target.value)} />
      </label>
      <label>
        at most
        <input type="number" step={props.step} value={props.value(props.max)} onChange={(e) => props.set(props.max, e.target.value)} />
      </label>
    </fieldset>
  );
}

/** A link may name a value the choices lack (an old class, a category since renamed);
 * keep it selectable so the form shows what is in force. */
function withCurrent(options: string[], current: string | undefined): string[] {
  return current && !options.includes(current) ? [...options, current] : options;
}

/** `datetime-local` works in the browser's zone; filters travel as UTC instants. */
export function toLocal(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function fromLocal(local: string): string {
  if (!local) return "";
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().replace(/\.000Z$/, "Z");
}
