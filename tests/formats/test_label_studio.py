"""Label Studio JSON: Label Studio's own export shape imports into our regions (percent to
pixels, rotation about the corner, UTF-16 text offsets, brush RLE, video keyframes), our
export round-trips and is read by label_studio_converter with the same boxes, and malformed
files stop the import at the task that is wrong with nothing stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from label_studio_converter import Converter, brush
from pycocotools import mask as coco_mask

from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.core.label_studio_config import label_studio_from_schema, schema_from_label_studio
from tests.formats.support import Project

IMAGE_CONFIG = """
<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="objects" toName="image">
    <Label value="car"/><Label value="person"/>
  </RectangleLabels>
  <PolygonLabels name="outline" toName="image"><Label value="car"/></PolygonLabels>
  <KeyPointLabels name="points" toName="image"><Label value="nose"/></KeyPointLabels>
  <BrushLabels name="paint" toName="image"><Label value="road"/></BrushLabels>
  <Choices name="quality" toName="image"><Choice value="good"/><Choice value="bad"/></Choices>
  <Choices name="tags" toName="image" choice="multiple">
    <Choice value="day"/><Choice value="rain"/>
  </Choices>
  <Rating name="stars" toName="image" maxRating="5"/>
  <TextArea name="caption" toName="image"/>
  <TextArea name="plate" toName="image" perRegion="true"/>
  <Relations><Relation value="next_to"/></Relations>
</View>"""
TEXT_CONFIG = """
<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Relations><Relation value="works_for"/></Relations>
</View>"""
AUDIO_CONFIG = """
<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="segments" toName="audio"><Label value="speech"/><Label value="noise"/></Labels>
</View>"""
VIDEO_CONFIG = """
<View>
  <Video name="video" value="$video"/>
  <VideoRectangle name="box" toName="video"/>
  <Labels name="videoLabels" toName="video"><Label value="person"/></Labels>
