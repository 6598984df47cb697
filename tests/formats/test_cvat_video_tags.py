"""CVAT for video frame tags: `<tag label frame source>` at the top level of `<annotations>`
become video segments (runs of consecutive frames of one class and attributes), our
segments are written back as a tag per frame, and the round trips are exact both ways;
bad tags stop the import at their line with nothing stored."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import datumaro as dm
import pytest

from accord.core.errors import InputError
from tests.formats.support import Project, jsonl, regions_without_ids

SCHEMA = {"data": [{"name": "video", "type": "video"}], "labels": [
    {"name": "tracks", "type": "video_track", "source": "video", "classes": [{"name": "car"}]},
    {"name": "scene", "type": "video_segment", "source": "video",
     "classes": [{"name": "day"}, {"name": "night"}, {"name": "tunnel"}],
     "attributes": [{"name": "lit", "type": "bool"},
                    {"name": "weather", "type": "enum", "values": ["dry", "rain"]}]}]}

# As CVAT's dumper writes a video task: meta, tracks, then the frame tags with attributes
TAGGED = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>3</id>
      <name>drive</name>
      <size>12</size>
      <mode>interpolation</mode>
      <start_frame>0</start_frame>
      <stop_frame>11</stop_frame>
      <original_size>
        <width>100</width>
        <height>50</height>
      </original_size>
    </task>
    <source>drive.mp4</source>
  </meta>
  <track id="0" label="car" source="manual">
    <box frame="0" outside="0" occluded="0" keyframe="1" xtl="0.00" ytl="0.00" xbr="10.00" ybr="10.00" z_order="0">
    </box>
    <box frame="1" outside="1" occluded="0" keyframe="1" xtl="0.00" ytl="0.00" xbr="10.00" ybr="10.00" z_order="0">
    </box>
  </track>
{tags}</annotations>
"""


def tag(frame: int, label: str, **attributes: str) -> str:
    children = "".join(f'    <attribute name="{k}">{v}</attribute>\n'
                       for k, v in attributes.items())
    return f'  <tag label="{label}" frame="{frame}" source="manual">\n{children}  </tag>\n'


TAGS = ("".join(tag(f, "day", lit="true", weather="dry") for f in (0, 1, 2))
        + tag(3, "day", lit="true", weather="rain")   # attributes change: a new segment
        + "".join(tag(f, "tunnel", lit="false", weather="dry") for f in (2, 3))
        + tag(9, "night", lit="false", weather="dry") + tag(11, "night", lit="false",
                                                             weather="dry"))


def tags_of(xml: bytes) -> set[tuple[int, str, tuple[tuple[str, str], ...]]]:
    """(frame, label, attributes) of every top-level tag of a CVAT file."""
    root = ET.fromstring(xml)
    return {(int(t.get("frame")), t.get("label"),
             tuple(sorted((a.get("name"), a.text or "") for a in t.findall("attribute"))))
            for t in root.findall("tag")}


TAGS_ON = {"settings": {"segments": "tags"}}


def exported_xml(project: Project, options: dict[str, Any] | None = None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(project.export_bytes("cvat_video", options))) as archive:
        (name,) = archive.namelist()
        return archive.read(name)


