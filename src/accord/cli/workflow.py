"""`accord workflow`: a project's workflow policy, its pilot batch and its calibration batch.

Like every command it acts on the data dir (the services, in-process) or, given `--url`, on a
server (the SDK); both targets return the same shapes, so each command is written once. The
policy itself is checked by `accord.core.workflow` on either side: this module only turns
flags into the fields they name, and a field named in an error back into its flag.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Final

import typer
from rich.table import Column, Table

from accord.cli.options import AsUser, DataDir, Json, Token, Url, backend
from accord.cli.output import err, fail, out, print_json
from accord.client.errors import ApiError
from accord.core.errors import DomainError

workflow_cli = typer.Typer(no_args_is_help=True,
                           help="A project's workflow: policy, pilot and calibration batches.")

#: The flag of `accord workflow set` that changes each policy field, in the order shown.
FLAG_OF: Final[Mapping[str, str]] = {
    "overlap": "--overlap", "overlap_sample": "--overlap-sample",
    "consensus_threshold": "--consensus", "review_sample": "--review-sample",
    "review_below_gold_accuracy": "--review-below-gold",
    "min_gold_answers": "--min-gold-answers", "gold_rate": "--gold-rate",
    "reject_to": "--reject-to", "lease_seconds": "--lease-seconds", "ordering": "--ordering",
    "batch_order": "--batch-order", "stage_tiers": "--stage-tiers",
    "batch_tiers": "--batch-tiers", "pilot_batch": "--pilot-batch",
    "calibration_batch": "--calibration-batch", "adaptive_overlap": "--adaptive",
    "review_categories": "--review-categories",
}
#: `--adaptive on` turns adaptive overlap on with the defaults of the fields not given.
ADAPTIVE_ON: Final = "on"


# -- accord workflow show


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value)


def _field_shown(name: str, value: Any) -> str:
    """Tier rules and adaptive overlap as the flags of `set` take them (quoted, as they
    hold spaces to wrap at), so they can be copied; everything else plainly."""
    if name == "adaptive_overlap":
        return "off" if value is None else ", ".join(f"{k}={v}" for k, v in value.items())
    if name in ("stage_tiers", "batch_tiers"):
        return "\n".join(f"{key}={', '.join(tiers)}" for key, tiers in value.items()) or "—"
    if name == "review_categories":
        return "\n".join(f"{c['name']}={c['description']}" if c["description"] else c["name"]
                         for c in value)
    return _shown(value)


def show_policy(view: Mapping[str, Any], project_id: int) -> None:
    """Every policy field with its value and the flag that sets it, then the pilot's state."""
    table = Table("field", Column("value", overflow="fold"), "set with",
                  title=f"Workflow of project {project_id}")
    for name, flag in FLAG_OF.items():
        table.add_row(name, _field_shown(name, view[name]), flag)
    out.print(table)
    if view["pilot_batch"] is not None:
        state = "approved" if view["pilot_approved"] else (
            f"awaiting approval: only its tasks are handed out (`accord workflow pilot "
            f"{project_id} --approve` opens the project)")
        out.print(f"pilot batch {view['pilot_batch']!r}: {state}", highlight=False)


@workflow_cli.command("show")
def show(project: int, as_json: Json = False, data_dir: DataDir = None, url: Url = None,
         token: Token = None, as_email: AsUser = None) -> None:
    """The project's workflow policy, every field, and whether its pilot is approved."""
    with backend(data_dir, url, token, as_email) as target:
        view = target.workflow(project)
    if as_json:
        print_json(view)
    else:
        show_policy(view, project)


# -- accord workflow set


def _finite(flag: str, value: float | None) -> float | None:
    """Refuse NaN and infinities here: JSON cannot carry them to a server."""
    if value is not None and not math.isfinite(value):
        raise fail(f"{flag}: expected a finite number, got {value}")
    return value


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _tier_rules(flag: str, rules: list[str], current: Mapping[str, list[str]]
                ) -> dict[str, list[str]]:
    """`current` with each `KEY=TIER,TIER` of `rules` replacing that key's tiers."""
    merged = dict(current)
    for rule in rules:
        key, equals, tiers = rule.partition("=")
        if not equals or not key.strip():
            raise fail(f"{flag} takes NAME=TIER,TIER (e.g. review=senior,expert); got {rule!r}")
        merged[key.strip()] = _names(tiers)
    return merged


def _review_categories(entries: list[str]) -> list[dict[str, str]]:
    """Each `NAME=DESCRIPTION` (or a bare NAME) as a category, in the order given."""
    categories = []
    for entry in entries:
        name, _, description = entry.partition("=")
        categories.append({"name": name.strip(), "description": description.strip()})
    return categories


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _adaptive(text: str) -> dict[str, Any]:
    """`min_overlap=1,window=20` as an object; `on` is the empty one (the defaults)."""
    if text.strip() == ADAPTIVE_ON:
        return {}
    fields: dict[str, Any] = {}
    for item in _names(text):
        key, equals, raw = item.partition("=")
        try:
            value = _number(raw.strip()) if equals else None
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            raise fail(f"--adaptive takes on, or FIELD=NUMBER,… (e.g. min_overlap=1,"
                       f"stable_agreement=0.85,window=20,recheck=0.1); got {item!r}")
        fields[key.strip()] = value
    if not fields:
        raise fail(f"--adaptive takes on, or FIELD=NUMBER,…; got {text!r}")
    return fields


