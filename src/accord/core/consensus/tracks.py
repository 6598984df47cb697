"""Consensus of video tracks on one video from N annotators: tracks matched across annotators
and fused into one track each.

Every track is expanded to its box on each frame it is in view by `accord.core.tracks` (the
one interpolation: linear between keyframes, hidden from an `outside` keyframe to the next,
held after the last keyframe to the video's last frame: `frame_count - 1`, or without a frame
count the last keyframe any annotator marked, as `agreement.tracks` does).

1. **Match.** Two tracks of different annotators and the same class are compared as IDF1
   compares them (Ristani et al. 2016; `agreement.tracks`): a frame counts when both are in
   view there with box IoU >= `frame_iou`, and their similarity is that pair's IDF1,
   2 × frames counted / (frames the first is in view + frames the second is). So a track
   that agrees in place for half of its life is half similar, and two tracks that only
   cross each other are not similar at all. Tracks are clustered as `region_consensus`
   clusters regions, by complete linkage under a cannot-link rule: at most one track per
   annotator in a cluster, every two members at least `threshold` similar (and above 0).
2. **Keep.** A cluster is kept when more than `quorum` (default 0.5: a strict majority) of
   the unit's annotators (also those who drew nothing) drew one of its tracks; `support` is
   that share and `agreement` the mean IDF1 of the members' pairs (None for one track).
3. **Fuse.** On each frame, the fused box is the mean of the boxes of the members in view
   there; the fused track is in view only on the frames where more than `quorum` of the
   unit's annotators' tracks (members) are, and `outside` elsewhere. Its keyframes are the
   frames where the fused box is not the linear interpolation of its neighbours, found among
   the frames where any member has a keyframe (or the one before it: the mean of boxes that
   move linearly moves linearly, so it can only bend there), plus the first and last frame of
   each stretch in view (but the video's last frame, which the hold after the last keyframe
   reaches) and an `outside` keyframe on the frame after each stretch that ends before the
   video does. `frames_of` of the fused track gives back the per-frame means (to
   10⁻⁶ px); the track stays as small as its members. The track's attributes are the value
   most members set (an attribute no member set is not given); per frame, the attributes in
   force (docs/regions.md) are voted among the members in view, and a keyframe sets those
   whose vote changes. Ties go to the value already in force, else to the first in sorted
   order, so nothing depends on the annotators' order. The class is the members' (one
   class per cluster); `track_id` numbers the kept tracks 1, 2, … in their order.

Tracks come out by decreasing support, then by first frame in view, class and first box.

>>> from accord.core.regions import parse_regions
>>> def track(x, last=9):
...     return parse_regions([{"id": f"t{x}", "label": "cars", "type": "video_track",
...         "value": {"class": "car", "track_id": 1, "keyframes": [
...             {"frame": 0, "x": x, "y": 0, "width": 10, "height": 10},
...             {"frame": last, "x": x + 90, "y": 0, "width": 10, "height": 10}]}}])
>>> [fused] = track_consensus([track(0), track(2), track(1)]).tracks
>>> [(k.frame, k.x) for k in fused.value.keyframes], fused.support
([(0, 1.0), (9, 91.0)], 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from accord.core.agreement.tracks import _Boxes, _distinct, _eligible, _expand, _read_track
from accord.core.consensus.regions import _clusters
from accord.core.errors import InputError
from accord.core.regions import Keyframe, Region, VideoTrackValue
from accord.core.schema import AttributeValue
from accord.core.tracks import KeyframeArrays

__all__ = ["ConsensusTrack", "TrackConsensus", "track_consensus", "track_similarity"]

#: how far (px) a dropped keyframe's box may be from the interpolation of the kept ones
TOLERANCE_PX: Final = 1e-6


@dataclass(frozen=True, slots=True)
class ConsensusTrack:
    """One fused cluster of tracks; `members` are (annotator, index) pairs into the input."""

    label: str
    value: VideoTrackValue
    attributes: Mapping[str, AttributeValue]
    members: tuple[tuple[int, int], ...]
    support: float
    agreement: float | None
    n_frames: int  # frames the fused track is in view


@dataclass(frozen=True, slots=True)
class TrackConsensus:
    """The kept tracks of one video; `frame_count` the frames the tracks were expanded to."""

    tracks: tuple[ConsensusTrack, ...]
    n_annotators: int
    n_dropped: int  # clusters drawn by at most `quorum` of the annotators, or never in view
    frame_count: int
    undefined_because: str | None = None


@dataclass(frozen=True, slots=True)
class _Track:
    annotator: int
    index: int
    region: Region
    class_name: Hashable
    keys: KeyframeArrays


def track_consensus(annotations: Sequence[Sequence[Region]], *, threshold: float = 0.5,
                    frame_iou: float = 0.5, quorum: float = 0.5,
                    frame_count: int | None = None) -> TrackConsensus:
    """Match, keep and fuse (see the module) one video's tracks: `annotations` has one
    sequence of video_track `Region`s per annotator (empty for one who drew nothing).
    `threshold` (track IDF1) and `frame_iou` are in (0, 1], `quorum` in [0, 1);
    `frame_count` is the video's frames (a keyframe past it extends it)."""
    for name, value in (("threshold", threshold), ("frame_iou", frame_iou)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise InputError(f"{name} must be a number in (0, 1]; got {value!r}")
    if isinstance(quorum, bool) or not isinstance(quorum, (int, float)) or not 0 <= quorum < 1:
        raise InputError(f"quorum must be a share of annotators in [0, 1); got {quorum!r}")
    if isinstance(annotations, (str, bytes)) or not isinstance(annotations, Sequence):
        raise InputError("annotations must be a sequence with one list of tracks per "
                         f"annotator; got {type(annotations).__name__}")
    tracks = _read(annotations)
    end = max((int(t.keys.frame[-1]) + 1 for t in tracks), default=0)
    if frame_count is not None:
        if isinstance(frame_count, bool) or not isinstance(frame_count, int) or frame_count < 0:
            raise InputError(f"frame_count must be a whole number >= 0; got {frame_count!r}")
        end = max(end, frame_count)
    n = len(annotations)
    if not n:
        return TrackConsensus((), 0, 0, end, "no annotators")
    codes = {name: k for k, name in enumerate(dict.fromkeys(t.class_name for t in tracks))}
    boxes = [_expand([([(codes[t.class_name], t.keys) for t in tracks if t.annotator == a],
                       end)]) for a in range(n)]
    similarity = _similarity(tracks, boxes, n, frame_iou)
    annotator = np.array([t.annotator for t in tracks], dtype=np.int64)
    clusters = _clusters(similarity, annotator, [str(t.class_name) for t in tracks],
                         threshold, "must_match")
    fused = []
    for members in clusters:
        if len(members) <= quorum * n:
            continue
        shown = [_visible(boxes, tracks[m]) for m in members]
        track = _fuse([tracks[m] for m in members], shown,
                      similarity[np.ix_(members, members)], n, quorum, end)
        if track is not None:
            fused.append(track)
    fused.sort(key=lambda t: (-t.support, t.value.keyframes[0].frame, t.value.class_name,
                              _box(t.value.keyframes[0])))
    numbered = tuple(_numbered(t, k + 1) for k, t in enumerate(fused))
    return TrackConsensus(numbered, n, len(clusters) - len(fused), end)


def _read(annotations: Sequence[Sequence[Region]]) -> list[_Track]:
    tracks = []
    for a, regions in enumerate(annotations):
        if isinstance(regions, (str, bytes)) or not isinstance(regions, Sequence):
            raise InputError(f"annotations[{a}] must be a list of tracks; got "
                             f"{type(regions).__name__}")
        for i, region in enumerate(regions):
            if not isinstance(region, Region) or not isinstance(region.value, VideoTrackValue):
                raise InputError(f"annotations[{a}][{i}] should be a parsed video_track Region "
                                 f"(accord.core.regions.parse_regions); got {region!r:.80}")
            class_name, keys = _read_track(region, f"annotations[{a}][{i}]")
            tracks.append(_Track(a, i, region, class_name, keys))
    return tracks


def _similarity(tracks: list[_Track], boxes: list[_Boxes], n: int, frame_iou: float
                ) -> np.ndarray:
    """(tracks, tracks) IDF1 of each pair of tracks of different annotators (0 elsewhere)."""
    base = np.cumsum([0] + [sum(t.annotator == a for t in tracks) for a in range(n)])
    similarity = np.zeros((len(tracks), len(tracks)))
    for x in range(n):
        for y in range(x + 1, n):
            block = _pair_idf1(boxes[x], boxes[y], int(base[x + 1] - base[x]),
                               int(base[y + 1] - base[y]), frame_iou)
            similarity[base[x]:base[x + 1], base[y]:base[y + 1]] = block
            similarity[base[y]:base[y + 1], base[x]:base[x + 1]] = block.T
    return similarity


def _pair_idf1(first: _Boxes, second: _Boxes, n_first: int, n_second: int, frame_iou: float
               ) -> np.ndarray:
    """(n_first, n_second) IDF1 of each track of one annotator with each of another's: 2 ×
    the frames both are in view with box IoU >= `frame_iou` (and the same class code) over
    the frames each is in view."""
    out = np.zeros((n_first, n_second))
    if not first.frame.size or not second.frame.size:
        return out
    _, g, h, _, _ = _eligible(first, second, frame_iou)
    pair, together = _distinct(g * n_second + h)
    g, h = pair // n_second, pair % n_second
    frames_first = np.bincount(first.track, minlength=n_first)
    frames_second = np.bincount(second.track, minlength=n_second)
    out[g, h] = 2 * together / (frames_first[g] + frames_second[h])
    return out


def track_similarity(a: Sequence[Region], b: Sequence[Region], *, frame_iou: float = 0.5
                     ) -> np.ndarray:
    """(n, m) similarity of video_track regions `a[i]` and `b[j]`: their IDF1, as
    `track_consensus` matches tracks (frames both are in view with box IoU >= `frame_iou`,
    twice, over the frames each is in view; a track held after its last keyframe to the
    last keyframe either side marked). Classes are not looked at (as in
    `overlap.region_similarity`, which gives this for tracks)."""
    first = [_read_track(r, f"a[{i}]")[1] for i, r in enumerate(a)]
    second = [_read_track(r, f"b[{j}]")[1] for j, r in enumerate(b)]
    end = max((int(k.frame[-1]) + 1 for k in (*first, *second)), default=0)
    return _pair_idf1(_expand([([(0, k) for k in first], end)]),
                      _expand([([(0, k) for k in second], end)]), len(first), len(second),
                      frame_iou)


def _visible(boxes: list[_Boxes], track: _Track) -> tuple[np.ndarray, np.ndarray]:
    """The frames a track is in view (sorted) and its boxes there: its annotator's boxes
    number that annotator's tracks in input order, so its index is its number there."""
    mine = boxes[track.annotator]
    rows = mine.track == track.index
    return mine.frame[rows], mine.box[rows]


def _mean_in_view(shown: list[tuple[np.ndarray, np.ndarray]], n: int, quorum: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The frames where more than `quorum` of the n annotators' tracks are in view, and the
    mean box of those in view on each."""
    frames = np.concatenate([f for f, _ in shown])
    values = np.concatenate([b for _, b in shown])
    distinct, where = np.unique(frames, return_inverse=True)
    count = np.bincount(where, minlength=distinct.size)
    sums = np.stack([np.bincount(where, values[:, c], minlength=distinct.size)
                     for c in range(4)], axis=1)
    in_view = count > quorum * n
    return distinct[in_view], sums[in_view] / count[in_view, None]


def _fuse(members: list[_Track], shown: list[tuple[np.ndarray, np.ndarray]],
          similarity: np.ndarray, n: int, quorum: float, end: int) -> ConsensusTrack | None:
    frame, box = _mean_in_view(shown, n, quorum)
    if not frame.size:
        return None
    gap = np.flatnonzero(np.diff(frame) > 1)
    starts, ends = np.r_[0, gap + 1], np.r_[gap, frame.size - 1]
    keyed = np.concatenate([m.keys.frame for m in members])
    candidate = np.isin(frame, np.concatenate([keyed, keyed - 1]))
    forced = np.zeros(frame.size, dtype=bool)
    forced[starts], forced[ends[:-1]] = True, True
    if frame[ends[-1]] + 1 < end:  # else on the last frame, which the hold reaches
        forced[ends[-1]] = True
    attributes, changes = _attributes(members, shown, frame, keyed, starts)
    forced |= np.isin(frame, np.fromiter(changes, dtype=np.int64, count=len(changes)))
    kept = _kept_rows(frame, box, np.flatnonzero(candidate | forced), forced)
    keyframes = []
    last_rows = set(ends.tolist())
    for row in kept:
        f = int(frame[row])
        keyframes.append(Keyframe(f, *_box_of(box[row]), attributes=changes.get(f, {})))
        if row in last_rows and f + 1 < end:
            keyframes.append(Keyframe(f + 1, *_box_of(box[row]), outside=True))
    k = len(members)
    agreement = None if k == 1 else float(similarity[np.triu_indices(k, 1)].mean())
    first = members[0]
    value = VideoTrackValue(str(first.region.value.class_name), 0,  # type: ignore[union-attr]
                            tuple(keyframes))
    return ConsensusTrack(first.region.label, value, attributes,
                          tuple((m.annotator, m.index) for m in members), k / n, agreement,
                          int(frame.size))


def _kept_rows(frame: np.ndarray, box: np.ndarray, candidates: np.ndarray,
               forced: np.ndarray) -> list[int]:
    """The candidate rows to keep as keyframes: forced ones, and each one whose dropping
    would move a candidate between the kept neighbours off their linear interpolation by
    more than TOLERANCE_PX. Between candidates the boxes move linearly, so checking the
    candidates checks every frame. Runs in view start and end on forced rows (the last one
    on the last candidate, after which every member holds its box)."""
    rows = candidates.tolist()
    kept = [rows[0]]
    anchor = 0
    for j in range(1, len(rows)):
        row = rows[j]
        if forced[row] or j + 1 == len(rows):
            kept.append(row)
            anchor = j
            continue
        between = np.array(rows[anchor + 1:j + 1])
        a, b = kept[-1], rows[j + 1]
        t = (frame[between] - frame[a]) / (frame[b] - frame[a])
        line = box[a] + (box[b] - box[a]) * t[:, None]
        if np.abs(box[between] - line).max() > TOLERANCE_PX:
            kept.append(row)
            anchor = j
    return kept


_UNSET: Final = object()


def _attributes(members: list[_Track], shown: list[tuple[np.ndarray, np.ndarray]],
                frame: np.ndarray, keyed: np.ndarray, starts: np.ndarray
                ) -> tuple[dict[str, AttributeValue], dict[int, dict[str, AttributeValue]]]:
    """The fused track's attributes and, by frame, the per-frame attributes its keyframes set
    (see the module)."""
    regions = [m.region for m in members]
    if not any(r.attributes or any(k.attributes for k in r.value.keyframes)  # type: ignore[union-attr]
               for r in regions):
        return {}, {}
    track: dict[str, AttributeValue] = {}
    for name in sorted({name for r in regions for name in r.attributes}):
        track[name] = _vote([r.attributes[name] for r in regions if name in r.attributes],
                            _UNSET)
    states = []  # per member: the attributes in force from each of its keyframes on
    for region in regions:
        state = dict(region.attributes)
        mine = []
        for key in region.value.keyframes:  # type: ignore[union-attr]
            state = {**state, **key.attributes}
            mine.append(state)
        states.append(mine)
    moments = np.unique(np.concatenate([keyed, frame[starts]]))
    moments = moments[np.isin(moments, frame)]
    in_force: dict[str, Any] = dict(track)
    changes: dict[int, dict[str, AttributeValue]] = {}
    for moment in moments.tolist():
        given: dict[str, list[AttributeValue]] = {}
        for member, (seen, _), state in zip(members, shown, states, strict=True):
            at = int(np.searchsorted(seen, moment))
            if at < seen.size and seen[at] == moment:
                key = int(np.searchsorted(member.keys.frame, moment, side="right")) - 1
                for name, value in state[key].items():
                    given.setdefault(name, []).append(value)
        voted = {name: _vote(values, in_force.get(name, _UNSET))
                 for name, values in sorted(given.items())}
        changed = {name: v for name, v in voted.items()
                   if name not in in_force or not _same(in_force[name], v)}
        if changed:
            changes[moment] = changed
            in_force.update(changed)
    return track, changes


def _vote(values: list[AttributeValue], current: Any) -> AttributeValue:
    """The most common value; a tie goes to `current` when it is among the tied, else to the
    first in sorted order (by type name, then value)."""
    counts = Counter((type(v).__name__, v) for v in values)
    top = max(counts.values())
    tied = sorted(key for key, c in counts.items() if c == top)
    if current is not _UNSET and (type(current).__name__, current) in tied:
        return current  # type: ignore[no-any-return]
    return tied[0][1]  # type: ignore[no-any-return]


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _box_of(row: np.ndarray) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in row)
    return x, y, width, height


def _box(key: Keyframe) -> tuple[float, float, float, float]:
    return key.x, key.y, key.width, key.height


def _numbered(track: ConsensusTrack, track_id: int) -> ConsensusTrack:
    value = VideoTrackValue(track.value.class_name, track_id, track.value.keyframes)
    return ConsensusTrack(track.label, value, track.attributes, track.members, track.support,
                          track.agreement, track.n_frames)