def test_frame_tags_become_segments_of_consecutive_frames(tmp_path: Path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(TAGGED.replace("{tags}", TAGS).encode(), "drive.xml",
                             "cvat_video")
        (record,) = project.records()
    track, *segments = record["annotations"][0]["regions"]
    assert track["type"] == "video_track"
    assert segments[0] == {"id": "segment-1", "label": "scene", "type": "video_segment",
                           "value": {"class": "day", "start": 0, "end": 3},
                           "attributes": {"lit": True, "weather": "dry"}}
    assert [(s["id"], s["value"]["class"], s["value"]["start"], s["value"]["end"],
             s["attributes"]) for s in segments[1:]] == [
        ("segment-2", "tunnel", 2, 4, {"lit": False, "weather": "dry"}),
        ("segment-3", "day", 3, 4, {"lit": True, "weather": "rain"}),  # other attributes
        ("segment-4", "night", 9, 10, {"lit": False, "weather": "dry"}),
        ("segment-5", "night", 11, 12, {"lit": False, "weather": "dry"})]  # a frame apart


def test_a_tagged_file_round_trips_tag_for_tag_and_region_for_region(tmp_path: Path):
    source = TAGGED.replace("{tags}", TAGS).encode()
    with Project(tmp_path / "a", SCHEMA) as project:
        project.import_bytes(source, "drive.xml", "cvat_video")
        first = project.records()[0]["annotations"][0]["regions"]
        assert b"<tag " not in exported_xml(project)  # the default is CVAT's and Datumaro's
        xml = exported_xml(project, TAGS_ON)
    assert tags_of(xml) == tags_of(source)
    assert re.search(rb"<name>night</name>", xml)  # the segment classes are CVAT labels
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_bytes(xml, "drive.xml", "cvat_video")
        assert again.records()[0]["annotations"][0]["regions"] == first


def test_our_segments_are_written_as_a_tag_per_frame_and_read_back(tmp_path: Path):
    """Segments made in our editor (frame marks grown into ranges, one frame, attributes
    or none) come back the same from a CVAT file."""
    regions = [{"id": "s1", "label": "scene", "type": "video_segment",
                "value": {"class": "night", "start": 4, "end": 9}},
               {"id": "s2", "label": "scene", "type": "video_segment",
                "value": {"class": "tunnel", "start": 6, "end": 7},
                "attributes": {"lit": True}},
               {"id": "s3", "label": "scene", "type": "video_segment",
                "value": {"class": "day", "start": 0, "end": 2}}]
    record = {"data": {"video": "drive.mp4", "width": 100, "height": 50, "frame_count": 12},
              "annotations": [{"regions": regions}]}
    with Project(tmp_path / "a", SCHEMA) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        xml = exported_xml(project, TAGS_ON)
    assert sorted((f, label) for f, label, _ in tags_of(xml)) == sorted(
        [(f, "night") for f in range(4, 9)] + [(6, "tunnel"), (0, "day"), (1, "day")])
    assert (6, "tunnel", (("lit", "true"),)) in tags_of(xml)
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_bytes(xml, "drive.xml", "cvat_video")
        back = again.records()[0]["annotations"][0]["regions"]
    assert regions_without_ids(back) == regions_without_ids(regions)


@pytest.mark.parametrize(("tags", "message"), [
    ('  <tag label="night" source="manual"/>\n', r"line 25, tag 'night' on frame None: "
                                                 r"the 'frame' attribute is missing"),
    (tag(12, "night"), r"line 25, tag 'night' on frame 12: frame 12 is outside the "
                       r"video's frames 0–11"),
    ('  <tag frame="2"/>\n', r"line 25, tag None on frame 2: the frame tag has no label"),
    (tag(2, "dusk"), r"line 25, tag 'dusk' on frame 2: label 'scene' has no class 'dusk'"),
    (tag(1, "day") + tag(2, "day", lit="maybe"),
     r"line 27, tag 'day' on frame 2: .*lit"),
])
def test_a_bad_tag_stops_the_import_at_its_line(tmp_path: Path, tags: str, message: str):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=rf"drive.xml, {message}"):
            project.import_bytes(TAGGED.replace("{tags}", tags).encode(), "drive.xml",
                                 "cvat_video")
        assert project.task_count() == 0


def test_unlabelled_skip_leaves_out_a_tag_without_a_label(tmp_path: Path):
    xml = TAGGED.replace("{tags}", '  <tag frame="2"/>\n' + tag(3, "night")).encode()
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(xml, "drive.xml", "cvat_video", {"settings": {"unlabelled": "skip"}})
        regions = project.records()[0]["annotations"][0]["regions"]
    assert [(r["type"], r["value"].get("start")) for r in regions] == [
        ("video_track", None), ("video_segment", 3)]


def test_tags_need_a_video_segment_label(tmp_path: Path):
    schema = {"data": SCHEMA["data"], "labels": SCHEMA["labels"][:1]}
    with Project(tmp_path, schema) as project:
        with pytest.raises(InputError, match=r"line 25, tag 'night' on frame 3: the project's "
                                             r"schema has no video_segment label"):
            project.import_bytes(TAGGED.replace("{tags}", tag(3, "night")).encode(),
                                 "drive.xml", "cvat_video")


def test_datumaro_reads_the_export_without_tags_box_for_box(tmp_path: Path):
    """Datumaro's CVAT reader (like CVAT's own importer) reads tags only inside <image>
    and fails on a video file's frame tags: the default export (`segments=skip`) leaves them
    out for it."""
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(TAGGED.replace("{tags}", TAGS).encode(), "drive.xml",
                             "cvat_video")
        with pytest.raises(InputError, match="setting 'segments': expected tags or skip"):
            exported_xml(project, {"settings": {"segments": "all"}})
        xml = exported_xml(project)
    assert b"<tag " not in xml and b"<name>night</name>" not in xml
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "annotations.xml").write_bytes(xml)
    dataset = dm.Dataset.import_from(str(tmp_path / "export"), "cvat")
    boxes = sorted((item.attributes["frame"], a.attributes["outside"]) for item in dataset
                   for a in item.annotations)
    assert boxes == [(0, False), (1, True)]