def _either(name: str, value: str | float | None, clear: bool, clear_flag: str,
            changes: dict[str, Any]) -> None:
    """A nullable field: set it, or clear it with its --no-… flag, never both."""
    if value is not None and clear:
        raise fail(f"{FLAG_OF[name]} and {clear_flag} contradict each other; give one")
    if value is not None or clear:
        changes[name] = value


def _with_flag(exc: DomainError | ApiError) -> str:
    """The error's message, and the flag of the field it names (`workflow.gold_rate`)."""
    field = str(exc.details.get("field", ""))
    parts = field.split(".")
    flag = FLAG_OF.get(parts[1].partition("[")[0]) if len(parts) > 1 \
        and parts[0] == "workflow" else None
    return f"{exc.message} ({flag})" if flag else exc.message


@workflow_cli.command("set")
def set_(
    project: int,
    overlap: Annotated[int | None, typer.Option(help="Answers per task (1–50)")] = None,
    consensus: Annotated[float | None, typer.Option(
        help="Agreement at or above which the consensus is accepted (0–1)")] = None,
    review_sample: Annotated[float | None, typer.Option(
        help="Share of accepted tasks sent to review (0–1)")] = None,
    gold_rate: Annotated[float | None, typer.Option(
        help="Share of handed-out label tasks that are gold (0 to below 1)")] = None,
    overlap_sample: Annotated[float | None, typer.Option(
        help="Share of tasks that get the overlap; the others get one answer")] = None,
    reject_to: Annotated[str | None, typer.Option(
        help="Where rejected work goes: author or queue")] = None,
    lease_seconds: Annotated[int | None, typer.Option(
        help="How long a handed-out task stays reserved")] = None,
    ordering: Annotated[str | None, typer.Option(
        help="sequential, random or uncertainty")] = None,
    batch_order: Annotated[str | None, typer.Option(
        help="Batches handed out first, in order: a,b (empty: none)")] = None,
    pilot_batch: Annotated[str | None, typer.Option(
        help="The batch to approve before the rest opens")] = None,
    no_pilot: Annotated[bool, typer.Option("--no-pilot", help="No pilot batch")] = False,
    calibration_batch: Annotated[str | None, typer.Option(
        help="The batch every annotator labels first")] = None,
    no_calibration: Annotated[bool, typer.Option(
        "--no-calibration", help="No calibration batch")] = False,
    review_below_gold: Annotated[float | None, typer.Option(
        help="Review all work of annotators under this gold accuracy")] = None,
    no_review_below_gold: Annotated[bool, typer.Option(
        "--no-review-below-gold", help="Do not review by gold accuracy")] = False,
    min_gold_answers: Annotated[int | None, typer.Option(
        help="Gold answers before an annotator's gold accuracy counts")] = None,
    stage_tiers: Annotated[list[str] | None, typer.Option(
        help="STAGE=TIER,TIER, e.g. review=senior,expert; repeat for more stages, the "
             "others keep theirs")] = None,
    batch_tiers: Annotated[list[str] | None, typer.Option(
        help="BATCH=TIER,TIER, e.g. hard=expert; repeat for more batches, the others keep "
             "theirs")] = None,
    adaptive: Annotated[str | None, typer.Option(
        help="Adaptive overlap: on, or FIELD=NUMBER,… of min_overlap, stable_agreement, "
             "window, recheck")] = None,
    no_adaptive: Annotated[bool, typer.Option("--no-adaptive", help="Adaptive overlap off")
                           ] = False,
    review_categories: Annotated[list[str] | None, typer.Option(
        help="The error taxonomy reviewers choose from, NAME=DESCRIPTION (or NAME); repeat "
             "for each category: the list given replaces the project's")] = None,
    as_json: Json = False, data_dir: DataDir = None, url: Url = None, token: Token = None,
    as_email: AsUser = None,
) -> None:
    """Change the fields given, and only those; the whole policy is checked first, so a bad
    value changes nothing."""
    changes: dict[str, Any] = {name: value for name, value in {
        "overlap": overlap, "consensus_threshold": _finite("--consensus", consensus),
        "review_sample": _finite("--review-sample", review_sample),
        "gold_rate": _finite("--gold-rate", gold_rate),
        "overlap_sample": _finite("--overlap-sample", overlap_sample),
        "reject_to": reject_to, "lease_seconds": lease_seconds, "ordering": ordering,
        "batch_order": None if batch_order is None else _names(batch_order),
        "min_gold_answers": min_gold_answers,
        "review_categories": review_categories and _review_categories(review_categories),
    }.items() if value is not None}
    _either("pilot_batch", pilot_batch, no_pilot, "--no-pilot", changes)
    _either("calibration_batch", calibration_batch, no_calibration, "--no-calibration",
            changes)
    _either("review_below_gold_accuracy", _finite("--review-below-gold", review_below_gold),
            no_review_below_gold, "--no-review-below-gold", changes)
    _either("adaptive_overlap", None if adaptive is None else _adaptive(adaptive),
            no_adaptive, "--no-adaptive", changes)
    if not changes and not stage_tiers and not batch_tiers:
        raise fail("nothing to change: give the fields to set, e.g. --overlap 3 "
                   "(`accord workflow set --help` lists them)")
    with backend(data_dir, url, token, as_email) as target:
        if stage_tiers or batch_tiers:
            current = target.workflow(project)
            for name, rules in (("stage_tiers", stage_tiers), ("batch_tiers", batch_tiers)):
                if rules:
                    changes[name] = _tier_rules(FLAG_OF[name], rules, current[name])
        try:
            view = target.set_workflow(project, changes)
        except (DomainError, ApiError) as exc:
            raise fail(_with_flag(exc)) from None
    err.print(f"project {project}: changed {', '.join(sorted(changes))}", highlight=False)
    if as_json:
        print_json(view)
    else:
        show_policy(view, project)


