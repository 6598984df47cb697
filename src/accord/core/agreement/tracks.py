"""Agreement between annotators on video tracks: per frame (F1, mean IoU) and per track
(CLEAR MOT's MOTA and identity switches, IDF1).

Each track's box on each frame comes from its keyframes (`accord.core.tracks`: linear
between keyframes, hidden after an `outside` one, held after the last one to the video's
last frame, `frame_counts[unit] - 1`; without a frame count, to the last keyframe any
annotator marked on the unit). For every unit (a video) and every pair of annotators who
both annotated it, on every frame the two annotators' boxes are compared; a box pair is
**eligible** on a frame when the boxes have the same class and IoU >= `threshold` (> 0).

- **Per frame**: on each frame the boxes are matched one-to-one, maximising total IoU (the
  assignment of `agreement.regions`), and the counts are summed over frames: F1 = 2 m /
  (n_first + n_second), precision, recall and the mean IoU of the matches, symmetric.
- **CLEAR MOT** (Bernardin & Stiefelhagen 2008), one annotator as the reference: frame by
  frame, a reference track keeps the track it was last matched to while their boxes are still
  eligible; the other boxes are then matched by the assignment. A match whose hypothesis
  track differs from the one that reference track was last matched to is an **identity
  switch** (as py-motmetrics counts them). MOTA = 1 - (misses + false positives + switches) /
  reference boxes, in (-inf, 1]; MOTP is the mean IoU of the matches. `mota` on a pair pools
  both directions (each annotator the reference once).
- **IDF1** (Ristani et al. 2016): tracks are matched one-to-one for the whole video,
  maximising the frames on which the pair is eligible (IDTP); IDF1 = 2 IDTP / (n_first +
  n_second) boxes, symmetric.

Counts are summed over units before dividing, overall, per class (of the reference box or
track) and per annotator pair. Frames where every box has at most one eligible partner are
decided without a Python loop (any matching takes every eligible pair there); only frames
with competing pairs are matched one by one, in frame order.

>>> a = [{"class": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "width": 10, "height": 10},
...                                     {"frame": 9, "x": 90, "y": 0, "width": 10, "height": 10}]}]
>>> b = [{"class": "car", "keyframes": [{"frame": 0, "x": 1, "y": 0, "width": 10, "height": 10},
...                                     {"frame": 4, "x": 41, "y": 0, "width": 10, "height": 10,
...                                      "outside": True}]}]
>>> result = track_agreement({"clip": {"ann": a, "bob": b}})
>>> result.overall.frames.n_matched, result.overall.first_reference.misses
(4, 6)
>>> round(result.overall.first_reference.mota, 3), round(result.overall.idf1, 3)
(0.4, 0.571)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Final

import numpy as np

from accord.core.agreement._units import AnnotatorOrder, units_of
from accord.core.agreement.regions import DetectionScore
from accord.core.errors import InputError
from accord.core.matching import _optimal_edges, match_similarity
from accord.core.overlap import box_iou_batch
from accord.core.regions import Keyframe, Region, VideoTrackValue
from accord.core.tracks import KeyframeArrays, expand_tracks

__all__ = ["ClearMot", "TrackAgreement", "TrackScore", "track_agreement"]

_CELLS_PER_CHUNK: Final = 1 << 22  # frames × boxes × boxes of IoU computed at once
_CELLS_PER_BATCH: Final = 1 << 18  # frames × boxes of the videos compared at once (~100 MB)
# Columns of the per (pair, class) counts.
_OPT, _N1, _N2, _OPT_IOU, _IDTP, _TP12, _SW12, _IOU12, _TP21, _SW21, _IOU21 = range(11)
_FIELDS: Final = 11


@dataclass(frozen=True, slots=True)
class ClearMot:
    """CLEAR MOT counts with one annotator as the reference; MOTA and MOTP are None without
    reference boxes, MOTP also without matches."""

    reference_boxes: int
    matches: int
    misses: int
    false_positives: int
    id_switches: int
    mota: float | None
    motp: float | None  # mean IoU of the matches
    undefined_because: str | None = None

    @classmethod
    def from_counts(cls, reference: int, hypothesis: int, matches: int, switches: int,
                    iou_sum: float) -> ClearMot:
        misses, false_positives = reference - matches, hypothesis - matches
        mota = (1 - (misses + false_positives + switches) / reference) if reference else None
        return cls(reference, matches, misses, false_positives, switches, mota,
                   iou_sum / matches if matches else None,
                   None if reference else "the reference annotator marked no box")


@dataclass(frozen=True, slots=True)
class TrackScore:
    """Per-frame detection counts, IDF1 and CLEAR MOT both ways for a set of comparisons."""

    frames: DetectionScore
    idf1: float | None
    id_matches: int  # IDTP: frames on which the tracks matched for the whole video agree
    first_reference: ClearMot
    second_reference: ClearMot
    mota: float | None  # both directions pooled

    @classmethod
    def from_row(cls, row: np.ndarray) -> TrackScore:
        n1, n2 = int(row[_N1]), int(row[_N2])
        first = ClearMot.from_counts(n1, n2, int(row[_TP12]), int(row[_SW12]),
                                     float(row[_IOU12]))
        second = ClearMot.from_counts(n2, n1, int(row[_TP21]), int(row[_SW21]),
                                      float(row[_IOU21]))
        errors = sum(m.misses + m.false_positives + m.id_switches for m in (first, second))
        return cls(DetectionScore.from_counts(int(row[_OPT]), n1, n2, float(row[_OPT_IOU])),
                   2 * float(row[_IDTP]) / (n1 + n2) if n1 + n2 else None, int(row[_IDTP]),
                   first, second, 1 - errors / (n1 + n2) if n1 + n2 else None)


@dataclass(frozen=True, slots=True)
class TrackAgreement:
    """Track agreement summed over units and annotator pairs. `mota[x][y]` is the MOTA of
    annotator y with x as the reference, `idf1[x][y]` the IDF1 of the pair (None on the
    diagonal and where a pair shares no unit with a box). `n_frames` counts the frames
    compared (some annotator of a compared pair had a box there), summed over units."""

    overall: TrackScore
    per_class: Mapping[Hashable, TrackScore]
    per_pair: Mapping[tuple[Hashable, Hashable], TrackScore]
    annotators: tuple[Hashable, ...]
    mota: tuple[tuple[float | None, ...], ...]
    idf1: tuple[tuple[float | None, ...], ...]
    threshold: float
    n_units: int
    n_frames: int


@dataclass(frozen=True, slots=True)
class _Boxes:
    """One annotator's tracks on one unit, expanded to a box per visible frame."""

    track: np.ndarray  # (rows,) track index
    frame: np.ndarray  # (rows,)
    box: np.ndarray  # (rows, 4)
    code: np.ndarray  # (rows,) class code
    track_code: np.ndarray  # (tracks,) class code of each track


