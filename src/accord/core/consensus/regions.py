"""Consensus of regions (boxes, polygons, polylines, masks, audio and video segments) on one
unit from N annotators.

1. **Cluster.** All the unit's regions are compared at once by `overlap.region_similarity`
   (IoU; exact for rotated boxes and polygons, run by run for masks; for polylines, which
   have no area, their similarity along their length, `accord.core.line_similarity`). Clusters are built by
   complete-linkage agglomeration with a cannot-link rule: start from single regions, and
   repeatedly merge the two clusters whose *least* similar cross pair is the most similar,
   while that least similarity reaches `threshold` (and is above 0) and no annotator would
   appear twice. So in every cluster each annotator has at most one region and every two
   members overlap by at least `threshold`. With `classes="must_match"` (as in
   `matching.match_regions`) regions of different classes never share a cluster; with
   `"ignore"` they may, and the cluster's class is voted. The result does not depend on the
   order of the annotators (exact ties in similarity go to the lower region index).
2. **Fuse.** Boxes: the mean of x, y, width and height, weighted by the regions' `score`
   with `box_weights="score"`; rotations by their circular mean. Polygons and polylines:
   the medoid, the member with the highest mean similarity with the others. Masks: by default the per-pixel
   majority (a pixel is foreground when more than half the members cover it), which is the
   mask with the least total pixel disagreement with the members (a median in Hamming
   distance); `mask_fusion="medoid"` picks a member as for polygons. A medoid tie (always,
   with two members) goes to the earlier annotator. The class is the one most members gave; a
   tie goes to the medoid's class if it is among the tied, else to the first in sorted order.
   With all scores 0, `box_weights="score"` weighs the boxes equally. Audio and video
   segments: the mean start and the mean end (a video's rounded to whole frames, at least
   one frame long).
3. **Score.** `support`: the cluster's annotators over all the unit's annotators (including
   those who drew nothing); `agreement`: the mean IoU over pairs of members (None for a single
   region). A cluster whose support is below `quorum` is dropped (`below_quorum="drop"`,
   counted in `n_dropped`) or kept with `meets_quorum=False` (`"mark"`).

>>> from accord.core.regions import parse_regions
>>> def boxes(*xs):
...     return parse_regions([{"id": f"b{x}", "label": "obj", "type": "bbox",
...         "value": {"class": "car", "x": x, "y": 0, "width": 10, "height": 10}} for x in xs])
>>> result = region_consensus([boxes(0, 50), boxes(2), boxes(1, 100)])
>>> [(r.value.x, round(r.support, 2), r.agreement and round(r.agreement, 2))
...  for r in result.regions]
[(1.0, 1.0, 0.77), (50.0, 0.33, None), (100.0, 0.33, None)]
>>> region_consensus([boxes(0, 50), boxes(2), boxes(1, 100)], quorum=0.5).n_dropped
2
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

import numpy as np

from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.overlap import region_similarity
from accord.core.regions import (
    AudioSegmentValue,
    BoxValue,
    MaskValue,
    Region,
    RegionValue,
    VideoSegmentValue,
)
from accord.core.rle import decode_rle_counts
from accord.core.schema import AttributeValue

__all__ = ["ConsensusRegion", "RegionConsensus", "region_consensus"]

FUSED_TYPES = ("bbox", "polygon", "polyline", "mask", "audio_segment", "video_segment")
_GROUPED_FROM = 256  # regions of a unit from which clusters are built group by group


@dataclass(frozen=True, slots=True)
class ConsensusRegion:
    """One fused cluster. `members` are (annotator index, region index) pairs into the
    input; `agreement` is None for a single member ("a single region has no pairs")."""

    label: str
    value: RegionValue
    members: tuple[tuple[int, int], ...]
    support: float
    agreement: float | None
    meets_quorum: bool
    #: each attribute's value given by most members (a tie: the medoid's)
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RegionConsensus:
    """The consensus regions of one unit, by decreasing support, then by first member;
    undefined (no regions, a reason) when the unit has no annotators."""

    regions: tuple[ConsensusRegion, ...]
    n_annotators: int
    n_dropped: int
    undefined_because: str | None = None


def region_consensus(annotations: Sequence[Sequence[Region]], *, threshold: float = 0.5,
                     classes: Literal["must_match", "ignore"] = "must_match",
                     quorum: float = 0.0, below_quorum: Literal["drop", "mark"] = "drop",
                     box_weights: Literal["equal", "score"] = "equal",
                     mask_fusion: Literal["pixel_vote", "medoid"] = "pixel_vote",
                     similarity: Similarity | None = None) -> RegionConsensus:
    """Cluster, fuse and score (see the module) one unit's regions: `annotations` has one
    sequence of parsed regions per annotator (empty for one who drew nothing), all of one
    type: bbox, polygon, polyline, mask, audio_segment or video_segment. `threshold` and
    `quorum` are in [0, 1]. `similarity(a, b)` replaces `overlap.region_similarity` (called once, on all
    the regions against themselves), for a caller that has the overlaps already."""
    _check_options(threshold, classes, quorum, below_quorum, box_weights, mask_fusion)
    if isinstance(annotations, (str, bytes)) or not isinstance(annotations, Sequence):
        raise InputError("annotations must be a sequence with one list of regions per "
                         f"annotator; got {type(annotations).__name__}")
    if not annotations:
        return RegionConsensus((), 0, 0, "no annotators")
    owner = [(a, i) for a, regions in enumerate(annotations) for i in range(len(regions))]
    flat = [annotations[a][i] for a, i in owner]
    _check_types(flat, owner)
    overlaps = (similarity or region_similarity)(flat, flat)
    annotator = np.array([a for a, _ in owner], dtype=np.int64)
    class_names = [r.value.class_name for r in flat]  # type: ignore[union-attr]
    clusters = _clusters(overlaps, annotator, class_names, threshold, classes)
    fused = []
    for members in clusters:
        fused.append(_fuse(members, flat, owner, overlaps, box_weights, mask_fusion,
                           len(annotations), quorum))
    kept = [r for r in fused if r.meets_quorum or below_quorum == "mark"]
    kept.sort(key=lambda r: (-r.support, r.members[0]))
    return RegionConsensus(tuple(kept), len(annotations), len(fused) - len(kept))


def _check_options(threshold: float, classes: str, quorum: float, below_quorum: str,
                   box_weights: str, mask_fusion: str) -> None:
    for name, value in (("threshold", threshold), ("quorum", quorum)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise InputError(f"{name} must be a number in [0, 1]; got {value!r}")
    for name, value, allowed in (("classes", classes, ("must_match", "ignore")),
                                 ("below_quorum", below_quorum, ("drop", "mark")),
                                 ("box_weights", box_weights, ("equal", "score")),
                                 ("mask_fusion", mask_fusion, ("pixel_vote", "medoid"))):
        if value not in allowed:
            raise InputError(f"{name} must be {' or '.join(map(repr, allowed))}; got {value!r}")


def _check_types(flat: list[Region], owner: list[tuple[int, int]]) -> None:
    for region, (a, i) in zip(flat, owner, strict=True):
        if not isinstance(region, Region):
            raise InputError(f"annotations[{a}][{i}] should be a parsed Region "
                             f"(accord.core.regions.parse_regions); got {region!r:.80}")
        if str(region.type) not in FUSED_TYPES:
            raise InputError(f"annotations[{a}][{i}] is a {str(region.type)!r} region; region "
                             f"consensus fuses {', '.join(FUSED_TYPES)} (spans: "
                             "span_consensus; labels: majority_vote)")


def _clusters(similarity: np.ndarray, annotator: np.ndarray, class_names: list[str],
              threshold: float, classes: str) -> list[list[int]]:
    """Complete-linkage clusters under the cannot-link rule; each a sorted list of indices,
    in the order of their first index. Merges never join regions with no chain of eligible
    pairs between them, so from `_GROUPED_FROM` regions on each connected group of the
    eligible pairs is clustered on its own (a recording's hundreds of segments overlap only
    their neighbours): the same merges, without scanning the whole unit's matrix for each
    (below, finding the groups costs more than it saves)."""
    n = len(annotator)
    linkage = np.where((similarity >= threshold) & (similarity > 0), similarity, -np.inf)
    linkage[annotator[:, None] == annotator[None, :]] = -np.inf  # and the diagonal
    if classes == "must_match":
        names = np.array(class_names, dtype=object)
        linkage[names[:, None] != names[None, :]] = -np.inf
    if n < _GROUPED_FROM:
        return _linked(linkage)
    # imported here: scipy.sparse is a fifth of every command's start-up (see matching.py)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    _, group = connected_components(csr_matrix(np.isfinite(linkage)), directed=False)
    clusters = []
    for members in _groups(group):
        if len(members) == 1:
            clusters.append(members)
        else:
            clusters += [[members[i] for i in cluster]
                         for cluster in _linked(linkage[np.ix_(members, members)])]
    return sorted(clusters)


def _groups(group: np.ndarray) -> list[list[int]]:
    """The indices of each group, in increasing order (so ties keep going to the lower
    index)."""
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    return [part.tolist() for part in np.split(order, bounds)]


def _linked(linkage: np.ndarray) -> list[list[int]]:
    """Complete linkage on one group's matrix (modified in place)."""
    n = len(linkage)
    members = [[i] for i in range(n)]
    while n:
        best = int(np.argmax(linkage))
        i, j = divmod(best, n)
        if not np.isfinite(linkage[i, j]):
            break
        i, j = min(i, j), max(i, j)
        merged = np.minimum(linkage[i], linkage[j])  # -inf carries the cannot-link rule
        linkage[i], linkage[:, i] = merged, merged
        linkage[i, i] = -np.inf
        linkage[j], linkage[:, j] = -np.inf, -np.inf
        members[i] += members[j]
        members[j] = []
    return [sorted(m) for m in members if m]