# -- accord workflow pilot, calibration


def _number_shown(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def show_pilot(report: Mapping[str, Any], project_id: int) -> None:
    """Progress, agreement, time per task and each annotator's share of the pilot batch."""
    state = "approved" if report["approved"] else (
        f"awaiting approval (`accord workflow pilot {project_id} --approve` opens the project)")
    out.print(f"pilot batch {report['batch']!r} of project {project_id}: {state}",
              highlight=False)
    tasks = report["tasks"]
    table = Table(*tasks, title="Tasks by state")
    table.add_row(*(str(n) for n in tasks.values()))
    out.print(table)
    agreement, times = report["agreement"], report["time_per_task_s"]
    out.print(f"agreement: mean {_number_shown(agreement['mean'])} over {agreement['tasks']} "
              f"tasks, {agreement['below_threshold']} below the threshold "
              f"{agreement['threshold']}", highlight=False)
    out.print(f"time per task: median {_number_shown(times['median'], 1)} s, p90 "
              f"{_number_shown(times['p90'], 1)} s over {times['answers']} answers",
              highlight=False)
    annotators = Table("annotator", "answers", "median time (s)", title="Annotators")
    for row in report["annotators"]:
        annotators.add_row(row["annotator"], str(row["answers"]),
                           _number_shown(row["median_time_s"], 1))
    out.print(annotators)


@workflow_cli.command("pilot")
def pilot(project: int,
          approve: Annotated[bool, typer.Option(
              "--approve", help="Approve the pilot batch: the rest of the project opens")
          ] = False,
          as_json: Json = False, data_dir: DataDir = None, url: Url = None,
          token: Token = None, as_email: AsUser = None) -> None:
    """The pilot batch's report, the baseline to approve; `--approve` opens the project."""
    with backend(data_dir, url, token, as_email) as target:
        if approve:
            target.approve_pilot(project)
        report = target.pilot_report(project)
    if approve:
        err.print(f"approved the pilot batch {report['batch']!r}: every batch of project "
                  f"{project} is handed out now", highlight=False)
    if as_json:
        print_json(report)
    else:
        show_pilot(report, project)


def show_calibration(report: Mapping[str, Any], project_id: int) -> None:
    out.print(f"calibration batch {report['batch']!r} of project {project_id}: "
              f"{report['tasks']} tasks", highlight=False)
    annotators = Table("annotator", "answered", "complete", "mean score", title="Annotators")
    for row in report["annotators"]:
        annotators.add_row(row["annotator"], str(row["answered"]), _shown(row["complete"]),
                           _number_shown(row["mean_score"]))
    out.print(annotators)
    labels = Table("label", "type", "alpha", "units", "undefined because",
                   title="Agreement (Krippendorff's alpha, nominal)")
    for row in report["labels"]:
        alpha = row["alpha"] or {}
        labels.add_row(row["label"], row["type"], _number_shown(alpha.get("value")),
                       str(alpha.get("n_units", "—")),
                       str(alpha.get("undefined_because") or alpha.get("reason") or ""))
    out.print(labels)


@workflow_cli.command("calibration")
def calibration(project: int, as_json: Json = False, data_dir: DataDir = None,
                url: Url = None, token: Token = None, as_email: AsUser = None) -> None:
    """How the annotators agree on the calibration batch that every one of them labels."""
    with backend(data_dir, url, token, as_email) as target:
        report = target.calibration_report(project)
    if as_json:
        print_json(report)
    else:
        show_calibration(report, project)
