"""Media are referenced unless the import asks to copy them; a copy never overwrites stored
media, and a failed import leaves no copied file behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from accord.core.errors import InputError
from tests.formats.support import Project, jsonl

RECORDS = [{"data": {"image": "photos/a.png"}}, {"data": {"image": "b.png"}}]


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(tmp_path: Path, records=RECORDS, files=None) -> Path:
    path = tmp_path / "dataset.zip"
    files = {"set/photos/a.png": _png("red"), "set/b.png": _png("blue")} if files is None \
        else files
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("set/tasks.jsonl", jsonl(records))
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_without_copy_media_nothing_is_copied(tmp_path: Path):
    with Project(tmp_path / "db", None) as project:
        project.import_path(_upload(tmp_path), "jsonl", {"media_prefix": "in/"})
        assert [r["data"]["image"] for r in project.records()] == ["in/photos/a.png", "in/b.png"]
        assert list(project.media_root.iterdir()) == []


def test_copied_media_land_under_the_prefix_by_path_or_unique_ending(tmp_path: Path):
    with Project(tmp_path / "db", None) as project:
        options = {"media_prefix": "imports/streets/", "copy_media": True}
        project.import_path(_upload(tmp_path), "jsonl", options)
        root = project.media_root / "imports" / "streets"
        assert (root / "photos" / "a.png").read_bytes() == _png("red")
        assert (root / "b.png").read_bytes() == _png("blue")
        # the same import again: same bytes, nothing to do, nothing duplicated
        assert project.import_path(_upload(tmp_path), "jsonl", options)["created"] == 0


def test_a_name_the_upload_lacks_or_a_different_stored_file_stops_the_import(tmp_path: Path):
    with Project(tmp_path / "db", None) as project:
        lacking = _upload(tmp_path, files={"set/photos/a.png": _png("red")})
        with pytest.raises(InputError, match="no file named 'b.png'"):
            project.import_path(lacking, "jsonl", {"copy_media": True})
        stored = project.media_root / "b.png"
        stored.write_bytes(b"someone else's picture")
        with pytest.raises(InputError, match="already has a different 'b.png'"):
            project.import_path(_upload(tmp_path), "jsonl", {"copy_media": True})
        assert stored.read_bytes() == b"someone else's picture"
        assert project.task_count() == 0
        assert sorted(p.name for p in project.media_root.rglob("*")) == ["b.png"]


@pytest.mark.parametrize("prefix", ["s3://bucket/", "/abs/", "../up/"])
def test_copying_needs_a_folder_of_the_media_root(tmp_path: Path, prefix: str):
    with Project(tmp_path / "db", None) as project:
        with pytest.raises(InputError, match="must be a folder in it"):
            project.import_path(_upload(tmp_path), "jsonl",
                                {"copy_media": True, "media_prefix": prefix})
        assert project.task_count() == 0
