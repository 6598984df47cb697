"""The report's shared box overlaps: slices equal direct computation, and results do not change."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement.regions import region_agreement
from accord.core.consensus.regions import region_consensus
from accord.core.overlap import region_similarity
from accord.core.quality.annotation_score import annotation_score
from accord.core.quality.errors import classify_errors
from accord.core.regions import parse_regions
from accord.services.qa_overlaps import Overlaps

EXAMPLES = settings(max_examples=60, deadline=None)
UPRIGHT = st.just(0.0)


@st.composite
def answers(draw, rotated=UPRIGHT):
    """Three annotators' boxes of one task, near a few shared objects, and a gold answer."""
    objects = draw(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(1, 40),
                                      st.floats(1, 40), st.sampled_from(["car", "bus"])),
                            max_size=4))

    def one(prefix):
        kept = [o for o in objects if draw(st.booleans()) or prefix == "g"]
        return parse_regions([
            {"id": f"{prefix}{i}", "label": "objects", "type": "bbox",
             "value": {"class": cls, "x": x + draw(st.floats(-3, 3)), "y": y, "width": w,
                       "height": h, "rotation": draw(rotated)}}
            for i, (x, y, w, h, cls) in enumerate(kept)])

    return [one(p) for p in "abc"], one("g")


@EXAMPLES
@given(answers(), st.data())
def test_a_run_of_a_block_gets_the_slice_and_anything_else_the_direct_overlaps(task, data):
    work, gold = task
    flat = [r for regions in (*work, gold) for r in regions]
    overlaps = Overlaps()
    overlaps.add(flat)
    for a in (*work, gold):
        for b in (*work, gold, tuple(reversed(gold))):
            assert np.array_equal(overlaps(a, b), region_similarity(a, b))
    start = data.draw(st.integers(0, len(flat)))
    part = flat[start:start + data.draw(st.integers(0, 4))]
    assert np.array_equal(overlaps(part, flat), region_similarity(part, flat))


@EXAMPLES
@given(answers(rotated=st.sampled_from([0.0, 30.0])))
def test_rotated_boxes_are_not_blocked_so_they_keep_polygon_iou(task):
    work, gold = task
    overlaps = Overlaps()
    overlaps.add([r for regions in (*work, gold) for r in regions])
    for a in work:
        assert np.array_equal(overlaps(a, gold), region_similarity(a, gold))


@EXAMPLES
@given(answers())
def test_the_report_functions_give_the_same_results_with_shared_overlaps(task):
    work, gold = task
    overlaps = Overlaps()
    overlaps.add([r for regions in (*work, gold) for r in regions])
    fused = region_consensus(work, quorum=0.5, similarity=overlaps)
    assert fused == region_consensus(work, quorum=0.5)
    reference = parse_regions([{"id": f"c{i}", "label": "objects", "type": "bbox",
                                "value": {"class": c.value.class_name, "x": c.value.x,
                                          "y": c.value.y, "width": c.value.width,
                                          "height": c.value.height}}
                               for i, c in enumerate(fused.regions)])
    overlaps.add(reference, [r for regions in work for r in regions])
    data = {0: dict(zip("abc", work, strict=True))}
    assert _same_agreement(region_agreement(data, similarity=overlaps), region_agreement(data))
    for mine in work:
        for other in (*work, gold):
            assert (annotation_score(mine, other, similarity=overlaps)
                    == annotation_score(mine, other))
        for target in (gold, reference):
            assert (classify_errors(mine, target, similarity=overlaps)
                    == classify_errors(mine, target))


def _same_agreement(first, second):
    """RegionAgreement holds arrays, which `==` compares element-wise."""
    return all(np.array_equal(getattr(first, f), getattr(second, f))
               if isinstance(getattr(first, f), np.ndarray) else
               getattr(first, f) == getattr(second, f) for f in first.__slots__)


@EXAMPLES
@given(st.lists(answers(), min_size=1, max_size=4))
def test_blocks_added_in_one_batch_give_the_slices_of_blocks_added_one_by_one(tasks):
    # square blocks (a task's regions against themselves) and gold against the answers
    blocks = [([r for regions in work for r in regions], None) for work, _ in tasks] + [
        (gold, [r for regions in work for r in regions]) for work, gold in tasks]
    batched, single = Overlaps(), Overlaps()
    batched.add_many(blocks)
    for rows, columns in blocks:
        single.add(rows, columns)
    assert len(batched._blocks) == len(single._blocks)  # the batch blocked them all
    for work, gold in tasks:
        for a in (*work, gold):
            for b in work:
                assert np.array_equal(batched(a, b), single(a, b))
                assert np.array_equal(batched(a, b), region_similarity(a, b))