def _read_track(track: Any, where: str) -> tuple[Hashable, KeyframeArrays]:
    value = track.value if isinstance(track, Region) else track
    if isinstance(value, VideoTrackValue):
        cls, keyframes = value.class_name, value.keyframes
    elif isinstance(value, Mapping) and {"class", "keyframes"} <= set(value):
        cls, keyframes = value["class"], value["keyframes"]
    else:
        raise InputError(f"{where} must be a video track {{'class', 'keyframes'}} or a "
                         f"video_track region; got {track!r:.80}")
    try:
        keys = [k if isinstance(k, Keyframe) else Keyframe(
            int(k["frame"]), float(k["x"]), float(k["y"]), float(k["width"]),
            float(k["height"]), bool(k.get("outside", False))) for k in keyframes]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError(f"{where}: each keyframe needs frame, x, y, width and height "
                         "numbers") from None
    if not keys:
        raise InputError(f"{where} has no keyframes; a track needs at least one")
    try:
        arrays = KeyframeArrays.of(keys)
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}") from None
    if not np.isfinite(arrays.box).all() or (arrays.box[:, 2:] < 0).any():
        raise InputError(f"{where} has a keyframe box that is not finite x, y and "
                         "non-negative width, height")
    return cls, arrays


def _expand(units: list[tuple[list[tuple[int, KeyframeArrays]], int]]) -> _Boxes:
    """The tracks of one annotator on several units, each given with its frame count, as one
    set of boxes: unit k's frames are shifted past the frames of the units before it, so the
    units never share a frame, and its tracks are numbered after theirs."""
    tracks = [(code, keys, offset) for (unit_tracks, _), offset in zip(
        units, np.cumsum([0] + [end + 1 for _, end in units[:-1]]), strict=True)
        for code, keys in unit_tracks]
    ends = [offset + end for (unit_tracks, end), offset in zip(
        units, np.cumsum([0] + [end + 1 for _, end in units[:-1]]), strict=True)
        for _ in unit_tracks]
    if not tracks:
        empty = np.zeros(0, dtype=np.int64)
        return _Boxes(empty, empty, np.zeros((0, 4)), empty, empty)
    keys = KeyframeArrays(np.concatenate([k.frame + offset for _, k, offset in tracks]),
                          np.concatenate([k.box for _, k, _ in tracks]),
                          np.concatenate([k.outside for _, k, _ in tracks]))
    owner = np.repeat(np.arange(len(tracks)), [k.frame.size for _, k, _ in tracks])
    track, frame, box = expand_tracks(keys, owner, np.array(ends, dtype=np.int64))
    track_code = np.array([code for code, _, _ in tracks], dtype=np.int64)
    return _Boxes(track, frame, box, track_code[track], track_code)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values in order and how often each occurs: `np.unique` by a sort (NumPy
    2's hashing `unique` is many times slower on these integer keys)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.append(True, ordered[1:] != ordered[:-1]))
    return ordered[first], np.diff(np.append(first, ordered.size))


def _repeated(key: np.ndarray) -> np.ndarray:
    """Whether each key occurs more than once among `key`."""
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    flag = np.zeros(key.size, dtype=bool)
    flag[1:] |= same
    flag[:-1] |= same
    out = np.empty(key.size, dtype=bool)
    out[order] = flag
    return out


def _padded(boxes: _Boxes, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The boxes on `frames` (sorted) as (frames, slots, 4), with each slot's track (-1 for
    padding) and class code."""
    keep = np.isin(boxes.frame, frames)
    row = np.searchsorted(frames, boxes.frame[keep])
    order = np.argsort(row, kind="stable")
    row = row[order]
    slot = np.arange(row.size) - np.searchsorted(row, row, side="left")
    width = int(slot.max(initial=-1)) + 1
    padded = np.zeros((frames.size, width, 4))
    track = np.full((frames.size, width), -1, dtype=np.int64)
    code = np.full((frames.size, width), -1, dtype=np.int64)
    padded[row, slot] = boxes.box[keep][order]
    track[row, slot] = boxes.track[keep][order]
    code[row, slot] = boxes.code[keep][order]
    return padded, track, code


def _eligible(first: _Boxes, second: _Boxes, threshold: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eligible box pairs on the frames both annotators have boxes, in frame order: each
    pair's frame row, track of the first, track of the second and IoU; and the frames."""
    a_frames, b_frames = _distinct(first.frame)[0], _distinct(second.frame)[0]
    frames = a_frames[np.isin(a_frames, b_frames, assume_unique=True)]
    a, a_track, a_code = _padded(first, frames)
    b, b_track, b_code = _padded(second, frames)
    chunk = max(1, _CELLS_PER_CHUNK // max(1, a.shape[1] * b.shape[1]))
    found: list[tuple[np.ndarray, ...]] = [(np.zeros(0, dtype=np.int64),) * 3 + (np.zeros(0),)]
    for start in range(0, frames.size, chunk):
        rows = slice(start, start + chunk)
        iou = box_iou_batch(a[rows], b[rows])
        ok = ((iou >= threshold) & (iou > 0) & (a_track[rows, :, None] >= 0)
              & (b_track[rows, None, :] >= 0)
              & (a_code[rows, :, None] == b_code[rows, None, :]))
        u, i, j = np.nonzero(ok)
        found.append((u + start, a_track[u + start, i], b_track[u + start, j], iou[u, i, j]))
    u, g, h, iou = (np.concatenate(column) for column in zip(*found, strict=True))
    return u, g, h, iou, frames


def _last_matches(frame: np.ndarray, ref: np.ndarray, hyp: np.ndarray, span: int):
    """A lookup of the hypothesis a reference track was last matched to before a frame,
    among the given matches."""
    key = ref * span + frame
    order = np.argsort(key, kind="stable")
    key, hyp = key[order], hyp[order]

    def last(track: int, before: int) -> tuple[int, int] | None:
        at = int(np.searchsorted(key, track * span + before)) - 1
        if at < 0 or key[at] // span != track:
            return None
        return int(key[at] % span), int(hyp[at])

    return last


def _clear_frame(edges: list[tuple[int, int, float]], previous: Mapping[int, int | None],
                 threshold: float) -> list[tuple[int, int, float]]:
    """CLEAR MOT's matching on one frame: `edges` (reference track, hypothesis track, IoU)
    eligible; a reference keeps its previous hypothesis when that pair is eligible."""
    kept: list[tuple[int, int, float]] = []
    used_g: set[int] = set()
    used_h: set[int] = set()
    for g, h, v in sorted(edges):  # by reference track, as py-motmetrics goes through them
        if previous.get(g) == h and g not in used_g and h not in used_h:
            kept.append((g, h, v))
            used_g.add(g)
            used_h.add(h)
    rest = [(g, h, v) for g, h, v in edges if g not in used_g and h not in used_h]
    if not rest:
        return kept
    rows = sorted({g for g, _, _ in rest})
    cols = sorted({h for _, h, _ in rest})
    sim = np.zeros((len(rows), len(cols)))
    for g, h, v in rest:
        sim[rows.index(g), cols.index(h)] = v
    matching = match_similarity(sim, threshold=threshold)
    return kept + [(rows[p.a], cols[p.b], p.similarity) for p in matching.pairs]


def _pair_counts(first: _Boxes, second: _Boxes, n_classes: int,
                 threshold: float) -> np.ndarray:
    """(classes, fields) counts of one unit and one pair of annotators."""
    counts = np.zeros((n_classes, _FIELDS))
    counts[:, _N1] = np.bincount(first.code, minlength=n_classes)
    counts[:, _N2] = np.bincount(second.code, minlength=n_classes)
    u, g, h, iou, frames = _eligible(first, second, threshold)
    if u.size == 0:
        return counts
    n_g, n_h = first.track_code.size, second.track_code.size
    # IDF1: tracks matched for the whole video by the frames on which they are eligible
    # (tracks of different units never share a frame: one sparse assignment, the one the
    # box batches of `matching` use, serves all).
    pair_key, together = _distinct(g * n_h + h)
    pair_g, pair_h = pair_key // n_h, pair_key % n_h
    chosen = _optimal_edges(pair_g, pair_h, together / (together.max() + 1.0))
    counts[:, _IDTP] = np.bincount(first.track_code[pair_g[chosen]], together[chosen],
                                   minlength=n_classes)
    # Frames where some box has two eligible partners are matched one by one.
    crowded = np.zeros(frames.size, dtype=bool)
    crowded[u[_repeated(u * n_g + g) | _repeated(u * n_h + h)]] = True
    simple = ~crowded[u]
    optimal = [(u[simple], g[simple], h[simple], iou[simple])]
    forward = list(optimal)
    backward = [(u[simple], h[simple], g[simple], iou[simple])]
    span = int(frames.max()) + 2
    last_forward = _last_matches(frames[u[simple]], g[simple], h[simple], span)
    last_backward = _last_matches(frames[u[simple]], h[simple], g[simple], span)
    seen_forward: dict[int, tuple[int, int]] = {}
    seen_backward: dict[int, tuple[int, int]] = {}
    for row in np.flatnonzero(crowded):
        at = slice(int(np.searchsorted(u, row)), int(np.searchsorted(u, row, side="right")))
        edges = list(zip(g[at].tolist(), h[at].tolist(), iou[at].tolist(), strict=True))
        sim_rows, sim_cols = sorted({e[0] for e in edges}), sorted({e[1] for e in edges})
        sim = np.zeros((len(sim_rows), len(sim_cols)))
        for a, b, v in edges:
            sim[sim_rows.index(a), sim_cols.index(b)] = v
        pairs = match_similarity(sim, threshold=threshold).pairs
        optimal.append(_as_arrays(row, [(sim_rows[p.a], sim_cols[p.b], p.similarity)
                                        for p in pairs]))
        frame = int(frames[row])
        for edge_list, last, seen, out in (
                (edges, last_forward, seen_forward, forward),
                ([(b, a, v) for a, b, v in edges], last_backward, seen_backward, backward)):
            previous = {}
            for track in {e[0] for e in edge_list}:
                found = [x for x in (last(track, frame), seen.get(track)) if x is not None]
                previous[track] = max(found)[1] if found else None
            chosen = _clear_frame(edge_list, previous, threshold)
            for track, other, _ in chosen:
                seen[track] = (frame, other)
            out.append(_as_arrays(row, chosen))
    _add_matches(counts, optimal, first.track_code, _OPT, _OPT_IOU, None)
    _add_matches(counts, forward, first.track_code, _TP12, _IOU12, _SW12)
    _add_matches(counts, backward, second.track_code, _TP21, _IOU21, _SW21)
    return counts


def _as_arrays(row: int, matches: list[tuple[int, int, float]]) -> tuple[np.ndarray, ...]:
    ref, hyp, value = (np.array(column) for column in zip(*matches, strict=True)) if (
        matches) else (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    return np.full(len(matches), row, dtype=np.int64), ref.astype(np.int64), hyp.astype(
        np.int64), value.astype(float)


def _add_matches(counts: np.ndarray, parts: list[tuple[np.ndarray, ...]],
                 ref_code: np.ndarray, matched: int, iou_sum: int, switches: int | None
                 ) -> None:
    """Matches (frame row, reference track, hypothesis track, IoU) into the counts by the
    reference track's class; switches: a reference track matched to another hypothesis
    track than the last time it was matched."""
    row, ref, hyp, iou = (np.concatenate(column) for column in zip(*parts, strict=True))
    n = counts.shape[0]
    counts[:, matched] += np.bincount(ref_code[ref], minlength=n)
    counts[:, iou_sum] += np.bincount(ref_code[ref], iou, minlength=n)
    if switches is None or ref.size == 0:
        return
    order = np.lexsort((row, ref))
    ref, hyp = ref[order], hyp[order]
    switched = (ref[1:] == ref[:-1]) & (hyp[1:] != hyp[:-1])
    counts[:, switches] += np.bincount(ref_code[ref[1:][switched]], minlength=n)


def _read_units(data: Any, annotators: Sequence[Hashable] | None,
                frame_counts: Mapping[Hashable, int] | None):
    order = AnnotatorOrder(annotators)
    classes: dict[Hashable, int] = {}
    units = []
    for unit, by_annotator in units_of(data, "track_agreement", "tracks", lists="track lists"):
        read: dict[Hashable, list[tuple[int, KeyframeArrays]]] = {}
        for annotator, tracks in by_annotator.items():
            order.position(annotator, f"unit {unit!r}", "tracks")
            read[annotator] = []
            for i, track in enumerate(tracks):
                cls, keys = _read_track(track, f"unit {unit!r}, annotator {annotator!r}, "
                                               f"track {i}")
                read[annotator].append((classes.setdefault(cls, len(classes)), keys))
        last = max((int(k.frame[-1]) + 1 for ts in read.values() for _, k in ts), default=0)
        given = (frame_counts or {}).get(unit)
        units.append((read, max(last, int(given)) if given is not None else last))
    return units, order.names, tuple(classes)


def track_agreement(data: Mapping[Hashable, Mapping[Hashable, Sequence[Any]]], *,
                    threshold: float = 0.5, annotators: Sequence[Hashable] | None = None,
                    frame_counts: Mapping[Hashable, int] | None = None) -> TrackAgreement:
    """Pairwise agreement on video tracks (see the module docstring).

    `data` maps each video to `{annotator: tracks}` for the annotators who annotated it (an
    empty list: annotated, nothing marked); a track is a video_track `Region`, a
    `VideoTrackValue` or `{"class", "keyframes": [{"frame", "x", "y", "width", "height",
    "outside"?}]}`. `frame_counts` gives videos' frame counts (a keyframe past one extends
    it). `annotators` fixes their order, the first of each pair being its reference.
    """
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"threshold must be above 0 and at most 1; got {threshold!r}")
    units, names, class_names = _read_units(data, annotators, frame_counts)
    pairs = tuple(combinations(range(len(names)), 2))
    counts = np.zeros((len(pairs), len(class_names), _FIELDS))
    compared = np.zeros(len(pairs), dtype=bool)
    n_frames = 0
    for p, (x, y) in enumerate(pairs):
        both = [(read[names[x]], read[names[y]], end) for read, end in units
                if names[x] in read and names[y] in read]
        compared[p] = bool(both)
        for batch in _batches(both):
            first = _expand([(a, end) for a, _, end in batch])
            second = _expand([(b, end) for _, b, end in batch])
            counts[p] += _pair_counts(first, second, len(class_names), threshold)
            n_frames += _distinct(np.concatenate([first.frame, second.frame]))[0].size
    n_units = sum(sum(name in read for name in names) >= 2 for read, _ in units)
    return _summarise(counts, compared, names, class_names, threshold, n_units, n_frames)


def _batches(units: list[Any]) -> list[list[Any]]:
    """Units (first's tracks, second's tracks, frame count) in groups whose padded arrays
    (frames × the most tracks of a unit) stay near `_CELLS_PER_BATCH`; units with as many
    tracks go together."""
    units = sorted(units, key=lambda u: max(len(u[0]), len(u[1])))
    batches: list[list[Any]] = []
    cells = 0
    for unit in units:
        width = max(len(unit[0]), len(unit[1]), 1)
        size = (unit[2] + 1) * width
        if batches and cells + size <= _CELLS_PER_BATCH:
            batches[-1].append(unit)
            cells += size
        else:
            batches.append([unit])
            cells = size
    return batches


def _summarise(counts: np.ndarray, compared: np.ndarray, names: tuple[Hashable, ...],
               class_names: tuple[Hashable, ...], threshold: float, n_units: int,
               n_frames: int) -> TrackAgreement:
    pairs = tuple(combinations(range(len(names)), 2))
    per_pair = {(names[x], names[y]): TrackScore.from_row(counts[p].sum(axis=0))
                for p, (x, y) in enumerate(pairs)}
    per_class = {name: TrackScore.from_row(counts[:, k].sum(axis=0))
                 for k, name in enumerate(class_names)}
    mota: list[list[float | None]] = [[None] * len(names) for _ in names]
    idf1: list[list[float | None]] = [[None] * len(names) for _ in names]
    for p, ((x, y), score) in enumerate(zip(pairs, per_pair.values(), strict=True)):
        if compared[p]:
            mota[x][y], mota[y][x] = score.first_reference.mota, score.second_reference.mota
            idf1[x][y] = idf1[y][x] = score.idf1
    return TrackAgreement(
        TrackScore.from_row(counts.sum(axis=(0, 1))), per_class, per_pair, names,
        tuple(tuple(row) for row in mota), tuple(tuple(row) for row in idf1), threshold,
        n_units, n_frames)
