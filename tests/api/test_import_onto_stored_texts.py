"""Predictions and gold in CoNLL or BIO uploaded for tasks that already hold their text land
on those tasks' characters, on SQLite and PostgreSQL (issue 7; docs/formats/text.md)."""

from __future__ import annotations

import io
import json

from accord.services import projects
from builders import caller_of

SCHEMA = {"data": [{"name": "text", "type": "text"}],
          "labels": [{"name": "entities", "type": "span", "source": "text",
                      "classes": [{"name": "PER"}, {"name": "LOC"}]}]}
TEXT = "Peter  Blackburn (Leeds) said:\n\nno."
BIO = b"Peter\tB-PER\nBlackburn\tI-PER\n(\tO\nLeeds\tB-LOC\n)\tO\nsaid\tO\n:\tO\nno\tO\n.\tO\n\n"


def upload(client, project: int, data: bytes, options: dict):
    return client.post(f"/api/projects/{project}/import",
                       params={"format": "bio", "options": json.dumps(options)},
                       files={"file": ("labels.bio", io.BytesIO(data))})


def stored_project(session, world, as_) -> tuple[int, int]:
    manager = caller_of(world.users["manager"])
    project = projects.create_project(session, manager, "Stored texts", schema=SCHEMA)["id"]
    created = as_("manager").post(f"/api/projects/{project}/tasks",
                                  json={"tasks": [{"data": {"text": TEXT}}]})
    assert created.status_code == 201, created.text
    [task] = as_("manager").get(f"/api/projects/{project}/tasks").json()["items"]
    return project, task["id"]


def test_uploaded_predictions_land_on_the_characters_of_the_stored_text(session, world, as_):
    project, task = stored_project(session, world, as_)
    response = upload(as_("manager"), project, BIO,
                      {"target": "predictions", "model_version": "ner-1"})
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 0, "skipped_duplicates": 1, "annotations": 0,
                               "predictions": 1}
    [prediction] = as_("manager").get(f"/api/projects/{project}/tasks/{task}/predictions"
                                      ).json()
    assert prediction["model_version"] == "ner-1"
    assert [(r["value"]["class"], TEXT[r["value"]["start"]:r["value"]["end"]])
            for r in prediction["regions"]] == [("PER", "Peter  Blackburn"), ("LOC", "Leeds")]
    assert as_("manager").get(f"/api/projects/{project}").json()["task_count"] == 1


def test_a_refused_upload_stores_nothing(session, world, as_):
    project, task = stored_project(session, world, as_)
    bad = BIO + b"Unknown\tB-ORG\n\n"  # a class the label lacks, in a second sentence
    response = upload(as_("manager"), project, bad, {"target": "predictions"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("labels.bio, line 11: label 'entities' has "
                                                 "no class 'ORG'")
    assert as_("manager").get(f"/api/projects/{project}/tasks/{task}/predictions").json() == []
