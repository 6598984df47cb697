"""Every registered reader, fed junk, fails only with an InputError that names the upload.

Each format's own tests fuzz it with structure-aware mutations; this one holds every format,
present and future, to the same floor: random bytes, cut-short documents and archives of
junk never raise anything but InputError (no KeyError, no UnicodeDecodeError, no parser
exception leaking out), and such an import stores nothing.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord import formats
from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.services import datasets
from strategies import EXAMPLES
from tests.formats.support import Project

SCHEMA = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": "objects", "type": "bbox", "source": "image",
                "classes": [{"name": "car"}, {"name": "person"}]}],
}
READABLE = [name for name, f in formats.all_formats().items() if f.read is not None]
#: fragments real files start with, so the readers' parsers get past their first byte
OPENINGS = [b"", b"{", b"[", b"<?xml version='1.0'?>", b"<annotations>", b"\xef\xbb\xbf",
            b'{"images": [', b'[{"data": {', b"token\tB-PER\n", b"1,1,10,10,5,5,1,1,1\n",
            b"0 0.5 0.5 0.1 0.1\n", b"text,label\n"]


def _read_all(content: bytes, name: str, format: str) -> int:
    context = ReadContext(schema=parse_schema(SCHEMA), binding=Binding(parse_schema(SCHEMA)),
                          options=ImportOptions())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        with open_source(path, name) as source:
            return sum(1 for _ in datasets.records(source, format, context))


@pytest.mark.parametrize("format", READABLE)
@EXAMPLES
@given(opening=st.sampled_from(OPENINGS), junk=st.binary(max_size=300))
def test_junk_raises_only_input_errors(format: str, opening: bytes, junk: bytes):
    fmt = formats.get(format)
    try:
        _read_all(opening + junk, f"upload{fmt.extension}", format)
    except InputError as exc:
        assert exc.message


@pytest.mark.parametrize("format", READABLE)
@EXAMPLES
@given(names=st.lists(st.sampled_from(["a.json", "labels/a.txt", "Annotations/a.xml",
                                       "gt/gt.txt", "a.jsonl", "data.yaml", "x.tfrecord",
                                       "cat/a.png", "obj.names", "annotations.xml"]),
                      min_size=1, max_size=4, unique=True),
       junk=st.binary(max_size=120))
def test_archives_of_junk_raise_only_input_errors(format: str, names: list[str], junk: bytes):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, junk)
    try:
        _read_all(buffer.getvalue(), "upload.zip", format)
    except InputError as exc:
        assert exc.message


@pytest.mark.parametrize("format", READABLE)
def test_a_failed_import_stores_nothing(tmp_path: Path, format: str):
    """A valid first record, then junk cut short: the error keeps the valid one out too."""
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(b'{"data": {"image": "kept.png"}}\n', "ok.jsonl", "jsonl")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as packed:
            packed.writestr("tasks.jsonl", b'{"data": {"image": "new.png"}}\n{"data": ')
        try:
            project.import_bytes(archive.getvalue(), "bad.zip", format)
        except InputError:
            assert [r["data"]["image"] for r in project.records()] == ["kept.png"]
