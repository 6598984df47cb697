"""YOLO: the darknet, Ultralytics and Roboflow samples import with their boxes placed by
the image sizes; detect, segment and pose lines are told apart; exports read back the
same, in Accord and in Datumaro; bad lines are named by file and line, nothing stored."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datumaro as dm
import pytest
import yaml
from datumaro.plugins.data_formats.yolo.importer import YoloImporter
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.formats.yolo import read
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids
from tests.strategies import EXAMPLES

SAMPLES = CONFORMANCE / "yolo_dataset"
ROBOFLOW = CONFORMANCE / "roboflow_dataset"
LABELS = [f"label_{i}" for i in range(10)]
SCHEMA = {"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "objects", "type": "bbox", "source": "image",
     "classes": [{"name": c} for c in LABELS]}]}
SHAPES = {"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "objects", "type": "bbox", "source": "image",
     "classes": [{"name": "car"}, {"name": "person"}]},
    {"name": "outlines", "type": "polygon", "source": "image",
     "classes": [{"name": "car"}, {"name": "person"}]},
    {"name": "poses", "type": "keypoints", "source": "image",
     "classes": [{"name": "person", "keypoints": ["head", "left", "right"]}]}]}
#: the sample's two lines on its 15 × 10 image: class 2 at (0.133333, 0.3) 0.266667 × 0.2
SAMPLE_BOXES = [("label_2", (0.133333 - 0.266667 * 0.5) * 15, (0.3 - 0.2 * 0.5) * 10,
                 0.266667 * 15, 0.2 * 10),
                ("label_4", (0.266667 - 0.133333 * 0.5) * 15, (0.45 - 0.3 * 0.5) * 10,
                 0.133333 * 15, 0.3 * 10)]


def _box(region: dict[str, Any]) -> tuple[str, float, float, float, float]:
    v = region["value"]
    return v["class"], v["x"], v["y"], v["width"], v["height"]


def _regions(record: dict[str, Any]) -> list[dict[str, Any]]:
    return record["annotations"][0]["regions"] if record.get("annotations") else []


def _tasks(project: Project) -> dict[str, dict[str, Any]]:
    return {r["data"]["image"]: r for r in project.records()}


@pytest.mark.parametrize(("sample", "images"), [
    ("labels", {"images/train/1.jpg": "train", "images/val/1.jpg": "val"}),
    ("annotations", {"Images/1.jpg": None}),
    ("strict", {"obj_train_data/1.jpg": "train"}),
])
def test_the_darknet_and_loose_samples_import_their_boxes(tmp_path: Path, sample: str,
                                                          images: dict[str, str | None]):
    with Project(tmp_path, SCHEMA) as project:
        assert project.import_path(SAMPLES / sample, "yolo")["created"] == len(images)
        tasks = _tasks(project)
        assert {k: r.get("batch") for k, r in tasks.items()} == images  # README.txt: no task
        for record in tasks.values():
            assert (record["data"]["width"], record["data"]["height"]) == (15, 10)
            assert [_box(r) for r in _regions(record)] == SAMPLE_BOXES
            assert [r["id"] for r in _regions(record)] == ["1", "2"]


def test_the_roboflow_sample_reads_data_yaml_names_and_subset_folders(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        assert project.import_path(ROBOFLOW / "yolo", "yolo")["created"] == 3
        tasks = _tasks(project)
        assert {k: r["batch"] for k, r in tasks.items()} == {
            "train/images/train_001.jpg": "train", "train/images/train_002.jpg": "train",
            "val/images/val_001.jpg": "val"}
        # "1 0.45 0.1 0.9 0.2" on a 10 × 5 image: x (0.45 - 0.45) * 10, width 9
        assert [_box(r) for r in _regions(tasks["val/images/val_001.jpg"])] == [
            ("label_0", 0.0, 0.0, 1.0, 2.0), ("label_1", 0.0, 0.0, 9.0, 1.0)]


def test_roboflow_oriented_boxes_import_as_the_rotated_boxes_datumaro_reads(tmp_path: Path):
    sample = ROBOFLOW / "yolo_obb"
    with Project(tmp_path, SCHEMA) as project:
        assert project.import_path(sample, "yolo")["created"] == 3
        ours = {Path(r["data"]["image"]).stem: r for r in project.records()}
    # "0 0 0 2 2 2 2 0 label_0 0": corners (0,0) (0,2) (2,2) (2,0) in pixels, first edge down
    assert _regions(ours["train_001"])[0]["value"] == {
        "class": "label_0", "x": 0.0, "y": 0.0, "width": 2.0, "height": 2.0, "rotation": 90.0}
    dataset = dm.Dataset.import_from(str(sample), "roboflow_yolo_obb")
    names = dataset.categories()[dm.AnnotationType.label]
    for item in dataset:
        assert ours[item.id]["batch"] == item.subset
        theirs = [(names[a.label].name, a.cx, a.cy, a.w, a.h, a.r) for a in item.annotations]
        held = [(v["class"], v["x"] + v["width"] / 2, v["y"] + v["height"] / 2, v["width"],
                 v["height"], v.get("rotation", 0.0))
                for v in (r["value"] for r in _regions(ours[item.id]))]
        assert theirs == held


def _image(path: Path, size: tuple[int, int] = (40, 20)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size).save(path)


def _dataset(folder: Path, labels: dict[str, str], config: dict[str, Any] | None = None,
             images: bool = True) -> Path:
    """An Ultralytics dataset: data.yaml, and for each `labels/<subset>/<stem>.txt` its
    40 × 20 image at images/<subset>/<stem>.png."""
    folder.mkdir(parents=True, exist_ok=True)
    document = config or {"names": ["car", "person"]}
    (folder / "data.yaml").write_text(yaml.safe_dump(document))
    for name, content in labels.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
        if images:
            _image(folder / name.replace("labels/", "images/").replace(".txt", ".png"))
    return folder


def test_detect_segment_and_pose_lines_are_told_apart(tmp_path: Path):
    folder = _dataset(tmp_path / "mixed", {
        "labels/train/a.txt": "0 0.5 0.5 0.5 0.5\n1 0.1 0.1 0.5 0.1 0.5 0.9 0.1 0.1\n"})
    with Project(tmp_path / "db", SHAPES) as project:
        project.import_path(folder, "yolo")
        [record] = project.records()
    box, polygon = _regions(record)
    assert _box(box) == ("car", 10.0, 5.0, 20.0, 10.0)
    assert polygon["label"] == "outlines" and polygon["value"] == {
        "class": "person", "points": [[4.0, 2.0], [20.0, 2.0], [20.0, 18.0]]}  # ring closed
    pose = _dataset(tmp_path / "pose", {"labels/val/p.txt": (
        "0 0.5 0.5 0.5 0.5 0.25 0.25 2 0.75 0.5 1 0 0 0\n")},
        {"names": {0: "person"}, "kpt_shape": [3, 3]})
    with Project(tmp_path / "db2", SHAPES) as project:
        project.import_path(pose, "yolo")
        [record] = project.records()
    [points] = _regions(record)
    assert (points["label"], points["type"], record["batch"]) == ("poses", "keypoints", "val")
    assert points["value"] == {"class": "person",
                               "points": [[10.0, 5.0, 2], [30.0, 10.0, 1], [0.0, 0.0, 0]]}


@pytest.mark.parametrize(("content", "config", "options", "message"), [
    ("0 0.5 0.5 0.2 0.2\n\n0 0.95 0.5 0.2 0.2\n", None, None,
     r"labels/train/a.txt, line 3: the box .* reaches outside"),
    ("0 0.5 0.5 0.2 0.2\n0 0.5 1.5 0.2 0.2\n", None, None,
     r"labels/train/a.txt, line 2: value 3 is '1.5', expected a fraction"),
    ("0 0.5 0.5 0.2\n", None, None, r"a.txt, line 1: 4 values; expected 5"),
    ("0 0.5 0.5 0.2 0.2 0.3\n", None, None, r"a.txt, line 1: 6 values; expected 5"),
    ("7 0.5 0.5 0.2 0.2\n", None, None,
     r"a.txt, line 1: class index 7 is not in .*data.yaml \(classes 0–1\)"),
    ("car 0.5 0.5 0.2 0.2\n", None, None, r"a.txt, line 1: class 'car' is not a class index"),
    ("0 0.5 nan 0.2 0.2\n", None, None, r"a.txt, line 1: value 3 is 'nan'"),
    ("0 0.5 0.5 0.2 0.2\n", {"names": ["car"], "kpt_shape": [2, 3]}, None,
     r"a.txt, line 1: 5 values, expected 11 for a pose line"),
    ("0 0.5 0.5 0.2 0.2 0.5 0.5 3\n", {"names": ["car"], "kpt_shape": [1, 3]}, None,
     r"a.txt, line 1: keypoint visibility '3'"),
    ("0 0.5 0.5 0.2 0.2\n", None, {"task": "segment"}, r"a.txt, line 1: 5 values; expected"),
    ("0 0.5 0.5 0.2 0.2\n", {"names": "car"}, None, r"data.yaml: names is 'car'"),
    ("0 0.5 0.5 0.2 0.2\n", {"names": ["car"], "kpt_shape": [2]}, None,
     r"data.yaml: kpt_shape is \[2\]"),
    ("0 0.5 0.5 0.2 0.2\n", None, {"task": "oriented"}, r"setting 'task': expected one of "),
    ("0 0.5 0.5 0.2 0.2\n", None, {"task": "obb"}, r"a.txt, line 1: 5 values; expected 9"),
])
def test_a_bad_line_is_named_by_file_and_line_and_nothing_is_stored(
        tmp_path: Path, empty: Project, content: str, config: dict[str, Any] | None,
        options: dict[str, str] | None, message: str):
    folder = _dataset(tmp_path / "bad", {"labels/train/a.txt": content}, config)
    with pytest.raises(InputError, match=message):
        empty.import_path(folder, "yolo", {"settings": options or {}})
    assert empty.task_count() == 0


def test_a_label_file_without_its_image_says_which_and_how_to_fix(tmp_path: Path,
                                                                  empty: Project):
    folder = _dataset(tmp_path / "bad", {"labels/train/a.txt": "0 0.5 0.5 0.2 0.2\n"},
                      images=False)
    _image(folder / "images" / "train" / "b.png")
    with pytest.raises(InputError, match=r"labels/train/a.txt: no image a\.\* for this label "
                                         r"file .* add the image \(e\.g\. images/<subset>/a"):
        empty.import_path(folder, "yolo")
    (folder / "data.yaml").write_text("names: [car\n")
    with pytest.raises(InputError, match=r"data.yaml: not valid YAML at line 2"):
        empty.import_path(folder, "yolo")
    (folder / "data.yaml").unlink()
    with pytest.raises(InputError, match=r"no YOLO class names found"):
        empty.import_path(folder, "yolo")
    assert empty.task_count() == 0


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One project for the failing imports: each stores nothing, so it stays empty."""
    with Project(tmp_path_factory.mktemp("empty"), SHAPES) as project:
        yield project


