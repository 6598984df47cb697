"""Majority votes of many tasks at once decide each task as a vote on it alone does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.regions import parse_regions
from accord.core.schema import parse_schema
from accord.services.consensus import consensus_of_task, task_votes
from accord.services.qa_data import Work
from tests.builders import SCHEMA

ANSWER = st.sampled_from([None, "day", "night"])


def work(task: int, author: str, scene: str | None) -> Work:
    regions = parse_regions([] if scene is None else [
        {"id": "s", "label": "scene", "type": "classification", "value": {"class": scene}}])
    return Work(task * 10 + len(author), task, author, regions, 1, None, None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ANSWER, min_size=1, max_size=4), min_size=1, max_size=6))
def test_one_vote_over_all_tasks_decides_each_task_as_its_own_vote(answers):
    schema = parse_schema(SCHEMA)
    tasks = {t: [work(t, f"a{k}@example.org", scene) for k, scene in enumerate(row)]
             for t, row in enumerate(answers)}
    votes = task_votes(schema, tasks)
    for t, works in tasks.items():
        alone = consensus_of_task(schema, works, {})
        together = consensus_of_task(schema, works, {}, votes={
            name: by_task[t] for name, by_task in votes.items() if t in by_task})
        assert [(c.label.name, c.regions) for c in together] == [
            (c.label.name, c.regions) for c in alone]
        assert [c.detail.support for c in together if c.method == "majority_vote"] == [
            c.detail.support for c in alone if c.method == "majority_vote"]
