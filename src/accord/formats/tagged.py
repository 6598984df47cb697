"""Token-per-line tagged text: `token<TAB or space>tag`, a blank line between sentences, in
the BIO (IOB2), IOB (IOB1) or BILOU scheme. One sentence becomes one text task; its
entities become span regions (docs/formats/text.md).

    EU	B-ORG
    rejects	O
    German	B-MISC

"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from accord.formats._tag_lines import Sentence, read_sentences
from accord.formats._tag_records import TaggedSentence, item_sentences, sentences_record
from accord.formats._tokens import Scheme, decode
from accord.formats.base import Export, Format, ReadContext
from accord.formats.source import Source


def read(scheme: Scheme, source: Source, context: ReadContext
         ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every file of the source (the file itself, or its .txt/.bio/.iob/.bilou files)."""
    paths = source.paths()
    if len(paths) > 1:
        paths = source.only(".txt", ".bio", ".iob", ".iob2", ".bilou", ".tsv")
    for path in paths:
        name = source.where(path)
        with source.open(path) as stream:
            for sentence in read_sentences(stream, name, columns=2):
                if isinstance(sentence, Sentence):
                    yield f"{name}, line {sentence.lines[0]}", _record(
                        sentence, scheme, name, context)


def _record(sentence: Sentence, scheme: Scheme, name: str, context: ReadContext
            ) -> dict[str, Any]:
    entities = decode([row[1] for row in sentence.rows], scheme,
                      lambda i: f"{name}, line {sentence.lines[i]}")
    tagged = TaggedSentence([row[0] for row in sentence.rows], entities, sentence.lines)
    return sentences_record(context, [tagged], name, f"{name}, line {sentence.lines[0]}")


def write(scheme: Scheme, export: Export) -> Iterator[bytes]:
    """Each task's sentences (its text's lines), a blank line after each sentence."""
    for item in export.items():
        for sentence in item_sentences(export, item, scheme):
            yield "".join(f"{token}\t{tag}\n" for token, tag, _ in sentence).encode() + b"\n"


def _format(name: str, scheme: Scheme, title: str, rule: str) -> Format:
    return Format(
        name=name, title=title,
        description=f"Token<TAB>tag per line, a blank line between sentences; {rule}. "
                    "One sentence per task, entities as spans.",
        extension=".txt", media_type="text/plain", read=partial(read, scheme),
        write=partial(write, scheme), modality="text")


FORMATS = (
    _format("bio", "iob2", "BIO (IOB2) tagged tokens",
            "every entity starts with B-, continues with I-"),
    _format("iob", "iob1", "IOB (IOB1) tagged tokens",
            "I- starts an entity, B- only one right after another of the same type"),
    _format("bilou", "bilou", "BILOU tagged tokens",
            "B- begin, I- inside, L- last, U- a one-token entity"),
)
