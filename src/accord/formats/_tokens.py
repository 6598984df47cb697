"""Tokens, tags and character spans, for the token-per-line formats (CoNLL, BIO, IOB, BILOU).

A new task's text is its sentences joined by line breaks, each sentence its tokens joined
by single spaces; reading a tagged file builds exactly that text (or, for labels onto a
task that holds its text already, finds the tokens in it: `align`), and writing one splits
it back: lines are sentences, whitespace separates tokens, and a span boundary inside a token
splits it too (`tags_of`). So spans read from tags fall on token boundaries, and an export
finds the same tokens the import made.

Schemes (what a tag sequence means): `iob1` (CoNLL-2003's original: `I-` starts an entity,
`B-` only starts one right after an entity of the same type), `iob2` (every entity starts
with `B-`), `bilou` (`B-` begin, `I-` inside, `L-` last, `U-` a one-token entity). Reading
is strict, as seqeval's strict mode: a sequence the scheme does not allow is an error at
its line, never repaired by a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

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


class Token(NamedTuple):
    """One written token: its text, its tag, and which whitespace token of its sentence it
    is (or is a piece of, when a span boundary split that token)."""

    text: str
    tag: str
    word: int


def tags_of(task: str, text: str, spans: list[dict[str, Any]], scheme: Scheme
            ) -> list[list[Token]]:
    """Each sentence of `text` as tokens with tags holding `spans` (`{"class", "start",
    "end"}` values).

    Tokens are the whitespace tokens, split where a span starts or ends inside one (the
    editor snaps spans to words with punctuation split off: `Paris,` with a span on
    `Paris` is written `Paris` `,`), so every span on non-whitespace characters can be
    written. What the schemes cannot hold is an InputError naming the task and the span: a
    span starting or ending on whitespace (tags mark tokens, whitespace is in none), one
    across a line break (a sentence boundary), overlapping or nested spans, a class with
    whitespace.

    >>> [[(t.text, t.tag) for t in s] for s in tags_of(
    ...     "task 1", "Paris, 1999", [{"class": "LOC", "start": 0, "end": 5}], "iob2")]
    [[('Paris', 'B-LOC'), (',', 'O'), ('1999', 'O')]]
    """
    ordered = sorted(spans, key=lambda v: (v["start"], v["end"]))
    cuts: set[int] = set()
    previous_end = -1
    for value in ordered:
        start, end = value["start"], value["end"]
        name = f"{task}: the span {value['class']!r} {start}–{end}"
        if not _TOKEN.fullmatch(value["class"]):
            raise InputError(f"{name}: a class with whitespace cannot be written as a tag",
                             task=task)
        covered = text[start:end]
        if not 0 <= start < end <= len(text) or covered[0].isspace() or covered[-1].isspace():
            raise InputError(f"{name} starts or ends on whitespace (or outside the text); "
                             "tags mark tokens, and whitespace belongs to none", task=task)
        if "\n" in covered:
            raise InputError(f"{name} crosses a line break (a sentence boundary)", task=task)
        if start < previous_end:
            raise InputError(f"{name} overlaps another span; tag schemes cannot hold "
                             "overlapping or nested spans", task=task)
        previous_end = end
        cuts.update((start, end))
    boundaries = sorted(cuts)
    sentences = [_pieces(words, boundaries) for words in sentence_tokens(text)]
    where = {offset: (s, t) for s, pieces in enumerate(sentences)
             for t, (offset, _, _) in enumerate(pieces)}
    found: list[list[Entity]] = [[] for _ in sentences]
    for value in ordered:
        sentence, first = where[value["start"]]
        last = first
        while sentences[sentence][last][1] < value["end"]:
            last += 1
        found[sentence].append((value["class"], first, last + 1))
    out = []
    for pieces, entities in zip(sentences, found, strict=True):
        tags = encode(len(pieces), entities, scheme)
        out.append([Token(text[a:b], tag, word)
                    for (a, b, word), tag in zip(pieces, tags, strict=True)])
    return out


def _pieces(words: list[tuple[int, int]], cuts: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, word index) of a sentence's tokens: its whitespace tokens, each split
    at the (sorted) cuts inside it."""
    pieces = []
    for index, (a, b) in enumerate(words):
        first = bisect_right(cuts, a)
        inside = cuts[first:bisect_left(cuts, b, first)]
        for low, high in zip([a, *inside], [*inside, b], strict=True):
            pieces.append((low, high, index))
    return pieces


class TextBuilder:
    """A task's text and the character spans of its entities, from sentences of tokens.

    Without `stored` the text is rebuilt: tokens joined by single spaces, sentences by line
    breaks. With `stored` (the text of the task the tokens came from) the tokens are found
    in it instead (`align`), so the spans land on its characters whatever separated the
    tokens there; `finish` then checks that no text is left after the last token.
    """

    def __init__(self, stored: str | None = None) -> None:
        self.stored = stored
        self.parts: list[str] = []
        self.length = 0  # rebuilt: the text's length so far; stored: where the next token may start
        self.spans: list[tuple[str, int, int]] = []

    def add(self, tokens: Sequence[str], entities: Sequence[Entity],
            where: Callable[[int], str] = str) -> None:
        """One sentence; `where(i)` names the line of token i (for a token not found)."""
        if self.stored is not None:
            offsets = align(self.stored, tokens, self.length, where)
            self.length = offsets[-1][1] if offsets else self.length
            self.parts += tokens
        else:
            offsets = self._append(tokens)
        self.spans += [(cls, offsets[a][0], offsets[b - 1][1]) for cls, a, b in entities]

    def _append(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
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
        return offsets

    def finish(self, where: str) -> None:
        """Refuse a stored text that goes on after the last token (tokens cover it all)."""
        if self.stored is not None and self.stored[self.length:].strip():
            rest = self.stored[self.length:]
            at = self.length + len(rest) - len(rest.lstrip())
            raise fail(where, f"the tokens end before the task's text does: from character "
                              f"{at} it reads {self.stored[at:at + 30]!r}, which no token "
                              "holds")

    def text(self) -> str:
        return self.stored if self.stored is not None else "".join(self.parts)


def align(text: str, tokens: Sequence[str], start: int, where: Callable[[int], str]
          ) -> list[tuple[int, int]]:
    """The (start, end) of each token in `text`, in order from `start`: each token is the
    text right after the previous one, past whitespace only (any amount, none included, so
    `Paris` `,` are found in `Paris,`). A token that is not there is an error at its line,
    naming it and what the text holds there.

    >>> align("Paris,  1999\\nEnd", ["Paris", ",", "1999", "End"], 0, str)
    [(0, 5), (5, 6), (8, 12), (13, 16)]
    """
    offsets = []
    at = start
    for i, token in enumerate(tokens):
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(token, at):
            found = text[at:at + max(len(token), 12)]
            raise fail(where(i), f"token {token!r} is not in the task's text where the "
                                 f"tokens before it end: at character {at} the text reads "
                                 f"{found!r}" if found else
                                 f"token {token!r} is past the end of the task's text")
        offsets.append((at, at + len(token)))
        at += len(token)
    return offsets