def _with_media(project: Project, sample: Path) -> None:
    for image in sample.rglob("*.jpg"):
        target = project.media_root / image.relative_to(sample)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(image, target)

def _datumaro_sees_our_boxes(unpacked: str, ours: dict[str, dict]) -> None:
    """Datumaro's YOLO reader finds each image (by stem) in its subset with our boxes."""
    dataset = dm.Dataset.import_from(unpacked, "yolo")
    names = dataset.categories()[dm.AnnotationType.label]
    assert {(item.id, item.subset) for item in dataset} == {
        (stem, r["batch"]) for stem, r in ours.items()}
    for item in dataset:
        theirs = [(names[a.label].name, *a.get_bbox()) for a in item.annotations]
        expected = [_box(r) for r in _regions(ours[item.id])]
        assert [t[0] for t in theirs] == [e[0] for e in expected]
        for t, e in zip(theirs, expected, strict=True):
            assert t[1:] == pytest.approx(e[1:], rel=1e-6, abs=1e-9)



def test_an_export_reads_back_to_the_same_boxes_and_datumaro_agrees(tmp_path: Path):
    sample = ROBOFLOW / "yolo"
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(sample, "yolo")
        _with_media(project, sample)
        before = project.records()
        exported = project.export_to(tmp_path / "export.zip", "yolo", {"include_media": True})
    with zipfile.ZipFile(exported) as archive:
        config = yaml.safe_load(archive.read("data.yaml"))
        assert config["names"] == dict(enumerate(LABELS)) and config["nc"] == 10
        assert (config["train"], config["val"]) == ("images/train", "images/val")
        assert archive.read("labels/val/val_001.txt") == (b"0 0.05 0.2 0.1 0.4\n"
                                                          b"1 0.45 0.1 0.9 0.2\n")
        archive.extractall(tmp_path / "unpacked")
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_path(exported, "yolo")
        after = {Path(r["data"]["image"]).name: r for r in again.records()}
    for record in before:
        read_back = after[Path(record["data"]["image"]).name]
        assert read_back["batch"] == record["batch"]
        assert regions_without_ids(_regions(read_back)) == regions_without_ids(
            _regions(record))
    # Datumaro's "yolo" importer picks its Ultralytics reader for data.yaml + labels/
    # ("yolo_ultralytics" by itself needs source urls it is only given through "yolo")
    unpacked = str(tmp_path / "unpacked")
    assert {s["format"] for s in YoloImporter.find_sources(unpacked)} == {"yolo_ultralytics"}
    _datumaro_sees_our_boxes(unpacked, {Path(r["data"]["image"]).stem: r for r in before})


