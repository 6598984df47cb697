"""One task's consensus per label, from its standing work: what a workflow accepts when the
support is high enough and escalates otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from accord.core.consensus import majority_vote, span_consensus
from accord.core.schema import LabelDef, LabelType, Schema
from accord.services import tasks, versions
from accord.services.caller import Caller
from accord.services.qa_data import Work, load_standing_work
from accord.services.qa_json import to_json

VOTED = {LabelType.CLASSIFICATION: "class_name", LabelType.RATING: "rating"}


def task_consensus(session: Session, caller: Caller, project_id: int, task_id: int
                   ) -> dict[str, Any]:
    task = tasks.get_task(session, project_id, task_id)
    _, schema = versions.current_schema(session, project_id)
    work, unreadable = load_standing_work(session, project_id, task_id)
    labels = [] if schema is None else [
        section for label in schema.labels
        if (section := label_consensus(label, work, _field_data(schema, label, task.data)))
        is not None]
    return {"task_id": task_id, "annotators": [w.author for w in work],
            "unreadable_regions": unreadable, "labels": labels}


def _field_data(schema: Schema, label: LabelDef, data: dict[str, Any]) -> Any:
    """The task data the label marks: its data field's value (its `source` key, if set)."""
    field = schema.data_field(label.source)
    return data.get(field.source or field.name) if field is not None else None


def label_consensus(label: LabelDef, work: Sequence[Work], source: Any
                    ) -> dict[str, Any] | None:
    """The consensus of one label, or None for label types without a consensus rule.
    `source` is the task data the label marks (the text, for spans)."""
    mine = [[r for r in w.regions if r.label == label.name] for w in work]
    if label.type in VOTED:
        field = VOTED[label.type]
        records = [(0, w.author, getattr(regions[0].value, field) if regions else None)
                   for w, regions in zip(work, mine, strict=True)]
        vote = next(iter(majority_vote(records)), None) if records else None
        return {"label": label.name, "type": str(label.type), "method": "majority_vote",
                "consensus": None if vote is None else to_json(vote)}
    if label.type is LabelType.SPAN:
        if not isinstance(source, str):
            return None
        result = span_consensus(source, mine)
        return {"label": label.name, "type": str(label.type), "method": "token_vote",
                "consensus": to_json({"spans": result.spans,
                                      "n_annotators": result.n_annotators,
                                      "tied_tokens": result.tied_tokens,
                                      "undefined_because": result.undefined_because})}
    return None
