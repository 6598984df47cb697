"""The task list's filters, sorts and keyset cursors, and what each item carries for
reviewers and managers (docs/api.md, "The task list"), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from accord.db.tables import Annotation, Task
from tests.api.workflow_support import fresh_requests, images, make_project, scene, submit
from tests.builders import box

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


@dataclass
class Browse:
    project: int
    t: list[int]  # the six tasks, in id order
    users: dict[str, int]

    @property
    def url(self) -> str:
        return f"/api/projects/{self.project}/tasks"


@pytest.fixture
def browse(session, world, as_) -> Browse:
    """Six tasks, each picked out by some filters and not by others:

    | task | state | priority | agreement | best score | work | other |
    | --- | --- | --- | --- | --- | --- | --- |
    | t0 | done | 1 | 0.9 | 0.8 | annotator: car box (Nov 1) | |
    | t1 | review | 3 | 0.4 | 0.5 | annotator: person box (Nov 2), rejected as wrong_class; a2: scene night, guidelines v1 (Nov 3) | |
    | t2 | adjudicate | 2 | — | — (unscored) | | open flag |
    | t3 | label, frozen | 0 | — | — | | |
    | t4 | label | 0 | — | — | | gold |
    | t5 | label | 0 | — | — | | resolved flag |
    """
    project, t = make_project(session, world, as_, {"overlap": 2}, images(6),
                              annotators=("annotator", "a2"))
    manager = as_("manager")
    base = f"/api/projects/{project}"
    first = [submit(as_("annotator"), project, t[0], [box("r1", "car")]).json(),
             submit(as_("annotator"), project, t[1], [box("r1", "person")]).json()]
    rejected = as_("reviewer").post(f"{base}/annotations/{first[1]['id']}/reviews",
                                    json={"verdict": "reject", "error_categories": ["wrong_class"]})
    assert rejected.status_code == 201, rejected.text
    assert manager.post(f"{base}/guidelines/versions", json={"body": "# v1"}).status_code == 201
    late = submit(as_("a2"), project, t[1], [scene("night")]).json()
    for annotation, when in ((first[0], T0), (first[1], T0 + timedelta(days=1)),
                             (late, T0 + timedelta(days=2))):
        session.execute(update(Annotation).where(Annotation.id == annotation["id"])
                        .values(submitted_at=when))
    soon = datetime.now(UTC) + timedelta(hours=1)  # after every task was created
    states = {t[0]: ("done", 0.9, 1, soon),
              t[1]: ("review", 0.4, 3, soon + timedelta(minutes=1)),
              t[2]: ("adjudicate", None, 2, soon + timedelta(minutes=2))}
    for task_id, (state, agreement, priority, at) in states.items():
        session.execute(update(Task).where(Task.id == task_id).values(
            state=state, agreement=agreement, priority=priority, state_at=at))
    session.commit()
    assert manager.post(f"{base}/tasks/{t[3]}/freeze").status_code == 200
    assert manager.patch(f"{base}/tasks/{t[4]}", json={"gold": [scene("day")]}).status_code == 200
    predictions = [{"task_id": t[0], "regions": [], "model_version": "m", "score": 0.3},
                   {"task_id": t[0], "regions": [], "model_version": "m", "score": 0.8},
                   {"task_id": t[1], "regions": [], "model_version": "m", "score": 0.5},
                   {"task_id": t[2], "regions": [], "model_version": "m"}]
    assert manager.post(f"{base}/predictions", json={"predictions": predictions}
                        ).status_code == 201
    assert as_("annotator").post(f"{base}/tasks/{t[2]}/flags", json={"note": "?"}
                                 ).status_code == 201
    resolved = as_("annotator").post(f"{base}/tasks/{t[5]}/flags", json={"note": "?"}).json()
    assert manager.post(f"{base}/flags/{resolved['id']}/resolve", json={"resolution": "ok"}
                        ).status_code == 200
    users = {name: world.users[name]["id"] for name in ("annotator", "a2", "reviewer")}
    return Browse(project, t, users)


def ids(as_, browse: Browse, query: str = "", principal: str = "reviewer",
        limit: int = 100) -> list[int]:
    """Every task id the list gives for `query`, following its cursors page by page."""
    found: list[int] = []
    cursor = None
    while True:
        params = f"{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = as_(principal).get(f"{browse.url}?{params}")
        assert response.status_code == 200, response.text
        body = response.json()
        found += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def refused(as_, browse: Browse, query: str, principal: str = "reviewer") -> dict[str, Any]:
    response = as_(principal).get(f"{browse.url}?{query}")
    assert response.status_code == 422, response.text
    return response.json()


def test_each_state_and_frozen_apart(as_, browse):
    t = browse.t
    assert ids(as_, browse, "state=label") == [t[4], t[5]]
    assert ids(as_, browse, "state=frozen") == [t[3]]
    assert ids(as_, browse, "state=done") == [t[0]]
    assert ids(as_, browse, "state=review") == [t[1]]
    assert ids(as_, browse, "state=adjudicate") == [t[2]]
    assert ids(as_, browse) == t


def test_annotator_gold_and_flagged(as_, browse):
    t, users = browse.t, browse.users
    assert ids(as_, browse, f"annotator={users['annotator']}") == [t[0], t[1]]
    assert ids(as_, browse, f"annotator={users['a2']}") == [t[1]]
    assert ids(as_, browse, f"annotator={users['reviewer']}") == []
    assert ids(as_, browse, "gold=true") == [t[4]]
    assert ids(as_, browse, "gold=false") == [t[0], t[1], t[2], t[3], t[5]]
    assert ids(as_, browse, "flagged=true") == [t[2]]
    assert ids(as_, browse, "flagged=false") == [t[0], t[1], t[3], t[4], t[5]]


def test_error_category_label_and_class(as_, browse):
    t = browse.t
    assert ids(as_, browse, "error_category=wrong_class") == [t[1]]
    assert ids(as_, browse, "error_category=missed_object") == []
    assert ids(as_, browse, "error_category=%27%20OR%201%3D1--") == []
    assert ids(as_, browse, "label=objects") == [t[0], t[1]]
    assert ids(as_, browse, "label=objects&class=person") == [t[1]]
    assert ids(as_, browse, "label=objects&class=car") == [t[0]]
    assert ids(as_, browse, "label=scene&class=night") == [t[1]]
    assert ids(as_, browse, "label=scene&class=day") == []  # the gold answer is not work
    assert refused(as_, browse, "class=car")["details"]["field"] == "class"


def test_guideline_version_agreement_score_and_submission_time(as_, browse):
    t = browse.t
    assert ids(as_, browse, "guideline_version=1") == [t[1]]
    assert ids(as_, browse, "guideline_version=0") == [t[0], t[1]]
    assert ids(as_, browse, "agreement_min=0.5") == [t[0]]
    assert ids(as_, browse, "agreement_max=0.4") == [t[1]]
    assert ids(as_, browse, "agreement_min=0.4&agreement_max=0.9") == [t[0], t[1]]
    assert ids(as_, browse, "score_min=0.5") == [t[0], t[1]]
    assert ids(as_, browse, "score_max=0.5") == [t[1]]
    assert ids(as_, browse, "score_min=0.6&score_max=0.8") == [t[0]]
    assert ids(as_, browse, "submitted_from=2026-11-02T10:00:00%2B00:00") == [t[1]]
    assert ids(as_, browse, "submitted_to=2026-11-02T10:00:00Z") == [t[0]]
    assert ids(as_, browse, "submitted_from=2026-11-01T00:00:00Z"
                            "&submitted_to=2026-11-01T10:00:01Z") == [t[0]]
    assert ids(as_, browse, "submitted_from=2026-11-03T12:00:00%2B02:00") == [t[1]]


def test_filters_combine(as_, browse):
    t, users = browse.t, browse.users
    assert ids(as_, browse, f"annotator={users['annotator']}&state=done") == [t[0]]
    assert ids(as_, browse, "state=label&gold=false&flagged=false") == [t[5]]
    assert ids(as_, browse, "score_min=0.1&error_category=wrong_class&label=scene") == [t[1]]


def test_empty_values_are_no_filter(as_, browse):
    assert ids(as_, browse, "score_min=&score_max=&state=&sort=") == browse.t


SORTED = [
    ("id", [0, 1, 2, 3, 4, 5]),
    ("-id", [5, 4, 3, 2, 1, 0]),
    ("priority", [3, 4, 5, 0, 2, 1]),
    ("-priority", [1, 2, 0, 5, 4, 3]),
    ("agreement", [1, 0, 2, 3, 4, 5]),  # tasks without a value last, in id order
    ("-agreement", [0, 1, 5, 4, 3, 2]),
    ("score", [1, 0, 2, 3, 4, 5]),
    ("-score", [0, 1, 5, 4, 3, 2]),
]


@pytest.mark.parametrize(("sort", "order"), SORTED)
def test_each_sort_and_its_cursors_give_the_same_order_at_any_page_size(as_, browse, sort,
                                                                        order):
    expected = [browse.t[i] for i in order]
    for limit in (1, 2, 4, 100):
        assert ids(as_, browse, f"sort={sort}", limit=limit) == expected


def test_updated_sorts_by_the_last_move_or_the_creation(as_, browse):
    t = browse.t
    created_first = ids(as_, browse, "sort=updated", limit=1)
    # the three moved tasks moved after every task was created, t2 last
    assert created_first[-3:] == [t[0], t[1], t[2]]
    assert ids(as_, browse, "sort=-updated", limit=2)[:3] == [t[2], t[1], t[0]]


def test_a_sort_keeps_its_order_while_tasks_are_added(as_, browse):
    first = as_("reviewer").get(f"{browse.url}?sort=-priority&limit=2").json()
    assert [i["id"] for i in first["items"]] == [browse.t[1], browse.t[2]]
    created = as_("manager").post(browse.url, json={"tasks": [
        {"data": {"image": "late.png"}, "priority": 9}]})
    assert created.status_code == 201
    rest = ids(as_, browse, f"sort=-priority&cursor={first['next_cursor']}")
    assert rest == [browse.t[0], browse.t[5], browse.t[4], browse.t[3]]


def test_a_cursor_belongs_to_its_sort(as_, browse):
    page = as_("reviewer").get(f"{browse.url}?sort=score&limit=1").json()
    assert refused(as_, browse, f"sort=agreement&cursor={page['next_cursor']}"
                   )["details"]["field"] == "cursor"
    assert refused(as_, browse, "sort=score&cursor=bm9wZQ")["details"]["field"] == "cursor"


def test_items_carry_annotators_flags_score_and_thumbnail(as_, browse):
    t, users = browse.t, browse.users
    items = {i["id"]: i for i in as_("reviewer").get(browse.url).json()["items"]}
    assert items[t[0]]["annotators"] == [users["annotator"]]
    assert items[t[1]]["annotators"] == sorted([users["annotator"], users["a2"]])
    assert items[t[3]]["annotators"] == []
    assert [items[i]["open_flags"] for i in t] == [0, 0, 1, 0, 0, 0]
    assert [items[i]["score"] for i in t] == [0.8, 0.5, None, None, None, None]
    assert items[t[0]]["thumbnail"] == (
        f"/api/projects/{browse.project}/tasks/{t[0]}/media/image?size=128")
    assert (items[t[1]]["state"], items[t[1]]["agreement"], items[t[3]]["frozen"]) == (
        "review", 0.4, True)


@pytest.mark.parametrize("query", ["state=done", "annotator=1", "gold=true", "flagged=true",
                                   "error_category=x", "label=objects", "guideline_version=1",
                                   "agreement_min=0", "score_max=1",
                                   "submitted_from=2026-11-01T00:00:00Z", "sort=-id"])
def test_annotators_filter_by_batch_only(as_, browse, query):
    error = refused(as_, browse, query, principal="annotator")
    name = query.partition("=")[0]
    assert error["details"]["field"] == name
    assert f"filter {name!r} is not available to annotators" in error["message"]


def test_annotators_get_tasks_without_the_workflow_extras(as_, browse):
    items = as_("annotator").get(f"{browse.url}?batch=").json()["items"]
    assert [i["id"] for i in items] == browse.t
    assert not {"annotators", "open_flags", "score", "thumbnail", "state", "is_gold"} & set(
        items[0])


@pytest.mark.parametrize(("query", "field", "message"), [
    ("state=paused", "state", "expected one of label, review, adjudicate, done, frozen"),
    ("sort=name", "sort", "expected one of id, -id, priority"),
    ("gold=maybe", "gold", "expected true or false"),
    ("flagged=2", "flagged", "expected true or false"),
    ("annotator=ann", "annotator", "expected an integer"),
    ("guideline_version=1.5", "guideline_version", "expected an integer"),
    ("agreement_min=high", "agreement_min", "expected a finite number"),
    ("score_max=nan", "score_max", "expected a finite number"),
    ("submitted_from=2026-11-01T00:00:00", "submitted_from", "with a zone"),
    ("submitted_to=yesterday", "submitted_to", "ISO 8601"),
    ("agreement_min=0.9&agreement_max=0.1", "agreement_min", "after agreement_max"),
    (f"error_category={'x' * 201}", "error_category", "at most 200"),
    ("owner=me", "owner", "unknown"),
])
def test_a_bad_filter_is_refused_naming_it(as_, browse, query, field, message):
    error = refused(as_, browse, query)
    assert error["details"]["field"] == field and message in error["message"]


def test_a_page_takes_the_same_statements_for_few_tasks_and_for_many(as_, browse, engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    def page_statements(query: str) -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert as_("reviewer").get(f"{browse.url}?{query}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    few = {q: page_statements(q) for q in ("", "state=label", "sort=-score&flagged=false")}
    created = as_("manager").post(browse.url, json={"tasks": images(40, "more")})
    assert created.status_code == 201
    many = {q: page_statements(q) for q in few}
    assert many == few
