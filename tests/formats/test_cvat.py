"""CVAT XML 1.1: Datumaro's samples import as the files say; our exports load in Datumaro
with the same shapes, labels and attributes (video: the same box on every frame) and read
back to the same regions; bad files stop the import at the image or track at fault with
nothing stored."""

from __future__ import annotations

import io
import zipfile
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
from accord.formats._cvat_read import span
from accord.formats._cvat_tracks import Frame, keyframes_from_frames, per_frame
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from accord.services import datasets
from tests.formats.support import CONFORMANCE, Project, jsonl, regions_without_ids
from tests.strategies import EXAMPLES

SAMPLES = CONFORMANCE / "cvat_dataset"
#: pycocotools' decoder (which Datumaro uses too) warns under NumPy 2
PYCOCOTOOLS_NUMPY_WARNING = "ignore:__array__ implementation doesn't accept a copy keyword"
ATTRIBUTES = [{"name": "a1", "type": "bool"},
              {"name": "a2", "type": "enum", "values": ["v1", "v2", "v3"]},
              {"name": "a3", "type": "text"}, {"name": "a4", "type": "number"},
              {"name": "occluded", "type": "bool"}]
SCHEMA = {"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "boxes", "type": "bbox", "source": "image",
     "classes": [{"name": "label1"}, {"name": "label2"}], "attributes": ATTRIBUTES},
    {"name": "outlines", "type": "polygon", "source": "image", "classes": [{"name": "label1"}]},
    {"name": "lines", "type": "polyline", "source": "image", "classes": [{"name": "label2"}]},
    {"name": "points", "type": "keypoints", "source": "image",
     "classes": [{"name": "label2", "keypoints": ["a", "b", "c"]}]},
    {"name": "masks", "type": "mask", "source": "image", "classes": [{"name": "label1"}]},
    {"name": "scene", "type": "classification", "source": "image",
     "classes": [{"name": "day"}, {"name": "night"}]},
]}
VIDEO_SCHEMA = {"data": [{"name": "video", "type": "video"}], "labels": [
    {"name": "tracks", "type": "video_track", "source": "video",
     "classes": [{"name": "II"}, {"name": "klhg"}, {"name": "car"}],
     "attributes": [{"name": "occluded", "type": "bool"},
                    {"name": "hgl", "type": "enum", "values": ["jk", "hgkf"]}]}]}

RICH = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><name>rich</name></task></meta>
  <image id="0" name="a.png" width="12" height="10">
    <box label="label1" occluded="0" xtl="1.5" ytl="2.25" xbr="6.1" ybr="9" rotation="30">
      <attribute name="a4">-5.6</attribute>
    </box>
    <mask label="label1" occluded="0" rle="3, 2, 1, 3, 3" left="4" top="5" width="3" height="4"/>
    <skeleton label="label2" z_order="0">
      <points label="c" outside="0" occluded="1" points="7,8"/>
      <points label="a" outside="0" occluded="0" points="1,2"/>
      <points label="b" outside="1" occluded="0" points="3,4"/>
    </skeleton>
    <tag label="night"/>
  </image>
  <image id="1" name="b.png" width="12" height="10">
    <polygon label="label1" points="1,1;8,1;8,7;1,1"/>
    <box label="label2" occluded="1" xtl="0.1" ytl="0.2" xbr="0.3" ybr="0.7">
      <attribute name="a1">false</attribute>
      <attribute name="a2">v2</attribute>
    </box>
  </image>