def _fuse(members: list[int], flat: list[Region], owner: list[tuple[int, int]],
          similarity: np.ndarray, box_weights: str, mask_fusion: str,
          n_annotators: int, quorum: float) -> ConsensusRegion:
    k = len(members)
    inner = similarity[members][:, members] if k > 1 else None
    medoid = members[0] if inner is None else members[
        int(np.argmax((inner.sum(axis=1) - np.diag(inner)) / (k - 1)))]
    class_name = _voted_class([flat[m] for m in members], flat[medoid])
    kind = str(flat[medoid].type)
    if kind == "bbox":
        value: RegionValue = _mean_box([flat[m] for m in members], box_weights, class_name)
    elif kind in ("audio_segment", "video_segment"):
        value = _mean_segment([flat[m] for m in members], class_name)
    elif kind == "mask" and mask_fusion == "pixel_vote":
        value = _pixel_vote([flat[m].value for m in members], class_name)  # type: ignore[misc]
    else:
        value = replace(flat[medoid].value, class_name=class_name)  # type: ignore[arg-type]
    agreement = None
    if inner is not None:  # the mean of the pairs, as ndarray.mean computes it
        pairs = inner[_upper_triangle(k)]
        agreement = float(np.add.reduce(pairs)) / pairs.size
    labels = {flat[m].label for m in members}
    label = labels.pop() if len(labels) == 1 else Counter(
        flat[m].label for m in members).most_common(1)[0][0]
    support = k / n_annotators
    return ConsensusRegion(label, value, tuple(owner[m] for m in members), support,
                           agreement, support >= quorum,
                           _voted_attributes([flat[m] for m in members], flat[medoid]))


