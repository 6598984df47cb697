"""CoNLL-2003: `token POS chunk NER` per line, a blank line after each sentence,
`-DOCSTART- -X- -X- O` between documents. A document (or, with `unit=sentence`, a sentence)
becomes one text task; NER entities become span regions (docs/formats/text.md).

The other columns (POS, chunk) are kept in the task's data as `conll_columns`, one string
per column laid out like the text, so an export writes them back; tasks without them get
CoNLL's own `-X-` placeholder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accord.core.errors import InputError
from accord.formats._tag_lines import DOCSTART, Sentence, read_sentences
from accord.formats._tag_records import (
    TaggedSentence,
    export_scheme,
    item_sentences,
    sentences_record,
    setting_scheme,
    tag_column,
)
from accord.formats._tokens import Scheme, Token, decode, sentence_tokens
from accord.formats.base import Export, ExportItem, Format, ReadContext
from accord.formats.source import Source

COLUMNS_KEY = "conll_columns"
PLACEHOLDER = "-X-"


class _Document:
    """The sentences of one task being read, with their other columns."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.sentences: list[TaggedSentence] = []
        self.extra: list[list[str]] = []  # per other column: its sentences, space-joined

    def add(self, sentence: Sentence, tag: int, name: str, scheme: Scheme) -> None:
        rows = sentence.rows
        entities = decode([row[tag] for row in rows], scheme,
                          lambda i: f"{name}, line {sentence.lines[i]}")
        self.sentences.append(TaggedSentence([row[0] for row in rows], entities,
                                             sentence.lines))
        others = [i for i in range(1, len(rows[0])) if i != tag]
        if not self.extra:
            self.extra = [[] for _ in others]
        for column, index in zip(self.extra, others, strict=True):
            column.append(" ".join(row[index] for row in rows))

    def record(self, context: ReadContext, name: str) -> tuple[str, dict[str, Any]]:
        columns = ["\n".join(column) for column in self.extra]
        kept = any(value != PLACEHOLDER for column in columns for value in column.split())
        extra = {COLUMNS_KEY: columns} if kept else None
        return self.where, sentences_record(context, self.sentences, name, self.where, extra)


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every file of the source (the file itself, or its .conll/.txt files), in path order."""
    scheme = setting_scheme(context, "iob1")
    unit = context.setting("unit", "document", ("document", "sentence"))
    paths = source.paths()
    if len(paths) > 1:
        paths = source.only(".conll", ".txt", ".conll03", ".iob")
    for path in paths:
        name = source.where(path)
        document: _Document | None = None
        tag: int | None = None
        with source.open(path) as stream:
            for event in read_sentences(stream, name):
                if isinstance(event, int):  # a -DOCSTART- line
                    if document is not None and document.sentences:
                        yield document.record(context, name)
                    document = None
                    continue
                where = f"{name}, line {event.lines[0]}"
                if tag is None:
                    tag = tag_column(context, len(event.rows[0]), where)
                if document is None or unit == "sentence":
                    if document is not None and document.sentences:
                        yield document.record(context, name)
                    document = _Document(where)
                document.add(event, tag, name, scheme)
        if document is not None and document.sentences:
            yield document.record(context, name)


def write(export: Export) -> Iterator[bytes]:
    """A `-DOCSTART-` line per task, then its sentences, each followed by a blank line."""
    scheme = export_scheme(export, "iob1")
    for item in export.items():
        sentences = item_sentences(export, item, scheme)
        extra = _columns(item, sentences)
        width = len(extra)
        lines = [" ".join([DOCSTART, *[PLACEHOLDER] * width, "O"]), ""]
        for s, sentence in enumerate(sentences):
            for t, (token, tag, _) in enumerate(sentence):
                lines.append(" ".join([token, *(column[s][t] for column in extra), tag]))
            lines.append("")
        yield ("\n".join(lines) + "\n").encode()


def _columns(item: ExportItem, sentences: list[list[Token]]) -> list[list[list[str]]]:
    """The task's stored other columns, token by token, or `-X-` POS and chunk columns.

    The stored values are one per whitespace token of the text; a token split at a span
    boundary writes them on its first piece and `-X-` on the others (a POS tag of
    `Paris,` is no tag of `,`).
    """
    stored = item.data.get(COLUMNS_KEY)
    if stored is None:
        return [[[PLACEHOLDER] * len(sentence) for sentence in sentences] for _ in range(2)]
    words = [sentence[-1].word + 1 for sentence in sentences]
    columns = []
    for column in stored if isinstance(stored, list) else [None]:
        cells = ([[column[a:b] for a, b in line] for line in sentence_tokens(column)]
                 if isinstance(column, str) else None)
        if cells is None or [len(line) for line in cells] != words:
            raise InputError(f"task {item.task_id}: data[{COLUMNS_KEY!r}] does not hold one "
                             "value per token of the text for each column",
                             task=item.task_id)
        columns.append([[values[token.word] if t == 0 or sentence[t - 1].word != token.word
                         else PLACEHOLDER for t, token in enumerate(sentence)]
                        for values, sentence in zip(cells, sentences, strict=True)])
    return columns


FORMAT = Format(
    name="conll", title="CoNLL-2003",
    description="token POS chunk NER per line, blank lines between sentences, -DOCSTART- "
                "between documents; NER tags (IOB1 or IOB2) as spans, one document per task.",
    extension=".conll", media_type="text/plain", read=read, write=write, modality="text",
    settings={"scheme": "iob1 (the 2003 data, default), iob2 or bilou",
              "unit": "import: document (default) or sentence, what becomes one task",
              "column": "import: the tag column, 1-based (default: last)"})
