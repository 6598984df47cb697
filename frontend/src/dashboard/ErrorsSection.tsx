/** Error categories (findings against gold, consensus and review) stacked by annotator, by
 * class and by guideline version. */
import { useNavigate } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { BarShapeProps } from "recharts";
import type { Errors } from "./report";
import { MAX_BAR, MarkRect, PALETTE, legendText, WhenVisible } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { errorStacks, type ErrorsBy, type Ids, type Stacks } from "./series";

/** The QA engine's taxonomy (docs/quality.md), so a category keeps its colour everywhere. */
const TAXONOMY = [
  "missed_object", "extra_object", "wrong_class", "loose_geometry", "tight_geometry", "shifted_geometry",
  "span_boundary", "wrong_attribute", "wrong_label", "wrong_transcription", "wrong_relation",
];

function categoryColour(category: string, others: readonly string[]): string {
  const known = TAXONOMY.indexOf(category);
  const index = known >= 0 ? known : TAXONOMY.length + others.indexOf(category);
  return PALETTE[index % PALETTE.length] ?? "#4e79a7";
}

const VIEWS: { by: ErrorsBy; title: string; key: keyof Errors }[] = [
  { by: "annotator", title: "Errors by annotator", key: "by_annotator" },
  { by: "class", title: "Errors by class", key: "by_class" },
  { by: "guideline_version", title: "Errors by guideline version", key: "by_guideline_version" },
];

export function ErrorsSection({
  projectId,
  errors,
  ids,
  labels,
}: {
  projectId: number;
  errors: Errors;
  ids: Ids;
  labels: ReadonlyMap<string, string>;
}) {
  const total = Object.values(errors.totals).reduce((s, n) => s + n, 0);
  const sources = Object.entries(errors.by_source)
    .map(([source, counts]) => `${Object.values(counts).reduce((s, n) => s + n, 0)} from ${source}`)
    .join(", ");
  return (
    <Section
      title="Error categories"
      caption={
        <>
          {total} findings ({sources || "none"}): each answer against the gold answer, against the consensus of tasks
          with three or more annotators, and the reviewers' error categories. A segment opens the tasks of that key
          whose reviews name the category.
        </>
      }
    >
      {total === 0 && <p className="dash-muted">No errors found yet.</p>}
      {total > 0 &&
        VIEWS.map((view) => {
          const stacks = errorStacks(projectId, errors[view.key] as Errors["by_annotator"], view.by, ids, labels);
          return stacks.rows.length > 0 ? (
            <div key={view.by} className="dash-sub">
              <StackFigure title={view.title} stacks={stacks} />
              <StacksTable title={view.title} stacks={stacks} />
            </div>
          ) : null;
        })}
    </Section>
  );
}

function StackFigure({ title, stacks }: { title: string; stacks: Stacks }) {
  const go = useNavigate();
  const data = stacks.rows.map((row) => ({ name: row.name, links: row.links, text: String(row.total), ...row.counts }));
  return (
    <figure className="dash-figure">
      <figcaption className="dash-figure__title">{title}</figcaption>
      <WhenVisible height={280}>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" interval={0} tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={48} />
            <Tooltip itemSorter={(item) => -stacks.categories.indexOf(String(item.dataKey))} />
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              formatter={legendText}
              itemSorter={(item) => stacks.categories.indexOf(String(item.dataKey))}
            />
            {stacks.categories.map((category) => {
              const fill = categoryColour(category, stacks.categories);
              return (
                <Bar
                  key={category}
                  dataKey={category}
                  stackId="errors"
                  fill={fill}
                  isAnimationActive={false}
                  maxBarSize={MAX_BAR}
                  shape={(props: BarShapeProps) => (
                    <MarkRect {...props} fill={fill} go={go} title={title} series={category} />
                  )}
                />
              );
            })}
          </BarChart>
        </ResponsiveContainer>
      </WhenVisible>
    </figure>
  );
}

function StacksTable({ title, stacks }: { title: string; stacks: Stacks }) {
  return (
    <AsTable summary={`${title} as a table`}>
      <div className="dash-scroll">
        <table className="dash-data">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              {stacks.categories.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {stacks.rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                {stacks.categories.map((c) => (
                  <td key={c} className="num">
                    {row.counts[c] ? (
                      <TaskLink to={row.links[c] ?? null} label={`${row.name}, ${c}: ${row.counts[c]}`}>
                        {row.counts[c]}
                      </TaskLink>
                    ) : (
                      0
                    )}
                  </td>
                ))}
                <td className="num">{row.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AsTable>
  );
}