</annotations>
"""

VIDEO = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task><name>cars</name><size>12</size><start_frame>0</start_frame>
      <stop_frame>11</stop_frame>
      <original_size><width>100</width><height>50</height></original_size></task>
    <source>cars.mp4</source>
  </meta>
  <track id="7" label="car" source="manual">
    <box frame="0" outside="0" occluded="1" keyframe="1" xtl="0" ytl="0" xbr="10" ybr="10">
      <attribute name="hgl">hgkf</attribute>
    </box>
    <box frame="1" outside="0" occluded="0" keyframe="0" xtl="1.00" ytl="0" xbr="11.00" ybr="10"/>
    <box frame="2" outside="0" occluded="0" keyframe="0" xtl="2.00" ytl="0" xbr="12.00" ybr="10"/>
    <box frame="3" outside="0" occluded="0" keyframe="0" xtl="9.00" ytl="0" xbr="19.00" ybr="10"/>
    <box frame="4" outside="0" occluded="0" keyframe="1" xtl="4" ytl="0" xbr="14" ybr="10"/>
    <box frame="5" outside="0" occluded="0" keyframe="0" xtl="4" ytl="0" xbr="14" ybr="10"/>
    <box frame="6" outside="1" occluded="0" keyframe="1" xtl="4" ytl="0" xbr="14" ybr="10"/>
    <box frame="9" outside="0" occluded="0" keyframe="1" xtl="33.33" ytl="3" xbr="43.33" ybr="13"/>
    <box frame="10" outside="0" occluded="0" keyframe="0" xtl="33.33" ytl="3" xbr="43.33" ybr="13"/>
    <box frame="11" outside="0" occluded="0" keyframe="0" xtl="33.33" ytl="3" xbr="43.33" ybr="13"/>
  </track>
</annotations>
"""


def _regions(project: Project) -> dict[str, list[dict[str, Any]]]:
    return {r["data"].get("image") or r["data"].get("video"):
            [reg for a in r.get("annotations", []) for reg in a["regions"]]
            for r in project.records()}


def _bitmap(rle: dict[str, Any]) -> np.ndarray:
    return mask_utils.decode({"size": rle["size"], "counts": rle["counts"].encode()})


def test_the_task_export_sample_imports_with_typed_attributes_and_points(tmp_path: Path):
    sample = SAMPLES / "for_images" / "export_task"
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"export_task/train.xml, image 0 \(img0.jpg\), "
                                             r"polyline 1 \(line 50\): the shape has no label"):
            project.import_path(sample, "cvat_images")
        assert project.task_count() == 0
        report = project.import_path(sample, "cvat_images", {"settings": {"unlabelled": "skip"}})
        assert report["created"] == 2
        regions = _regions(project)
    assert regions["img0.jpg"] == [{
        "id": "1", "label": "boxes", "type": "bbox",
        "value": {"class": "label1", "x": 0.0, "y": 2.0, "width": 4.0, "height": 2.0},
        "attributes": {"a1": True, "a2": "v3", "a3": "0003", "a4": 2.4, "occluded": True}}]
    assert regions["img1.jpg"] == [{"id": "1", "label": "points", "type": "keypoints", "value": {
        "class": "label2", "points": [[1.0, 2.0, 2], [3.0, 4.0, 2], [5.0, 6.0, 2]]}}]


