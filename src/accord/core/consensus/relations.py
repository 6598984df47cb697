"""Consensus of relations (`{from, to, class?}` between two regions of an answer) from N
annotators, after the consensus of the regions they connect.

Each annotator's relation from region f to region t with class c is read through `links`
(`accord.core.consensus.links`: which consensus region each annotator's region became) as a
relation between consensus regions, (links[f], links[t], c); the direction counts, as in
`agreement.relations`. A relation with an end in no consensus region, or whose two ends fell
into one consensus region, cannot be carried over and is listed in `unmatched`. A relation
between two consensus regions is **kept when more than `quorum`** (default 0.5: a strict
majority) of the unit's annotators (also those who drew none) drew it with that class; an
annotator's repeats of one relation count once. **Support** is the share of annotators who
drew it, in (quorum, 1]. Two classes between one pair can both be kept (each needs its own
majority).

>>> links = {(0, "p"): "PER-0", (0, "o"): "ORG-0", (1, "x"): "PER-0", (1, "y"): "ORG-0",
...          (2, "q"): "PER-0", (2, "r"): "ORG-0"}
>>> drawn = [[RelationValue("p", "o", "works_for")], [RelationValue("x", "y", "works_for")],
...          [RelationValue("r", "q", "works_for")]]
>>> [(r.from_id, r.to_id, r.class_name, round(r.support, 2))
...  for r in relation_consensus(drawn, links).relations]
[('PER-0', 'ORG-0', 'works_for', 0.67)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.core.consensus.links import each_value
from accord.core.errors import InputError
from accord.core.regions import Region, RelationValue

__all__ = ["ConsensusRelation", "RelationConsensus", "relation_consensus"]

Key = tuple[str, str, str | None]  # from, to (consensus region ids), class


@dataclass(frozen=True, slots=True)
class ConsensusRelation:
    """A relation between two consensus regions; `members` are the (annotator, index) of
    the relations drawn for it."""

    from_id: str
    to_id: str
    class_name: str | None
    support: float
    members: tuple[tuple[int, int], ...]

    @property
    def value(self) -> RelationValue:
        return RelationValue(self.from_id, self.to_id, self.class_name)


@dataclass(frozen=True, slots=True)
class RelationConsensus:
    """The kept relations of one unit, by decreasing support, then in the order their ends
    first appear in `links`, then by class; undefined without annotators."""

    relations: tuple[ConsensusRelation, ...]
    n_annotators: int
    n_dropped: int  # distinct relations drawn by at most `quorum` of the annotators
    unmatched: tuple[tuple[int, int], ...]
    undefined_because: str | None = None


def relation_consensus(annotations: Sequence[Sequence[Region | RelationValue]],
                       links: Mapping[tuple[int, str], str], *, quorum: float = 0.5
                       ) -> RelationConsensus:
    """The relations more than `quorum` of the annotators drew between the same consensus
    regions with the same class (see the module). `annotations` holds one sequence per
    annotator of their relations of one label (`RelationValue`s or relation `Region`s), an
    empty one for an annotator who drew none; `quorum` is a share in [0, 1)."""
    if isinstance(quorum, bool) or not isinstance(quorum, (int, float)) or not 0 <= quorum < 1:
        raise InputError(f"quorum must be a share of annotators in [0, 1); got {quorum!r}")
    if isinstance(annotations, (str, bytes)) or not isinstance(annotations, Sequence):
        raise InputError("annotations must be a sequence with one list of relations per "
                         f"annotator; got {type(annotations).__name__}")
    if not annotations:
        return RelationConsensus((), 0, 0, (), "no annotators")
    drawn: dict[Key, dict[int, list[int]]] = {}
    unmatched = []
    for a, i, value in each_value(annotations, RelationValue, "relation"):
        start, end = links.get((a, value.from_id)), links.get((a, value.to_id))
        if start is None or end is None or start == end:
            unmatched.append((a, i))
            continue
        drawn.setdefault((start, end, value.class_name), {}).setdefault(a, []).append(i)
    n = len(annotations)
    position = {consensus_id: k for k, consensus_id in enumerate(dict.fromkeys(links.values()))}
    kept = [ConsensusRelation(start, end, cls, len(by) / n,
                              tuple((a, i) for a in sorted(by) for i in by[a]))
            for (start, end, cls), by in drawn.items() if len(by) > quorum * n]
    kept.sort(key=lambda r: (-r.support, position[r.from_id], position[r.to_id],
                             r.class_name is not None, r.class_name or ""))
    return RelationConsensus(tuple(kept), n, len(drawn) - len(kept), tuple(unmatched))