def test_the_darknet_layout_exports_for_datumaro_and_reads_back(tmp_path: Path):
    sample = ROBOFLOW / "yolo"
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(sample, "yolo")
        _with_media(project, sample)
        ours = {Path(r["data"]["image"]).stem: r for r in project.records()}
        exported = project.export_to(tmp_path / "export.zip", "yolo", {
            "include_media": True, "settings": {"layout": "darknet"}})
    with zipfile.ZipFile(exported) as archive:
        assert archive.read("obj.data") == (b"classes = 10\ntrain = data/train.txt\n"
                                            b"val = data/val.txt\nnames = data/obj.names\n"
                                            b"backup = backup/\n")
        assert archive.read("val.txt") == b"data/obj_val_data/val_001.jpg\n"
        archive.extractall(tmp_path / "unpacked")
    unpacked = str(tmp_path / "unpacked")
    assert {s["format"] for s in YoloImporter.find_sources(unpacked)} == {"yolo_strict"}
    _datumaro_sees_our_boxes(unpacked, ours)
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_path(exported, "yolo")
        after = {Path(r["data"]["image"]).stem: r for r in again.records()}
    assert {k: regions_without_ids(_regions(r)) for k, r in after.items()} == {
        k: regions_without_ids(_regions(r)) for k, r in ours.items()}
    assert {k: r["batch"] for k, r in after.items()} == {k: r["batch"] for k, r in ours.items()}


