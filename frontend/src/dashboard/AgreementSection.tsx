/** Agreement: the annotator × annotator matrix of each label, and the agreement per label and
 * per class with its confidence interval. */
import { useId, useState, type MouseEvent } from "react";
import { useNavigate } from "react-router";
import type { LabelAgreement, Measure } from "./report";
import { BarFigure } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { taskLink } from "./links";
import { agreementMatrix, classBars, fixed, labelBars, metricName, type Bar, type Ids, type Matrix } from "./series";

export function AgreementSection({ projectId, labels, ids }: { projectId: number; labels: LabelAgreement[]; ids: Ids }) {
  const bars = labelBars(projectId, labels);
  return (
    <>
      <Section
        title="Agreement per annotator pair"
        caption={
          <>
            Each cell is the label's coefficient between the row's and the column's annotator on the tasks both
            answered (green is more agreement; for word error rate, less error). Where a measure takes one annotator
            as the reference (MOTA, word error rate), the row is the reference. A cell opens the row annotator's
            tasks, least agreed first.
          </>
        }
      >
        {labels.length === 0 && <p className="dash-muted">No label of the schema has an agreement measure yet.</p>}
        <Matrices projectId={projectId} labels={labels} ids={ids} />
      </Section>
      <Section
        title="Agreement per label and class"
        caption={
          <>
            The headline coefficient of each label (error bars: its 95 % bootstrap interval over tasks, where the
            report computes one) and of each class. A bar opens the label's or class's tasks, least agreed first.
          </>
        }
      >
        {labels.length === 0 && <p className="dash-muted">No agreement figures yet.</p>}
        {labels.length > 0 && (
          <>
            <BarFigure title="Agreement per label" bars={bars} />
            <BarsTable caption="Agreement per label" bars={bars} labels={labels} />
          </>
        )}
        <MeasuresTable projectId={projectId} labels={labels} />
        {labels
          .filter((label) => label.classes.length > 0 || label.classes_undefined_because)
          .map((label) => {
            const classes = classBars(projectId, label);
            return (
              <div key={label.label} className="dash-sub">
                {label.classes_undefined_because ? (
                  <p className="dash-muted">
                    {label.label}: no per-class figures ({label.classes_undefined_because})
                  </p>
                ) : (
                  <>
                    <BarFigure title={`Agreement per class of ${label.label}`} bars={classes} colour="#59a14f" />
                    <BarsTable caption={`Agreement per class of ${label.label}`} bars={classes} />
                  </>
                )}
              </div>
            );
          })}
      </Section>
    </>
  );
}

/** A matrix to choose: a label's headline one, or one of its further measures'. */
interface MatrixChoice {
  key: string;
  title: string;
  label: LabelAgreement;
}

function matrixChoices(labels: LabelAgreement[]): MatrixChoice[] {
  const choices: MatrixChoice[] = [];
  for (const label of labels) {
    if (label.pairs !== null && label.pairs.annotators.length > 0) {
      choices.push({ key: label.label, title: label.label, label });
    }
    for (const measure of label.measures) {
      if (measure.pairs === null || measure.pairs.annotators.length === 0) continue;
      choices.push({
        key: `${label.label}/${measure.name}`,
        title: `${label.label}: ${metricName(measure.name)}`,
        label: { ...label, pairs: measure.pairs },
      });
    }
  }
  return choices;
}

/** One matrix at a time (a matrix of 100 annotators is 10,000 cells), chosen in a list of
 * the labels' matrices and their further measures'. */
