"""Pascal VOC: Datumaro's and Roboflow's samples import as their XML says (1-based
inclusive pixels converted exactly); exports read back the same, in Accord and in
Datumaro; bad files stop the import at the file and object, with nothing stored."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datumaro as dm
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pycocotools import mask as mask_utils

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.formats.voc import read
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids
from tests.strategies import EXAMPLES

SAMPLES = CONFORMANCE / "voc_dataset"
VOC_CLASSES = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car",
               "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person",
               "pottedplant", "sheep", "sofa", "train", "tvmonitor", "ignored"]


def _schema(classes: list[str], *, tags: bool = False) -> dict[str, Any]:
    labels: list[dict[str, Any]] = [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": c} for c in classes],
         "attributes": [{"name": "truncated", "type": "bool"},
                        {"name": "occluded", "type": "bool"},
                        {"name": "pose", "type": "enum", "values": ["Unspecified", "Left"]},
                        {"name": "jumping", "type": "bool"},
                        {"name": "phoning", "type": "bool"}]}]
    if tags:
        labels.append({"name": "tags", "type": "multilabel", "source": "image",
                       "classes": [{"name": c} for c in classes]})
    return {"data": [{"name": "image", "type": "image"}], "labels": labels}


SCHEMA = _schema(VOC_CLASSES)
ROBOFLOW = _schema(["label_0", "label_1"])


def _box(region: dict[str, Any]) -> tuple[str, float, float, float, float]:
    v = region["value"]
    return v["class"], v["x"], v["y"], v["width"], v["height"]


def _tasks(project: Project) -> dict[str, dict[str, Any]]:
    return {r["data"]["image"]: r for r in project.records()}


def _regions(record: dict[str, Any]) -> list[dict[str, Any]]:
    return record["annotations"][0]["regions"] if record.get("annotations") else []


def test_the_full_sample_imports_boxes_attributes_subsets_and_image_classes(tmp_path: Path):
    with Project(tmp_path, _schema(VOC_CLASSES, tags=True)) as project:
        assert project.import_path(SAMPLES / "voc_dataset1", "voc")["created"] == 2
        tasks = _tasks(project)
        first, second = tasks["JPEGImages/2007_000001.jpg"], tasks["JPEGImages/2007_000002.jpg"]
        assert (first["batch"], second["batch"]) == ("train", "test")  # ImageSets/Main lists
        assert (first["data"]["width"], first["data"]["height"]) == (20, 10)
        assert (second["data"]["width"], second["data"]["height"]) == (20, 10)  # JPEG header
        cat, person, tags = _regions(first)
        # <xmin>1 <ymin>2 <xmax>3 <ymax>4: pixels 1..3 and 2..4, 1-based inclusive
        assert _box(cat) == ("cat", 0.0, 1.0, 3.0, 3.0)
        assert cat["attributes"] == {"truncated": True, "pose": "Unspecified"}
        assert _box(person) == ("person", 3.0, 4.0, 3.0, 3.0)  # its <part> is not read
        assert person["attributes"] == {"jumping": False, "phoning": True}  # <actions>
        assert tags["type"] == "multilabel" and tags["value"]["classes"] == [
            "aeroplane", "bird", "bottle", "car", "chair", "diningtable", "horse", "person",
            "sheep", "train", "ignored"]  # the `1` lines of <class>_train.txt, schema order
        assert _regions(second) == []  # listed in test.txt, no XML, no class lists


def test_files_without_size_and_a_file_without_objects_import(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        assert project.import_path(SAMPLES / "voc_dataset2", "voc")["created"] == 5
        tasks = _tasks(project)
        assert {r["batch"] for r in tasks.values()} == {"trainval"}
        assert _regions(tasks["JPEGImages/@.jpg"]) == []
        assert "width" not in tasks["JPEGImages/a.jpg"]["data"]  # no <size>, no image
        [box] = _regions(tasks["JPEGImages/c.jpg"])
        assert _box(box) == ("bicycle", 2.0, 0.0, 9.0, 6.0)  # 3.0 1.0 11.0 6.0
        assert box["attributes"] == {"truncated": False, "occluded": False}
    with Project(tmp_path / "3", SCHEMA) as project:
        assert project.import_path(SAMPLES / "voc_dataset3", "voc")["created"] == 1
        [record] = project.records()
        assert [_box(r) for r in _regions(record)] == [("cat", 0.0, 1.0, 3.0, 3.0)]


def test_the_roboflow_layout_reads_folders_as_subsets_and_zero_based_when_asked(
        tmp_path: Path):
    sample = CONFORMANCE / "roboflow_dataset" / "voc"
    with Project(tmp_path, ROBOFLOW) as project:
        project.import_path(sample, "voc", {"settings": {"origin": "zero-based"}})
        tasks = _tasks(project)
        assert {k: r["batch"] for k, r in tasks.items()} == {
            "train/train_001.jpg": "train", "train/train_002.jpg": "train",
            "val/val_001.jpg": "val"}
        # <xmin>2 <xmax>5 <ymin>1 <ymax>2, taken as they are
        assert [_box(r) for r in _regions(tasks["train/train_001.jpg"])] == [
            ("label_0", 2.0, 1.0, 3.0, 1.0)]
        assert [_box(r) for r in _regions(tasks["val/val_001.jpg"])] == [
            ("label_0", 0.0, 0.0, 1.0, 2.0), ("label_1", 0.0, 0.0, 9.0, 1.0)]
    with Project(tmp_path / "one", ROBOFLOW) as project:
        project.import_path(sample, "voc")  # the default, 1-based: one pixel wider
        assert [_box(r) for r in _regions(_tasks(project)["train/train_001.jpg"])] == [
            ("label_0", 1.0, 0.0, 4.0, 2.0)]


def _round_trip(project: Project, tmp_path: Path, schema: dict[str, Any],
                options: dict[str, Any] | None = None) -> Project:
    exported = project.export_to(tmp_path / "export.zip", "voc", options)
    again = Project(tmp_path / "again", schema)
    again.import_path(exported, "voc")
    return again


def test_an_export_reads_back_to_the_same_regions_and_subsets(tmp_path: Path):
    schema = _schema(VOC_CLASSES, tags=True)
    with Project(tmp_path, schema) as project:
        project.import_path(SAMPLES / "voc_dataset1", "voc")
        before = project.records()
        with _round_trip(project, tmp_path, schema) as again:
            after = again.records()
    assert [r["batch"] for r in after] == [r["batch"] for r in before]
    assert [r["data"]["image"] for r in after] == ["JPEGImages/2007_000001.jpg",
                                                   "JPEGImages/2007_000002.jpg"]
    assert [regions_without_ids(_regions(r)) for r in after] == [
        regions_without_ids(_regions(r)) for r in before]


FRACTIONAL = [
    {"id": "a", "label": "objects", "type": "bbox",
     "value": {"class": "car", "x": 0.1, "y": 0.7, "width": 10.3, "height": 3.3333333333333335},
     "attributes": {"occluded": True}},
    {"id": "b", "label": "objects", "type": "bbox",
     "value": {"class": "person", "x": 12.0, "y": 1e-07, "width": 7.25, "height": 0.0}}]


def _jsonl_project(tmp_path: Path, regions: list[dict[str, Any]], batch: str = "",
                   schema: dict[str, Any] = SCHEMA) -> Project:
    project = Project(tmp_path, schema)
    record: dict[str, Any] = {"data": {"image": "pics/a.jpg", "width": 40, "height": 30},
                              "annotations": [{"regions": regions}]}
    if batch:
        record["batch"] = batch
    project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
    return project


def test_fractional_boxes_read_back_exactly(tmp_path: Path):
    with _jsonl_project(tmp_path, FRACTIONAL, "pilot run") as project:
        with _round_trip(project, tmp_path, SCHEMA) as again:
            [record] = again.records()
    assert record["batch"] == "pilot-run"  # the subset file name, made safe
    assert regions_without_ids(_regions(record)) == regions_without_ids(FRACTIONAL)


def test_datumaro_reads_our_export_with_the_same_boxes_labels_and_subsets(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(SAMPLES / "voc_dataset1", "voc")
        shutil.copytree(SAMPLES / "voc_dataset1" / "JPEGImages",
                        project.media_root / "JPEGImages")
        ours = {Path(r["data"]["image"]).stem: r for r in project.records()}
        exported = project.export_to(tmp_path / "export.zip", "voc", {"include_media": True})
    folder = tmp_path / "unpacked"
    zipfile.ZipFile(exported).extractall(folder)
    dataset = dm.Dataset.import_from(str(folder), "voc_detection",
                                     coordinate_mode="voc-one-based")
    names = dataset.categories()[dm.AnnotationType.label]
    items = {item.id: item for item in dataset}
    assert set(items) == set(ours)
    for item_id, item in items.items():
        assert item.subset == ours[item_id]["batch"]
        assert item.media.size == (10, 20)  # (height, width), from the image we put in
        theirs = [(names[a.label].name, *a.get_bbox()) for a in item.annotations]
        assert theirs == [_box(r) for r in _regions(ours[item_id]) if r["type"] == "bbox"]
    occluded = dataset.get("2007_000001", "train").annotations[0].attributes
    assert occluded["truncated"] is True and occluded["pose"] == "Unspecified"


def test_datumaro_reads_fractional_boxes_to_its_own_rounding(tmp_path: Path):
    """Datumaro keeps coordinates as float32 rounded to 2 decimals
    (COORDINATE_ROUNDING_DIGITS), so that is as close as it can agree."""
    with _jsonl_project(tmp_path, FRACTIONAL) as project:
        exported = project.export_to(tmp_path / "export.zip", "voc")
    folder = tmp_path / "unpacked"
    zipfile.ZipFile(exported).extractall(folder)
    dataset = dm.Dataset.import_from(str(folder), "voc_detection",
                                     coordinate_mode="voc-one-based")
    [item] = list(dataset)
    names = dataset.categories()[dm.AnnotationType.label]
    assert (item.id, item.subset) == ("a", "default")
    for ann, region in zip(item.annotations, FRACTIONAL, strict=True):
        name, *box = _box(region)
        assert names[ann.label].name == name
        assert ann.get_bbox() == pytest.approx(box, abs=0.005 + 1e-6)


def test_a_rotated_box_is_refused_by_task_and_region(tmp_path: Path):
    rotated = [{**FRACTIONAL[0], "value": {**FRACTIONAL[0]["value"], "rotation": 30.0}}]
    with _jsonl_project(tmp_path, rotated) as project:
        with pytest.raises(InputError, match=r"task \d+, region a: the box is rotated by 30°"):
            project.export_bytes("voc")


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One project for the failing imports: each stores nothing, so it stays empty."""
    with Project(tmp_path_factory.mktemp("empty"), SCHEMA) as project:
        yield project


