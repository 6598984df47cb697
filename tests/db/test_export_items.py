"""Which regions a label-format export writes per task, on both backends: the accepted
result, else the latest live answer (never a rejected or superseded one), the gold, or the
latest prediction; tasks in id order, other projects' answers never mixed in."""

from __future__ import annotations

from sqlalchemy import update

from accord.core.records import Role
from accord.db.tables import Task
from accord.formats.base import ExportOptions
from accord.services import datasets, tasks, versions
from builders import box, caller_of


def _items(session, project_id, regions):
    _, schema = versions.current_schema(session, project_id)
    return [(item.data["image"], [r["id"] for r in item.regions], item.width, item.height)
            for item in datasets.iter_items(session, project_id, schema,
                                            ExportOptions(regions=regions), lambda key: None)]


def test_each_choice_of_regions_picks_the_right_answer(session, world):
    manager = caller_of(world.users["manager"])
    tasks.import_records(session, manager, world.other_project_id, [
        ("o", {"data": {"image": "other.png"},
               "annotations": [{"regions": [box("elsewhere")]}]})])
    tasks.import_records(session, manager, world.project_id, [
        ("x1", {"data": {"image": "x1.png", "width": 640, "height": 480},
                "gold": [box("gold-1")],
                "annotations": [{"regions": [box("old")], "status": "superseded"},
                                {"regions": [box("live")]},
                                {"regions": [box("turned-down")], "status": "rejected"}],
                "predictions": [{"regions": [box("p-old")], "model_version": "m1"},
                                {"regions": [box("p-new")], "model_version": "m2"}]}),
        ("x2", {"data": {"image": "x2.png"},
                "annotations": [{"regions": [box("accepted")], "status": "accepted"}]}),
        ("x3", {"data": {"image": "x3.png"}}),
    ])
    listed = {t["data"]["image"]: t["id"] for t in tasks.list_tasks(
        session, manager.in_project(Role.MANAGER), world.project_id, {}, None, 50)[0]}
    session.execute(update(Task).where(Task.id == listed["x2.png"]).values(
        result=[box("consensus")]))
    session.flush()
    final = {image: ids for image, ids, *_ in _items(session, world.project_id, "final")}
    assert (final["x1.png"], final["x2.png"], final["x3.png"]) == (["live"], ["consensus"], [])
    gold = {image: ids for image, ids, *_ in _items(session, world.project_id, "gold")}
    assert (gold["x1.png"], gold["x3.png"]) == (["gold-1"], [])
    predicted = {image: ids for image, ids, *_ in _items(session, world.project_id,
                                                         "predictions")}
    assert (predicted["x1.png"], predicted["x2.png"]) == (["p-new"], [])
    items = _items(session, world.project_id, "final")
    assert [image for image, *_ in items] == sorted(listed, key=listed.get)
    assert ("x1.png", ["live"], 640, 480) in items
    assert all("elsewhere" not in ids for _, ids, *_ in items)
