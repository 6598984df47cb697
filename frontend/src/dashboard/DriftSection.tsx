/** Drift: each annotator's weekly mean gold score and agreement, with the change points the
 * report's test found. */
import { useId, useState } from "react";
import { useNavigate } from "react-router";
import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Drift } from "./report";
import { colourOf, legendText, WhenVisible } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { driftLines, type DriftBy, type DriftLine, type Ids } from "./series";
import { DAY_MS } from "./links";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function DriftSection({ projectId, drift, ids }: { projectId: number; drift: Drift; ids: Ids }) {
  const [by, setBy] = useState<DriftBy>("annotator");
  const name = useId();
  // One colour per series in both charts.
  const keys = [...new Set([...drift.gold[by], ...drift.agreement[by]].map((s) => s.key))].sort();
  const colour = (key: string) => colourOf(keys.indexOf(key));
  const who = by === "annotator" ? "annotator" : "guideline version";
  return (
    <Section
      title="Drift over time"
      caption={
        <>
          The mean score per ISO week of each annotator (or guideline version), against gold and in agreement with the
          other annotators. A diamond marks a change point: a shift in the mean found by binary segmentation with a
          permutation test at level {drift.alpha}, with at least {drift.min_segment} answers on each side. A point
          opens the {who}'s tasks submitted that week; a diamond, the week from the change on.
        </>
      }
    >
      <fieldset className="dash-choice">
        <legend>Series</legend>
        {(["annotator", "guideline_version"] as const).map((option) => (
          <label key={option}>
            <input type="radio" name={name} value={option} checked={by === option} onChange={() => setBy(option)} />
            {option === "annotator" ? "per annotator" : "per guideline version"}
          </label>
        ))}
      </fieldset>
      <DriftFigure title="Gold score per week" lines={driftLines(projectId, drift.gold[by], ids, by)} colour={colour} />
      <DriftFigure
        title="Agreement per week"
        lines={driftLines(projectId, drift.agreement[by], ids, by)}
        colour={colour}
      />
    </Section>
  );
}

function DriftFigure({ title, lines, colour }: { title: string; lines: DriftLine[]; colour: (key: string) => string }) {
  const go = useNavigate();
  if (lines.length === 0) {
    return (
      <p className="dash-muted">
        {title}: no scored answers yet.
      </p>
    );
  }
  const times = lines.flatMap((l) => [...l.points.map((p) => p.t), ...l.changes.map((c) => c.t)]);
  const domain: [number, number] = [Math.min(...times) - 3.5 * DAY_MS, Math.max(...times) + 3.5 * DAY_MS];
  return (
    <div className="dash-sub">
      <figure className="dash-figure">
        <figcaption className="dash-figure__title">{title}</figcaption>
        <WhenVisible height={260}>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={domain}
                tickFormatter={day}
                tick={{ fontSize: 12 }}
                allowDuplicatedCategory={false}
              />
              <YAxis domain={[0, 1]} tick={{ fontSize: 12 }} width={48} />
              <Tooltip labelFormatter={(t) => `week of ${day(Number(t))}`} />
              <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
              {lines.map((line) => (
                <Line
                  key={line.key}
                  data={line.points}
                  dataKey="mean"
                  name={line.name}
                  stroke={colour(line.key)}
                  isAnimationActive={false}
                  dot={(props) => {
                    const point = line.points[props.index];
                    const cx = props.cx;
                    const cy = props.cy;
                    if (!point || typeof cx !== "number" || typeof cy !== "number") return null;
                    const link = point.link;
                    return (
                      <circle
                        key={`${line.key}-${point.t}`}
                        cx={cx}
                        cy={cy}
                        r={5}
                        fill={colour(line.key)}
                        className={link ? "dash-mark dash-mark--link" : "dash-mark"}
                        data-chart={title}
                        data-name={line.key}
                        data-week={point.week}
                        onClick={link ? () => go(link) : undefined}
                      >
                        <title>{`${line.name}, ${point.week}: ${point.text} (${point.n} answers)`}</title>
                      </circle>
                    );
                  }}
                />
              ))}
              {lines.flatMap((line) =>
                line.changes.map((change) => (
                  <ReferenceDot
                    key={`${line.key}-change-${change.t}`}
                    x={change.t}
                    y={change.mean_after ?? 0.5}
                    ifOverflow="extendDomain"
                    shape={(props: { cx?: number; cy?: number }) => {
                      const { cx, cy } = props;
                      if (typeof cx !== "number" || typeof cy !== "number") return <g />;
                      const link = change.link;
                      return (
                        <path
                          d={`M${cx},${cy - 8}L${cx + 8},${cy}L${cx},${cy + 8}L${cx - 8},${cy}Z`}
                          fill="#fff"
                          stroke={colour(line.key)}
                          strokeWidth={3}
                          className={link ? "dash-mark dash-mark--link" : "dash-mark"}
                          data-chart={title}
                          data-name={line.key}
                          data-change={day(change.t)}
                          onClick={link ? () => go(link) : undefined}
                        >
                          <title>{`${line.name}: change on ${day(change.t)}, ${change.before} → ${change.after}`}</title>
                        </path>
                      );
                    }}
                  />
                )),
              )}
            </LineChart>
          </ResponsiveContainer>
        </WhenVisible>
      </figure>
      <AsTable summary={`${title} as a table`}>
        <table className="dash-data">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Series</th>
              <th scope="col">Weekly means</th>
              <th scope="col">Change points</th>
              <th scope="col">Test</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.key}>
                <th scope="row">{line.name}</th>
                <td>
                  {line.points.map((p, k) => (
                    <span key={p.t}>
                      {k > 0 && ", "}
                      <TaskLink to={p.link}>
                        {p.week}: {p.text} ({p.n})
                      </TaskLink>
                    </span>
                  ))}
                </td>
                <td>
                  {line.changes.length === 0
                    ? "none"
                    : line.changes.map((c, k) => (
                        <span key={c.t}>
                          {k > 0 && ", "}
                          <TaskLink to={c.link}>
                            {day(c.t)}: {c.before} → {c.after} (p = {c.p_value})
                          </TaskLink>
                        </span>
                      ))}
                </td>
                <td>{line.test}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </AsTable>
    </div>
  );
}