</View>"""
ANN = {"id": 3, "email": "ann@example.org", "first_name": "Ann", "last_name": ""}
SIZE = {"original_width": 800, "original_height": 600, "image_rotation": 0}
TEXT = "Ann 😀 works at Acme 🏭 Corp."


def image_result(id_: str, kind: str, value: dict[str, Any], from_name: str) -> dict[str, Any]:
    return {"id": id_, "type": kind, "from_name": from_name, "to_name": "image", **SIZE,
            "value": value, "origin": "manual"}


def road_mask() -> np.ndarray:
    mask = np.zeros((600, 800), dtype=np.uint8)
    mask[400:600, 100:700] = 255
    mask[450:460, 300:310] = 0
    return mask


def image_task() -> dict[str, Any]:
    """One task as Label Studio 1.x exports it (keys it adds that we ignore included)."""
    results = [
        image_result("box1", "rectanglelabels", {"x": 10, "y": 20, "width": 25, "height": 50,
                                                 "rotation": 0, "rectanglelabels": ["car"]},
                     "objects"),
        image_result("box2", "rectanglelabels", {"x": 50, "y": 50, "width": 10, "height": 10,
                                                 "rotation": 30,
                                                 "rectanglelabels": ["person"]}, "objects"),
        image_result("poly1", "polygonlabels", {"points": [[10, 10], [20, 10], [15, 20]],
                                                "closed": True, "polygonlabels": ["car"]},
                     "outline"),
        image_result("kp1", "keypointlabels", {"x": 50, "y": 25, "width": 0.75,
                                               "keypointlabels": ["nose"]}, "points"),
        image_result("br1", "brushlabels", {"format": "rle",
                                            "rle": brush.mask2rle(road_mask()),
                                            "brushlabels": ["road"]}, "paint"),
        image_result("box1", "textarea", {"text": ["AB 123"]}, "plate"),
        {"id": "c1", "type": "choices", "from_name": "quality", "to_name": "image",
         "value": {"choices": ["good"]}},
        {"id": "c2", "type": "choices", "from_name": "tags", "to_name": "image",
         "value": {"choices": ["day", "rain"]}},
        {"id": "s1", "type": "rating", "from_name": "stars", "to_name": "image",
         "value": {"rating": 4}},
        {"id": "t1", "type": "textarea", "from_name": "caption", "to_name": "image",
         "value": {"text": ["a street", "at noon"]}},
        {"from_id": "box1", "to_id": "box2", "type": "relation", "direction": "right",
         "labels": ["next_to"]},
    ]
    return {
        "id": 101, "data": {"image": "/data/upload/1/street.jpg"}, "meta": {},
        "created_at": "2024-05-01T09:00:00.000000Z", "project": 1,
        "annotations": [
            {"id": 11, "completed_by": ANN, "result": results, "was_cancelled": False,
             "ground_truth": False, "created_at": "2024-05-01T10:00:00.000000Z",
             "updated_at": "2024-05-01T10:00:00.000000Z", "lead_time": 12.5,
             "prediction": {}, "result_count": 0, "task": 101, "parent_prediction": None},
            {"id": 12, "completed_by": 4, "result": [], "was_cancelled": True,
             "ground_truth": False, "lead_time": 1.0},
        ],
        "predictions": [{"id": 5, "model_version": "yolo-v8", "score": 0.9, "result": [
            image_result("p1", "rectanglelabels", {"x": 11, "y": 21, "width": 24, "height": 49,
                                                   "rotation": 0, "rectanglelabels": ["car"]},
                         "objects") | {"score": 0.9}]}],
    }


def text_task() -> dict[str, Any]:
    def span(id_: str, word: str, label: str) -> dict[str, Any]:
        start = TEXT.index(word)
        js_start = len(TEXT[:start].encode("utf-16-le")) // 2  # JavaScript string index
        js_end = js_start + len(word.encode("utf-16-le")) // 2
        return {"id": id_, "type": "labels", "from_name": "ner", "to_name": "text",
                "value": {"start": js_start, "end": js_end, "text": word, "labels": [label]}}
    return {"id": 7, "data": {"text": TEXT}, "annotations": [{
        "id": 70, "completed_by": {"id": 3, "email": "ann@example.org"}, "lead_time": 4.0,
        "result": [span("s1", "Ann", "PER"), span("s2", "Corp.", "ORG"),
                   {"from_id": "s1", "to_id": "s2", "type": "relation", "direction": "right",
                    "labels": ["works_for"]}]}]}


def make_project(tmp_path: Path, config: str) -> Project:
    project = Project(tmp_path / "p", schema_from_label_studio(config))
    project.add_user("ann@example.org")
    return project


def import_tasks(project: Project, tasks: Any, options: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    return project.import_bytes(orjson.dumps(tasks), "export.json", "label_studio", options)


def regions_by_id(record: dict[str, Any], which: int = 0) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in record["annotations"][which]["regions"]}


def test_an_image_export_becomes_pixel_regions_with_author_lead_time_and_predictions(
        tmp_path: Path):
    with make_project(tmp_path, IMAGE_CONFIG) as project:
        report = import_tasks(project, [image_task()])
        assert (report["created"], report["annotations"], report["predictions"]) == (1, 1, 1)
        (record,) = project.records()
        assert record["data"] == {"image": "/data/upload/1/street.jpg", "width": 800,
                                  "height": 600}
        (annotation,) = record["annotations"]  # the cancelled one is skipped
        assert annotation["author"] == "ann@example.org"
        assert annotation["lead_time_s"] == 12.5
        regions = regions_by_id(record)
        assert regions["box1"]["value"] == {"class": "car", "x": 80.0, "y": 120.0,
                                            "width": 200.0, "height": 300.0}
        turned = regions["box2"]["value"]
        assert (turned["width"], turned["height"], turned["rotation"]) == (80.0, 60.0, 30)
        corner = rotated_box_corners(turned["x"], turned["y"], 80, 60, 30)[0]
        assert corner == pytest.approx((400.0, 300.0), abs=1e-5)  # LS pivots on this corner
        assert regions["poly1"]["value"]["points"] == [[80.0, 60.0], [160.0, 60.0],
                                                       [120.0, 120.0]]
        assert regions["kp1"]["value"] == {"class": "nose", "points": [[400.0, 150.0, 2]]}
        expected = coco_mask.encode(np.asfortranarray(road_mask() > 0))
        assert regions["br1"]["value"]["rle"] == {"size": [600, 800],
                                                  "counts": expected["counts"].decode()}
        assert regions["box1:plate"]["value"] == {"text": "AB 123", "region": "box1"}
        assert regions["t1"]["value"] == {"text": "a street\nat noon"}
        assert regions["c1"]["value"] == {"class": "good"}
        assert regions["c2"]["value"] == {"classes": ["day", "rain"]}
        assert regions["s1"]["value"] == {"rating": 4}
        assert regions["relation-1"] == {"id": "relation-1", "label": "relations",
                                         "type": "relation", "value": {
                                             "from": "box1", "to": "box2", "class": "next_to"}}
        (prediction,) = record["predictions"]
        assert (prediction["model_version"], prediction["score"]) == ("yolo-v8", 0.9)
        assert prediction["regions"][0]["score"] == 0.9
        assert prediction["regions"][0]["value"]["x"] == pytest.approx(88.0)


def test_text_spans_use_python_offsets_when_label_studio_counts_utf16(tmp_path: Path):
    with make_project(tmp_path, TEXT_CONFIG) as project:
        import_tasks(project, [text_task()])
        (record,) = project.records()
        regions = regions_by_id(record)
        for id_, word in (("s1", "Ann"), ("s2", "Corp.")):
            value = regions[id_]["value"]
            assert TEXT[value["start"]:value["end"]] == word
        assert regions["relation-1"]["value"] == {"from": "s1", "to": "s2",
                                                  "class": "works_for"}
        exported = orjson.loads(project.export_bytes("label_studio"))
        result = exported[0]["annotations"][0]["result"]
        corp = next(r for r in result if r["id"] == "s2")["value"]
        assert corp == text_task()["annotations"][0]["result"][1]["value"]
        assert exported[0]["annotations"][0]["completed_by"] == {"email": "ann@example.org"}
    with make_project(tmp_path / "again", TEXT_CONFIG) as again:
        import_tasks(again, exported)
        assert again.records()[0]["annotations"][0]["regions"] == record["annotations"][0][
            "regions"]


def test_attributes_ride_in_the_result_meta_and_come_back(tmp_path: Path):
    schema = {"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "objects", "type": "bbox", "source": "image", "classes": [{"name": "car"}],
         "attributes": [{"name": "occluded", "type": "bool"}]}]}
    regions = [{"id": "b1", "label": "objects", "type": "bbox", "attributes": {"occluded": True},
                "value": {"class": "car", "x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0}}]
    record = {"data": {"image": "a.jpg", "width": 10, "height": 10},
              "annotations": [{"regions": regions, "author": "ann@example.org"}]}
    with Project(tmp_path / "a", schema) as project:
        project.add_user("ann@example.org")
        project.import_bytes(orjson.dumps(record), "a.jsonl", "jsonl")
        exported = project.export_bytes("label_studio")
    result = orjson.loads(exported)[0]["annotations"][0]["result"][0]
    assert result["meta"] == {"attributes": {"occluded": True}}
    with Project(tmp_path / "b", schema) as again:
        again.add_user("ann@example.org")
        again.import_bytes(exported, "ls.json", "label_studio")
        assert again.records()[0]["annotations"][0]["regions"] == regions


def test_audio_segments_and_video_rectangles_are_read_and_written_back(tmp_path: Path):
    audio = {"data": {"audio": "talk.wav"}, "annotations": [{"completed_by": ANN, "result": [
        {"id": "a1", "type": "labels", "from_name": "segments", "to_name": "audio",
         "value": {"start": 1.5, "end": 3.25, "channel": 0, "labels": ["speech"]}}]}]}
    sequence = [{"frame": 1, "enabled": True, "rotation": 0, "x": 10, "y": 10, "width": 20,
                 "height": 40, "time": 0.04},
                {"frame": 25, "enabled": False, "rotation": 0, "x": 50, "y": 20, "width": 20,
                 "height": 40, "time": 1.0}]
    video = {"data": {"video": "walk.mp4", "width": 1280, "height": 720}, "annotations": [{
        "completed_by": ANN, "result": [
            {"id": "v1", "type": "videorectangle", "from_name": "box", "to_name": "video",
             "origin": "manual", "value": {"framesCount": 50, "duration": 2.0,
                                           "sequence": sequence, "labels": ["person"]}}]}]}
    for name, config, task in (("a", AUDIO_CONFIG, audio), ("v", VIDEO_CONFIG, video)):
        with make_project(tmp_path / name, config) as project:
            import_tasks(project, [task])
            (first,) = project.records()
            exported = project.export_bytes("label_studio")
        with make_project(tmp_path / f"{name}2", config) as again:
            import_tasks(again, orjson.loads(exported))
            (second,) = again.records()
        assert second["annotations"][0]["regions"] == first["annotations"][0]["regions"]
        if name == "a":
            assert first["annotations"][0]["regions"][0]["value"] == {
                "class": "speech", "start": 1.5, "end": 3.25}
        else:
            track = first["annotations"][0]["regions"][0]["value"]
            assert track["keyframes"] == [  # Label Studio shows a disabled keyframe's frame
                {"frame": 0, "x": 128.0, "y": 72.0, "width": 256.0, "height": 288.0},
                {"frame": 24, "x": 640.0, "y": 144.0, "width": 256.0, "height": 288.0},
                {"frame": 25, "x": 640.0, "y": 144.0, "width": 256.0, "height": 288.0,
                 "outside": True}]
            written = orjson.loads(exported)[0]["annotations"][0]["result"][0]["value"]
            assert [(f["frame"], f["enabled"]) for f in written["sequence"]] == [
                (1, True), (25, False)]
            assert written["sequence"][1]["x"] == pytest.approx(50)


def test_a_video_export_without_sizes_takes_the_size_setting(tmp_path: Path):
    """Label Studio's own video export (its converter's test file, cut to two keyframes):
    one task object, percentages of a frame size it does not say."""
    sequence = [{"x": 0.09166666666715165, "y": 22.500000000000057, "time": 32.041666666666664,
                 "frame": 769, "width": 56.533333333332905, "height": 47.99999999999995,
                 "enabled": True, "rotation": 0},
                {"x": 0.09166666666763858, "y": 29.00000000000006, "time": 36.75,
                 "frame": 882, "width": 62.127777777776835, "height": 47.99999999999993,
                 "enabled": False, "rotation": 0}]
    task = {"id": 28, "data": {"video": "upload/8/possum.mp4"}, "annotations": [{
        "id": 7, "result": [{"id": "M-XUImr4kg", "type": "videorectangle", "value": {
            "labels": ["person"], "sequence": sequence, "framesCount": 895},
            "origin": "manual", "to_name": "video", "from_name": "box"}],
        "was_cancelled": False, "ground_truth": False, "lead_time": 269.191,
        "completed_by": {"id": 11, "username": "makseq", "email": "ann@example.org"}}],
        "predictions": []}
    with make_project(tmp_path, VIDEO_CONFIG) as project:
        with pytest.raises(InputError, match=r"task 0 \(id 28\), annotation 0, result 0: "
                                             "percent coordinates need the image size"):
            import_tasks(project, task)
        with pytest.raises(InputError, match="setting 'size': expected WIDTHxHEIGHT"):
            import_tasks(project, task, {"settings": {"size": "wide"}})
        import_tasks(project, task, {"settings": {"size": "1280x720"}})
        (record,) = project.records()
    assert (record["data"]["width"], record["data"]["height"]) == (1280, 720)
    keyframes = record["annotations"][0]["regions"][0]["value"]["keyframes"]
    assert [(k["frame"], k.get("outside", False)) for k in keyframes] == [
        (768, False), (881, False), (882, True)]
    assert keyframes[1]["width"] == pytest.approx(62.127777777776835 * 12.8, abs=1e-6)


def test_an_import_export_import_round_trip_is_exact(tmp_path: Path):
    gold_task = image_task()
    gold_task["annotations"][0]["ground_truth"] = True
    with make_project(tmp_path / "a", IMAGE_CONFIG) as project:
        import_tasks(project, [gold_task, text_free_image_task()])
        first = project.records()
        exported = project.export_bytes("label_studio")
        assert exported == project.export_bytes("label_studio")  # deterministic
    with make_project(tmp_path / "b", IMAGE_CONFIG) as again:
        import_tasks(again, orjson.loads(exported))
        second = again.records()
    assert first[0]["gold"] == first[0]["annotations"][0]["regions"]
    for before, after in zip(first, second, strict=True):
        assert after["data"] == before["data"]
        assert after.get("gold") == before.get("gold")
        for a, b in zip(before.get("annotations", []), after.get("annotations", []),
                        strict=True):
            assert b["regions"] == a["regions"]  # Label Studio keeps the region ids
            assert (b["author"], b["lead_time_s"], b["submitted_at"]) == (
                a["author"], a["lead_time_s"], a["submitted_at"])
        assert [p["regions"] for p in after.get("predictions", [])] == [
            p["regions"] for p in before.get("predictions", [])]


def text_free_image_task() -> dict[str, Any]:
    """A plain data-only task, as Label Studio also accepts, with gold from elsewhere."""
    return {"image": "/data/upload/1/empty.jpg", "width": 640, "height": 480}


def test_gold_without_a_matching_annotation_is_written_as_a_ground_truth_annotation(
        tmp_path: Path):
    with make_project(tmp_path / "a", IMAGE_CONFIG) as project:
        gold = [{"id": "g1", "label": "objects", "type": "bbox",
                 "value": {"class": "car", "x": 1.5, "y": 2.0, "width": 10.0, "height": 5.0}}]
        project.import_bytes(orjson.dumps({"data": {"image": "g.jpg", "width": 64,
                                                    "height": 48}, "gold": gold}) + b"\n",
                             "gold.jsonl", "jsonl")
        exported = orjson.loads(project.export_bytes("label_studio"))
    (annotation,) = exported[0]["annotations"]
    assert annotation["ground_truth"] is True and "completed_by" not in annotation
    with make_project(tmp_path / "b", IMAGE_CONFIG) as again:
        import_tasks(again, exported)
        (record,) = again.records()
    assert record["gold"] == gold and "annotations" not in record


def square_task() -> dict[str, Any]:
    """A rotated box on a square image: the converter turns boxes in percent units, which is
    exact only when a percent of the width equals a percent of the height."""
    box = {"x": 40, "y": 30, "width": 20, "height": 10, "rotation": 30,
           "rectanglelabels": ["person"]}
    return {"data": {"image": "square.jpg"}, "annotations": [{"completed_by": ANN, "result": [
        {"id": "sq", "type": "rectanglelabels", "from_name": "objects", "to_name": "image",
         "original_width": 500, "original_height": 500, "value": box}]}]}


def test_the_converter_reads_our_export_with_the_same_boxes(tmp_path: Path):
    with make_project(tmp_path, IMAGE_CONFIG) as project:
        import_tasks(project, [image_task(), square_task()])
        regions = regions_by_id(project.records()[0])
        turned = project.records()[1]["annotations"][0]["regions"][0]["value"]
        path = project.export_to(tmp_path / "ls.json", "label_studio")
    config = label_studio_from_schema(schema_from_label_studio(IMAGE_CONFIG))
    converter = Converter(config, str(tmp_path))
    converter.convert_to_coco(str(path), str(tmp_path / "coco"), is_dir=False)
    coco = json.loads((tmp_path / "coco" / "result.json").read_text())
    names = {c["id"]: c["name"] for c in coco["categories"]}
    found = [(a["image_id"], names[a["category_id"]], a["bbox"]) for a in coco["annotations"]
             if not a["segmentation"]]
    box1 = regions["box1"]["value"]
    corners = rotated_box_corners(turned["x"], turned["y"], turned["width"], turned["height"],
                                  turned["rotation"])
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert [f[:2] for f in found] == [(0, "car"), (0, "person"), (1, "person")]
    assert found[0][2] == pytest.approx([box1["x"], box1["y"], 200, 300])
    assert found[2][2] == pytest.approx([min(xs), min(ys), max(xs) - min(xs),
                                         max(ys) - min(ys)])
    polygons = [a["segmentation"][0] for a in coco["annotations"] if a["segmentation"]]
    polygon = [p for point in regions["poly1"]["value"]["points"] for p in point]
    assert polygons == [pytest.approx(polygon)]
    converter.convert_to_yolo(str(path), str(tmp_path / "yolo"), is_dir=False)
    lines = (tmp_path / "yolo" / "labels" / "street.txt").read_text().split("\n")
    centre = [(box1["x"] + 100) / 800, (box1["y"] + 150) / 600, 200 / 800, 300 / 600]
    assert any(pytest.approx(centre) == [float(v) for v in line.split()[1:]]
               for line in lines if line)
    converter.convert_to_json_min(str(path), str(tmp_path / "min"), is_dir=False)
    minimal = json.loads((tmp_path / "min" / "result.json").read_text())
    assert minimal[0]["objects"][0]["x"] == pytest.approx(10)
    exported = orjson.loads(path.read_bytes())
    paint = next(r for r in exported[0]["annotations"][0]["result"] if r["id"] == "br1")
    layer = brush.decode_rle(paint["value"]["rle"]).reshape(600, 800, 4)[:, :, 3]
    assert np.array_equal(layer > 0, road_mask() > 0)


BARE_CONFIG = """
<View>
  <Image name="image" value="$image"/>
  <Rectangle name="rect" toName="image"/>
  <Labels name="label" toName="image"><Label value="car"/><Label value="bus"/></Labels>
