"""Image folders: a class per folder (and Roboflow's one-hot `_classes.csv`) import as
classifications, the export is a folder per class that Datumaro's `imagenet` reads with the
same classes, and bad folders are named with nothing stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from datumaro.components.annotation import AnnotationType
from datumaro.components.dataset import Dataset
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.image_folders import read
from accord.formats.source import open_source
from strategies import EXAMPLES
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids

SCHEMA = {"data": [{"name": "photo", "type": "image"}],
          "labels": [{"name": "animal", "type": "classification", "source": "photo",
                      "classes": [{"name": "cat"}, {"name": "dog"}]}]}
MULTI = {"data": [{"name": "image", "type": "image"}],
         "labels": [{"name": "tags", "type": "multilabel", "source": "image",
                     "classes": [{"name": "label_0"}, {"name": "label_1"}]}]}


def png(path: Path, color=(0, 120, 0)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 3), color).save(path, format="PNG")


def classes(project: Project) -> dict[str, tuple[str, str]]:
    """image → (batch, class) of every stored task."""
    return {r["data"]["photo"]: (r.get("batch", ""),
                                 r["annotations"][0]["regions"][0]["value"]["class"])
            for r in project.records()}


def test_class_folders_and_batch_folders_import_as_classifications(tmp_path):
    root = tmp_path / "set"
    png(root / "cat" / "1.png")
    png(root / "dog" / "2.png")
    png(root / "train" / "cat" / "3.png")
    (root / "README.txt").write_text("not an image: ignored")
    (root / ".DS_Store").write_bytes(b"\0\1")
    with Project(tmp_path / "db", SCHEMA) as project:
        assert project.import_path(root, "image_folders")["created"] == 3
        assert classes(project) == {"cat/1.png": ("", "cat"), "dog/2.png": ("", "dog"),
                                    "train/cat/3.png": ("train", "cat")}
        [first, *_] = project.records()
        assert first["annotations"][0]["regions"] == [
            {"id": "1", "label": "animal", "type": "classification", "value": {"class": "cat"}}]


@pytest.mark.parametrize(("layout", "message"), [
    ({"cat/1.png": "png", "zebra/2.png": "png"}, r"set/zebra: .*'zebra'"),
    ({"cat/1.png": "png", "cat/2.jpg": b"<svg onload=alert(1)>"},
     r"set/cat/2\.jpg: the file is named as an image but its first bytes"),
    ({"cat/1.png": "png", "3.png": "png"}, r"set/3\.png: the image is not inside a class"),
])
def test_a_bad_folder_is_named(tmp_path, layout, message):
    root = tmp_path / "set"
    for name, content in layout.items():
        if content == "png":
            png(root / name)
        else:
            (root / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_all(root, SCHEMA)


def test_an_unknown_class_folder_after_good_ones_stores_nothing(tmp_path):
    root = tmp_path / "set"
    png(root / "cat" / "1.png")
    png(root / "zebra" / "2.png")
    with Project(tmp_path / "db", SCHEMA) as project:
        with pytest.raises(InputError, match=r"set/zebra: .*'zebra'"):
            project.import_path(root, "image_folders")
        assert project.task_count() == 0


def test_roboflows_one_hot_classes_csv_imports_as_multilabel_per_subset(tmp_path):
    with Project(tmp_path, MULTI) as project:
        project.import_path(CONFORMANCE / "roboflow_dataset" / "multiclass", "image_folders")
        found = {r["data"]["image"]: (r["batch"], r["annotations"][0]["regions"])
                 for r in project.records()}
    assert {k: (b, [r["value"]["classes"] for r in v]) for k, (b, v) in found.items()} == {
        "train/train_001.jpg": ("train", [["label_0"]]),
        "train/train_002.jpg": ("train", [["label_1"]]),
        "val/val_001.jpg": ("val", [["label_0", "label_1"]])}
    assert found["val/val_001.jpg"][1][0]["label"] == "tags"


def test_a_classes_csv_row_of_zeros_is_an_empty_answer_and_an_unlisted_image_none(tmp_path):
    root = tmp_path / "set"
    png(root / "a.png")
    png(root / "b.png")
    (root / "_classes.csv").write_text("filename,label_0,label_1\na.png,0,0\n")
    with Project(tmp_path / "db", MULTI) as project:
        project.import_path(root, "image_folders")
        found = {r["data"]["image"]: [a["regions"] for a in r.get("annotations", [])]
                 for r in project.records()}
    assert found == {"a.png": [[]], "b.png": []}


def test_a_classes_csv_naming_a_missing_image_is_refused(tmp_path):
    root = tmp_path / "set"
    png(root / "train" / "a.png")
    (root / "train" / "_classes.csv").write_text("filename, label_0, label_1\n"
                                                 "a.png, 1, 0\nb.png, 0, 1\n")
    with Project(tmp_path / "db", MULTI) as project:
        with pytest.raises(InputError, match=r"train/_classes\.csv: lists 'b\.png'"):
            project.import_path(root, "image_folders")
        assert project.task_count() == 0


def task(photo: str, cls: str | None) -> dict:
    regions = ([{"id": "c", "label": "animal", "type": "classification",
                 "value": {"class": cls}}] if cls else [])
    return {"data": {"photo": photo}, "annotations": [{"regions": regions}]}


def test_the_export_is_read_by_datumaro_imagenet_with_the_same_classes(tmp_path):
    with Project(tmp_path / "one", SCHEMA) as project:
        png(project.media_root / "a" / "x.png", (255, 0, 0))
        png(project.media_root / "b" / "x.png", (0, 0, 255))
        png(project.media_root / "c.png")
        png(project.media_root / "d.png")
        project.import_bytes(jsonl([task("a/x.png", "cat"), task("b/x.png", "cat"),
                                    task("c.png", "dog"), task("d.png", None),
                                    task("https://cdn.example.org/e.png", "dog")]),
                             "tasks.jsonl", "jsonl")
        exported = project.export_bytes("image_folders")
        assert exported == project.export_bytes("image_folders")
    archive = zipfile.ZipFile(io.BytesIO(exported))
    assert archive.namelist() == ["cat/x.png", "cat/2_x.png", "dog/c.png", "not-included.txt"]
    assert archive.read("cat/2_x.png") == (tmp_path / "one/media/b/x.png").read_bytes()
    assert archive.read("not-included.txt").decode() == (
        "task 4 (d.png): no classification\n"
        "task 5 (https://cdn.example.org/e.png): its media is not a local file\n")
    folder = tmp_path / "unzipped"
    archive.extractall(folder)
    (folder / "not-included.txt").unlink()
    dataset = Dataset.import_from(str(folder), "imagenet")
    names = dataset.categories()[AnnotationType.label]
    peer = {item.id: [names[a.label].name for a in item.annotations] for item in dataset}
    assert peer == {"cat:x": ["cat"], "cat:2_x": ["cat"], "dog:c": ["dog"]}
    with Project(tmp_path / "two", SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "image_folders")
        back = {r["data"]["photo"]: regions_without_ids(r["annotations"][0]["regions"])
                for r in again.records()}
    expected = regions_without_ids(task("", "cat")["annotations"][0]["regions"])
    assert back["cat/x.png"] == back["cat/2_x.png"] == expected
    assert back["dog/c.png"] == regions_without_ids(
        task("", "dog")["annotations"][0]["regions"])


def read_all(path: Path, schema: dict | None = None) -> list:
    parsed = parse_schema(schema) if schema else None
    with open_source(path) as source:
        return list(read(source, ReadContext(schema=parsed, binding=Binding(parsed))))


@EXAMPLES
@given(st.binary(max_size=120), st.sampled_from(["_classes.csv", "img.png"]))
def test_any_bytes_in_a_classes_csv_or_an_image_raise_only_input_errors(
        tmp_path_factory, data, name):
    root = tmp_path_factory.mktemp("fuzz")
    png(root / "cat" / "a.png")
    (root / "cat" / name).write_bytes(data)
    try:
        read_all(root)
    except InputError:
        pass
