"""Region consensus: clusters (one region per annotator, every pair over the threshold, order
of annotators irrelevant), fusion of boxes, polygons and masks (pixel vote checked against
pycocotools bitmaps), class vote, support, agreement, quorum, degenerate input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pycocotools import mask as coco_mask

from accord.core.consensus import region_consensus
from accord.core.errors import InputError
from accord.core.matching import match_regions
from accord.core.overlap import region_similarity
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)
# pycocotools' `decode` under NumPy 2, where we use it as the reference for mask bitmaps
COCO_DECODE_WARNING = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def box(x, y=0.0, w=10.0, h=10.0, cls="car", rotation=0.0, score=None, rid=None):
    region = {"id": rid or f"b{x},{y}", "label": "objects", "type": "bbox",
              "value": {"class": cls, "x": x, "y": y, "width": w, "height": h,
                        "rotation": rotation}}
    if score is not None:
        region["score"] = score
    return region


def polygon(points, cls="car", rid="p"):
    return {"id": rid, "label": "outline", "type": "polygon",
            "value": {"class": cls, "points": points}}


def mask(bitmap, cls="car", rid="m"):
    runs, current, count = [], 0, 0
    for pixel in np.asarray(bitmap, dtype=np.uint8).ravel(order="F"):
        if pixel != current:
            runs.append(count)
            current, count = pixel, 0
        count += 1
    runs.append(count)
    height, width = np.asarray(bitmap).shape
    return {"id": rid, "label": "seg", "type": "mask",
            "value": {"class": cls, "rle": {"size": [height, width], "counts": runs}}}


def regions(*raw):
    return parse_regions(list(raw))


def square(x, size=10):
    return [[x, 0], [x + size, 0], [x + size, size], [x, size]]


# Clusters and scores

def test_overlapping_boxes_of_three_annotators_fuse_into_their_mean():
    result = region_consensus([regions(box(0)), regions(box(2)), regions(box(1, h=13))])
    [fused] = result.regions
    assert (fused.value.x, fused.value.height) == (pytest.approx(1.0), pytest.approx(11.0))
    assert fused.support == 1.0 and fused.meets_quorum
    assert fused.members == ((0, 0), (1, 0), (2, 0))
    similarity = region_similarity(regions(box(0), box(2), box(1, h=13)),
                                   regions(box(0), box(2), box(1, h=13)))
    assert fused.agreement == pytest.approx(similarity[np.triu_indices(3, 1)].mean())


def test_an_annotator_never_contributes_two_regions_to_one_cluster():
    result = region_consensus([regions(box(0), box(1, rid="twin")), regions(box(0.5))])
    assert sorted(len(r.members) for r in result.regions) == [1, 2]
    for fused in result.regions:
        annotators = [a for a, _ in fused.members]
        assert len(annotators) == len(set(annotators))


def test_regions_of_different_classes_stay_apart_unless_classes_are_ignored():
    data = [regions(box(0, cls="car")), regions(box(1, cls="bus")), regions(box(2, cls="car"))]
    assert len(region_consensus(data).regions) == 2
    [fused] = region_consensus(data, classes="ignore").regions
    assert fused.value.class_name == "car" and fused.support == 1.0


def test_a_class_tie_goes_to_the_class_of_the_medoid():
    data = [regions(box(0, cls="bus")), regions(box(1, cls="car"))]
    [fused] = region_consensus(data, classes="ignore").regions
    assert fused.value.class_name == "bus"  # two members: the first is the medoid


def test_each_attribute_takes_the_value_most_members_gave_a_tie_the_medoids():
    def tagged(x, **attributes):
        return {**box(x), "attributes": attributes}

    data = [regions(tagged(0, occluded=True, colour="red")),
            regions(tagged(1, occluded=False, colour="blue")),
            regions(tagged(2, occluded=True))]
    [fused] = region_consensus(data).regions
    assert dict(fused.attributes) == {"occluded": True, "colour": "blue"}  # blue: medoid
    [single] = region_consensus([regions(box(0))]).regions
    assert dict(single.attributes) == {}


def test_score_weights_pull_the_box_towards_the_confident_annotator():
    data = [regions(box(0, score=0.9)), regions(box(4, score=0.1))]
    [fused] = region_consensus(data, threshold=0.3, box_weights="score").regions
    assert fused.value.x == pytest.approx(0.4)
    with pytest.raises(InputError, match="box_weights='score' needs a score on every box; "
                                         "region 'b4,0' has none"):
        region_consensus([regions(box(0, score=0.9)), regions(box(4, rid="b4,0"))], threshold=0.3,
                         box_weights="score")


def test_rotations_are_averaged_on_the_circle():
    data = [regions(box(0, rotation=350.0)), regions(box(0, rotation=10.0))]
    [fused] = region_consensus(data, threshold=0.3).regions
    assert fused.value.rotation == pytest.approx(0.0, abs=1e-9)


def test_a_polygon_cluster_is_represented_by_its_medoid():
    data = [regions(polygon(square(0))), regions(polygon(square(1))),
            regions(polygon(square(3)))]
    [fused] = region_consensus(data, threshold=0.4).regions
    assert fused.value.points == tuple((float(x), float(y)) for x, y in square(1))


def test_quorum_drops_or_marks_clusters_with_too_little_support():
    data = [regions(box(0), box(50)), regions(box(1)), regions(box(2))]
    dropped = region_consensus(data, quorum=0.5)
    assert [r.support for r in dropped.regions] == [1.0] and dropped.n_dropped == 1
    marked = region_consensus(data, quorum=0.5, below_quorum="mark")
    assert [r.meets_quorum for r in marked.regions] == [True, False]
    assert marked.regions[1].agreement is None and marked.n_dropped == 0


# Masks

@COCO_DECODE_WARNING
def test_the_pixel_vote_keeps_pixels_most_members_cover():
    base = np.zeros((4, 5), dtype=np.uint8)
    first, second, third = base.copy(), base.copy(), base.copy()
    first[0:3, 0:3] = 1
    second[1:4, 0:3] = 1
    third[0:3, 1:4] = 1
    data = [regions(mask(m, rid=f"m{i}")) for i, m in enumerate((first, second, third))]
    [fused] = region_consensus(data, threshold=0.25).regions
    expected = (first.astype(int) + second + third) >= 2
    assert decoded(fused.value).tolist() == expected.tolist()
    [medoid] = region_consensus(data, threshold=0.25, mask_fusion="medoid").regions
    assert medoid.value.counts in {r[0].value.counts for r in data}


def decoded(value):
    rle = coco_mask.frPyObjects({"size": [value.height, value.width],
                                 "counts": list(value.counts)}, value.height, value.width)
    return coco_mask.decode(rle).astype(bool)


@COCO_DECODE_WARNING
@EXAMPLES
@given(st.integers(1, 5), st.integers(2, 6), st.integers(2, 6), st.data())
def test_the_pixel_vote_matches_a_majority_of_pycocotools_bitmaps(n, height, width, data):
    bitmaps = [np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=width,
                                                    max_size=width),
                                           min_size=height, max_size=height)))
               for _ in range(n)]
    assume(all(b.any() for b in bitmaps))
    annotations = [regions(mask(b, rid=f"m{i}")) for i, b in enumerate(bitmaps)]
    result = region_consensus(annotations, threshold=0.0)
    for fused in result.regions:
        members = [bitmaps[a] for a, _ in fused.members]
        expected = 2 * np.sum(members, axis=0) > len(members)
        assert decoded(fused.value).tolist() == expected.tolist()
        assert sum(fused.value.counts) == height * width


# Properties of the clustering

@st.composite
def box_annotations(draw):
    n_annotators = draw(st.integers(1, 4))
    coordinate = st.floats(0, 60, allow_nan=False).map(lambda v: round(v, 1))
    size = st.floats(2, 20).map(lambda v: round(v, 1))
    out = []
    for a in range(n_annotators):
        n = draw(st.integers(0, 4))
        out.append(regions(*[box(draw(coordinate), draw(coordinate), draw(size), draw(size),
                                 cls=draw(st.sampled_from(["car", "bus"])), rid=f"a{a}r{i}")
                             for i in range(n)]))
    return out


@EXAMPLES
@given(box_annotations(), st.sampled_from([0.1, 0.5, 0.8]))
def test_every_pair_in_a_cluster_overlaps_by_the_threshold(annotations, threshold):
    result = region_consensus(annotations, threshold=threshold)
    assert sum(len(r.members) for r in result.regions) == sum(map(len, annotations))
    for fused in result.regions:
        members = [annotations[a][i] for a, i in fused.members]
        similarity = region_similarity(members, members)
        assert similarity[~np.eye(len(members), dtype=bool)].min(initial=1.0) >= threshold
        assert len({a for a, _ in fused.members}) == len(members)
        assert len({r.value.class_name for r in members}) == 1
        assert fused.support == len(members) / len(annotations)


@EXAMPLES
@given(box_annotations(), st.randoms())
def test_the_order_of_annotators_does_not_change_the_clusters(annotations, rng):
    order = list(range(len(annotations)))
    rng.shuffle(order)

    def clusters(data):
        return {frozenset(data[a][i].id for a, i in r.members)
                for r in region_consensus(data).regions}

    assert clusters(annotations) == clusters([annotations[a] for a in order])


@EXAMPLES
@given(box_annotations())
def test_two_annotators_without_competing_partners_cluster_as_the_optimal_matching(data):
    assume(len(data) >= 2)
    first, second = data[0], data[1]
    similarity = region_similarity(first, second) if first and second else np.zeros((0, 0))
    same = np.array([[a.value.class_name == b.value.class_name for b in second]
                     for a in first], dtype=bool).reshape(similarity.shape)
    eligible = (similarity >= 0.5) & same
    assume((eligible.sum(axis=0) <= 1).all() and (eligible.sum(axis=1) <= 1).all())
    expected = {(p.a, p.b) for p in match_regions(first, second).pairs}
    result = region_consensus([first, second])
    pairs = {(r.members[0][1], r.members[1][1]) for r in result.regions if len(r.members) == 2}
    assert pairs == expected


# Degenerate input

def test_no_annotators_is_undefined_and_empty_annotations_give_no_regions():
    assert region_consensus([]).undefined_because == "no annotators"
    result = region_consensus([[], []])
    assert (result.regions, result.n_annotators, result.undefined_because) == ((), 2, None)


def test_a_single_annotator_keeps_every_region_with_full_support():
    result = region_consensus([regions(box(0), box(0.5))])
    assert [r.support for r in result.regions] == [1.0, 1.0]
    assert [r.agreement for r in result.regions] == [None, None]


@pytest.mark.parametrize(("options", "message"), [
    ({"threshold": 1.5}, r"threshold must be a number in \[0, 1\]; got 1.5"),
    ({"quorum": -1}, r"quorum must be a number in \[0, 1\]; got -1"),
    ({"classes": "any"}, "classes must be 'must_match' or 'ignore'; got 'any'"),
    ({"below_quorum": "hide"}, "below_quorum must be 'drop' or 'mark'; got 'hide'"),
    ({"box_weights": "area"}, "box_weights must be 'equal' or 'score'; got 'area'"),
    ({"mask_fusion": "union"}, "mask_fusion must be 'pixel_vote' or 'medoid'; got 'union'"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(InputError, match=message):
        region_consensus([regions(box(0))], **options)


def test_regions_that_cannot_be_fused_are_refused_with_their_position():
    span = parse_regions([{"id": "s", "label": "ner", "type": "span",
                           "value": {"class": "PER", "start": 0, "end": 3}}])
    with pytest.raises(InputError, match=r"annotations\[1\]\[0\] is a 'span' region"):
        region_consensus([regions(box(0)), span])
    with pytest.raises(InputError, match=r"annotations\[0\]\[0\] should be a parsed Region"):
        region_consensus([[box(0)]])


def _segments(kind: str, *ranges: tuple[float, float, str]) -> list:
    return parse_regions([{"id": f"s{i}", "label": "who", "type": kind,
                           "value": {"class": cls, "start": start, "end": end}}
                          for i, (start, end, cls) in enumerate(ranges)])


def test_audio_segments_matched_by_temporal_iou_fuse_into_their_mean_start_and_end():
    result = region_consensus([_segments("audio_segment", (1.0, 3.0, "ann"), (5.0, 6.0, "bob")),
                               _segments("audio_segment", (1.2, 3.4, "ann")),
                               _segments("audio_segment", (0.8, 2.9, "ann"))], quorum=0.5)
    [fused] = result.regions
    assert fused.value.class_name == "ann"
    assert (round(fused.value.start, 9), round(fused.value.end, 9)) == (1.0, 3.1)
    assert fused.support == 1.0 and result.n_dropped == 1  # bob's segment: one annotator of three


def test_video_segments_fuse_to_whole_frames_at_least_one_long():
    result = region_consensus([_segments("video_segment", (10, 20, "night")),
                               _segments("video_segment", (11, 22, "night"))])
    [fused] = result.regions
    assert (fused.value.start, fused.value.end) == (10, 21)  # 10.5 and 21 rounded half to even
    single = region_consensus([_segments("video_segment", (4, 5, "day")),
                               _segments("video_segment", (4, 5, "day"))]).regions[0].value
    assert (single.start, single.end) == (4, 5)
    assert region_similarity(_segments("video_segment", (0, 10, "a")),
                             _segments("video_segment", (5, 10, "a"))).tolist() == [[0.5]]
