/**
 * The editor's side panels: classes to draw with, item-level answers, the selected
 * region's attributes, the region list and the live problems. Everything here is plain
 * React text and form controls, so user-supplied names render inert.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Problem } from "../lib/rules";
import { regionClass, type Region, type Unsaved } from "../lib/regions";
import { dataKey, isMediaType, isShapeType, type Attribute, type AttributeValue, type DataField, type Label } from "../lib/schema";
import type { ActiveClass } from "./editorState";

/** The key shown for a class: the keymap's, which may be assigned when the schema gave none. */
export type ClassKey = (label: string, cls: string) => { text: string; aria: string } | null;

/** The classes to draw with. Memoised, as the other panels here are: a change of selection
 * (a Tab held down) re-renders only what shows the selection. */
export const ClassPicker = memo(function ClassPicker({
  labels,
  active,
  onPick,
  colorOf,
  classKey,
}: {
  labels: readonly Label[];
  classKey: ClassKey;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  active: ActiveClass | null;
  onPick: (label: string, cls: string) => void;
}) {
  return (
    <section className="panel" aria-labelledby="classes-heading">
      <h2 id="classes-heading" className="panel__title">
        Classes
      </h2>
      {labels.map((label) => (
        <div key={label.name} className="class-group" role="group" aria-label={`${label.name} (${label.type})`}>
          <p className="class-group__name">{label.name}</p>
          {label.description && <p className="class-group__description">{label.description}</p>}
          <div className="class-group__buttons">
            {(label.classes ?? []).map((c) => {
              const pressed = active?.label === label.name && active.class === c.name;
              const key = classKey(label.name, c.name);
              return (
                <button
                  key={c.name}
                  type="button"
                  className="class-button"
                  aria-pressed={pressed}
                  aria-keyshortcuts={key?.aria}
                  onClick={() => onPick(label.name, c.name)}
                >
                  <Swatch color={colorOf({ label: label.name, value: { class: c.name } })} />
                  <span className="class-button__name">{c.name}</span>
                  {key && <kbd>{key.text}</kbd>}
                </button>
              );
            })}
          </div>
        </div>
      ))}
    </section>
  );
});

/** A colour chip as SVG: the CSP forbids inline styles, and attributes carry any colour. */
export function Swatch({ color }: { color: string }) {
  return (
    <svg className="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <rect width="12" height="12" rx="2" fill={color} />
    </svg>
  );
}

export const ItemLabels = memo(function ItemLabels({
  labels,
  regions,
  onSet,
  classKey,
}: {
  labels: readonly Label[];
  classKey: ClassKey;
  regions: readonly Region[];
  onSet: (label: Label, region: Unsaved | null) => void;
}) {
  if (labels.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="item-heading">
      <h2 id="item-heading" className="panel__title">
        Whole item
      </h2>
      {labels.map((label) => {
        // A transcription tied to a region (a segment's text) is that region's, not the item's.
        const region = regions.find((r) => r.label === label.name && !(r.type === "transcription" && r.value.region !== undefined));
        return (
          <fieldset key={label.name} className="item-label">
            <legend>{label.name}</legend>
            {label.description && <p className="class-group__description">{label.description}</p>}
            <ItemControl label={label} region={region} classKey={classKey} onSet={(r) => onSet(label, r)} />
          </fieldset>
        );
      })}
    </section>
  );
});

function ItemControl({
  label,
  region,
  onSet,
  classKey,
}: {
  label: Label;
  classKey: ClassKey;
  region: Region | undefined;
  onSet: (region: Unsaved | null) => void;
}) {
  const name = `item-${label.name}`;
  switch (label.type) {
    case "classification": {
      const current = region ? regionClass(region) : undefined;
      return (
        <div className="choices">
          {(label.classes ?? []).map((c) => (
            <label key={c.name} className="choice">
              <input
                type="radio"
                name={name}
                checked={current === c.name}
                onChange={() => onSet({ label: label.name, type: "classification", value: { class: c.name } })}
              />
              {c.name}
              {classKey(label.name, c.name) && <kbd>{classKey(label.name, c.name)?.text}</kbd>}
            </label>
          ))}
          {current !== undefined && (
            <button type="button" className="link-button" onClick={() => onSet(null)}>
              Clear
            </button>
          )}
        </div>
      );
    }
    case "multilabel": {
      const chosen = region && region.type === "multilabel" ? region.value.classes : [];
      return (
        <div className="choices">
          {(label.classes ?? []).map((c) => (
            <label key={c.name} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(c.name)}
                onChange={(e) => {
                  const next = e.target.checked ? [...chosen, c.name] : chosen.filter((x) => x !== c.name);
                  onSet(next.length ? { label: label.name, type: "multilabel", value: { classes: next } } : null);
                }}
              />
              {c.name}
            </label>
          ))}
        </div>
      );
    }
    case "rating": {
      const scale = label.scale ?? { min: 1, max: 5 };
      const current = region && region.type === "rating" ? region.value.rating : undefined;
      const values = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
      return (
        <div className="choices choices--row">
          {values.map((v) => {
            const anchor = scale.anchors?.find((a) => a.value === v);
            return (
              <label key={v} className="choice" title={anchor?.description}>
                <input
                  type="radio"
                  name={name}
                  checked={current === v}
                  onChange={() => onSet({ label: label.name, type: "rating", value: { rating: v } })}
                />
                {v}
                {anchor && <span className="choice__anchor">{anchor.description}</span>}
              </label>
            );
          })}
        </div>
      );
    }
    case "transcription": {
      const text = region && region.type === "transcription" ? region.value.text : "";
      return (
        <textarea
          aria-label={label.name}
          value={text}
          maxLength={label.rules?.max_length}
          onChange={(e) =>
            onSet(e.target.value ? { label: label.name, type: "transcription", value: { text: e.target.value } } : null)
          }
        />
      );
    }
    default:
      return null;
  }
}

