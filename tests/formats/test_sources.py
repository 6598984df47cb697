"""Sources: one file, a folder, a zip or a tar archive read alike; unsafe archives refused
by the entry at fault, with nothing imported."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from accord.core.errors import InputError
from accord.formats.source import open_source
from tests.formats.support import Project, jsonl

RECORDS = [{"data": {"image": "a.png"}}, {"data": {"image": "b.png"}}]


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def _tar(path: Path, entries: dict[str, bytes], link: str | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, content in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        if link:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(info)
    return path


def test_a_file_a_folder_and_archives_read_alike(tmp_path: Path):
    content = jsonl(RECORDS)
    folder = tmp_path / "folder"
    (folder / "part").mkdir(parents=True)
    (folder / "part" / "tasks.jsonl").write_bytes(content)
    single = tmp_path / "tasks.jsonl"
    single.write_bytes(content)
    sources = [single, folder, _zip(tmp_path / "t.zip", {"part/tasks.jsonl": content}),
               _tar(tmp_path / "t.tar.gz", {"part/tasks.jsonl": content})]
    for path in sources:
        with Project(tmp_path / f"db-{path.name}", None) as project:
            assert project.import_path(path, "jsonl")["created"] == 2
            assert [r["data"] for r in project.records()] == [r["data"] for r in RECORDS]


@pytest.mark.parametrize("entry", ["../evil.jsonl", "/abs/evil.jsonl", "a\\..\\b.jsonl"])
def test_an_archive_entry_that_leaves_its_folder_is_refused_by_name(tmp_path: Path, entry):
    for path in (_zip(tmp_path / "bad.zip", {entry: jsonl(RECORDS)}),
                 _tar(tmp_path / "bad.tar.gz", {entry: jsonl(RECORDS)})):
        with Project(tmp_path / f"db-{path.name}", None) as project:
            with pytest.raises(InputError) as caught:
                project.import_path(path, "jsonl")
            assert caught.value.details["entry"] == entry and project.task_count() == 0
        assert not (tmp_path / "evil.jsonl").exists()


def test_links_in_a_tar_and_a_zip_bomb_are_refused(tmp_path: Path):
    with pytest.raises(InputError, match="'x/passwd' is a link"):
        with open_source(_tar(tmp_path / "l.tar.gz", {}, link="x/passwd")):
            pass
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.jsonl", b"\n" * (80 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        with open_source(bomb):
            pass