def test_the_project_export_sample_imports_each_subset_as_a_batch(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(SAMPLES / "for_images" / "export_project", "cvat_images")
        records = project.records()
        regions = _regions(project)
    assert [(r["data"]["image"], r["batch"], r["data"]["width"]) for r in records] == [
        ("Test/img0.jpg", "Test", 8), ("Test/img1.jpg", "Test", 10),
        ("Train/img0.jpg", "Train", 8), ("Train/img1.jpg", "Train", 10),
        ("Validation/img0.jpg", "Validation", 8), ("Validation/img1.jpg", "Validation", 10)]
    assert [r["type"] for r in regions["Train/img0.jpg"]] == ["bbox", "polyline"]
    assert regions["Train/img0.jpg"][1]["value"]["points"] == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert regions["Validation/img1.jpg"][0] == {"id": "1", "label": "outlines",
                                                 "type": "polygon", "value": {
                                                     "class": "label1",
                                                     "points": [[1, 2], [3, 4], [6, 5]]}}


def test_the_video_sample_imports_its_box_track_and_refuses_point_tracks(tmp_path: Path):
    sample = SAMPLES / "for_video"
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        with pytest.raises(InputError, match=r"for_video/annotations.xml, track 1 \(line 78\): "
                                             "a track of points shapes"):
            project.import_path(sample, "cvat_video")
        assert project.task_count() == 0
        project.import_path(sample, "cvat_video", {"settings": {"shape_tracks": "skip"}})
        [record] = project.records()
    assert record["data"] == {"video": "t.mp4", "width": 25, "height": 20, "frame_count": 20}
    [track] = record["annotations"][0]["regions"]
    assert track["id"] == "0" and track["attributes"] == {"occluded": True}
    assert track["value"] == {"class": "II", "track_id": 0, "keyframes": [
        {"frame": 10, "x": 3.0, "y": 4.0, "width": 7.0, "height": 1.0},
        {"frame": 13, "x": 7.0, "y": 6.0, "width": 7.0, "height": 2.0, "outside": True},
        {"frame": 16, "x": 8.0, "y": 7.0, "width": 6.0, "height": 10.0, "outside": True}]}


def test_interpolated_boxes_drop_out_and_boxes_off_the_line_stay_as_keyframes(tmp_path: Path):
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(VIDEO.encode(), "cars.xml", "cvat_video")
        [track] = _regions(project)["cars.mp4"]
        exported = project.export_bytes("cvat_video")
    assert track["attributes"] == {"hgl": "hgkf", "occluded": True}
    frames = [(k["frame"], k["x"], k.get("outside", False)) for k in track["value"]["keyframes"]]
    # frames 1, 2 lie on the line 0 → 3? no: 3 is off the line 0 → 4, so it stays, and
    # the line 0 → 3 does not hold 1 and 2 (1, 2 vs 3, 6): 2 stays; 5 and 10–11 hold still
    assert frames == [(0, 0.0, False), (2, 2.0, False), (3, 9.0, False), (4, 4.0, False),
                      (6, 4.0, True), (9, 33.33, False)]
    with Project(tmp_path / "again", VIDEO_SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "cvat_video")
        assert _regions(again)["cars.mp4"] == [track]


def test_datumaro_reads_our_video_export_box_for_box(tmp_path: Path):
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(VIDEO.encode(), "cars.xml", "cvat_video")
        [track] = _regions(project)["cars.mp4"]
        folder = tmp_path / "export"
        zipfile.ZipFile(io.BytesIO(project.export_bytes("cvat_video"))).extractall(folder)
    dataset = dm.Dataset.import_from(str(folder), "cvat")
    labels = dataset.categories()[dm.AnnotationType.label]
    seen = sorted((item.attributes["frame"], a.x, a.y, a.w, a.h) for item in dataset
                  for a in item.annotations if not a.attributes["outside"])
    assert {(labels[a.label].name, a.attributes["hgl"], a.attributes["occluded"])
            for item in dataset for a in item.annotations} == {("car", "hgkf", True)}
    keys = [Frame(k["frame"], (k["x"], k["y"], k["width"], k["height"]), k.get("outside", False))
            for k in track["value"]["keyframes"]]
    ours = sorted((f.frame, *f.box) for f in per_frame(keys, 12) if not f.outside)
    assert len(seen) == len(ours) == 9
    assert np.allclose(np.array(seen), np.array(ours))


@pytest.mark.filterwarnings(PYCOCOTOOLS_NUMPY_WARNING)
def test_rich_shapes_round_trip_exactly(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(RICH.encode(), "rich.xml", "cvat_images")
        first = _regions(project)
        exported = project.export_bytes("cvat_images")
    box, mask, skeleton, tag = first["a.png"]
    assert box["value"] == {"class": "label1", "x": 1.5, "y": 2.25, "width": 4.6,
                            "height": 6.75, "rotation": 30.0}
    assert box["attributes"] == {"a4": -5.6, "occluded": False}
    expected = np.zeros((10, 12), dtype=np.uint8)
    expected[5:9, 4:7] = np.repeat(np.arange(5) % 2, [3, 2, 1, 3, 3]).reshape(4, 3)
    assert (_bitmap(mask["value"]["rle"]) == expected).all()
    assert skeleton["value"]["points"] == [[1.0, 2.0, 2], [3.0, 4.0, 0], [7.0, 8.0, 1]]
    assert tag == {"id": "4", "label": "scene", "type": "classification",
                   "value": {"class": "night"}}
    assert first["b.png"][0]["value"]["points"] == [[1, 1], [8, 1], [8, 7]]
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(exported, "export.xml", "cvat_images")
        assert {k: regions_without_ids(v) for k, v in _regions(again).items()} == {
            k: regions_without_ids(v) for k, v in first.items()}


@pytest.mark.filterwarnings(PYCOCOTOOLS_NUMPY_WARNING)
def test_datumaro_reads_our_image_export_with_media(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        for name in ("a.png", "b.png"):
            Image.new("RGB", (12, 10)).save(project.media_root / name)
        project.import_bytes(RICH.encode(), "rich.xml", "cvat_images")
        first = _regions(project)
        exported = project.export_bytes("cvat_images", {"include_media": True})
        assert project.export_bytes("cvat_images", {"include_media": True}) == exported
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "cvat_images")
        assert _regions(again) == first
    folder = tmp_path / "export"
    archive = zipfile.ZipFile(io.BytesIO(exported))
    assert sorted(archive.namelist()) == ["annotations.xml", "images/a.png", "images/b.png"]
    archive.extractall(folder)
    dataset = dm.Dataset.import_from(str(folder), "cvat")
    labels = dataset.categories()[dm.AnnotationType.label]
    items = {item.id: item for item in dataset}
    a = {ann.type: ann for ann in items["a"].annotations}
    rotated = a[dm.AnnotationType.rotated_bbox]
    assert (labels[rotated.label].name, rotated.w, rotated.h, rotated.r) == (
        "label1", pytest.approx(4.6), 6.75, 30.0)
    assert rotated.attributes == {"a4": -5.6, "occluded": False}
    assert (a[dm.AnnotationType.mask].image == _bitmap(first["a.png"][1]["value"]["rle"])).all()
    assert labels[a[dm.AnnotationType.label].label].name == "night"
    b = {ann.type: ann for ann in items["b"].annotations}
    assert b[dm.AnnotationType.polygon].points == [1, 1, 8, 1, 8, 7]
    box = b[dm.AnnotationType.bbox]
    assert (labels[box.label].name, box.x, box.y) == ("label2", pytest.approx(0.1),
                                                      pytest.approx(0.2))
    assert (box.w, box.h) == (pytest.approx(0.2), pytest.approx(0.5))
    assert box.attributes == {"a1": False, "a2": "v2", "occluded": True}


def test_datumaro_reads_the_subsets_and_points_of_a_project_export(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_path(SAMPLES / "for_images" / "export_project", "cvat_images")
        first = _regions(project)
        exported = project.export_bytes("cvat_images")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "annotations.xml").write_bytes(exported)
    for subset in ("Test", "Train", "Validation"):
        for name in ("img0.jpg", "img1.jpg"):
            (tmp_path / "x" / "images" / subset).mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (8, 8)).save(tmp_path / "x" / "images" / subset / name)
    dataset = dm.Dataset.import_from(str(tmp_path / "x"), "cvat")
    assert sorted(dataset.subsets()) == ["Test", "Train", "Validation"]
    item = dataset.get("Test/img1", subset="Test")
    points = next(a for a in item.annotations if a.type == dm.AnnotationType.points)
    assert points.points == [1, 2, 3, 4, 5, 6]
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(exported, "export.xml", "cvat_images")
        assert _regions(again) == first


BAD = [
    ('<!DOCTYPE a [<!ENTITY x "y">]><annotations/>', "line 1: declares a DOCTYPE or an entity"),
    ("<annotations><image id='0' name='a' width='4' height='4'>", "not well-formed XML"),
    ("<annotations><image id='0' name='a' width='4' height='4'><box label='label1' "
     "xtl='0' ytl='0' xbr='9' ybr='2'/></image></annotations>",
     r"image 0 \(a\), box 1 \(line 25\): the box \(0, 0, 9 × 2\) reaches outside"),
    ("<annotations><image id='0' name='a' width='4' height='4'><polygon label='label1' "
     "points='0,0;1,1'/></image></annotations>", "polygon 1 .*at least 3 points"),
    ("<annotations><image id='0' name='a' width='4' height='4'><box label='label1' xtl='0' "
     "ytl='0' xbr='1' ybr='1'><attribute name='a1'>maybe</attribute></box></image>"
     "</annotations>", "attribute 'a1': expected true or false"),
    ("<annotations><image id='0' name='a' width='4' height='4'><box label='zebra' xtl='0' "
     "ytl='0' xbr='1' ybr='1'/></image></annotations>", "zebra"),
    ("<annotations><image id='0' name='a' width='4' height='4'><mask label='label1' "
     "rle='1,2' left='0' top='0' width='2' height='2'/></image></annotations>",
     "runs add up to 3"),
    ("<annotations><image id='0' name='a' width='4' height='4'><points label='label2' "
     "points='1,1'/></image></annotations>", "1 points, but class 'label2'"),
    ("<annotations><track id='0' label='label1'/></annotations>", "import this file as "
                                                                  "cvat_video"),
    ("<annotations><image id='0' name='a' width='4' height='4'><ellipse label='label1' "
     "cx='1' cy='1' rx='1' ry='1'/></image></annotations>", "an ellipse; Accord has no"),
]


def test_a_bad_file_names_the_position_and_stores_nothing(tmp_path: Path):
    good = RICH.replace("</annotations>", "")
    with Project(tmp_path, SCHEMA) as project:
        for xml, message in BAD:
            content = xml if xml.startswith("<!") else good + xml.removeprefix("<annotations>")
            with pytest.raises(InputError, match=message) as caught:
                project.import_bytes(content.encode(), "bad.xml", "cvat_images")
            assert caught.value.message.startswith("bad.xml")
            assert project.task_count() == 0


def test_a_track_with_boxes_out_of_order_is_refused(tmp_path: Path):
    swapped = VIDEO.replace('frame="2"', 'frame="0"')
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        with pytest.raises(InputError, match=r"cars.xml, track 7 \(line 10\), box 3: frame 0 "
                                             "comes after frame 1"):
            project.import_bytes(swapped.encode(), "cars.xml", "cvat_video")
        assert project.task_count() == 0


def _read(content: bytes, fmt: str, schema: dict[str, Any], tmp_path: Path) -> int:
    context = ReadContext(parse_schema(schema), Binding(parse_schema(schema)), ImportOptions())
    path = tmp_path / "fuzz.xml"
    path.write_bytes(content)
    with open_source(path) as source:
        return sum(1 for _ in datasets.records(source, fmt, context))


@EXAMPLES
@given(data=st.data())
def test_mutated_files_raise_only_input_errors(tmp_path_factory, data):
    fmt, text, schema = data.draw(st.sampled_from([("cvat_images", RICH, SCHEMA),
                                                   ("cvat_video", VIDEO, VIDEO_SCHEMA)]))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    filler = data.draw(st.sampled_from(["", "-", "x", "1e999", '"', "<", "&amp;", "nan", ";"]))
    mutated = (text[:start] + filler + text[end:]).encode()
    try:
        _read(mutated, fmt, schema, tmp_path_factory.mktemp("fuzz"))
    except InputError as exc:
        assert exc.message.startswith("fuzz.xml")


def test_names_and_texts_with_markup_characters_survive_the_xml(tmp_path: Path):
    odd = 'R&D "x" <1>'
    schema = {"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "boxes", "type": "bbox", "source": "image", "classes": [{"name": odd}],
         "attributes": [{"name": "note", "type": "text"}]}]}
    regions = [{"id": "1", "label": "boxes", "type": "bbox",
                "value": {"class": odd, "x": 0.1, "y": 0.2, "width": 0.2, "height": 1 / 3},
                "attributes": {"note": "a < b & 'c'\n\tnext"}}]
    record = {"data": {"image": "dir/x & y.png", "width": 4, "height": 4},
              "annotations": [{"regions": regions}]}
    with Project(tmp_path, schema) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        exported = project.export_bytes("cvat_images")
    with Project(tmp_path / "again", schema) as again:
        again.import_bytes(exported, "export.xml", "cvat_images")
        [stored] = again.records()
    assert stored["data"] == record["data"]
    assert stored["annotations"][0]["regions"] == regions


