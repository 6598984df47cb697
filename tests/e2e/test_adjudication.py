"""Adjudication in a real headless Chromium against a real `accord serve`: the adjudicator
merges regions from two candidates (one by a click on the image, the others by keyboard)
and the stored final answer holds exactly those regions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.labeling import Stage
from e2e.reviewing import Reviewing, box, log_in_as, make_reviewing, scene
from e2e.test_accessibility import violations
from e2e.test_shell import watch_errors

pytestmark = pytest.mark.e2e

FIRST = [box("r1", "car", 100, 120, 160, 180), box("r2", "person", 380, 60, 180, 160),
         scene("r3", "day")]
SECOND = [box("r1", "car", 104, 118, 150, 170), box("r2", "person", 20, 300, 90, 90),
          scene("r3", "night")]


def without_id(region: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in region.items() if k != "id"}
    if isinstance(out.get("value"), dict):
        out["value"] = {k: v for k, v in out["value"].items() if not (k == "rotation" and v == 0)}
    return out


@pytest.fixture
def escalated(live_server):  # type: ignore[no-untyped-def]
    made: list[Reviewing] = []
    # Two answers that disagree on the person and the scene: below a threshold of 0.99.
    made.append(make_reviewing(live_server.url, live_server.data_dir, [FIRST, SECOND],
                               name="Disputed scenes", consensus_threshold=0.99,
                               review_sample=0.0))
    yield made[0]
    made[0].close()


def test_an_adjudicator_merges_regions_from_two_candidates_and_the_result_is_exactly_those(
        page: Page, escalated: Reviewing, screenshot):
    r = escalated
    assert r.manager.get_task(r.project_id, r.task_id)["state"] == "adjudicate"
    errors = watch_errors(page)
    log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/adjudicate")
    expect(page.locator("image.stage__image")).to_have_count(1)
    regions = page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")
    # It starts from the proposed consensus: the fused car and both people (each drawn by
    # half the annotators); the scene's vote is tied, so undecided.
    expect(regions).to_have_count(3)
    assert violations(page) == []
    page.get_by_role("button", name="Clear").click()
    expect(regions).to_have_count(0)

    first, second = r.annotators[0][0], r.annotators[1][0]
    # The first candidate's car, by a click on the image (the second's hidden, so the click
    # meets the first's outline only).
    page.get_by_role("region", name=re.compile(re.escape(second))).get_by_label(
        "Show on the image").uncheck()
    Stage(page).click((180, 210))
    expect(regions).to_have_count(1)
    # The second candidate's person and the first's scene, by keyboard.
    take_person = page.get_by_role("button", name=f"Take {second}'s r2")
    take_person.focus()
    page.keyboard.press("Enter")
    expect(take_person).to_be_disabled()
    take_scene = page.get_by_role("button", name=f"Take {first}'s r3")
    take_scene.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="day")).to_be_checked()
    expect(regions).to_have_count(2)
    page.get_by_role("application", name="Image canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("status").filter(has_text="adjudicated")).to_be_visible()

    task = r.manager.get_task(r.project_id, r.task_id)
    assert task["state"] == "done" and task["result_source"] == "adjudication"
    [final] = [a for a in r.manager.list_annotations(r.project_id, r.task_id)
               if a["stage"] == "adjudicate"]
    stored = [{x["id"]: x for x in answer["regions"]} for answer in r.answers]
    wanted = [stored[0]["r1"], stored[1]["r2"], stored[0]["r3"]]
    assert sorted(map(repr, map(without_id, final["regions"]))) == sorted(
        map(repr, map(without_id, wanted)))
    assert len({x["id"] for x in final["regions"]}) == 3
    assert task["result"] == final["regions"]
    assert errors == []


def test_an_adjudicator_takes_a_relation_and_the_spans_it_joins_come_along(page: Page,
                                                                           live_server):
    """Text: taking a candidate's relation into an empty final answer takes the two spans it
    joins too, and the stored relation points at them; its Take button is then disabled,
    as is a segment's text once taken (the copies' ids differ from the candidate's)."""
    from e2e.text_support import make_text_reviewing, span, text_region

    text = "😀 Angela Merkel visited Paris for Siemens ."
    first = [span("r1", "PER", 2, 15), span("r2", "LOC", 24, 29),
             {"id": "r3", "label": "links", "type": "relation",
              "value": {"from": "r1", "to": "r2", "class": "visited"}}]
    second = [span("r1", "PER", 9, 15), span("r2", "ORG", 34, 41)]
    r = make_text_reviewing(live_server.url, live_server.data_dir, text, [first, second])
    try:
        assert r.manager.get_task(r.project_id, r.task_id)["state"] == "adjudicate"
        errors = watch_errors(page)
        log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/adjudicate")
        expect(text_region(page)).to_be_visible()
        page.get_by_role("button", name="Clear").click()
        regions = page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")
        expect(regions).to_have_count(0)
        take = page.get_by_role("button", name=re.compile(r"^Take .*'s r3$"))
        take.click()
        expect(regions).to_have_count(3)
        expect(take).to_be_disabled()
        expect(page.get_by_role("list", name="Relations")).to_contain_text(
            re.compile(r"“Angela Merkel” → to +“Paris” visited"))
        # The first candidate's spans are in the final answer now; taking one adds nothing.
        author = r.annotators[0][0]
        for region_id in ("r1", "r2"):
            expect(page.get_by_role("button", name=f"Take {author}'s {region_id}")).to_be_disabled()
        page.keyboard.press("Control+Enter")
        expect(page.get_by_role("status").filter(has_text="adjudicated")).to_be_visible()
        [final] = [a for a in r.manager.list_annotations(r.project_id, r.task_id)
                   if a["stage"] == "adjudicate"]
        by_id = {x["id"]: x for x in final["regions"]}
        [relation] = [x for x in final["regions"] if x["type"] == "relation"]
        assert relation["value"]["class"] == "visited"
        assert [by_id[relation["value"][end]]["value"] for end in ("from", "to")] == [
            {"class": "PER", "start": 2, "end": 15}, {"class": "LOC", "start": 24, "end": 29}]
        assert len(final["regions"]) == 3
        assert errors == []
    finally:
        r.close()
