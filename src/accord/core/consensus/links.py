"""Which annotator's region became which consensus region: the links that the consensus of
transcriptions and relations follows, since those point at regions by id and every annotator
drew their own.

A link maps (annotator index, the annotator's region id) to the id of a consensus region.
Fused clusters (`region_consensus`, `track_consensus`) name their members, so their links
are exact. Token-voted spans (`span_consensus`) have no members: an annotator's span is
linked to the consensus span it matches one-to-one (`matching.match_regions`: same class,
character IoU >= `threshold`, the largest total IoU).

>>> from accord.core.regions import SpanValue, Region
>>> from accord.core.schema import LabelType
>>> mine = [Region("p", "ner", LabelType.SPAN, SpanValue("PER", 0, 3))]
>>> span_links([mine], [SpanValue("PER", 0, 4)], ["ner-0"])
{(0, 'p'): 'ner-0'}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from accord.core.errors import InputError
from accord.core.matching import match_regions
from accord.core.regions import Region, SpanValue
from accord.core.schema import LabelType

__all__ = ["Links", "each_value", "region_links", "span_links"]

Links = dict[tuple[int, str], str]


def region_links(annotations: Sequence[Sequence[Region]],
                 members: Sequence[Sequence[tuple[int, int]]], ids: Sequence[str]) -> Links:
    """The links of fused clusters: `members[k]` are the (annotator, index) pairs into
    `annotations` of the consensus region whose id is `ids[k]`."""
    if len(members) != len(ids):
        raise InputError(f"region_links needs one id per consensus region; got {len(ids)} ids "
                         f"for {len(members)} regions")
    links: Links = {}
    for cluster, consensus_id in zip(members, ids, strict=True):
        for a, i in cluster:
            links[(a, annotations[a][i].id)] = consensus_id
    return links


def span_links(annotations: Sequence[Sequence[Region]], spans: Sequence[SpanValue],
               ids: Sequence[str], *, threshold: float = 0.5) -> Links:
    """The links of token-voted spans: each annotator's spans matched one-to-one to the
    consensus `spans` (whose ids are `ids`)."""
    if len(spans) != len(ids):
        raise InputError(f"span_links needs one id per consensus span; got {len(ids)} ids "
                         f"for {len(spans)} spans")
    consensus = [Region(i, "consensus", LabelType.SPAN, s) for i, s in zip(ids, spans, strict=True)]
    links: Links = {}
    for a, regions in enumerate(annotations):
        if not regions or not consensus:
            continue
        matching = match_regions(list(regions), consensus, threshold=threshold)
        links.update(((a, regions[p.a].id), ids[p.b]) for p in matching.pairs)
    return links


V = TypeVar("V")


def each_value(annotations: Sequence[Sequence[Any]], kind: type[V], noun: str
               ) -> Iterator[tuple[int, int, V]]:
    """(annotator, index, value) of every item of each annotator's list, an item being a
    `kind` value or a Region holding one; anything else is a named error."""
    for a, items in enumerate(annotations):
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise InputError(f"annotations[{a}] must be a list of {noun}s; got "
                             f"{type(items).__name__}")
        for i, item in enumerate(items):
            value = item.value if isinstance(item, Region) else item
            if not isinstance(value, kind):
                raise InputError(f"annotations[{a}][{i}] should be a {noun} (a "
                                 f"{kind.__name__} or a Region of type {noun}); got "
                                 f"{value!r:.80}")
            yield a, i, value
