"""The error taxonomy: each category from a constructed example, review categories mapped
(unknown ones kept), and counts per annotator, class, guideline version and week by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.quality import (
    REVIEW_ALIASES,
    ErrorCategory,
    ErrorContext,
    classify_errors,
    count_errors,
    review_finding,
)
from accord.core.regions import parse_regions

C = ErrorCategory
EXAMPLES = settings(max_examples=50, deadline=None)
coordinates = st.floats(0, 100, allow_nan=False)
box_lists = st.lists(st.tuples(st.sampled_from(["car", "bus"]), coordinates, coordinates,
                               st.floats(1, 40), st.floats(1, 40), st.booleans()), max_size=6)


def box_regions(specs, prefix):
    return [box(f"{prefix}{i}", cls, x, y, w, h, occluded=occluded)
            for i, (cls, x, y, w, h, occluded) in enumerate(specs)]


def box(rid, cls="car", x=0.0, y=0.0, w=10.0, h=10.0, **attributes):
    region = {"id": rid, "label": "objects", "type": "bbox",
              "value": {"class": cls, "x": x, "y": y, "width": w, "height": h}}
    return {**region, "attributes": attributes} if attributes else region


def span(rid, start, end, cls="PER"):
    return {"id": rid, "label": "entities", "type": "span",
            "value": {"class": cls, "start": start, "end": end}}


def categories(candidate, reference, **kwargs):
    return [(f.category, f.candidate_id, f.reference_id)
            for f in classify_errors(candidate, reference, **kwargs)]


def test_a_gold_region_without_a_counterpart_is_a_missed_object():
    assert categories([box("m", x=100)], [box("g")]) == [
        (C.MISSED_OBJECT, None, "g"), (C.EXTRA_OBJECT, "m", None)]


def test_a_matched_region_of_another_class_is_a_wrong_class():
    [finding] = classify_errors([box("m", cls="bus")], [box("g", cls="car")])
    assert finding.category is C.WRONG_CLASS and finding.class_name == "car"
    assert finding.detail == "'bus' instead of 'car'" and finding.label == "objects"


@pytest.mark.parametrize(("candidate", "expected"), [
    (box("m", w=12, h=12), C.LOOSE_GEOMETRY),  # IoU 100/144 = 0.69, area ratio 1.44
    (box("m", w=8, h=8), C.TIGHT_GEOMETRY),  # IoU 0.64, ratio 0.64
    (box("m", x=2, y=0), C.SHIFTED_GEOMETRY),  # IoU 80/120 = 0.67, ratio 1
    (box("m", x=0.2), None),  # IoU 0.96: within the geometry threshold
])
def test_geometry_errors_are_told_apart_by_the_area_ratio(candidate, expected):
    found = categories([candidate], [box("g")])
    assert found == ([] if expected is None else [(expected, "m", "g")])


def test_the_area_tolerance_decides_between_loose_and_shifted():
    candidate, reference = [box("m", x=1, w=10.5)], [box("g")]  # IoU 0.826, ratio 1.05
    assert categories(candidate, reference)[0][0] is C.SHIFTED_GEOMETRY
    assert categories(candidate, reference, area_tolerance=0.01)[0][0] is C.LOOSE_GEOMETRY


def test_polygon_and_mask_geometry_use_their_areas():
    square = {"id": "g", "label": "areas", "type": "polygon",
              "value": {"class": "lake", "points": [[0, 0], [10, 0], [10, 10], [0, 10]]}}
    larger = {**square, "id": "m",
              "value": {"class": "lake", "points": [[0, 0], [12, 0], [12, 12], [0, 12]]}}
    assert categories([larger], [square]) == [(C.LOOSE_GEOMETRY, "m", "g")]

    def mask(rid, counts):  # a 4 × 4 image, column-major runs
        return {"id": rid, "label": "seg", "type": "mask",
                "value": {"class": "sky", "rle": {"size": [4, 4], "counts": counts}}}
    gold = mask("g", [0, 12, 4])  # the first three columns
    assert categories([mask("m", [0, 8, 8])], [gold]) == [(C.TIGHT_GEOMETRY, "m", "g")]


def test_misplaced_keypoints_are_shifted_geometry():
    def person(rid, dx):
        return {"id": rid, "label": "pose", "type": "keypoints",
                "value": {"class": "person", "points": [[10 + dx, 10, 2], [30 + dx, 40, 2]]}}
    sigmas = [0.5, 0.5]  # OKS = exp(-dx² / 1200): 0.72 at dx = 20
    assert categories([person("m", 0)], [person("g", 0)], keypoint_sigmas=sigmas) == []
    [(category, _, _)] = categories([person("m", 20)], [person("g", 0)], keypoint_sigmas=sigmas)
    assert category is C.SHIFTED_GEOMETRY


def test_a_span_with_other_boundaries_is_a_span_boundary_error():
    [finding] = classify_errors([span("m", 2, 10)], [span("g", 0, 10)])
    assert finding.category is C.SPAN_BOUNDARY and finding.detail == "start 0 → 2, end 10 → 10"
    assert classify_errors([span("m", 2, 10)], [span("g", 0, 10)], boundary_tolerance=2) == ()


def test_an_audio_segment_boundary_is_compared_in_seconds():
    def segment(rid, start, end):
        return {"id": rid, "label": "speech", "type": "audio_segment",
                "value": {"class": "talk", "start": start, "end": end}}
    candidate, reference = [segment("m", 1.05, 4.0)], [segment("g", 1.0, 4.0)]
    assert categories(candidate, reference) == [(C.SPAN_BOUNDARY, "m", "g")]
    assert categories(candidate, reference, boundary_tolerance=0.1) == []


def test_each_differing_attribute_is_one_wrong_attribute_finding():
    findings = classify_errors([box("m", occluded=True, quality="good")],
                               [box("g", occluded=False, truncated=True, quality="good")])
    assert [(f.category, f.detail) for f in findings] == [
        (C.WRONG_ATTRIBUTE, "occluded: True instead of False"),
        (C.WRONG_ATTRIBUTE, "truncated: '(not set)' instead of True")]


def test_answers_of_classification_rating_and_multilabel_are_wrong_labels():
    def answer(rid, label, kind, value):
        return {"id": rid, "label": label, "type": kind, "value": value}
    candidate = [answer("m1", "mood", "classification", {"class": "happy"}),
                 answer("m2", "stars", "rating", {"rating": 4}),
                 answer("m3", "topics", "multilabel", {"classes": ["price", "staff"]})]
    reference = [answer("g1", "mood", "classification", {"class": "sad"}),
                 answer("g2", "stars", "rating", {"rating": 4}),
                 answer("g3", "topics", "multilabel", {"classes": ["price", "delivery"]}),
                 answer("g4", "urgent", "classification", {"class": "yes"})]
    findings = classify_errors(candidate, reference)
    assert [(f.category, f.label, f.detail) for f in findings] == [
        (C.WRONG_LABEL, "mood", "'happy' instead of 'sad'"),
        (C.WRONG_LABEL, "topics", "missing ['delivery'], extra ['staff']"),
        (C.MISSED_OBJECT, "urgent", "")]


def test_transcriptions_are_compared_through_the_matched_regions():
    def text(rid, target, words):
        return {"id": rid, "label": "ocr", "type": "transcription",
                "value": {"text": words, **({"region": target} if target else {})}}
    candidate = [box("m1"), box("m2", x=100), text("t1", "m1", "EXIT"), text("t2", "m2", "OPEN"),
                 text("t3", None, "a sign")]
    reference = [box("g1"), box("g2", x=100), text("u1", "g1", "EX1T"), text("u2", "g2", "OPEN"),
                 text("u3", None, "a sign")]
    assert categories(candidate, reference) == [(C.WRONG_TRANSCRIPTION, "t1", "u1")]
    assert categories([text("t3", None, "a sign")], []) == [(C.EXTRA_OBJECT, "t3", None)]


def test_relations_are_compared_between_matched_ends():
    def relation(rid, source, target, cls="works_for"):
        return {"id": rid, "label": "links", "type": "relation",
                "value": {"from": source, "to": target, "class": cls}}
    candidate = [span("a", 0, 4), span("b", 10, 14, "ORG"), relation("r", "b", "a")]
    reference = [span("x", 0, 4), span("y", 10, 14, "ORG"), relation("q", "x", "y")]
    assert categories(candidate, reference) == [(C.WRONG_RELATION, None, "q"),
                                                (C.WRONG_RELATION, "r", None)]
    same = [span("a", 0, 4), span("b", 10, 14, "ORG"), relation("r", "a", "b")]
    assert categories(same, reference) == []


def test_identical_annotations_have_no_errors_and_json_is_accepted():
    regions = [box("g", occluded=False), span("s", 0, 5)]
    assert classify_errors(regions, regions) == ()
    assert classify_errors(parse_regions(regions), regions) == ()


def test_bad_input_for_classification_is_refused():
    with pytest.raises(InputError, match="the candidate regions cannot be read"):
        classify_errors([{"id": "x"}], [])
    with pytest.raises(InputError, match="match_threshold must be in"):
        classify_errors([], [], match_threshold=0)
    with pytest.raises(InputError, match="area_tolerance and boundary_tolerance"):
        classify_errors([], [], area_tolerance=-1)


@pytest.mark.parametrize(("given", "expected"), [
    ("Missing object", C.MISSED_OBJECT), ("false-positive", C.EXTRA_OBJECT),
    ("WRONG_CLASS", C.WRONG_CLASS), ("too big", C.LOOSE_GEOMETRY), ("cropped", C.TIGHT_GEOMETRY),
    ("misaligned", C.SHIFTED_GEOMETRY), ("wrong boundaries", C.SPAN_BOUNDARY),
    ("attribute", C.WRONG_ATTRIBUTE), ("wrong rating", C.WRONG_LABEL),
    ("typo", C.WRONG_TRANSCRIPTION), ("missing relation", C.WRONG_RELATION),
])
def test_review_categories_map_onto_the_taxonomy(given, expected):
    finding = review_finding(given, label="objects", class_name="car", region_id="r7")
    assert finding.category is expected and finding.name == expected.value
    assert (finding.candidate_id, finding.reference_id, finding.class_name) == ("r7", None, "car")


def test_every_alias_is_normalised_and_names_a_real_category():
    for alias, category in REVIEW_ALIASES.items():
        assert alias == "_".join(alias.split()) and alias.islower()
        assert review_finding(alias).category is category


def test_unknown_review_categories_are_kept_as_custom():
    finding = review_finding("  Blurry image ", detail="cannot tell")
    assert finding.category is C.CUSTOM and finding.name == "Blurry image"
    assert finding.custom_category == "Blurry image" and finding.detail == "cannot tell"


def test_the_projects_own_aliases_come_first():
    aliases = {"Box too big": C.LOOSE_GEOMETRY, "typo": "wrong_label", "artefact": "custom"}
    assert review_finding("box too big", aliases=aliases).category is C.LOOSE_GEOMETRY
    assert review_finding("Typo", aliases=aliases).category is C.WRONG_LABEL
    assert review_finding("artefact", aliases=aliases).name == "artefact"
    with pytest.raises(InputError, match="alias 'x' maps to 'nonsense'"):
        review_finding("x", aliases={"x": "nonsense"})
    with pytest.raises(InputError, match="non-empty string"):
        review_finding(" ")


def test_counts_per_annotator_class_version_and_week_by_hand():
    monday = datetime(2026, 11, 2, 8, tzinfo=UTC)  # 2026-W45
    missed = review_finding("missing", class_name="car")
    loose = review_finding("too big", class_name="car")
    blurry = review_finding("blurry image")
    [wrong_class] = classify_errors([box("m", cls="bus")], [box("g", cls="car")])
    entries = [
        (missed, ErrorContext("ann", "v1", monday)),
        (missed, ErrorContext("ann", "v1", monday + timedelta(days=1))),
        (loose, ErrorContext("ann", "v2", monday + timedelta(days=7))),
        (wrong_class, ("bob", "v2", date(2026, 11, 9))),
        (blurry, ("bob", "v2", None)),
        # Sunday 23:30 in UTC-2 is Monday 01:30 UTC: week 46
        (loose, ErrorContext("bob", "v1", datetime(2026, 11, 8, 23, 30,
                                                   tzinfo=timezone(timedelta(hours=-2))))),
    ]
    counts = count_errors(entries)
    assert counts.totals == {"missed_object": 2, "loose_geometry": 2, "wrong_class": 1,
                             "blurry image": 1}
    assert counts.by_annotator == {
        "ann": {"missed_object": 2, "loose_geometry": 1},
        "bob": {"wrong_class": 1, "blurry image": 1, "loose_geometry": 1}}
    assert counts.by_class == {"car": {"missed_object": 2, "loose_geometry": 2,
                                       "wrong_class": 1},
                               None: {"blurry image": 1}}
    assert counts.by_guideline_version == {
        "v1": {"missed_object": 2, "loose_geometry": 1},
        "v2": {"loose_geometry": 1, "wrong_class": 1, "blurry image": 1}}
    assert counts.by_week == {"2026-W45": {"missed_object": 2},
                              "2026-W46": {"loose_geometry": 2, "wrong_class": 1},
                              None: {"blurry image": 1}}
    assert counts.cells[("ann", "car", "v1", "2026-W45", "missed_object")] == 2
    assert sum(counts.cells.values()) == len(entries)


def test_no_findings_count_to_nothing_and_bad_entries_are_refused():
    empty = count_errors([])
    assert empty.totals == {} and empty.cells == {} and empty.by_week == {}
    with pytest.raises(InputError, match="entry 0 should be a \\(finding, context\\) pair"):
        count_errors([("missing", ErrorContext("ann"))])
    with pytest.raises(InputError, match="entry 0: the context should be"):
        count_errors([(review_finding("missing"), "ann")])
    with pytest.raises(InputError, match="entry 0: the time should be"):
        count_errors([(review_finding("missing"), ErrorContext("ann", None, "monday"))])


@EXAMPLES
@given(box_lists)
def test_an_annotation_has_no_errors_against_itself(specs):
    regions = box_regions(specs, "r")
    assert classify_errors(regions, regions) == ()


@EXAMPLES
@given(box_lists, box_lists)
def test_swapping_candidate_and_reference_swaps_missed_and_extra(first, second):
    def tally(candidate, reference):
        found = [f.category for f in classify_errors(candidate, reference)]
        return {category: found.count(category) for category in C}
    forward = tally(box_regions(first, "a"), box_regions(second, "b"))
    backward = tally(box_regions(second, "b"), box_regions(first, "a"))
    assert forward[C.MISSED_OBJECT] == backward[C.EXTRA_OBJECT]
    assert forward[C.WRONG_CLASS] == backward[C.WRONG_CLASS]
    assert forward[C.WRONG_ATTRIBUTE] == backward[C.WRONG_ATTRIBUTE]
    n_geometry = forward[C.LOOSE_GEOMETRY] + forward[C.TIGHT_GEOMETRY]
    assert n_geometry == backward[C.LOOSE_GEOMETRY] + backward[C.TIGHT_GEOMETRY]
    assert forward[C.LOOSE_GEOMETRY] == backward[C.TIGHT_GEOMETRY]