def _dataset(folder: Path, xml: str, lists: dict[str, str] | None = None) -> Path:
    (folder / "Annotations").mkdir(parents=True)
    (folder / "Annotations" / "x.xml").write_text(xml)
    for name, content in (lists or {}).items():
        (folder / "ImageSets" / "Main").mkdir(parents=True, exist_ok=True)
        (folder / "ImageSets" / "Main" / name).write_text(content)
    return folder


def _xml(objects: str, size: str = "<size><width>20</width><height>10</height></size>"
         ) -> str:
    return f"<annotation><filename>x.jpg</filename>{size}{objects}</annotation>"


def _object(name: str = "cat", box: str = "1 1 5 5") -> str:
    tags = ("xmin", "ymin", "xmax", "ymax")
    corners = "".join(f"<{tag}>{value}</{tag}>"
                      for tag, value in zip(tags, box.split(), strict=False))
    return f"<object><name>{name}</name><bndbox>{corners}</bndbox></object>"


@pytest.mark.parametrize(("xml", "lists", "message"), [
    (_xml(_object() + _object(box="1 1 5")), None,
     r"Annotations/x.xml, object 2: <ymax> is None, expected a number"),
    (_xml(_object() + _object(box="1 1 25 5")), None,
     r"Annotations/x.xml, object 2: the box \(0, 0, 25 × 5\) reaches outside"),
    (_xml(_object(box="5 1 2 3")), None, r"object 1: xmax/ymax \(2, 3\) come before"),
    (_xml(_object("zebra")), None, r"x.xml: .*region '1'.*no class 'zebra'"),
    (_xml(_object().replace("<name>cat</name>", "")), None, r"object 1: has no <name>"),
    (_xml("<object><name>cat</name></object>"), None, r"object 1: has no <bndbox>"),
    (_xml(_object(), "<size><width>2.5</width><height>1</height></size>"), None,
     r"x.xml: <size> is 2.5 × 1, expected whole pixels"),
    (_xml(_object())[:-5], None, r"x.xml, line 1, column \d+: not well-formed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "boom">]>\n' + _xml("&x;"), None,
     r"x.xml, line 2: declares a DOCTYPE or an entity"),
    ("<annotations/>", None, r"x.xml: the root element is <annotations>"),
    (_xml(_object()), {"cat_train.txt": "x 1\nx maybe\n"},
     r"ImageSets/Main/cat_train.txt, line 2: expected '<image id> 1\|0\|-1'"),
])
def test_a_bad_file_names_its_position_and_nothing_is_stored(
        tmp_path: Path, empty: Project, xml: str, lists: dict[str, str] | None, message: str):
    folder = _dataset(tmp_path / "voc", xml, lists)
    with pytest.raises(InputError, match=message):
        empty.import_path(folder, "voc")
    assert empty.task_count() == 0