def _jsonl_project(tmp_path: Path, regions: list[dict[str, Any]],
                   size: tuple[int, int] | None = (40, 20)) -> Project:
    project = Project(tmp_path, SHAPES)
    data: dict[str, Any] = {"image": "pics/a.png"}
    if size is not None:
        data["width"], data["height"] = size
        _image(project.media_root / "pics" / "a.png", size)
    project.import_bytes(jsonl([{"data": data, "annotations": [{"regions": regions}]}]),
                         "tasks.jsonl", "jsonl")
    return project


POLYGON = {"id": "p", "label": "outlines", "type": "polygon",
           "value": {"class": "person", "points": [[4.0, 2.0], [20.0, 2.0], [20.0, 18.0]]}}
POSE = {"id": "k", "label": "poses", "type": "keypoints",
        "value": {"class": "person", "points": [[10.0, 5.0, 2], [30.0, 10.0, 1], [0, 0, 0]]}}
BOX = {"id": "b", "label": "objects", "type": "bbox",
       "value": {"class": "person", "x": 10.0, "y": 5.0, "width": 20.0, "height": 10.0}}


@pytest.mark.parametrize(("region", "task"), [(POLYGON, "segment"), (POSE, "pose"),
                                              (BOX, "detect")])
def test_polygons_and_keypoints_export_as_segment_and_pose_and_read_back(
        tmp_path: Path, region: dict[str, Any], task: str):
    with _jsonl_project(tmp_path, [region]) as project:
        exported = project.export_to(tmp_path / "export.zip", "yolo", {"include_media": True})
    with zipfile.ZipFile(exported) as archive:
        config = yaml.safe_load(archive.read("data.yaml"))
        assert config.get("kpt_shape") == ([3, 3] if task == "pose" else None)
        assert sorted(archive.namelist()) == ["data.yaml", "images/train/a.png",
                                              "labels/train/a.txt"]
    with Project(tmp_path / "again", SHAPES) as again:
        again.import_path(exported, "yolo")
        [record] = again.records()
    assert regions_without_ids(_regions(record)) == regions_without_ids([region])


def test_mixed_types_unknown_sizes_and_rotated_boxes_are_refused_by_task(tmp_path: Path):
    with _jsonl_project(tmp_path, [BOX, POLYGON]) as project:
        with pytest.raises(InputError, match=r"task \d+, region p: a polygon region in a "
                                             "YOLO detect export"):
            project.export_bytes("yolo")
        forced = project.export_to(tmp_path / "forced.zip", "yolo",
                                   {"settings": {"task": "segment"}})
        with zipfile.ZipFile(forced) as archive:
            assert archive.read("labels/train/a.txt") == (
                b"1 0.1 0.1 0.5 0.1 0.5 0.9\n")  # class person, the box left out
        with pytest.raises(InputError, match=r"setting 'layout': darknet holds boxes only"):
            project.export_bytes("yolo", {"settings": {"layout": "darknet",
                                                       "task": "segment"}})
        with pytest.raises(InputError, match=r"setting 'layout': expected one of ultralytics"):
            project.export_bytes("yolo", {"settings": {"layout": "coco"}})
    with _jsonl_project(tmp_path / "nosize", [BOX], size=None) as project:
        with pytest.raises(InputError, match=r"task \d+: the image size is unknown"):
            project.export_bytes("yolo")
    with _jsonl_project(tmp_path / "rotated", [ROTATED]) as project:
        with pytest.raises(InputError, match=r"region b: the box is rotated by 15°; .* "
                                             "settings.task=obb"):
            project.export_bytes("yolo")


