"""QA on files, without a database: agreement on a file of labels (`accord qa agreement`)
and likely label errors in a file of labels and model probabilities (`accord qa
label-errors`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.core.agreement import AgreementScore
from accord.core.agreement.categorical import COEFFICIENTS, Metric
from accord.core.agreement.multilabel import per_class_agreement, set_alpha
from accord.core.errors import InputError
from accord.core.quality.label_errors import find_label_errors
from accord.formats.label_table import Format, guess_format, read_label_table
from accord.formats.probability_table import read_probability_table
from accord.services.qa_json import to_json


def measure(records: Any, metric: Metric, *, level: str | None = None,
            weights: str | None = None, **extras: Any) -> AgreementScore:
    """One coefficient; options that do not apply to the metric are refused, not ignored.
    `extras` (confidence, resamples, seed, breakdown) go to the coefficient as they are."""
    if metric not in COEFFICIENTS:
        raise InputError(f"unknown metric {metric!r}; available: {', '.join(COEFFICIENTS)}",
                         field="metric")
    if level is not None and metric != "krippendorff":
        raise InputError(f"--level applies to krippendorff only, not {metric}", field="level")
    if weights is not None and metric != "cohen":
        raise InputError(f"--weights applies to cohen only, not {metric}", field="weights")
    options: dict[str, Any] = dict(extras)
    if level is not None:
        options["level"] = level
    if weights is not None:
        options["weights"] = weights
    return COEFFICIENTS[metric](records, **options)


def file_agreement(path: Path, metric: Metric, *, format: Format | None = None,
                   label: str | None = None, level: str | None = None,
                   weights: str | None = None, confidence: float | None = 0.95,
                   resamples: int = 1000, seed: int | None = 0,
                   breakdown: str = "all") -> dict[str, Any]:
    """The coefficient on the file's labels, as JSON: `value`, its bootstrap `interval`, the
    breakdowns per class (`classes`) and per annotator pair (`pairs`), and what it was
    computed on."""
    format = format or guess_format(path)
    with path.open("rb") as stream:
        table = read_label_table(stream, path.name, format, label)
    if not table.records:
        raise InputError(f"{path.name}: no labels found", where=path.name)
    described = {"file": path.name, "format": format, "label": table.label, "metric": metric,
                 "level": (level or "nominal") if metric == "krippendorff" else None,
                 "weights": weights, "n_annotators": len(table.annotators),
                 "multilabel": table.multilabel}
    if table.multilabel:
        return {**described, **multilabel_agreement(table.records, metric, level=level,
                                                    confidence=confidence,
                                                    resamples=resamples, seed=seed)}
    score = measure(table.long_form(), metric, level=level, weights=weights,
                    confidence=confidence, resamples=resamples, seed=seed, breakdown=breakdown)
    return {**described, **to_json(score)}


def multilabel_agreement(records: Any, metric: Metric, *, level: str | None,
                         **interval: Any) -> dict[str, Any]:
    """Sets of classes: Krippendorff's alpha with the MASI distance on the sets (metric
    krippendorff), and `metric` per class, each class present or absent."""
    if level not in (None, "nominal"):
        raise InputError(f"multi-label answers are sets of classes: --level {level} does not "
                         "apply (alpha on sets uses the MASI distance)", field="level")
    if metric == "krippendorff":
        score = to_json(set_alpha(records, **interval))
    else:
        score = to_json(AgreementScore(None, 0, f"multi-label answers: {metric} over sets of "
                                       "classes is not defined; see `classes` for it per "
                                       "class, or use --metric krippendorff (alpha with the "
                                       "MASI distance)"))
    per_class = per_class_agreement(records, metric=metric)
    score["classes"] = [{"category": name, **to_json(s)} for name, s in zip(
        per_class.classes, per_class.scores, strict=True)]
    return score


def file_label_errors(path: Path, *, filter_by: str = "prune_by_noise_rate",
                      rank_by: str = "self_confidence", limit: int | None = None
                      ) -> dict[str, Any]:
    """Likely label errors in a file of given labels and model probabilities, as JSON."""
    with path.open("rb") as stream:
        table = read_probability_table(stream, path.name)
    try:
        found = find_label_errors(table.labels, table.probabilities, classes=table.classes,
                                  filter_by=filter_by, rank_by=rank_by)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.message}", where=path.name) from None
    return {"file": path.name, "n_units": len(table.units), "classes": list(table.classes),
            "filter_by": filter_by, "rank_by": rank_by,
            "n_estimated_errors": found.n_estimated_errors,
            "noise_rates": dict(zip(table.classes, found.noise_rates, strict=True)),
            "confident_joint": to_json(found.confident_joint),
            "issues": [{"unit": table.units[issue.index], "given_label": issue.given_label,
                        "suggested_label": issue.suggested_label, "score": issue.score}
                       for issue in found.ranked(limit)]}