def test_a_class_list_naming_two_classes_for_a_single_choice_label_is_refused(
        tmp_path: Path):
    schema = {"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "cat"}, {"name": "dog"}]}]}
    folder = _dataset(tmp_path / "voc", _xml(""), {"cat_train.txt": "x 1\n",
                                                  "dog_train.txt": "x  1\n",
                                                  "train.txt": "x\n"})
    with Project(tmp_path / "db", schema) as project:
        with pytest.raises(InputError, match=r"x.xml: marks 2 classes present \(cat, dog\)"):
            project.import_path(folder, "voc")
        (folder / "ImageSets" / "Main" / "dog_train.txt").write_text("x -1\n")
        project.import_path(folder, "voc")
        [record] = project.records()
    assert record["batch"] == "train"
    assert _regions(record) == [{"id": "1", "label": "scene", "type": "classification",
                                 "value": {"class": "cat"}}]


FUZZ_SCHEMA = parse_schema(SCHEMA)
FUZZ_CONTEXT = ReadContext(schema=FUZZ_SCHEMA, binding=Binding(FUZZ_SCHEMA),
                           options=ImportOptions())
VALID = (SAMPLES / "voc_dataset1" / "Annotations" / "2007_000001.xml").read_bytes()


@st.composite
def _mutations(draw: st.DrawFn) -> bytes:
    content = VALID
    kind = draw(st.sampled_from(["cut", "splice", "replace", "flip"]))
    at = draw(st.integers(0, len(content)))
    if kind == "cut":
        return content[:at]
    if kind == "splice":
        return content[:at] + draw(st.binary(max_size=12)) + content[at:]
    if kind == "replace":
        word = draw(st.sampled_from([b"1", b"cat", b"bndbox", b"20", b"xmin", b"person"]))
        new = draw(st.sampled_from([b"", b"-5", b"1e309", b"nan", b"x", b"zebra", b"9999"]))
        return content.replace(word, new, draw(st.integers(1, 3)))
    return content[:at] + bytes([draw(st.integers(0, 255))]) + content[at + 1:]


@EXAMPLES
@given(_mutations())
def test_the_reader_raises_only_input_errors_on_mutated_files(content: bytes):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "Annotations").mkdir()
        (root / "Annotations" / "a.xml").write_bytes(content)
        with open_source(root, "voc") as source:
            try:
                records = list(read(source, FUZZ_CONTEXT))
            except InputError as error:
                assert error.message.startswith("voc/Annotations/a.xml")
                return
    [(where, record)] = records
    assert where == "voc/Annotations/a.xml"
    assert isinstance(record["data"]["image"], str)