</View>"""


def test_quirks_of_real_exports_are_read(tmp_path: Path):
    """Label Studio 1.23's export shape (authors as user ids, predictions listed by id), a box
    saved with a negative height (drawn upwards, older versions), a `labels` result lent to a
    bare <Rectangle>, an answer keeping its prediction's score of 59, a byte order mark."""
    results = [
        {"id": "up", "type": "rectanglelabels", "from_name": "rect", "to_name": "image",
         "original_width": 800, "original_height": 800, "score": 59,
         "origin": "prediction-changed",
         "value": {"x": 16.25, "y": 96.25, "width": 52.5, "height": -60.5, "rotation": 0,
                   "rectanglelabels": ["car"]}},
        {"id": "lent", "type": "labels", "from_name": "label", "to_name": "image",
         "original_width": 800, "original_height": 800,
         "value": {"x": 0, "y": 0, "width": 50, "height": 25, "rotation": 0,
                   "labels": ["bus"]}}]
    task = {"id": 1, "data": {"image": "u.jpg"}, "drafts": [], "predictions": [1],  # ids
            "inner_id": 1, "total_annotations": 1, "cancelled_annotations": 0,
            "annotations": [{"id": 1, "completed_by": 2, "result": results,
                             "was_cancelled": False, "ground_truth": False,
                             "unique_id": "10087dc3-5ebb-4de2-a5d6-ed4f510dd13f",
                             "import_id": 1, "bulk_created": False, "task": 1}]}
    with make_project(tmp_path, BARE_CONFIG) as project:
        project.import_bytes(b"\xef\xbb\xbf" + orjson.dumps([task]), "old.json", "label_studio",
                             {"author": "ann@example.org"})
        (record,) = project.records()
    (annotation,) = record["annotations"]
    assert annotation["author"] == "ann@example.org" and "predictions" not in record
    assert annotation["regions"] == [
        {"id": "up", "label": "rect", "type": "bbox",
         "value": {"class": "car", "x": 130.0, "y": 286.0, "width": 420.0, "height": 484.0}},
        {"id": "lent", "label": "rect", "type": "bbox",
         "value": {"class": "bus", "x": 0.0, "y": 0.0, "width": 400.0, "height": 200.0}}]


def test_a_single_task_object_and_plain_data_tasks_are_read_as_label_studio_does(
        tmp_path: Path):
    with make_project(tmp_path, IMAGE_CONFIG) as project:
        import_tasks(project, image_task(), {"target": "tasks", "media_prefix": "s3://b/"})
        import_tasks(project, [{"image": "x.jpg"}])
        assert [r["data"] for r in project.records()] == [
            {"image": "s3://b//data/upload/1/street.jpg"}, {"image": "x.jpg"}]
