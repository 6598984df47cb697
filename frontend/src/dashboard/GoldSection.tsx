/** Gold accuracy per annotator, per label that gold answers use, and the annotators' summary
 * (their answers, mean gold score and mean agreement). */
import type { AnnotatorRow, GoldLabel } from "./report";
import { BarFigure } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { fixed, goldBars, seconds, type Ids } from "./series";
import { taskLink } from "./links";

export function GoldSection({ projectId, labels, ids }: { projectId: number; labels: GoldLabel[]; ids: Ids }) {
  return (
    <Section
      title="Gold accuracy per annotator"
      caption={
        <>
          Each annotator's answers on gold tasks against the gold answer: accuracy for labels answered once per task
          (error bars: 95 % Wilson interval over the answers compared), micro F1 of matched regions for region labels. A
          bar opens the annotator's gold tasks.
        </>
      }
    >
      {labels.length === 0 && <p className="dash-muted">No gold answers yet.</p>}
      {labels.map((label) => {
        const bars = goldBars(projectId, label, ids);
        const title = `Gold ${bars[0]?.measure ?? "accuracy"} on ${label.label} (${label.gold_tasks} gold tasks)`;
        const data = bars.map((b) => ({ ...b, name: b.annotator }));
        return (
          <div key={label.label} className="dash-sub">
            <BarFigure title={title} bars={data} colour="#f28e2b" />
            <AsTable summary={`${title} as a table`}>
              <table className="dash-data">
                <caption>{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">Annotator</th>
                    <th scope="col">{bars[0]?.measure ?? "accuracy"}</th>
                    <th scope="col">95 % interval</th>
                    <th scope="col">Gold tasks answered</th>
                    <th scope="col">Answers compared</th>
                  </tr>
                </thead>
                <tbody>
                  {bars.map((bar) => (
                    <tr key={bar.annotator}>
                      <th scope="row">
                        <TaskLink to={bar.link}>{bar.annotator}</TaskLink>
                      </th>
                      <td className="num" data-gold={`${label.label}|${bar.annotator}`}>
                        {bar.text}
                      </td>
                      <td className="num">{bar.interval ?? "—"}</td>
                      <td className="num">{bar.gold_tasks}</td>
                      <td className="num">{bar.compared}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </AsTable>
          </div>
        );
      })}
    </Section>
  );
}

export function AnnotatorsTable({ projectId, rows, ids }: { projectId: number; rows: AnnotatorRow[]; ids: Ids }) {
  return (
    <Section
      title="Annotators"
      caption={
        <>
          Per annotator: answers, answers on gold tasks, the mean gold score and the mean agreement with the other
          annotators of the same tasks (each answer scored in [0, 1]), and the median time per task.
        </>
      }
    >
      {rows.length === 0 && <p className="dash-muted">No answers yet.</p>}
      <div className="dash-scroll" hidden={rows.length === 0}>
        <table className="dash-data">
          <caption className="visually-hidden">Annotators</caption>
          <thead>
            <tr>
              <th scope="col">Annotator</th>
              <th scope="col">Answers</th>
              <th scope="col">Gold answers</th>
              <th scope="col">Mean gold score</th>
              <th scope="col">Mean agreement</th>
              <th scope="col">Median time per task</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const id = ids.get(row.annotator);
              return (
                <tr key={row.annotator}>
                  <th scope="row">
                    <TaskLink to={id === undefined ? null : taskLink(projectId, { annotator: id })}>{row.annotator}</TaskLink>
                  </th>
                  <td className="num">{row.annotations}</td>
                  <td className="num">
                    <TaskLink to={id === undefined ? null : taskLink(projectId, { annotator: id, gold: true })}>
                      {row.gold_annotations}
                    </TaskLink>
                  </td>
                  <td className="num" data-annotator-gold={row.annotator}>
                    {fixed(row.mean_gold_score)}
                  </td>
                  <td className="num" data-annotator-agreement={row.annotator}>
                    {fixed(row.mean_agreement)}
                  </td>
                  <td className="num">{seconds(row.median_lead_time_s)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