def _mask_schema() -> dict[str, Any]:
    schema = _schema(VOC_CLASSES)
    schema["labels"].append({"name": "masks", "type": "mask", "source": "image",
                             "classes": [{"name": c} for c in VOC_CLASSES]})
    return schema


def test_segmentation_pngs_become_the_masks_datumaro_reads(tmp_path: Path):
    with Project(tmp_path, _mask_schema()) as project:
        project.import_path(SAMPLES / "voc_dataset1", "voc")
        masks = {Path(r["data"]["image"]).stem: [g for g in _regions(r) if g["type"] == "mask"]
                 for r in project.records()}
    dataset = dm.Dataset.import_from(str(SAMPLES / "voc_dataset1"),
                                     "voc_instance_segmentation")
    names = dataset.categories()[dm.AnnotationType.label]
    for item in dataset:
        theirs = [a for a in item.annotations if a.type == dm.AnnotationType.mask]
        ours = masks[item.id]
        assert [names[a.label].name for a in theirs] == [m["value"]["class"] for m in ours]
        for a, m in zip(theirs, ours, strict=True):
            assert m["value"]["rle"] == _coco_rle(a.image)
    assert [m["value"]["class"] for m in masks["2007_000001"]] == ["bicycle"]  # the sample


def _coco_rle(bitmap: Any) -> dict[str, Any]:
    """pycocotools' RLE of a bitmap, as our masks hold it (a peer's encoder, not ours)."""
    rle = mask_utils.encode(np.asfortranarray(bitmap.astype(np.uint8)))
    return {"size": [int(s) for s in rle["size"]], "counts": rle["counts"].decode()}