export function AttributeEditor({
  region,
  label,
  onChange,
}: {
  region: Region;
  label: Label;
  onChange: (name: string, value: AttributeValue | undefined) => void;
}) {
  const attributes = label.attributes ?? [];
  return (
    <section className="panel" aria-labelledby="attributes-heading">
      <h2 id="attributes-heading" className="panel__title">
        {regionClass(region) ?? label.name} <span className="muted">{region.id}</span>
      </h2>
      {attributes.length === 0 && <p className="muted">This label has no attributes.</p>}
      {attributes.map((attribute) => (
        <AttributeField
          key={attribute.name}
          attribute={attribute}
          value={region.attributes?.[attribute.name]}
          onChange={(value) => onChange(attribute.name, value)}
        />
      ))}
    </section>
  );
}

function AttributeField({
  attribute,
  value,
  onChange,
}: {
  attribute: Attribute;
  value: AttributeValue | undefined;
  onChange: (value: AttributeValue | undefined) => void;
}) {
  const id = `attribute-${attribute.name}`;
  const label = `${attribute.name}${attribute.required ? " (required)" : ""}`;
  switch (attribute.type) {
    case "bool":
      return (
        <label className="attribute attribute--bool">
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
      );
    case "enum":
      return (
        <div className="attribute">
          <label htmlFor={id}>{label}</label>
          <select id={id} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
            <option value="">—</option>
            {(attribute.values ?? []).map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
      );
    case "number":
      return (
        <div className="attribute">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="number"
            min={attribute.min}
            max={attribute.max}
            value={typeof value === "number" ? value : ""}
            onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
          />
        </div>
      );
    case "text":
      return (
        <div className="attribute">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="text"
            maxLength={attribute.max_length}
            value={typeof value === "string" ? value : ""}
            onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
          />
        </div>
      );
  }
}

/** Scrolls a windowed list of rows `rowPx` high just enough to show row `index`. */
export function scrollRowIntoView(element: HTMLElement, index: number, rowPx: number): void {
  const top = index * rowPx;
  if (top < element.scrollTop) element.scrollTop = top;
  else if (top + rowPx > element.scrollTop + element.clientHeight) element.scrollTop = top + rowPx - element.clientHeight;
}

/** Rows are a fixed height so the list can render only the rows in view (`ROW_PX` in CSS). */
const ROW_PX = 30;
const SPARE_ROWS = 8;

/**
 * The region list, windowed: with thousands of regions only the rows in view (and a few
 * more) exist in the DOM, so neither a render nor a frame pays for the rest. The sizer's
 * height and the window's offset are set through the CSSOM (the CSP allows that; it forbids
 * style attributes in markup).
 */
export const RegionList = memo(function RegionList({
  regions,
  selected,
  problems,
  onSelect,
  onDelete,
  note,
  colorOf,
}: {
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  regions: readonly Region[];
  selected: string | null;
  problems: ReadonlyMap<string, Problem[]>;
  onSelect: (id: string) => void;
  /** Absent: the list is read-only. */
  onDelete?: (id: string) => void;
  /** A short mark after a region's name (a comment pinned to it). */
  note?: (id: string) => string | null;
}) {
  // What is placed on the media (shapes, spans, segments, tracks) and the relations between them.
  const shapes = useMemo(() => regions.filter((r) => isShapeType(r.type) || isMediaType(r.type) || r.type === "relation"), [regions]);
  const scroller = useRef<HTMLDivElement>(null);
  const sizer = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ first: 0, rows: 40 });

  const measure = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const first = Math.max(0, Math.floor(element.scrollTop / ROW_PX) - SPARE_ROWS);
    const rows = Math.ceil(element.clientHeight / ROW_PX) + 2 * SPARE_ROWS;
    setView((v) => (v.first === first && v.rows === rows ? v : { first, rows }));
  }, []);

  useLayoutEffect(() => {
    sizer.current?.style.setProperty("height", `${shapes.length * ROW_PX}px`);
    list.current?.style.setProperty("transform", `translateY(${view.first * ROW_PX}px)`);
  }, [shapes.length, view.first]);

  useLayoutEffect(measure, [measure]);

  // The selected region's row is scrolled into view (Tab through regions, a click on the
  // canvas) on the next frame: read now, the scroll offset would lay the page out at once,
  // once per key when Tab comes faster than frames, instead of once in the frame.
  useEffect(() => {
    const index = shapes.findIndex((r) => r.id === selected);
    if (index < 0) return;
    const frame = requestAnimationFrame(() => {
      if (scroller.current) scrollRowIntoView(scroller.current, index, ROW_PX);
    });
    return () => cancelAnimationFrame(frame);
  }, [selected, shapes]);

  const shown = shapes.slice(view.first, view.first + view.rows);
  return (
    <section className="panel panel--grow" aria-labelledby="regions-heading">
      <h2 id="regions-heading" className="panel__title">
        Regions <span className="muted">{shapes.length}</span>
      </h2>
      {shapes.length === 0 && <p className="muted">Nothing drawn yet.</p>}
      <div ref={scroller} className="region-scroller" onScroll={measure}>
        <div ref={sizer} className="region-sizer">
          <ul ref={list} className="region-list" aria-label="Regions">
            {shown.map((region, i) => (
              <RegionRow
                key={region.id}
                region={region}
                position={view.first + i + 1}
                total={shapes.length}
                color={colorOf(region)}
                selected={region.id === selected}
                problems={problems.get(region.id)}
                onSelect={onSelect}
                onDelete={onDelete}
                note={note?.(region.id) ?? null}
              />
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
});

const RegionRow = memo(function RegionRow({
  region,
  position,
  total,
  color,
  selected,
  problems,
  onSelect,
  onDelete,
  note,
}: {
  region: Region;
  position: number;
  total: number;
  color: string;
  selected: boolean;
  problems: Problem[] | undefined;
  onSelect: (id: string) => void;
  onDelete?: (id: string) => void;
  note: string | null;
}) {
  const cls = regionClass(region) ?? region.label;
  return (
    <li className={`region-row${selected ? " region-row--selected" : ""}`} aria-posinset={position} aria-setsize={total}>
      <button type="button" className="region-row__select" aria-pressed={selected} onClick={() => onSelect(region.id)}>
        <Swatch color={color} />
        <span className="region-row__class">{cls}</span>{" "}
        <span className="muted">
          {region.type} {region.id}
        </span>
        {note && <span className="region-row__note">{note}</span>}
        {problems && (
          <span className="region-row__problem" title={problems.map((p) => p.message).join("\n")}>
            <span aria-hidden="true">!</span>
            <span className="visually-hidden">
              , {problems.length} problem{problems.length === 1 ? "" : "s"}
            </span>
          </span>
        )}
      </button>
      {onDelete && (
        <button type="button" className="icon-button" aria-label={`Delete ${region.id}`} onClick={() => onDelete(region.id)}>
          ×
        </button>
      )}
    </li>
  );
});

export const ProblemList = memo(function ProblemList({ problems, onSelect }: { problems: readonly Problem[]; onSelect: (id: string) => void }) {
  if (problems.length === 0) return null;
  return (
    <section className="panel panel--problems" aria-labelledby="problems-heading">
      <h2 id="problems-heading" className="panel__title">
        To fix before submitting <span className="muted">{problems.length}</span>
      </h2>
      <ul className="problem-list">
        {problems.slice(0, 50).map((p, i) => (
          <li key={`${p.regionId}-${p.code}-${i}`}>
            {p.regionId ? (
              <button type="button" className="link-button" onClick={() => onSelect(p.regionId ?? "")}>
                {p.regionId}
              </button>
            ) : (
              <strong>{p.label}</strong>
            )}{" "}
            {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
});

/** The task's other data fields (text, metadata, …), as plain text. */
export const TaskData = memo(function TaskData({ fields, data }: { fields: readonly DataField[]; data: Record<string, unknown> }) {
  const shown = fields.filter((f) => data[dataKey(f)] !== undefined);
  if (shown.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="task-data-heading">
      <h2 id="task-data-heading" className="panel__title">
        Task
      </h2>
      <dl className="task-data">
        {shown.map((field) => (
          <div key={field.name} className="task-data__field">
            <dt>{field.name}</dt>
            <dd>{asText(data[dataKey(field)])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
});

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