def _voted_attributes(members: list[Region], medoid: Region) -> dict[str, AttributeValue]:
    """Per attribute any member set, the value most of those members gave; a tie goes to
    the medoid's value if it is among the tied, else to the first given."""
    voted: dict[str, AttributeValue] = {}
    for name in dict.fromkeys(n for r in members for n in r.attributes):
        given = [r.attributes[name] for r in members if name in r.attributes]
        counts = Counter(_hashable(v) for v in given)
        top = max(counts.values())
        tied = [v for v in given if counts[_hashable(v)] == top]
        mine = medoid.attributes.get(name)
        voted[name] = mine if name in medoid.attributes and _hashable(mine) in {
            _hashable(v) for v in tied} else tied[0]
    return voted


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _voted_class(members: list[Region], medoid: Region) -> str:
    """The class most members gave; a tie goes to the medoid's class if it is among the
    tied, else to the first in sorted order."""
    medoid_class = medoid.value.class_name  # type: ignore[union-attr]
    if all(r.value.class_name == medoid_class for r in members):  # type: ignore[union-attr]
        return medoid_class  # the usual case, without counting
    votes = Counter(r.value.class_name for r in members)  # type: ignore[union-attr]
    top = max(votes.values())
    return medoid_class if votes[medoid_class] == top else min(
        c for c, v in votes.items() if v == top)


