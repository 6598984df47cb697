"""The script-payload corpus (tests/xss.py) through the API: every user-supplied string is
stored unchanged and returned JSON-encoded, never as markup; the browser tests show the same
corpus rendered inert (tests/e2e/test_label_stream.py)."""

from __future__ import annotations

from builders import box
from xss import ALL, PAYLOADS


def test_payloads_are_stored_unchanged_and_returned_as_json(as_, world):
    manager, annotator = as_("admin"), as_("annotator")
    project = manager.post("/api/projects", json={"name": PAYLOADS[1], "description": ALL})
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    schema = {"data": [{"name": "image", "type": "image"}, {"name": "caption", "type": "text"}],
              "labels": [{"name": "objects", "type": "bbox", "source": "image",
                          "description": ALL,
                          "classes": [{"name": p} for p in PAYLOADS],
                          "attributes": [{"name": "note", "type": "text"}]}]}
    assert manager.post(f"/api/projects/{pid}/schema/versions",
                        json={"schema": schema}).status_code == 201
    assert manager.post(f"/api/projects/{pid}/guidelines/versions",
                        json={"body": ALL}).status_code == 201
    member = manager.post(f"/api/projects/{pid}/members",
                          json={"email": world.users["annotator"]["email"], "role": "annotator"})
    assert member.status_code == 201, member.text
    created = manager.post(f"/api/projects/{pid}/tasks",
                           json={"tasks": [{"data": {"image": "a.png", "caption": ALL}}]})
    assert created.status_code == 201, created.text
    [task] = manager.get(f"/api/projects/{pid}/tasks").json()["items"]
    region = box(cls=PAYLOADS[0]) | {"attributes": {"note": ALL}}
    submitted = annotator.post(f"/api/projects/{pid}/tasks/{task['id']}/annotations",
                               json={"regions": [region]})
    assert submitted.status_code == 201, submitted.text
    comment = annotator.post(f"/api/projects/{pid}/tasks/{task['id']}/comments",
                             json={"body": ALL})
    assert comment.status_code == 201, comment.text

    reads = {
        "project": manager.get(f"/api/projects/{pid}"),
        "schema": manager.get(f"/api/projects/{pid}/schema"),
        "guidelines": manager.get(f"/api/projects/{pid}/guidelines"),
        "task": annotator.get(f"/api/projects/{pid}/tasks/{task['id']}"),
        "annotations": manager.get(f"/api/projects/{pid}/tasks/{task['id']}/annotations"),
        "comments": annotator.get(f"/api/projects/{pid}/tasks/{task['id']}/comments"),
    }
    for name, response in reads.items():
        assert response.status_code == 200, (name, response.text)
        assert response.headers["content-type"].startswith("application/json"), name
        assert response.headers["x-content-type-options"] == "nosniff", name
    body = {name: response.json() for name, response in reads.items()}
    assert (body["project"]["name"], body["project"]["description"]) == (PAYLOADS[1], ALL)
    assert [c["name"] for c in body["schema"]["schema"]["labels"][0]["classes"]] == list(PAYLOADS)
    assert body["schema"]["schema"]["labels"][0]["description"] == ALL
    assert body["guidelines"]["body"] == ALL
    assert body["task"]["data"]["caption"] == ALL
    [stored] = body["annotations"]["items"][0]["regions"]
    assert stored["value"]["class"] == PAYLOADS[0] and stored["attributes"]["note"] == ALL
    assert body["comments"][0]["body"] == ALL
    # JSON-encoded with <, > and & escaped: no response body holds a markup character, so
    # not even a response sniffed or mislabelled as HTML could carry a tag
    for name, response in reads.items():
        assert not set(b"<>&") & set(response.content), name
