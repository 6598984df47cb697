"""Task records from tagged sentences, and tagged sentences from exported tasks: the part
CoNLL-2003 and the BIO/IOB/BILOU files share."""

from __future__ import annotations

from typing import Any, NamedTuple

from accord.core.errors import InputError
from accord.formats._tag_lines import DOCSTART
from accord.formats._tokens import SCHEMES, Entity, Scheme, TextBuilder, Token, tags_of
from accord.formats.base import ONTO_TASK, Export, ExportItem, ReadContext, fail
from accord.formats.binding import Binding


def span_record(context: ReadContext, builder: TextBuilder, first_lines: list[str],
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A task of the built text with one span region per entity, ids "1", "2", …;
    `first_lines[i]` names the line where entity i starts (for label errors)."""
    regions = []
    for number, ((cls, start, end), where) in enumerate(
            zip(builder.spans, first_lines, strict=True), start=1):
        label = context.binding.label("span", cls, where)
        _check_class(context, label, cls, where)
        regions.append({"id": str(number), "label": label,
                        "type": "span", "value": {"class": cls, "start": start, "end": end}})
    data = {context.binding.data_key("text"): builder.text(), **(extra or {})}
    return {"data": data, "annotations": [{"regions": regions}]}


def sentences_record(context: ReadContext, sentences: list[TaggedSentence], name: str,
                     where: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The task record of one unit's tagged sentences. When the import puts labels onto
    stored tasks (`context.stored_text`) and a task's text holds these tokens, in order
    with only whitespace between and around them, the spans are found in that text and the
    record goes onto that task (`ONTO_TASK`; its data as stored, `extra` not added);
    otherwise the text is rebuilt (`TextBuilder`)."""
    stored = None
    if context.stored_text is not None:
        try:
            stored = context.stored_text("".join(t for s in sentences for t in s.tokens))
        except InputError as exc:
            raise fail(where, exc.message) from None
    builder = TextBuilder(None if stored is None else stored[1])
    for sentence in sentences:
        builder.add(sentence.tokens, sentence.entities,
                    lambda i, lines=sentence.lines: f"{name}, line {lines[i]}")
    builder.finish(where)
    first_lines = [f"{name}, line {s.lines[start]}" for s in sentences
                   for _, start, _ in s.entities]
    record = span_record(context, builder, first_lines, None if stored else extra)
    if stored is not None:
        record[ONTO_TASK] = stored[0]
    return record


class TaggedSentence(NamedTuple):
    """One sentence as read: its tokens, its entities and the line of each token."""

    tokens: list[str]
    entities: list[Entity]
    lines: list[int]


def _check_class(context: ReadContext, label: str, cls: str, where: str) -> None:
    """A class the label lacks is named at the entity's own line, not the task's first."""
    found = context.schema.label(label) if context.schema is not None else None
    if found is not None and found.class_named(cls) is None:
        raise fail(where, f"label {label!r} has no class {cls!r}; its classes: "
                          f"{', '.join(c.name for c in found.classes)}")


def export_scheme(export: Export, default: Scheme) -> Scheme:
    value = export.options.settings.get("scheme", default)
    if value not in SCHEMES:
        raise InputError(f"setting 'scheme': expected one of {', '.join(SCHEMES)}, got "
                         f"{value!r}", field="settings.scheme")
    return value  # type: ignore[return-value]


def item_sentences(export: Export, item: ExportItem, scheme: Scheme) -> list[list[Token]]:
    """The task's sentences as tagged tokens; its text is the schema's first text field.
    Refuses (naming the task) a task without that text and spans tags cannot hold."""
    key = Binding(export.schema).data_key("text")
    task = f"task {item.task_id}"
    text = item.data.get(key)
    if not isinstance(text, str):
        raise InputError(f"{task}: data[{key!r}] is not a text; tagged formats write the "
                         "schema's first text field", task=item.task_id)
    spans = [r["value"] for r in item.regions if r.get("type") == "span"]
    sentences = tags_of(task, text, spans, scheme)
    if any(sentence[0].text == DOCSTART for sentence in sentences):
        raise InputError(f"{task}: a line starts with the token {DOCSTART}, which readers "
                         "take for a document break", task=item.task_id)
    return sentences


def setting_scheme(context: ReadContext, default: Scheme) -> Scheme:
    return context.setting("scheme", default, SCHEMES)  # type: ignore[return-value]


def tag_column(context: ReadContext, width: int, where: str) -> int:
    """The 0-based tag column: the `column` setting (1-based, `last` by default)."""
    raw = context.setting("column", "last")
    if raw == "last":
        return width - 1
    if not raw.isdigit() or not 2 <= int(raw) <= width:
        raise fail(where, f"setting 'column' is {raw!r}: expected last or a column number "
                          f"from 2 to {width} (the lines have {width} columns)")
    return int(raw) - 1