function Matrices({ projectId, labels, ids }: { projectId: number; labels: LabelAgreement[]; ids: Ids }) {
  const choices = matrixChoices(labels);
  const [chosen, setChosen] = useState(choices[0]?.key ?? "");
  const id = useId();
  const choice = choices.find((c) => c.key === chosen) ?? choices[0];
  const matrix = choice ? agreementMatrix(projectId, choice.label, ids) : null;
  if (!choice || !matrix) return null;
  return (
    <>
      {choices.length > 1 && (
        <div className="dash-choice">
          <label htmlFor={id}>Matrix</label>
          <select id={id} value={choice.key} onChange={(e) => setChosen(e.target.value)}>
            {choices.map((c) => (
              <option key={c.key} value={c.key}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <MatrixTable matrix={matrix} />
    </>
  );
}

/** The measures each label has beside its headline, as a table (they have no bar: their
 * scales differ, MOTA runs below 0 and a word error rate is better low). */
function MeasuresTable({ projectId, labels }: { projectId: number; labels: LabelAgreement[] }) {
  const rows: [LabelAgreement, Measure][] = labels.flatMap((label) =>
    label.measures.map((measure): [LabelAgreement, Measure] => [label, measure]),
  );
  if (rows.length === 0) return null;
  return (
    <table className="dash-data">
      <caption>Further agreement measures per label</caption>
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Measure</th>
          <th scope="col">Value</th>
          <th scope="col">Tasks</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, measure]) => (
          <tr key={`${label.label}/${measure.name}`}>
            <th scope="row">
              <TaskLink to={taskLink(projectId, { label: label.label, sort: "agreement" })}>
                {label.label}
              </TaskLink>
            </th>
            <td>{metricName(measure.name)}</td>
            <td className="num" data-figure={`${label.label}/${measure.name}`}>
              {fixed(measure.value)}
            </td>
            <td className="num">{measure.n_units ?? "—"}</td>
            <td>{measure.undefined_because ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The matrix holds a link per cell (10,000 for 100 annotators): plain anchors, which one
 * handler on the table hands to the router, cost far less than a router link each. */
function MatrixTable({ matrix }: { matrix: Matrix }) {
  const go = useNavigate();
  const onClick = (event: MouseEvent<HTMLTableElement>) => {
    const anchor = (event.target as Element).closest("a");
    const href = anchor?.getAttribute("href");
    if (!href || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    go(href);
  };
  return (
    <div className="dash-matrix-wrap">
      <table className="dash-matrix" onClick={onClick}>
        <caption>
          {matrix.label}: {metricName(matrix.metric)}
        </caption>
        <thead>
          <tr>
            <td />
            {matrix.annotators.map((a) => (
              <th key={a} scope="col">
                {a}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.annotator}>
              <th scope="row">{row.annotator}</th>
              {row.cells.map((cell) => (
                <td
                  key={cell.other}
                  className={cell.level === null ? "dash-cell" : `dash-cell dash-cell--${cell.level}`}
                  data-label={matrix.label}
                  data-row={row.annotator}
                  data-column={cell.other}
                >
                  {cell.text &&
                    (cell.link ? (
                      <a
                        href={cell.link}
                        aria-label={`${matrix.label}, ${row.annotator} with ${cell.other}: ${cell.text}${cell.n === null ? "" : ` on ${cell.n} tasks`}`}
                      >
                        {cell.text}
                      </a>
                    ) : (
                      cell.text
                    ))}
                  {cell.n !== null && <span className="dash-cell__n">n={cell.n}</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BarsTable({ caption, bars, labels }: { caption: string; bars: Bar[]; labels?: LabelAgreement[] }) {
  return (
    <AsTable summary={`${caption} as a table`}>
      <table className="dash-data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {labels && <th scope="col">Coefficient</th>}
            <th scope="col">Value</th>
            <th scope="col">95 % interval</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar, i) => (
            <tr key={bar.key}>
              <th scope="row">
                <TaskLink to={bar.link}>{bar.name}</TaskLink>
              </th>
              {labels && <td>{metricName(labels[i]?.primary ?? "")}</td>}
              <td className="num" data-figure={bar.key}>
                {bar.text}
              </td>
              <td className="num">{bar.interval ?? "—"}</td>
              <td>{bar.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AsTable>
  );
}
