/**
 * The relations of a text, listed under it: "from → to" with each end's words, the relation's
 * class, selectable (Delete then removes the selected one, as for any region). Other
 * annotators' relations (review, adjudication) are listed after them in their colours.
 *
 * The list is windowed, as the region list is: rows are one line of a fixed height, and only
 * those in view (and a few more) are in the DOM, so hundreds of relations cost a page load
 * or a selection no more than a screenful does.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Region, RelationRegion } from "../../lib/regions";
import type { Label } from "../../lib/schema";
import { scrollRowIntoView, Swatch } from "../panels";
import type { SpanMark } from "./marks";
import type { TextOffsets } from "./offsets";

/** The relation labels that may start at a span of label `from`: those without `between`,
 * or whose `between` names it. */
export function relationLabelsFor(labels: readonly Label[], from: string): Label[] {
  return labels.filter((l) => !l.between || l.between.length === 0 || l.between.includes(from));
}

/** A region's words, shortened, for a list row. */
export function excerpt(region: Region | undefined, text: string, offsets: TextOffsets): string {
  if (!region) return "?";
  if (region.type !== "span") return `${region.label} ${region.id}`;
  const slice = text.slice(offsets.toUtf16(region.value.start), offsets.toUtf16(region.value.end));
  return `“${slice.length > 32 ? `${slice.slice(0, 31)}…` : slice}”`;
}

/** A row's height (the CSS sets it too: `.text-relations__list > li`), and rows kept beyond the view. */
const ROW_PX = 26;
const SPARE_ROWS = 6;

type Row =
  | { kind: "own"; key: string; relation: RelationRegion }
  | { kind: "theirs"; key: string; relation: RelationRegion; overlay: { id: string; color: string }; byId: ReadonlyMap<string, Region> };

export const RelationPanel = memo(function RelationPanel({
  relations,
  overlays,
  work,
  text,
  offsets,
  selected,
  colorOf,
  onSelect,
}: {
  relations: readonly RelationRegion[];
  overlays: readonly { id: string; color: string; regions: readonly Region[] }[];
  work: ReadonlyMap<string, SpanMark>;
  text: string;
  offsets: TextOffsets;
  selected: string | null;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  onSelect: (id: string) => void;
}) {
  const rows = useMemo((): Row[] => {
    const theirs = overlays.flatMap((o) => {
      const byId = new Map(o.regions.map((x) => [x.id, x]));
      return o.regions
        .filter((r): r is RelationRegion => r.type === "relation")
        .map((r): Row => ({ kind: "theirs", key: `${o.id}:${r.id}`, relation: r, overlay: o, byId }));
    });
    return [...relations.map((r): Row => ({ kind: "own", key: r.id, relation: r })), ...theirs];
  }, [relations, overlays]);
  const scroller = useRef<HTMLDivElement>(null);
  const sizer = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ first: 0, rows: 20 });
  const measure = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const first = Math.max(0, Math.floor(element.scrollTop / ROW_PX) - SPARE_ROWS);
    const count = Math.ceil(element.clientHeight / ROW_PX) + 2 * SPARE_ROWS;
    setView((v) => (v.first === first && v.rows === count ? v : { first, rows: count }));
  }, []);
  const empty = rows.length === 0;
  useLayoutEffect(() => {
    sizer.current?.style.setProperty("height", `${rows.length * ROW_PX}px`);
    list.current?.style.setProperty("transform", `translateY(${view.first * ROW_PX}px)`);
  }, [rows.length, view.first, empty]);
  useLayoutEffect(measure, [measure, empty]);
  // The selected relation's row is scrolled into view (Tab, a click in the region list), on
  // the next frame as the region list does.
  const index = selected === null ? -1 : rows.findIndex((r) => r.kind === "own" && r.key === selected);
  useEffect(() => {
    if (index < 0) return;
    const frame = requestAnimationFrame(() => {
      if (scroller.current) scrollRowIntoView(scroller.current, index, ROW_PX);
    });
    return () => cancelAnimationFrame(frame);
  }, [index]);

  if (empty) return null;
  const end = (id: string) => excerpt(work.get(id)?.region, text, offsets);
  return (
    <section className="text-relations" aria-labelledby="text-relations-heading">
      <h3 id="text-relations-heading" className="text-relations__title">
        Relations <span className="muted">{relations.length}</span>
      </h3>
      <div ref={scroller} className="text-relations__scroller" onScroll={measure}>
        <div ref={sizer} className="text-relations__sizer">
          <ul ref={list} className="text-relations__list" aria-label="Relations">
            {rows.slice(view.first, view.first + view.rows).map((row, i) =>
              row.kind === "own" ? (
                <OwnRow
                  key={row.key}
                  relation={row.relation}
                  from={end(row.relation.value.from)}
                  to={end(row.relation.value.to)}
                  color={colorOf(row.relation)}
                  selected={row.key === selected}
                  position={view.first + i + 1}
                  total={rows.length}
                  onSelect={onSelect}
                />
              ) : (
                <li key={row.key} className="text-relations__theirs" aria-posinset={view.first + i + 1} aria-setsize={rows.length}>
                  <Swatch color={row.overlay.color} />
                  <span>{excerpt(row.byId.get(row.relation.value.from), text, offsets)}</span> <span aria-hidden="true">→</span>
                  <span className="visually-hidden"> to </span> <span>{excerpt(row.byId.get(row.relation.value.to), text, offsets)}</span>{" "}
                  <span className="muted">{row.relation.value.class ?? row.relation.label}</span>
                </li>
              ),
            )}
          </ul>
        </div>
      </div>
    </section>
  );
});

const OwnRow = memo(function OwnRow({
  relation,
  from,
  to,
  color,
  selected,
  position,
  total,
  onSelect,
}: {
  relation: RelationRegion;
  from: string;
  to: string;
  color: string;
  selected: boolean;
  position: number;
  total: number;
  onSelect: (id: string) => void;
}) {
  return (
    <li aria-posinset={position} aria-setsize={total}>
      <button type="button" className="text-relations__row" aria-pressed={selected} onClick={() => onSelect(relation.id)}>
        <Swatch color={color} />
        <span>{from}</span> <span aria-hidden="true">→</span>
        <span className="visually-hidden"> to </span> <span>{to}</span>{" "}
        <span className="muted">
          {relation.value.class ?? relation.label} {relation.id}
        </span>
      </button>
    </li>
  );
});