ROTATED = {**BOX, "value": {**BOX["value"], "rotation": 15.0}}


def test_rotated_boxes_export_as_oriented_boxes_and_read_back(tmp_path: Path):
    with _jsonl_project(tmp_path, [ROTATED]) as project:
        exported = project.export_to(tmp_path / "export.zip", "yolo",
                                     {"include_media": True, "settings": {"task": "obb"}})
    with zipfile.ZipFile(exported) as archive:
        [line] = archive.read("labels/train/a.txt").decode().splitlines()
        assert line.split()[0] == "1" and len(line.split()) == 9  # class person, 4 corners
    with Project(tmp_path / "again", SHAPES) as again:
        again.import_path(exported, "yolo", {"settings": {"task": "obb"}})
        [record] = again.records()
    [region] = _regions(record)
    assert region["value"].pop("class") == "person"
    assert region["value"] == pytest.approx({k: v for k, v in ROTATED["value"].items()
                                             if k != "class"}, abs=1e-9)


FUZZ_SCHEMA = parse_schema(SHAPES)
FUZZ_CONTEXT = ReadContext(schema=FUZZ_SCHEMA, binding=Binding(FUZZ_SCHEMA),
                           options=ImportOptions())
VALID = {"labels": b"0 0.5 0.5 0.5 0.5\n1 0.1 0.1 0.5 0.1 0.5 0.9\n",
         "labelTxt": b"gsd:0.1\n1 2 1 5 10 5 10 2 car 0\n0 0 0 2 2 2 2 0 person 1\n"}


@st.composite
def _mutations(draw: st.DrawFn) -> tuple[str, bytes, bytes]:
    folder = draw(st.sampled_from(sorted(VALID)))
    labels, config = VALID[folder], b"names: [car, person]\n"
    kind = draw(st.sampled_from(["cut", "splice", "replace", "config"]))
    at = draw(st.integers(0, len(labels)))
    if kind == "cut":
        labels = labels[:at]
    elif kind == "splice":
        labels = labels[:at] + draw(st.binary(max_size=12)) + labels[at:]
    elif kind == "replace":
        word = draw(st.sampled_from([b"0.5", b"1", b"0", b" ", b"car"]))
        new = draw(st.sampled_from([b"", b"-5", b"1e309", b"nan", b"x", b"2", b"\xff"]))
        labels = labels.replace(word, new, draw(st.integers(1, 3)))
    else:
        config = draw(st.sampled_from([b"", b"names: {0: car, x: 1}", b"names: [[a]]",
                                       b"kpt_shape: [1, 3]\nnames: [a]", b"- a", b"!!python/x"]))
        config += draw(st.binary(max_size=6))
    return folder, labels, config


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png_bytes()


@EXAMPLES
@given(_mutations())
def test_the_reader_raises_only_input_errors_on_mutated_files(
        files: tuple[str, bytes, bytes]):
    folder_name, labels, config = files
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / folder_name / "train").mkdir(parents=True)
        (root / "images" / "train").mkdir(parents=True)
        (root / "images" / "train" / "a.png").write_bytes(PNG)
        (root / folder_name / "train" / "a.txt").write_bytes(labels)
        (root / "data.yaml").write_bytes(config)
        with open_source(root, "yolo") as source:
            try:
                records = list(read(source, FUZZ_CONTEXT))
            except InputError as error:
                assert error.message.startswith("yolo")
                return
    [(_, record)] = records
    assert record["data"]["image"] == "images/train/a.png"


def _zip_folder(folder: Path, archive: Path, top: str) -> Path:
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, f"{top}/{path.relative_to(folder)}")
    return archive


def test_a_zip_of_the_dataset_in_a_folder_reads_as_the_folder_does(tmp_path: Path):
    archive = _zip_folder(ROBOFLOW / "yolo", tmp_path / "yolo.zip", "dataset")
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(archive, "yolo")
        zipped = project.records()
    with Project(tmp_path / "folder", SCHEMA) as project:
        project.import_path(ROBOFLOW / "yolo", "yolo")
        plain = project.records()
    assert [r["data"]["image"] for r in zipped] == [
        f"dataset/{r['data']['image']}" for r in plain]
    assert [(r["data"]["width"], r["batch"], _regions(r)) for r in zipped] == [
        (r["data"]["width"], r["batch"], _regions(r)) for r in plain]
