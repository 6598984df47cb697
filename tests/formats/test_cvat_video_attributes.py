"""CVAT for video exports: each box carries the attributes in force on its frame, the
track's changed by the per-frame attributes of the keyframes before it (docs/regions.md)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

from tests.formats.support import Project, jsonl
from tests.formats.test_cvat import VIDEO_SCHEMA


def boxes_of(exported: bytes) -> list[ET.Element]:
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        [name] = archive.namelist()
        root = ET.fromstring(archive.read(name))
    [track] = root.findall("track")
    return track.findall("box")


def attributes_of(box: ET.Element) -> dict[str, Any]:
    found: dict[str, Any] = {a.get("name"): a.text for a in box.findall("attribute")}
    return found | {"occluded": box.get("occluded"), "outside": box.get("outside")}


def test_per_frame_attributes_hold_from_their_keyframe_until_the_next_change(tmp_path: Path):
    keyframes = [
        {"frame": 0, "x": 0, "y": 0, "width": 10, "height": 10},
        {"frame": 2, "x": 4, "y": 0, "width": 10, "height": 10,
         "attributes": {"occluded": True}},
        {"frame": 4, "x": 8, "y": 0, "width": 10, "height": 10,
         "attributes": {"occluded": False, "hgl": "jk"}},
        {"frame": 5, "x": 8, "y": 0, "width": 10, "height": 10, "outside": True}]
    record = {"data": {"video": "v.mp4", "width": 50, "height": 50, "frame_count": 6},
              "annotations": [{"regions": [
                  {"id": "t", "label": "tracks", "type": "video_track",
                   "attributes": {"occluded": False, "hgl": "hgkf"},
                   "value": {"class": "car", "track_id": 1, "keyframes": keyframes}}]}]}
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        exported = project.export_bytes("cvat_video")
    boxes = boxes_of(exported)
    assert [b.get("frame") for b in boxes] == ["0", "1", "2", "3", "4", "5"]
    assert [attributes_of(b) for b in boxes] == [
        {"hgl": "hgkf", "occluded": "0", "outside": "0"},
        {"hgl": "hgkf", "occluded": "0", "outside": "0"},
        {"hgl": "hgkf", "occluded": "1", "outside": "0"},
        {"hgl": "hgkf", "occluded": "1", "outside": "0"},
        {"hgl": "jk", "occluded": "0", "outside": "0"},
        {"hgl": "jk", "occluded": "0", "outside": "1"}]


def test_a_track_without_per_frame_attributes_writes_its_own_on_every_box(tmp_path: Path):
    record = {"data": {"video": "v.mp4", "width": 50, "height": 50, "frame_count": 3},
              "annotations": [{"regions": [
                  {"id": "t", "label": "tracks", "type": "video_track",
                   "attributes": {"occluded": True, "hgl": "jk"},
                   "value": {"class": "car", "track_id": 1, "keyframes": [
                       {"frame": 0, "x": 0, "y": 0, "width": 10, "height": 10}]}}]}]}
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        boxes = boxes_of(project.export_bytes("cvat_video"))
    assert [attributes_of(b) for b in boxes] == [
        {"hgl": "jk", "occluded": "1", "outside": "0"}] * 3
