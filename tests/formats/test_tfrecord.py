"""TFRecord (TF Object Detection API): the conformance samples import with their boxes, our
exports read back through the `tfrecord` package and through us, damaged files are named
by record and store nothing."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from tfrecord.reader import tfrecord_loader

from accord.core.errors import InputError
from accord.core.schema import parse_schema
from accord.formats import _tfrecord_io as tfio
from accord.formats._pbtxt import parse_label_map
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.formats.tfrecord import KINDS, read
from strategies import EXAMPLES
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids

CLASSES = [f"label_{n}" for n in range(10)]
SCHEMA = {"data": [{"name": "image", "type": "image"}],
          "labels": [{"name": "objects", "type": "bbox", "source": "image",
                      "classes": [{"name": c} for c in CLASSES]}]}
BOX_FEATURES = {f"image/object/bbox/{k}": "float" for k in ("xmin", "ymin", "xmax", "ymax")}
TF_OD = CONFORMANCE / "tf_detection_api_dataset"
ROBOFLOW = CONFORMANCE / "roboflow_dataset" / "tfrecord"


def boxes(record: dict) -> list[tuple]:
    regions = record["annotations"][0]["regions"] if record.get("annotations") else []
    return [(r["value"]["class"], r["value"]["x"], r["value"]["y"], r["value"]["width"],
             r["value"]["height"]) for r in regions]


def by_image(project: Project) -> dict[str, dict]:
    return {r["data"]["image"]: r for r in project.records()}


def example(filename: str = "a.jpg", width: int = 10, height: int = 5, **extra) -> bytes:
    features = {"image/filename": [filename.encode()], "image/width": [width],
                "image/height": [height], **extra}
    return tfio.encode_example(features, KINDS)


def test_the_tf_detection_api_sample_imports_its_boxes_by_file_as_batches(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        report = project.import_path(TF_OD, "tfrecord", {"settings": {"unlabelled": "skip"}})
        assert report["created"] == 3
        found = by_image(project)
        assert sorted(found) == ["1.jpg", "2.jpg", "3.jpg"]
        assert {r["data"]["image"]: r["batch"] for r in found.values()} == {
            "1.jpg": "train", "2.jpg": "val", "3.jpg": "test"}
        # train.tfrecord, 16 × 16: xmin 0, ymin .25, xmax .25, ymax .75 → (0, 4, 4, 8)
        assert found["1.jpg"]["data"] == {"image": "1.jpg", "width": 16, "height": 16}
        assert boxes(found["1.jpg"]) == [("label_2", 0, 4, 4, 8), ("label_3", 0, 4, 4, 4)]
        assert boxes(found["2.jpg"]) == [("label_3", 1, 2, 4, 2)]
        # a record without boxes is an answer too: the image holds nothing to mark
        assert [a["regions"] for a in found["3.jpg"]["annotations"]] == [[]]


def test_a_box_without_a_class_is_an_error_by_default_and_nothing_is_stored(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"train\.tfrecord, record 1, object 3: the box "
                                             r"has no class"):
            project.import_path(TF_OD, "tfrecord")
        assert project.task_count() == 0


def test_the_roboflow_sample_names_classes_by_text_and_its_label_maps(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(ROBOFLOW, "tfrecord", {"media_prefix": "rf/"})
        found = by_image(project)
        assert sorted(found) == ["rf/train_001.jpg", "rf/train_002.jpg", "rf/val_001.jpg"]
        # 10 × 5: xmin .2 ymin .2 xmax .5 ymax .4 → (2, 1, 3, 1)
        assert boxes(found["rf/train_001.jpg"]) == [("label_0", 2, 1, 3, 1)]
        assert boxes(found["rf/train_002.jpg"]) == [("label_1", 0, 0, 2, 4)]
        assert boxes(found["rf/val_001.jpg"]) == [("label_0", 0, 0, 1, 2),
                                                  ("label_1", 0, 0, 9, 1)]


def test_class_ids_are_named_by_the_label_map_when_the_text_is_missing(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "label_map.pbtxt").write_text("item {\n  id: 7\n  name: 'label_5'\n}\n")
    record = example(**{"image/object/class/label": [7], "image/object/bbox/xmin": [0.5],
                        "image/object/bbox/ymin": [0.0], "image/object/bbox/xmax": [1.0],
                        "image/object/bbox/ymax": [0.6]})
    (folder / "a.tfrecord").write_bytes(tfio.frame(record))
    with Project(tmp_path / "db", SCHEMA) as project:
        project.import_path(folder, "tfrecord")
        assert [boxes(r) for r in project.records()] == [[("label_5", 5, 0, 5, 3)]]


def write_images(root: Path) -> None:
    for name, size in (("a.png", (10, 5)), ("b.png", (20, 20))):
        Image.new("RGB", size, (200, 10, 10)).save(root / name)


def test_an_export_reads_back_through_the_tfrecord_package_and_through_us(tmp_path):
    gold = {"a.png": [("label_1", 2.5, 1, 3, 2), ("label_9", 0, 0, 10, 5)],
            "b.png": [("label_0", 4, 8, 10.25, 3.5)]}
    records = [{"data": {"image": name, "width": w, "height": h},
                "annotations": [{"regions": [
                    {"id": str(i), "label": "objects", "type": "bbox",
                     "value": {"class": c, "x": x, "y": y, "width": bw, "height": bh}}
                    for i, (c, x, y, bw, bh) in enumerate(gold[name], start=1)]}]}
               for name, (w, h) in (("a.png", (10, 5)), ("b.png", (20, 20)))]
    with Project(tmp_path / "one", SCHEMA) as project:
        write_images(project.media_root)
        project.import_bytes(jsonl(records),
                             "tasks.jsonl", "jsonl")
        exported = project.export_bytes("tfrecord", {"include_media": True})
        assert exported == project.export_bytes("tfrecord", {"include_media": True})
        before = {r["data"]["image"]: r["annotations"][0]["regions"] for r in project.records()}
    archive = zipfile.ZipFile(io.BytesIO(exported))
    assert archive.namelist() == ["label_map.pbtxt", "data.tfrecord"]
    assert parse_label_map(archive.read("label_map.pbtxt"), "m") == dict(
        enumerate(CLASSES, start=1))
    (tmp_path / "data.tfrecord").write_bytes(archive.read("data.tfrecord"))
    peer = list(tfrecord_loader(str(tmp_path / "data.tfrecord"), None, {
        "image/filename": "byte", "image/width": "int", "image/height": "int",
        "image/encoded": "byte", "image/object/class/label": "int",
        "image/object/class/text": "byte", **BOX_FEATURES}))
    assert [p["image/filename"].decode() for p in peer] == ["a.png", "b.png"]
    a, b = peer
    assert list(a["image/object/class/label"]) == [2, 10]
    assert b["image/object/class/text"] == b"label_0"  # one value: the package gives bytes
    assert a["image/object/bbox/xmin"] == pytest.approx([0.25, 0.0])
    assert a["image/object/bbox/ymax"] == pytest.approx([0.6, 1.0])
    assert b["image/object/bbox/xmax"] == pytest.approx([14.25 / 20])
    assert bytes(a["image/encoded"]) == (tmp_path / "one/media/a.png").read_bytes()
    with Project(tmp_path / "two", SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "tfrecord")
        after = {r["data"]["image"]: r["annotations"][0]["regions"] for r in again.records()}
    assert {k: regions_without_ids(v) for k, v in after.items()} == {
        k: regions_without_ids(v) for k, v in before.items()}


def test_without_include_media_the_encoded_image_is_empty(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        write_images(project.media_root)
        project.import_bytes(b'{"data": {"image": "a.png"}}\n', "t.jsonl", "jsonl")
        exported = project.export_bytes("tfrecord")
    data = zipfile.ZipFile(io.BytesIO(exported)).read("data.tfrecord")
    [(_, record)] = list(tfio.read_records(io.BytesIO(data)))
    features = tfio.parse_example(record)
    assert features["image/encoded"] == [b""]
    assert features["image/width"] == [10] and features["image/height"] == [5]  # from the file


def damaged(kind: str) -> bytes:
    good = tfio.frame(example()) + tfio.frame(example("b.jpg"))
    if kind == "data crc":
        return good[:-1] + bytes([good[-1] ^ 1])
    if kind == "length crc":
        first = len(tfio.frame(example()))
        return good[:first + 8] + b"\0\0\0\0" + good[first + 12:]
    if kind == "truncated":
        return good[:-3]
    if kind == "huge length":
        length = struct.pack("<Q", 2**40)
        return length + struct.pack("<I", tfio.masked_crc(length))
    return tfio.frame(b"\x0a\x05\x0a\x03") + good  # an Example whose map entry is cut short


@pytest.mark.parametrize(("kind", "message"), [
    ("data crc", "record 2: the CRC of the record's data does not match"),
    ("length crc", "record 2: the CRC of the record's length does not match"),
    ("truncated", "record 2: the record is cut short"),
    ("huge length", "record 1: the record is 1099511627776 bytes"),
    ("bad example", "record 1: not a valid tf.train.Example"),
])
def test_a_damaged_file_is_named_by_record(tmp_path, kind, message):
    (tmp_path / "a.tfrecord").write_bytes(damaged(kind))
    with pytest.raises(InputError, match=rf"a\.tfrecord, {message}"):
        read_all(tmp_path / "a.tfrecord")


def test_a_crc_mismatch_in_the_second_record_stores_not_even_the_first(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"a\.tfrecord, record 2: the CRC"):
            project.import_bytes(damaged("data crc"), "a.tfrecord", "tfrecord")
        assert project.task_count() == 0


@pytest.mark.parametrize(("extra", "message"), [
    ({"image/object/bbox/xmin": [0.5], "image/object/bbox/ymin": [0.0],
      "image/object/bbox/xmax": [1.5], "image/object/bbox/ymax": [1.0],
      "image/object/class/text": [b"label_0"]}, r"record 2, object 1: the box .* reaches outside"),
    ({"image/object/bbox/xmin": [0.5], "image/object/bbox/ymin": [0.0],
      "image/object/bbox/xmax": [0.9], "image/object/bbox/ymax": [1.0],
      "image/object/class/label": [3]}, r"object 1: class id 3 is not in the label map"),
    ({"image/object/bbox/xmin": [0.5, 0.1], "image/object/bbox/ymin": [0.0],
      "image/object/bbox/xmax": [0.9], "image/object/bbox/ymax": [1.0]},
     r"record 2: .* must be float lists of one length"),
    ({"image/object/bbox/xmin": [0.1], "image/object/bbox/ymin": [0.0],
      "image/object/bbox/xmax": [0.9], "image/object/bbox/ymax": [1.0],
      "image/object/class/text": [b"zebra"]}, r"object 1: class 'zebra' is not one of"),
])
def test_a_bad_object_is_named_by_record_and_object(tmp_path, extra, message):
    (tmp_path / "a.tfrecord").write_bytes(tfio.frame(example("ok.jpg"))
                                          + tfio.frame(example(**extra)))
    with pytest.raises(InputError, match=message):
        read_all(tmp_path / "a.tfrecord", SCHEMA)


@pytest.mark.parametrize(("text", "message"), [
    (b"item {\n id: 1\n name: 'a'\n}\nitem {\n id: 1\n name: 'b'\n}\n",
     r"line 5: id 1 is given twice"),
    (b"item {\n id: 0\n name: 'a'\n}\n", r"line 1: the id must be a whole number from 1"),
    (b"item {\n id: 1\n", r"line 1: the block is not closed"),
    (b"item {\n name: 'x'\n}\n", r"line 1: an item needs an id and a name"),
    (b"item {\n id: 1\n name: 'a\n}\n", r"line 3: unexpected"),
    (b"label {\n}\n", r"line 1: expected an item block"),
])
def test_a_bad_label_map_is_refused_naming_the_line(tmp_path, text, message):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "label_map.pbtxt").write_bytes(text)
    (folder / "a.tfrecord").write_bytes(tfio.frame(example()))
    with pytest.raises(InputError, match=rf"set/label_map\.pbtxt, {message}"):
        read_all(folder)


def test_label_maps_keep_escaped_names_and_skip_other_keys():
    text = (b"# classes\nitem { id: 2 name: 'it\\'s' display_name: \"It's\" "
            b"keypoints { id: 0 label: 'nose' } }\nitem{name:\"b\" id:1}")
    assert parse_label_map(text, "m") == {2: "it's", 1: "b"}


def read_all(path: Path, schema: dict | None = None) -> list:
    parsed = parse_schema(schema) if schema else None
    context = ReadContext(schema=parsed, binding=Binding(parsed))
    with open_source(path) as source:
        return list(read(source, context))


@EXAMPLES
@given(st.binary(max_size=80), st.integers(0, 200))
def test_damaged_bytes_raise_only_input_errors(tmp_path_factory, noise, cut):
    good = tfio.frame(example(**{"image/object/bbox/xmin": [0.1],
                                 "image/object/bbox/ymin": [0.0],
                                 "image/object/bbox/xmax": [0.9],
                                 "image/object/bbox/ymax": [1.0],
                                 "image/object/class/text": [b"label_0"]}))
    for data in (good[:cut] + noise, noise + good, tfio.frame(noise)):
        path = tmp_path_factory.mktemp("fuzz") / "f.tfrecord"
        path.write_bytes(data)
        try:
            read_all(path)
        except InputError:
            pass


@EXAMPLES
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=6),
       st.integers(0, 400))
def test_mutated_examples_in_intact_records_raise_only_input_errors(tmp_path_factory, flips,
                                                                    cut):
    """The CRCs are right, so the protobuf parser and the feature checks meet the damage."""
    body = bytearray(example(**{"image/object/bbox/xmin": [0.1, 0.2],
                                "image/object/bbox/ymin": [0.0, 0.1],
                                "image/object/bbox/xmax": [0.9, 0.3],
                                "image/object/bbox/ymax": [1.0, 0.4],
                                "image/object/class/text": [b"label_0", b""],
                                "image/object/class/label": [1, 2]}))
    for at, value in flips:
        body[at % len(body)] = value
    path = tmp_path_factory.mktemp("fuzz") / "f.tfrecord"
    path.write_bytes(tfio.frame(bytes(body[:cut] if cut < len(body) else body)))
    try:
        read_all(path)
    except InputError:
        pass


@EXAMPLES
@given(st.text(alphabet="item{}:;'\"\\ \n#idname12-x", max_size=80) | st.binary(max_size=40)
       .map(lambda b: b.decode("latin-1")))
def test_any_label_map_text_raises_only_input_errors(text):
    try:
        labels = parse_label_map(text.encode("utf-8", "surrogatepass"), "m")
    except InputError:
        return
    assert all(isinstance(k, int) and k >= 1 and isinstance(v, str) for k, v in labels.items())