@EXAMPLES
@given(x=st.integers(-10**6, 10**6), w=st.integers(0, 10**6),
       scale=st.sampled_from([1, 10, 100, 1000, 10**6]))
def test_a_box_side_reads_back_as_written(x, w, scale):
    low, side = x / scale, w / scale
    assert span(low, low + side) == side


@EXAMPLES
@given(boxes=st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.booleans()),
                      min_size=1, max_size=30))
def test_keyframes_give_back_every_box_of_a_track(boxes):
    frames, x = [], 0.0
    for i, (step, drawn, hidden) in enumerate(boxes):
        x += step * 0.5
        frames.append(Frame(i, (x, 1.0, 2.0, 2.0), hidden and i > 0, drawn))
    keys = keyframes_from_frames(frames, 1e-9)
    assert {f.frame for f in frames if f.keyframe or f.outside} <= {k.frame for k in keys}
    again = {f.frame: f for f in per_frame(keys, len(frames))}
    for f in frames:
        assert again[f.frame].outside == f.outside
        if not f.outside:
            assert again[f.frame].box == pytest.approx(f.box, abs=1e-9)


def test_tags_fill_a_multilabel_label_and_an_image_may_leave_out_its_size(tmp_path: Path):
    schema = {"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "topics", "type": "multilabel", "source": "image",
         "classes": [{"name": "sea"}, {"name": "boat"}, {"name": "sky"}]},
        {"name": "boxes", "type": "bbox", "source": "image", "classes": [{"name": "boat"}]}]}
    xml = ("<annotations><image id='0' name='a.jpg'><tag label='sea'/><box label='boat' "
           "xtl='1' ytl='1' xbr='900' ybr='2'/><tag label='boat'/></image></annotations>")
    with Project(tmp_path, schema) as project:
        project.import_bytes(xml.encode(), "tags.xml", "cvat_images")
        [record] = project.records()
        exported = project.export_bytes("cvat_images")
    assert record["data"] == {"image": "a.jpg"}
    regions = record["annotations"][0]["regions"]
    assert [r["value"] for r in regions] == [
        {"classes": ["sea", "boat"]},
        {"class": "boat", "x": 1.0, "y": 1.0, "width": 899.0, "height": 1.0}]
    assert exported.count(b"<tag ") == 2
    with Project(tmp_path / "again", schema) as again:
        again.import_bytes(exported, "export.xml", "cvat_images")
        assert again.records()[0]["annotations"][0]["regions"] == regions


