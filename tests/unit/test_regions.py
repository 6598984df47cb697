"""Region parsing: the quick path for flat, well-formed regions reads what the full reader does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core._json_reader import DocumentReader, index_path
from accord.core.regions import PartialRegions, RegionIssue, _read_region, parse_regions_partial

ODD = st.sampled_from([None, True, "", "x", 0, -3, 2.5, float("nan"), float("inf"), [], {}])
VALUES = {
    "bbox": {"class": st.sampled_from(["car", "bus"]), "x": st.floats(-1e3, 1e3),
             "y": st.integers(-5, 5), "width": st.floats(0, 50), "height": st.floats(0, 50),
             "rotation": st.floats(-360, 360)},
    "classification": {"class": st.sampled_from(["day", "night"])},
    "rating": {"rating": st.integers(1, 5)},
    "span": {"class": st.just("PER"), "start": st.integers(0, 9), "end": st.integers(0, 9)},
    "relation": {"class": st.just("owns"), "from": st.just("r1"), "to": st.just("r2")},
    "transcription": {"text": st.text(max_size=5), "region": st.just("r1")},
    "audio_segment": {"class": st.just("speech"), "start": st.floats(0, 9),
                      "end": st.floats(0, 9)},
    "polygon": {"class": st.just("car"), "points": st.just([[0, 0], [1, 0], [0, 1]])},
}


@st.composite
def regions(draw):
    """A region of a random type, well formed or damaged in one or two places."""
    kind = draw(st.sampled_from(sorted(VALUES)))
    value = {key: draw(field) for key, field in VALUES[kind].items()
             if draw(st.booleans()) or key != "rotation"}
    region = {"id": draw(st.sampled_from(["r1", "b7"])), "label": "objects", "type": kind,
              "value": value}
    if draw(st.booleans()):
        region["attributes"] = draw(st.dictionaries(
            st.sampled_from(["occluded", "note"]), st.one_of(st.booleans(), ODD), max_size=2))
    if draw(st.booleans()):
        region["score"] = draw(st.one_of(st.floats(0, 1), ODD))
    for _ in range(draw(st.integers(0, 2))):
        where = draw(st.sampled_from(["region", "value"]))
        target = region if where == "region" else value
        key = draw(st.sampled_from(sorted({*target, "extra"})))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(ODD)
    return region


def full_reader(raw: list) -> PartialRegions:
    """What `parse_regions_partial` gives without its quick path."""
    found, issues = [], []
    for index, item in enumerate(raw):
        reader = DocumentReader()
        region = _read_region(reader, item, index_path("regions", index))
        if reader.problems or region is None:
            region_id = item.get("id") if isinstance(item, dict) else None
            region_id = region_id if isinstance(region_id, str) and region_id else None
            issues += [RegionIssue(p["path"], p["message"], region_id) for p in reader.problems]
        else:
            found.append((index, region))
    return PartialRegions(tuple(found), tuple(issues))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(regions(), ODD), max_size=4))
def test_the_quick_path_reads_every_region_as_the_full_reader_does(raw):
    assert parse_regions_partial(raw) == full_reader(raw)


def test_a_well_formed_box_is_read_with_its_attributes_and_score():
    [(_, region)] = parse_regions_partial([{
        "id": "r1", "label": "objects", "type": "bbox", "attributes": {"occluded": True},
        "score": 1, "value": {"class": "car", "x": 1, "y": 2, "width": 3, "height": 4}}]).regions
    assert (region.value.x, region.value.rotation, region.score) == (1.0, 0.0, 1.0)
    assert region.attributes == {"occluded": True}
