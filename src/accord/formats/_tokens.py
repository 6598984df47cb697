"""Tokens, tags and character spans, for the token-per-line formats (CoNLL, BIO, IOB, BILOU).

A task's text is its sentences joined by line breaks, each sentence its tokens joined by
single spaces; reading a tagged file builds exactly that text, and writing one splits it
back: lines are sentences, whitespace separates tokens. So spans read from tags fall on
token boundaries, and an export finds the same tokens the import made.

Schemes (what a tag sequence means): `iob1` (CoNLL-2003's original: `I-` starts an entity,
`B-` only starts one right after an entity of the same type), `iob2` (every entity starts
with `B-`), `bilou` (`B-` begin, `I-` inside, `L-` last, `U-` a one-token entity). Reading
is strict, as seqeval's strict mode: a sequence the scheme does not allow is an error at
its line, never repaired by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from accord.core.errors import InputError
from accord.formats.base import fail

Scheme = Literal["iob1", "iob2", "bilou"]
SCHEMES: tuple[Scheme, ...] = ("iob1", "iob2", "bilou")
PREFIXES: dict[Scheme, str] = {"iob1": "BI", "iob2": "BI", "bilou": "BILU"}
_TOKEN = re.compile(r"\S+")

#: (class, first token, end token exclusive) within one sentence
Entity = tuple[str, int, int]


def sentence_tokens(text: str) -> list[list[tuple[int, int]]]:
    """The (start, end) offsets of each sentence's tokens: lines are sentences, whitespace
    splits tokens; lines without tokens are not sentences.

    >>> sentence_tokens("EU rejects\\n\\nit")
    [[(0, 2), (3, 10)], [(12, 14)]]
    """
    sentences: list[list[tuple[int, int]]] = []
    offset = 0
    for line in text.split("\n"):
        tokens = [(offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(line)]
        if tokens:
            sentences.append(tokens)
        offset += len(line) + 1
    return sentences


def decode(tags: Sequence[str], scheme: Scheme, where: Callable[[int], str]) -> list[Entity]:
    """The entities of one sentence's tags; `where(i)` names the line of tag i for errors.

    >>> decode(["I-PER", "I-PER", "B-PER", "O", "I-LOC"], "iob1", str)
    [('PER', 0, 2), ('PER', 2, 3), ('LOC', 4, 5)]
    """
    parsed = [_split(tag, scheme, where(i)) for i, tag in enumerate(tags)]
    entities: list[Entity] = []
    open_: tuple[str, int] | None = None  # (class, start) of the entity being read
    for i, (prefix, cls) in enumerate(parsed):
        same = open_ is not None and open_[0] == cls
        if scheme == "bilou":
            open_ = _bilou_step(prefix, cls, i, same, open_, entities, where(i), scheme)
            continue
        if prefix == "O" or not same or prefix == "B":
            if open_ is not None:
                entities.append((open_[0], open_[1], i))
                open_ = None
        if prefix == "O":
            continue
        if prefix == "B" and scheme == "iob1" and not same:
            raise fail(where(i), f"tag {tags[i]!r}: in IOB1, B- only starts an entity right "
                                 f"after one of the same type ({cls}); use I-{cls}")
        if prefix == "I" and scheme == "iob2" and not same:
            raise fail(where(i), f"tag {tags[i]!r}: in IOB2 every entity starts with B-; "
                                 f"I-{cls} follows {_before(tags, i)}")
        if open_ is None:
            open_ = (cls, i)
    if open_ is not None:
        if scheme == "bilou":
            raise fail(where(len(tags) - 1), f"tag {tags[-1]!r}: a BILOU entity of type "
                                             f"{open_[0]} ends without L-")
        entities.append((open_[0], open_[1], len(tags)))
    return entities


def _bilou_step(prefix: str, cls: str, i: int, same: bool, open_: tuple[str, int] | None,
                entities: list[Entity], where: str, scheme: Scheme) -> tuple[str, int] | None:
    tag = "O" if prefix == "O" else f"{prefix}-{cls}"
    if prefix in ("I", "L"):
        if not same:
            raise fail(where, f"tag {tag!r}: in BILOU, {prefix}- continues an entity "
                              f"begun with B-{cls}; it follows "
                              f"{'an entity of another type' if open_ else 'no open entity'}")
        if prefix == "L":
            assert open_ is not None
            entities.append((cls, open_[1], i + 1))
            return None
        return open_
    if open_ is not None:
        raise fail(where, f"tag {tag!r}: the BILOU entity of type {open_[0]} begun before "
                          "it has no L- tag")
    if prefix == "U":
        entities.append((cls, i, i + 1))
        return None
    return (cls, i) if prefix == "B" else None


def _before(tags: Sequence[str], i: int) -> str:
    return f"{tags[i - 1]!r}" if i else "the start of the sentence"


def _split(tag: str, scheme: Scheme, where: str) -> tuple[str, str]:
    if tag == "O":
        return "O", ""
    prefix, dash, cls = tag.partition("-")
    if not dash or prefix not in PREFIXES[scheme] or not cls:
        allowed = ", ".join(f"{p}-TYPE" for p in PREFIXES[scheme])
        raise fail(where, f"tag {tag!r} is not O or {allowed} ({scheme.upper()})")
    return prefix, cls


def encode(count: int, entities: Sequence[Entity], scheme: Scheme) -> list[str]:
    """Tags for `count` tokens holding `entities` (sorted, not overlapping).

    >>> encode(4, [("PER", 0, 2), ("PER", 2, 3)], "iob1")
    ['I-PER', 'I-PER', 'B-PER', 'O']
    >>> encode(4, [("PER", 0, 2), ("LOC", 3, 4)], "bilou")
    ['B-PER', 'L-PER', 'O', 'U-LOC']
    """
    tags = ["O"] * count
    previous_end, previous_cls = -1, ""
    for cls, start, end in entities:
        if scheme == "bilou" and end - start == 1:
            tags[start] = f"U-{cls}"
            continue
        inside = "I"
        tags[start:end] = [f"{inside}-{cls}"] * (end - start)
        if scheme == "iob2" or scheme == "bilou" or (
                previous_end == start and previous_cls == cls):
            tags[start] = f"B-{cls}"
        if scheme == "bilou":
            tags[end - 1] = f"L-{cls}"
        previous_end, previous_cls = end, cls
    return tags


def tags_of(task: str, text: str, spans: list[dict[str, Any]], scheme: Scheme
            ) -> list[list[tuple[str, str]]]:
    """Each sentence of `text` as (token, tag) pairs holding `spans` (`{"class", "start",
    "end"}` values). A span that cuts a token, crosses a line or overlaps another cannot be
    written in these schemes: an InputError names the task and the span."""
    sentences = sentence_tokens(text)
    starts = {start: (s, t) for s, sentence in enumerate(sentences)
              for t, (start, _) in enumerate(sentence)}
    ends = {end: (s, t) for s, sentence in enumerate(sentences)
            for t, (_, end) in enumerate(sentence)}
    found: list[list[Entity]] = [[] for _ in sentences]
    for value in sorted(spans, key=lambda v: (v["start"], v["end"])):
        first, last = starts.get(value["start"]), ends.get(value["end"])
        name = f"{task}: the span {value['class']!r} {value['start']}–{value['end']}"
        if not _TOKEN.fullmatch(value["class"]):
            raise InputError(f"{name}: a class with whitespace cannot be written as a tag",
                             task=task)
        if first is None or last is None:
            raise InputError(f"{name} does not start and end on token boundaries (tokens "
                             "are split at whitespace); tags can only mark whole tokens",
                             task=task)
        if first[0] != last[0]:
            raise InputError(f"{name} crosses a line break (a sentence boundary)", task=task)
        entities = found[first[0]]
        if entities and entities[-1][2] > first[1]:
            raise InputError(f"{name} overlaps another span; tag schemes cannot hold "
                             "overlapping or nested spans", task=task)
        entities.append((value["class"], first[1], last[1] + 1))
    out = []
    for sentence, entities in zip(sentences, found, strict=True):
        tags = encode(len(sentence), entities, scheme)
        out.append([(text[a:b], tag) for (a, b), tag in zip(sentence, tags, strict=True)])
    return out


class TextBuilder:
    """Builds a task's text from sentences of tokens, and the character spans of entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[str, int, int]] = []

    def add(self, tokens: Sequence[str], entities: Sequence[Entity]) -> None:
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        offsets = []
        for i, token in enumerate(tokens):
            if i:
                self.parts.append(" ")
                self.length += 1
            offsets.append((self.length, self.length + len(token)))
            self.parts.append(token)
            self.length += len(token)
        self.spans += [(cls, offsets[a][0], offsets[b - 1][1]) for cls, a, b in entities]

    def text(self) -> str:
        return "".join(self.parts)
