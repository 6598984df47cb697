/** Labelled form inputs with a hint and an error, each tied to its input for assistive
 * technology (aria-describedby, aria-invalid). */
import type { ReactNode } from "react";

interface Common {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
}

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

function Notes({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="error field__error">
          {error}
        </p>
      )}
    </>
  );
}

export function TextField({ id, label, hint, error, value, onChange, inputMode }: Common & { value: string; onChange: (v: string) => void; inputMode?: "decimal" | "numeric" | "text" }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        inputMode={inputMode}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
      <Notes id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({ id, label, hint, error, value, onChange, options }: Common & { value: string; onChange: (v: string) => void; options: readonly { value: string; label: string }[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Notes id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextAreaField({ id, label, hint, error, value, onChange, rows = 3 }: Common & { value: string; onChange: (v: string) => void; rows?: number }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} />
      <Notes id={id} hint={hint} error={error} />
    </div>
  );
}

/** Checkboxes for a set of values, as one labelled group. */
export function CheckGroup<T extends string>({
  id,
  label,
  hint,
  error,
  options,
  checked,
  onChange,
}: Common & { options: readonly T[]; checked: readonly T[]; onChange: (next: T[]) => void }) {
  return (
    <fieldset className="check-group" aria-describedby={describedBy(id, hint, error)}>
      <legend>{label}</legend>
      {options.map((option) => (
        <label key={option} className="check-group__item">
          <input
            type="checkbox"
            checked={checked.includes(option)}
            onChange={(e) => onChange(e.target.checked ? options.filter((o) => o === option || checked.includes(o)) : checked.filter((o) => o !== option))}
          />{" "}
          {option}
        </label>
      ))}
      <Notes id={id} hint={hint} error={error} />
    </fieldset>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}