def test_a_repeated_track_id_is_written_as_a_new_one(tmp_path: Path):
    def track(track_id: int, x: float) -> dict[str, Any]:
        return {"id": f"t{x}", "label": "tracks", "type": "video_track", "value": {
            "class": "car", "track_id": track_id,
            "keyframes": [{"frame": 0, "x": x, "y": 0, "width": 5, "height": 5}]}}

    record = {"data": {"video": "v.mp4", "width": 50, "height": 50, "frame_count": 2},
              "annotations": [{"regions": [track(3, 1.0), track(3, 2.0)]}]}
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        exported = project.export_bytes("cvat_video")
    with Project(tmp_path / "again", VIDEO_SCHEMA) as again:
        again.import_bytes(exported, "export.zip", "cvat_video")
        regions = again.records()[0]["annotations"][0]["regions"]
    assert [(r["value"]["track_id"], r["value"]["keyframes"][0]["x"]) for r in regions] == [
        (3, 1.0), (4, 2.0)]


def test_datumaros_own_cvat_export_reads_like_the_sample_it_came_from(tmp_path: Path):
    sample = SAMPLES / "for_images" / "export_task"
    dm.Dataset.import_from(str(sample), "cvat").export(str(tmp_path / "dm"), "cvat")
    with Project(tmp_path / "a", SCHEMA) as direct, Project(tmp_path / "b", SCHEMA) as again:
        direct.import_path(sample, "cvat_images", {"settings": {"unlabelled": "skip"}})
        again.import_path(tmp_path / "dm" / "train.xml", "cvat_images")
        assert _regions(again) == _regions(direct)
