/** The dashboard's figures, drawn from one fetched report. Loaded on demand (it holds the
 * charting library), so the rest of the app does not carry it. */
import type { Report } from "./report";
import { AgreementSection } from "./AgreementSection";
import { DriftSection } from "./DriftSection";
import { ErrorsSection } from "./ErrorsSection";
import { AnnotatorsTable, GoldSection } from "./GoldSection";
import { ThroughputSection } from "./ThroughputSection";
import type { Ids } from "./series";
import "./dashboard.css";

export interface ChartsProps {
  projectId: number;
  report: Report;
  ids: Ids;
  /** Class name → its label, for classes only one label has (links need the label). */
  classLabels: ReadonlyMap<string, string>;
}

export default function Charts({ projectId, report, ids, classLabels }: ChartsProps) {
  return (
    <>
      {report.annotators && <AnnotatorsTable projectId={projectId} rows={report.annotators} ids={ids} />}
      {report.agreement && <AgreementSection projectId={projectId} labels={report.agreement} ids={ids} />}
      {report.gold && <GoldSection projectId={projectId} labels={report.gold} ids={ids} />}
      {report.errors && <ErrorsSection projectId={projectId} errors={report.errors} ids={ids} labels={classLabels} />}
      {report.drift && <DriftSection projectId={projectId} drift={report.drift} ids={ids} />}
      <ThroughputSection projectId={projectId} throughput={report.throughput} ids={ids} />
    </>
  );
}
