"""MOTChallenge: Datumaro's samples import as the files say; tracks become keyframes that
give every row back; our exports load in Datumaro's mot_seq reader with the same box on
every frame and read back to the same regions; bad rows stop the import at their line with
nothing stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import datumaro as dm
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats._cvat_tracks import Frame, per_frame
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.services import datasets
from tests.formats.support import CONFORMANCE, Project
from tests.strategies import EXAMPLES

SAMPLES = CONFORMANCE / "mot_dataset"
SCHEMA = {"data": [{"name": "video", "type": "video"}], "labels": [
    {"name": "tracks", "type": "video_track", "source": "video",
     "classes": [{"name": f"label_{i}"} for i in range(10)],
     "attributes": [{"name": "ignored", "type": "bool"}]}]}
SEQINFO = ("[Sequence]\nname=walk\nimDir=img1\nframeRate=30\nseqLength=10\nimWidth=100\n"
           "imHeight=80\nimExt=.jpg\n")
# object 1 moves 2 px a frame over frames 1–4, stops on 5, leaves, comes back on 8–9;
# object 2 is ignored (conf 0); the rows come in any order
GT = """1,1,10,10,20,20,1,1,1
3,1,14,10,20,20,1,1,1
2,1,12,10,20,20,1,1,1
4,1,16,10,20,20,1,1,0.5
5,1,16,10,20,20,1,1,1
8,1,50.5,40,10,10,1,1,1
9,1,50.5,40,10,10,1,1,1
2,2,0,0,5,5,0,3,1
"""


def _sequence(tmp_path: Path, gt: str = GT, seqinfo: str | None = SEQINFO) -> Path:
    folder = tmp_path / "walk"
    (folder / "gt").mkdir(parents=True)
    (folder / "gt" / "gt.txt").write_text(gt)
    (folder / "gt" / "labels.txt").write_text("".join(f"label_{i}\n" for i in range(10)))
    if seqinfo is not None:
        (folder / "seqinfo.ini").write_text(seqinfo)
    return folder


def _record(project: Project) -> dict[str, Any]:
    [record] = project.records()
    return record


def _keys(track: dict[str, Any]) -> list[tuple[int, float, bool]]:
    return [(k["frame"], k["x"], k.get("outside", False)) for k in track["value"]["keyframes"]]


@pytest.mark.parametrize("name", ["mot_seq", "mot_seq_with_seqinfo"])
def test_the_samples_import_the_detection_with_its_class_and_size(tmp_path: Path, name):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(SAMPLES / name, "mot")
        record = _record(project)
    video = "Test" if name == "mot_seq_with_seqinfo" else "mot_seq"
    assert {k: record["data"][k] for k in ("video", "width", "height", "frame_count")} == {
        "video": video, "width": 16, "height": 16, "frame_count": 1}
    # gt.txt: 1,-1,0,4,4,8,1,3,1.0 — a detection (id -1) of class 3 = labels.txt's third
    assert record["annotations"][0]["regions"] == [{
        "id": "1", "label": "tracks", "type": "video_track", "value": {
            "class": "label_2", "track_id": 1,
            "keyframes": [{"frame": 0, "x": 0.0, "y": 4.0, "width": 4.0, "height": 8.0}]},
        "attributes": {"ignored": False}}]


def test_tracks_keep_keyframes_where_the_line_breaks_and_gaps_become_outside(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(_sequence(tmp_path), "mot")
        record = _record(project)
    first, second = record["annotations"][0]["regions"]
    assert record["data"] == {"video": "walk", "width": 100, "height": 80, "frame_count": 10,
                              "frame_rate": 30}
    assert _keys(first) == [(0, 10.0, False), (3, 16.0, False), (5, 16.0, True),
                            (7, 50.5, False), (9, 50.5, True)]
    assert first["attributes"] == {"ignored": False}
    assert second["value"]["class"] == "label_2" and second["attributes"] == {"ignored": True}
    assert _keys(second) == [(1, 0.0, False), (2, 0.0, True)]


def test_datumaro_reads_our_export_row_for_row_and_it_reads_back_the_same(tmp_path: Path):
    with Project(tmp_path / "a", SCHEMA) as project:
        project.import_path(_sequence(tmp_path), "mot")
        regions = _record(project)["annotations"][0]["regions"]
        exported = project.export_bytes("mot")
    folder = tmp_path / "export"
    zipfile.ZipFile(io.BytesIO(exported)).extractall(folder)
    assert (folder / "walk" / "gt" / "gt.txt").read_text().splitlines()[:2] == [
        "1,1,10,10,20,20,1,1,1", "2,1,12,10,20,20,1,1,1"]
    dataset = dm.Dataset.import_from(str(folder), "mot_seq")
    labels = dataset.categories()[dm.AnnotationType.label]
    seen = sorted((int(item.id) - 1, a.attributes["track_id"], labels[a.label].name, a.x, a.y,
                   a.w, a.h, a.attributes["ignored"]) for item in dataset for a in item.annotations)
    ours = sorted((f.frame, r["value"]["track_id"], r["value"]["class"], *f.box,
                   r["attributes"]["ignored"]) for r in regions for f in per_frame(
        [Frame(k["frame"], (k["x"], k["y"], k["width"], k["height"]), k.get("outside", False))
         for k in r["value"]["keyframes"]], 10) if not f.outside)
    assert len(seen) == 8 and seen == ours
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "mot")
        assert _record(again)["annotations"][0]["regions"] == regions


BAD = [
    ("1,1,10,10,20\n", r"gt.txt, line 1: 5 columns"),
    ("1,1,ten,10,20,20,1,1,1\n", r"line 1: .* is not numbers"),
    ("1,1,10,10,20,20,1,1,1\n11,1,10,10,20,20,1,1,1\n", "line 2: frame 11 is outside"),
    ("1,1,90,10,20,20,1,1,1\n", r"line 1: the box \(90, 10, 20 × 20\) reaches outside"),
    ("1,1,10,10,20,20,1,12,1\n", "line 1: class 12 is not one of 1–10"),
    ("1,1,10,10,20,20,1,1,1\n1,1,11,10,20,20,1,1,1\n", "line 2: object 1 appears twice"),
    ("1,1,10,10,20,20,1,1,1\n2,1,10,10,20,20,1,2,1\n", "line 2: object 1 has class 'label_1'"),
    ("1,1,1e999,10,20,20,1,1,1\n", "line 1: a coordinate or the confidence is not a finite"),
    ("1,1,10,10,20,20,1,-1,1\n", "line 1: class -1 is not one of"),
    ("1,1.5,10,10,20,20,1,1,1\n", "line 1: object id '1.5' is not a whole number"),
    ("1,1,10,10,20,20,1,2.5,1\n", "line 1: class '2.5' is not a whole number"),
]


def test_bad_rows_name_their_line_and_store_nothing(tmp_path: Path):
    with Project(tmp_path / "db", SCHEMA) as project:
        for i, (gt, message) in enumerate(BAD):
            folder = _sequence(tmp_path / str(i), gt)
            with pytest.raises(InputError, match=message) as caught:
                project.import_path(folder, "mot")
            assert caught.value.message.startswith("walk/gt/gt.txt")
            assert project.task_count() == 0


def test_ignored_rows_need_the_attribute_or_a_setting(tmp_path: Path):
    schema = {**SCHEMA, "labels": [{**SCHEMA["labels"][0], "attributes": []}]}
    folder = _sequence(tmp_path)
    with Project(tmp_path / "db", schema) as project:
        with pytest.raises(InputError, match="gt.txt, line 8: object 2 is ignored"):
            project.import_path(folder, "mot")
        assert project.task_count() == 0
        project.import_path(folder, "mot", {"settings": {"ignored": "skip"}})
        assert [r["value"]["track_id"] for r in _record(project)["annotations"][0]["regions"]
                ] == [1]


def test_rows_without_a_class_take_the_default_class(tmp_path: Path):
    folder = _sequence(tmp_path, "1,4,10,10,20,20,1,-1,1\n", seqinfo=None)
    with Project(tmp_path / "db", SCHEMA) as project:
        project.import_path(folder, "mot", {"settings": {"default_class": "label_9"}})
        record = _record(project)
    assert record["data"] == {"video": "walk", "frame_count": 1}
    assert record["annotations"][0]["regions"][0]["value"]["class"] == "label_9"


def _read(content: bytes, folder: Path) -> int:
    context = ReadContext(parse_schema(SCHEMA), Binding(parse_schema(SCHEMA)), ImportOptions())
    path = _sequence(folder, "")
    (path / "gt" / "gt.txt").write_bytes(content)
    with open_source(path) as source:
        return sum(1 for _ in datasets.records(source, "mot", context))


@EXAMPLES
@given(data=st.data())
def test_mutated_rows_raise_only_input_errors(tmp_path_factory, data):
    start = data.draw(st.integers(0, len(GT)))
    end = data.draw(st.integers(start, min(len(GT), start + 12)))
    filler = data.draw(st.sampled_from(["", "-", ",", "1e999", "nan", "\xff", "99", "\n"]))
    mutated = GT[:start].encode() + filler.encode("latin-1") + GT[end:].encode()
    try:
        _read(mutated, tmp_path_factory.mktemp("fuzz"))
    except InputError as exc:
        assert exc.message.startswith("walk")


def test_datumaros_own_mot_export_reads_like_our_sequence(tmp_path: Path):
    with Project(tmp_path / "a", SCHEMA) as direct:
        direct.import_path(_sequence(tmp_path), "mot")
        ours = _record(direct)["annotations"][0]["regions"]
    dm.Dataset.import_from(str(tmp_path / "walk"), "mot_seq").export(str(tmp_path / "dm"),
                                                                     "mot_seq_gt")
    (tmp_path / "dm" / "seqinfo.ini").write_text(SEQINFO)  # Datumaro writes none
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_path(tmp_path / "dm", "mot")
        assert _record(again)["annotations"][0]["regions"] == ours


@pytest.mark.parametrize(("seqinfo", "message"), [
    (SEQINFO.replace("imWidth=100", "imWidth=wide"),
     r"walk/seqinfo.ini, line 6: imwidth='wide' is not a positive whole number"),
    (SEQINFO.replace("imDir=img1", "imDir=../elsewhere"),
     r"walk/seqinfo.ini, line 3: imDir='../elsewhere' is not a folder of the sequence"),
])
def test_a_bad_seqinfo_names_its_line(tmp_path: Path, seqinfo: str, message: str):
    with Project(tmp_path / "db", SCHEMA) as project:
        with pytest.raises(InputError, match=message):
            project.import_path(_sequence(tmp_path, seqinfo=seqinfo), "mot")
        assert project.task_count() == 0