@cache
def _upper_triangle(k: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i < j) of k members, as `np.triu_indices` gives them (cached: it is slow
    next to the few values it picks)."""
    return np.triu_indices(k, 1)


def _mean_box(boxes: list[Region], box_weights: str, class_name: str) -> BoxValue:
    if box_weights == "score":
        unscored = [r.id for r in boxes if r.score is None]
        if unscored:
            raise InputError(f"box_weights='score' needs a score on every box; region "
                             f"{unscored[0]!r} has none")
        weights = np.array([r.score for r in boxes], dtype=float)
        if weights.sum() <= 0:
            weights = np.ones(len(boxes))  # all scores 0: no box is preferred, as "equal"
    else:
        weights = np.ones(len(boxes))
    values = np.array([[r.value.x, r.value.y, r.value.width, r.value.height]  # type: ignore[union-attr]
                       for r in boxes])
    x, y, width, height = (weights @ values / weights.sum()).tolist()
    rotation = 0.0
    if not any(r.value.rotation for r in boxes):  # type: ignore[union-attr]
        return BoxValue(class_name, x, y, width, height, rotation)
    angles = np.radians([r.value.rotation for r in boxes])  # type: ignore[union-attr]
    if np.any(angles):
        rotation = float(np.degrees(np.arctan2(weights @ np.sin(angles), weights @ np.cos(angles))))
    return BoxValue(class_name, x, y, width, height, rotation)


def _mean_segment(segments: list[Region], class_name: str) -> RegionValue:
    start = sum(s.value.start for s in segments) / len(segments)  # type: ignore[union-attr]
    end = sum(s.value.end for s in segments) / len(segments)  # type: ignore[union-attr]
    if str(segments[0].type) == "video_segment":
        first = round(start)
        return VideoSegmentValue(class_name, first, max(first + 1, round(end)))
    return AudioSegmentValue(class_name, start, end)


def _pixel_vote(masks: list[MaskValue], class_name: str) -> MaskValue:
    """Pixels covered by more than half of the masks, as uncompressed COCO RLE runs."""
    size = {(m.height, m.width) for m in masks}
    if len(size) > 1:
        raise InputError(f"masks of one cluster have different sizes {sorted(size)}")
    height, width = size.pop()
    starts, ends = [], []
    for mask in masks:  # members of one cluster: at most one per annotator
        runs = decode_rle_counts(mask.counts) if isinstance(mask.counts, str) else np.asarray(
            mask.counts, dtype=np.int64)
        bounds = np.concatenate([[0], np.cumsum(runs)])
        starts.append(bounds[1:-1:2])
        ends.append(bounds[2::2])
    edges, where = np.unique(np.concatenate([*starts, *ends, [0, height * width]]),
                             return_inverse=True)
    step = np.concatenate([np.ones(sum(map(len, starts))), -np.ones(sum(map(len, ends))),
                           [0, 0]])
    coverage = np.cumsum(np.bincount(where.ravel(), weights=step, minlength=len(edges)))
    inside = 2 * coverage > len(masks)  # on [edges[k], edges[k + 1])
    flips = edges[np.flatnonzero(np.diff(np.r_[False, inside]))]
    flips = flips[flips < height * width]  # the last edge closes the final run
    bounds = np.r_[0, flips, height * width]
    return MaskValue(class_name, height, width, tuple(np.diff(bounds).tolist()))
