"""`accord qa`: agreement on a file of labels, and a project's whole QA report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.cli.output import fail, out, print_json

qa_cli = typer.Typer(no_args_is_help=True, help="Measure label quality.")

METRIC_HELP = "percent, cohen, scott, fleiss, krippendorff or gwet"


def _number(value: Any, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@qa_cli.command("agreement")
def agreement(
    file: Path,
    metric: Annotated[str, typer.Option(help=METRIC_HELP)] = "krippendorff",
    level: Annotated[str | None, typer.Option(
        help="krippendorff: nominal, ordinal, interval or ratio [default: nominal]")] = None,
    weights: Annotated[str | None, typer.Option(help="cohen: linear or quadratic")] = None,
    label: Annotated[str | None, typer.Option(
        help="Which label of an export to compare (needed when it has several)")] = None,
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help="csv, accord-jsonl or label-studio [default: by extension]")
    ] = None,
    confidence: Annotated[float, typer.Option(
        help="Level of the bootstrap interval; 0 for none")] = 0.95,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap")] = 0,
    breakdown: Annotated[str, typer.Option(
        help="all, classes (each class against the rest), pairs (annotator matrix) or none")
    ] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Inter-annotator agreement on FILE: a CSV `unit,annotator,label` (an empty label is
    missing), an Accord JSONL export or a Label Studio JSON export."""
    from accord.services.file_qa import file_agreement

    if not file.is_file():
        raise fail(f"no such file: {file}")
    result = file_agreement(file, metric, format=format, label=label,  # type: ignore[arg-type]
                            level=level, weights=weights, confidence=confidence or None,
                            resamples=resamples, seed=seed, breakdown=breakdown)
    if as_json:
        print_json(result)
    else:
        show_agreement(result)


def _interval(interval: dict[str, Any] | None) -> str:
    if not interval or interval["low"] is None:
        return "—"
    return f"{interval['low']:.3f} – {interval['high']:.3f} ({interval['level']:.0%})"


def show_agreement(result: dict[str, Any]) -> None:
    title = f"{result['metric']}" + (f" ({result['level']})" if result["level"] else "")
    table = Table("coefficient", "value", "interval", "units", "annotators", "observed",
                  "expected", title=f"{result['file']}" + (
                      f", label {result['label']}" if result["label"] else ""))
    table.add_row(title, _number(result["value"]), _interval(result.get("interval")),
                  str(result["n_units"]), str(result["n_annotators"]),
                  _number(result["observed"]), _number(result["expected"]))
    out.print(table)
    if result["value"] is None:
        out.print(f"undefined: {result['undefined_because']}", highlight=False)
    if result.get("classes"):
        classes = Table("class", "value (vs the rest)", "specific agreement", "labels", "units",
                        title="Per class")
        for c in result["classes"]:
            classes.add_row(str(c["category"]), _number(c["value"]),
                            _number(c.get("specific_agreement")), str(c.get("n_labels", "—")),
                            str(c["n_units"]))
        out.print(classes)
    if result.get("pairs"):
        pairs = result["pairs"]
        names = [str(a) for a in pairs["annotators"]]
        matrix = Table("", *names, title=f"Annotator pairs ({pairs['metric']})")
        for name, values, counts in zip(names, pairs["values"], pairs["n_units"], strict=True):
            matrix.add_row(name, *(f"{_number(v)} ({n})" for v, n in zip(values, counts,
                                                                        strict=True)))
        out.print(matrix)


@qa_cli.command("label-errors")
def label_errors(
    file: Path,
    filter_by: Annotated[str, typer.Option(
        help="prune_by_noise_rate, prune_by_class or both")] = "prune_by_noise_rate",
    rank_by: Annotated[str, typer.Option(
        help="self_confidence or normalized_margin")] = "self_confidence",
    top: Annotated[int | None, typer.Option(help="Show only the N most likely errors")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Likely label errors by confident learning, from a CSV `unit,label,<class>,…` of given
    labels and a model's out-of-sample class probabilities, most likely error first."""
    from accord.services.file_qa import file_label_errors

    if not file.is_file():
        raise fail(f"no such file: {file}")
    if top is not None and top < 1:
        raise fail(f"--top must be at least 1; got {top}")
    result = file_label_errors(file, filter_by=filter_by, rank_by=rank_by, limit=top)
    if as_json:
        print_json(result)
        return
    table = Table("rank", "unit", "given", "suggested", "label quality",
                  title=f"{result['file']}: {result['n_estimated_errors']} estimated label "
                        f"errors in {result['n_units']} units")
    for rank, issue in enumerate(result["issues"], start=1):
        table.add_row(str(rank), issue["unit"], issue["given_label"], issue["suggested_label"],
                      _number(issue["score"]))
    out.print(table)


def show_report(report: dict[str, Any]) -> None:
    """The QA report as Rich tables, one per section."""
    counts = report["counts"]
    out.print(f"project {report['project_id']}: {counts['tasks']} tasks, "
              f"{counts['annotations']} answers by {counts['annotators']} annotators, "
              f"{counts['gold_tasks']} gold tasks, {counts['reviews']} reviews",
              highlight=False)
    annotators = Table("annotator", "answers", "gold score", "agreement", "median time (s)",
                       title="Annotators")
    for row in report.get("annotators", []):
        annotators.add_row(row["annotator"], str(row["annotations"]),
                           _number(row["mean_gold_score"]), _number(row["mean_agreement"]),
                           _number(row["median_lead_time_s"], 1))
    out.print(annotators)
    labels = Table("label", "type", "coefficient", "value", "interval", "units",
                   title="Agreement")
    for section in report.get("agreement", []):
        agreement = section["agreement"]
        labels.add_row(section["label"], section["type"], section["primary"],
                       _number(agreement.get("value")), _interval(agreement.get("interval")),
                       str(agreement.get("n_units", "")))
    out.print(labels)
    _show_measures(report.get("agreement", []))
    errors = report.get("errors")
    if errors and errors["totals"]:
        table = Table("error", "count", *errors["by_source"], title="Errors")
        for name, count in sorted(errors["totals"].items(), key=lambda item: -item[1]):
            table.add_row(name, str(count), *(str(by.get(name, 0))
                                              for by in errors["by_source"].values()))
        out.print(table)
    _show_drift(report.get("drift"))


def _show_measures(sections: list[dict[str, Any]]) -> None:
    """The measures each label has beside its headline (overlap F1 and unitizing alpha of
    spans, IDF1 and per-frame F1 of tracks, WER of transcribed segments), when any has."""
    rows = [(section["label"], m) for section in sections for m in section.get("measures", [])]
    if not rows:
        return
    table = Table("label", "measure", "value", "units", "note", title="More agreement measures")
    for label, m in rows:
        table.add_row(label, m["name"], _number(m["value"]), str(m.get("n_units") or 0),
                      m.get("undefined_because") or "")
    out.print(table)


def _show_drift(drift: dict[str, Any] | None) -> None:
    if not drift:
        return
    for measure in ("gold", "agreement"):
        for series in drift[measure]["annotator"]:
            for change in series["change_points"]:
                out.print(f"drift: {series['key']}'s {measure} score moved from "
                          f"{change['mean_before']:.2f} to {change['mean_after']:.2f} at "
                          f"{change['time']} (p = {change['p_value']:.3f})", highlight=False)
