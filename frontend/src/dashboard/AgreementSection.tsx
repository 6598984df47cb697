/** Agreement: the annotator × annotator matrix of each label, and the agreement per label and
 * per class with its confidence interval. */
import type { LabelAgreement } from "./report";
import { BarFigure } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { agreementMatrix, classBars, labelBars, metricName, type Bar, type Ids, type Matrix } from "./series";

export function AgreementSection({ projectId, labels, ids }: { projectId: number; labels: LabelAgreement[]; ids: Ids }) {
  const bars = labelBars(projectId, labels);
  return (
    <>
      <Section
        title="Agreement per annotator pair"
        caption={
          <>
            Each cell is the label's coefficient between the row's and the column's annotator on the tasks both
            answered (green is more agreement; for word error rate, less error). A cell opens the row annotator's
            tasks, least agreed first.
          </>
        }
      >
        {labels.length === 0 && <p className="dash-muted">No label of the schema has an agreement measure yet.</p>}
        {labels.map((label) => {
          const matrix = agreementMatrix(projectId, label, ids);
          return matrix ? <MatrixTable key={label.label} matrix={matrix} /> : null;
        })}
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

function MatrixTable({ matrix }: { matrix: Matrix }) {
  return (
    <div className="dash-matrix-wrap">
      <table className="dash-matrix">
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
                  {cell.text && (
                    <TaskLink
                      to={cell.link}
                      label={`${matrix.label}, ${row.annotator} with ${cell.other}: ${cell.text}${cell.n === null ? "" : ` on ${cell.n} tasks`}`}
                    >
                      {cell.text}
                    </TaskLink>
                  )}
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
