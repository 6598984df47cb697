/**
 * The relations of a text, listed under it: "from → to" with each end's words, the relation's
 * class, selectable (Delete then removes the selected one, as for any region). Other
 * annotators' relations (review, adjudication) are listed apart in their colours.
 */
import type { Region, RelationRegion } from "../../lib/regions";
import type { Label } from "../../lib/schema";
import { Swatch } from "../panels";
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

export function RelationPanel({
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
  const theirs = overlays.flatMap((o) =>
    o.regions.filter((r): r is RelationRegion => r.type === "relation").map((r) => ({ overlay: o, relation: r })),
  );
  if (relations.length === 0 && theirs.length === 0) return null;
  const end = (id: string) => excerpt(work.get(id)?.region, text, offsets);
  return (
    <section className="text-relations" aria-labelledby="text-relations-heading">
      <h3 id="text-relations-heading" className="text-relations__title">
        Relations <span className="muted">{relations.length}</span>
      </h3>
      <ul className="text-relations__list" aria-label="Relations">
        {relations.map((r) => (
          <li key={r.id}>
            <button type="button" className="text-relations__row" aria-pressed={r.id === selected} onClick={() => onSelect(r.id)}>
              <Swatch color={colorOf(r)} />
              <span>{end(r.value.from)}</span> <span aria-hidden="true">→</span>
              <span className="visually-hidden"> to </span> <span>{end(r.value.to)}</span>{" "}
              <span className="muted">
                {r.value.class ?? r.label} {r.id}
              </span>
            </button>
          </li>
        ))}
        {theirs.map(({ overlay, relation }) => {
          const byId = new Map(overlay.regions.map((x) => [x.id, x]));
          return (
            <li key={`${overlay.id}:${relation.id}`} className="text-relations__theirs">
              <Swatch color={overlay.color} />
              <span>{excerpt(byId.get(relation.value.from), text, offsets)}</span> <span aria-hidden="true">→</span>
              <span className="visually-hidden"> to </span> <span>{excerpt(byId.get(relation.value.to), text, offsets)}</span>{" "}
              <span className="muted">{relation.value.class ?? relation.label}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
