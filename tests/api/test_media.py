"""Local media: only files a visible task references, typed by content, never outside the root."""

from __future__ import annotations

import os

import pytest

from accord.services import tasks
from builders import caller_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


@pytest.fixture
def media(settings, session, world, tmp_path):  # type: ignore[no-untyped-def]
    root = settings.data_dir / "media"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(PNG)
    (root / "img" / "x.html").write_bytes(b"GIF89a<script>alert(1)</script>")
    (root / "img" / "evil.png").write_bytes(SVG)
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    os.symlink(outside, root / "img" / "link.png")
    manager = caller_of(world.users["manager"])
    keys = ["img/a.png", "img/x.html", "img/evil.png", "img/link.png", "../secret.png",
            "/etc/passwd", "img/%2e%2e/a.png"]
    tasks.import_records(session, manager, world.project_id,
                         [(k, {"data": {"image": k}}) for k in keys])
    items, _ = tasks.list_tasks(session, manager.in_project("manager"), world.project_id,
                                {}, None, 100)
    return {t["data"]["image"]: t["id"] for t in items if t["data"]["image"] in keys}


def url(world, task_id: int, field: str = "image") -> str:
    return f"/api/projects/{world.project_id}/tasks/{task_id}/media/{field}"


def test_an_image_a_task_references_is_served_inline_with_its_sniffed_type(as_, world, media):
    response = as_("annotator").get(url(world, media["img/a.png"]))
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("inline")


def test_active_content_is_typed_by_its_bytes_and_sent_as_an_attachment(as_, world, media):
    for key, expected in (("img/x.html", "image/gif"), ("img/evil.png",
                                                        "application/octet-stream")):
        response = as_("annotator").get(url(world, media[key]))
        assert response.headers["content-type"] == expected
    svg = as_("annotator").get(url(world, media["img/evil.png"]))
    assert svg.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("key", ["img/link.png", "../secret.png", "/etc/passwd",
                                 "img/%2e%2e/a.png"])
def test_keys_that_escape_the_media_root_are_not_found(as_, world, media, key):
    assert as_("annotator").get(url(world, media[key])).status_code == 404


def test_only_fields_of_a_visible_task_are_served(as_, world, media):
    assert as_("annotator").get(url(world, media["img/a.png"], "nothing")).status_code == 404
    assert as_("outsider").get(url(world, media["img/a.png"])).status_code == 404
    other = f"/api/projects/{world.other_project_id}/tasks/{media['img/a.png']}/media/image"
    assert as_("outsider").get(other).status_code == 404
