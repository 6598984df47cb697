/** Throughput: submissions per day, time per task per annotator and the pre-label acceptance
 * rate (the report's `throughput` section; absent from servers that do not compute it). */
import { useNavigate } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { BarShapeProps } from "recharts";
import type { Throughput } from "./report";
import { BarFigure, MAX_BAR, MarkRect, PALETTE, legendText, WhenVisible } from "./chartKit";
import { AsTable, Section, TaskLink } from "./frame";
import { annotatorPace, dayBars, fixed, type Ids } from "./series";

const TIMES = [
  { key: "median", name: "median" },
  { key: "mean", name: "mean" },
  { key: "p90", name: "90th percentile" },
] as const;

const timeOrder = (key: unknown) => TIMES.findIndex((t) => t.key === key);

export function ThroughputSection({ projectId, throughput, ids }: { projectId: number; throughput: Throughput | null; ids: Ids }) {
  if (throughput === null) {
    return (
      <Section title="Throughput" caption="Submissions per day, time per task and pre-label acceptance.">
        <p className="dash-muted">This server's QA report has no throughput section.</p>
      </Section>
    );
  }
  const days = dayBars(projectId, throughput.per_day);
  const pace = annotatorPace(projectId, throughput, ids);
  const total = days.reduce((s, d) => s + d.submitted, 0);
  const overall = throughput.prelabel;
  const rates = pace.map((p) => ({ name: p.annotator, value: p.rate, text: p.rateText, error: null, link: p.link }));
  return (
    <Section
      title="Throughput"
      caption={
        <>
          {total} labeling submissions by UTC day (a resubmission after a rejection counts again); time per task is
          the time spent on the task as the label editor measured it. Pre-label acceptance: the share of the model's
          predicted regions an annotator kept (matched at IoU ≥ 0.5 with the same class; a classification when equal),
          overall {fixed(overall.rate)} ({overall.accepted} of {overall.predicted_regions}). A bar opens the tasks
          submitted that day, or the annotator's tasks.
        </>
      }
    >
      <BarFigure
        title="Submissions per day"
        bars={days.map((d) => ({ name: d.date, value: d.submitted, text: String(d.submitted), error: null, link: d.link }))}
        scale="count"
        colour="#76b7b2"
      />
      <AsTable summary="Submissions per day as a table">
        <table className="dash-data">
          <caption>Submissions per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Submitted</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <th scope="row">
                  <TaskLink to={d.link}>{d.date}</TaskLink>
                </th>
                <td className="num" data-day={d.date}>
                  {d.submitted}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </AsTable>
      <TimeFigure pace={pace} />
      <BarFigure title="Pre-label acceptance rate per annotator" bars={rates} colour="#b07aa1" />
      <AsTable summary="Time per task and pre-label acceptance as a table">
        <div className="dash-scroll">
          <table className="dash-data">
            <caption>Time per task and pre-label acceptance per annotator</caption>
            <thead>
              <tr>
                <th scope="col">Annotator</th>
                <th scope="col">Submitted</th>
                <th scope="col">Median</th>
                <th scope="col">Mean</th>
                <th scope="col">90th percentile</th>
                <th scope="col">Pre-labels kept</th>
                <th scope="col">Acceptance rate</th>
              </tr>
            </thead>
            <tbody>
              {pace.map((p) => (
                <tr key={p.annotator}>
                  <th scope="row">
                    <TaskLink to={p.link}>{p.annotator}</TaskLink>
                  </th>
                  <td className="num">{p.submitted}</td>
                  <td className="num" data-pace={`${p.annotator}|median`}>
                    {p.texts.median}
                  </td>
                  <td className="num" data-pace={`${p.annotator}|mean`}>
                    {p.texts.mean}
                  </td>
                  <td className="num" data-pace={`${p.annotator}|p90`}>
                    {p.texts.p90}
                  </td>
                  <td className="num">
                    {p.accepted} of {p.predicted}
                  </td>
                  <td className="num" data-rate={p.annotator}>
                    {p.rateText}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </AsTable>
    </Section>
  );
}

function TimeFigure({ pace }: { pace: ReturnType<typeof annotatorPace> }) {
  const go = useNavigate();
  const title = "Time per task per annotator (seconds)";
  const data = pace.map((p) => ({
    name: p.annotator,
    median: p.median,
    mean: p.mean,
    p90: p.p90,
    links: { median: p.link, mean: p.link, p90: p.link },
  }));
  return (
    <figure className="dash-figure">
      <figcaption className="dash-figure__title">{title}</figcaption>
      <WhenVisible height={260}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" interval={0} tick={{ fontSize: 12 }} />
            <YAxis tick={{ fontSize: 12 }} width={48} unit=" s" />
            <Tooltip formatter={(v) => `${fixed(Number(v), 1)} s`} itemSorter={(item) => timeOrder(item.dataKey)} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} itemSorter={(item) => timeOrder(item.dataKey)} />
            {TIMES.map((time, i) => {
              const fill = PALETTE[i] ?? "#4e79a7";
              return (
                <Bar
                  key={time.key}
                  dataKey={time.key}
                  name={time.name}
                  fill={fill}
                  isAnimationActive={false}
                  maxBarSize={MAX_BAR}
                  shape={(props: BarShapeProps) => <MarkRect {...props} fill={fill} go={go} title={title} series={time.key} />}
                />
              );
            })}
          </BarChart>
        </ResponsiveContainer>
      </WhenVisible>
    </figure>
  );
}