def test_a_segmentation_png_of_the_wrong_size_or_colour_is_named(tmp_path: Path):
    folder = _dataset(tmp_path / "voc", _xml(_object()), {"train.txt": "x\n"})
    (folder / "SegmentationClass").mkdir()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(folder / "SegmentationClass" / "x.png")
    with Project(tmp_path / "db", _mask_schema()) as project:
        with pytest.raises(InputError, match=r"SegmentationClass/x.png: colour \(1, 2, 3\) is "
                                             "not in the label map"):
            project.import_path(folder, "voc")
        Image.new("RGB", (8, 8)).save(folder / "SegmentationClass" / "x.png")
        with pytest.raises(InputError, match=r"x.png: the mask is 8 × 8, the image 20 × 10"):
            project.import_path(folder, "voc")
        Image.new("L", (20, 10), 8).save(folder / "SegmentationClass" / "x.png")
        project.import_path(folder, "voc")  # class index 8 (cat) all over
        [record] = project.records()
    [_, mask] = _regions(record)
    assert mask["value"] == {"class": "cat", "rle": {"size": [10, 20], "counts": "0X6"}}


def test_masks_export_as_segmentation_pngs_that_read_back_and_datumaro_reads(
        tmp_path: Path):
    schema = _mask_schema()
    with Project(tmp_path, schema) as project:
        project.import_path(SAMPLES / "voc_dataset1", "voc")
        before = project.records()
        with _round_trip(project, tmp_path, schema) as again:
            after = again.records()
        exported = tmp_path / "export.zip"
    assert [regions_without_ids(_regions(r)) for r in after] == [
        regions_without_ids(_regions(r)) for r in before]
    folder = tmp_path / "unpacked"
    zipfile.ZipFile(exported).extractall(folder)
    assert (folder / "ImageSets" / "Segmentation" / "train.txt").read_text() == "2007_000001\n"
    dataset = dm.Dataset.import_from(str(folder), "voc_instance_segmentation")
    names = dataset.categories()[dm.AnnotationType.label]
    [mask] = [a for a in dataset.get("2007_000001", "train").annotations
              if a.type == dm.AnnotationType.mask]
    [ours] = [r for r in _regions(before[0]) if r["type"] == "mask"]
    assert names[mask.label].name == ours["value"]["class"] == "bicycle"
    assert _coco_rle(mask.image) == ours["value"]["rle"]


def test_overlapping_masks_keep_the_later_one_on_top(tmp_path: Path):
    whole = np.ones((30, 40), dtype=bool)
    corner = np.zeros((30, 40), dtype=bool)
    corner[:10, :10] = True
    regions = [{"id": "m1", "label": "masks", "type": "mask",
                "value": {"class": "cat", "rle": _coco_rle(whole)}},
               {"id": "m2", "label": "masks", "type": "mask",
                "value": {"class": "dog", "rle": _coco_rle(corner)}}]
    schema = _mask_schema()
    with _jsonl_project(tmp_path, regions, schema=schema) as project:
        with _round_trip(project, tmp_path, schema) as again:
            [record] = again.records()
    cat, dog = _regions(record)
    assert dog["value"] == regions[1]["value"]
    assert cat["value"]["rle"] == _coco_rle(whole & ~corner)  # VOC has one class per pixel


def test_a_zip_with_the_dataset_in_a_folder_reads_as_the_folder_does(tmp_path: Path):
    archive = tmp_path / "voc.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted((SAMPLES / "voc_dataset1").rglob("*")):
            if path.is_file():
                out.write(path, f"VOC2007/{path.relative_to(SAMPLES / 'voc_dataset1')}")
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(archive, "voc")
        records = project.records()
    assert [(r["data"], r["batch"]) for r in records] == [
        ({"image": "VOC2007/JPEGImages/2007_000001.jpg", "width": 20, "height": 10}, "train"),
        ({"image": "VOC2007/JPEGImages/2007_000002.jpg", "width": 20, "height": 10}, "test")]
    assert [_box(r) for r in _regions(records[0])] == [("cat", 0.0, 1.0, 3.0, 3.0),
                                                       ("person", 3.0, 4.0, 3.0, 3.0)]
