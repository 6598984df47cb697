"""Writing Label Studio JSON: our task records → Label Studio's task list, the inverse of
`_label_studio_read`.

Image coordinates are written in percent of the original size, with `original_width` and
`original_height` on every image result; a region that needs the size of an image whose size
is unknown is an error naming the task. Attributes, which Label Studio results have no place
for, ride in the result's `meta` and are read back from there.

Exports reach hundreds of thousands of tasks of several boxes each, so the common case, a
plain box, is converted inline (no per-region method lookup or schema search), and the
tasks go out joined into chunks of about CHUNK_BYTES rather than one chunk each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
from PIL import Image, UnidentifiedImageError

from accord.core.schema import DataType, Schema
from accord.formats._label_studio_brush import BrushError, bitmap_to_brush, mask_bitmap
from accord.formats._label_studio_geometry import TextOffsets, box_to_percent
from accord.formats._label_studio_video import (
    keyframe_attributes,
    sequence_from_keyframes,
    timeline_value,
)
from accord.formats.base import Export, fail

_SHAPE_TYPES: Mapping[str, str] = {"bbox": "rectanglelabels", "polygon": "polygonlabels",
                                   "keypoints": "keypointlabels", "mask": "brushlabels"}
#: bytes of tasks gathered before one chunk goes out
CHUNK_BYTES = 256 * 1024


def write(export: Export) -> Iterator[bytes]:
    """The project's tasks as one Label Studio JSON array, a task per line."""
    dumps, to_names = orjson.dumps, ToNames(export.schema)
    parts: list[bytes] = []
    size, first = 0, True
    for record in export.records():
        part = (b"[\n" if first else b",\n") + dumps(export_task(record, export, to_names))
        first = False
        parts.append(part)
        size += len(part)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    parts.append(b"[]\n" if first else b"\n]\n")
    yield b"".join(parts)


def export_task(record: Mapping[str, Any], export: Export,
                to_names: ToNames | None = None) -> dict[str, Any]:
    data = record["data"]
    writer = ResultWriter(export.schema, data, _size(data, export), record.get("id"),
                          to_names)
    gold = record.get("gold")
    annotations = []
    for annotation in record.get("annotations", ()):
        item: dict[str, Any] = {"id": annotation["id"]}
        if annotation.get("author"):
            item["completed_by"] = {"email": annotation["author"]}
        item["result"] = writer.results(annotation["regions"])
        item["was_cancelled"] = False
        item["ground_truth"] = gold is not None and annotation["regions"] == gold
        if annotation.get("lead_time_s") is not None:
            item["lead_time"] = annotation["lead_time_s"]
        if annotation.get("submitted_at"):
            item["created_at"] = annotation["submitted_at"]
        annotations.append(item)
    if gold is not None and not any(a["ground_truth"] for a in annotations):
        annotations.append({"result": writer.results(gold), "was_cancelled": False,
                            "ground_truth": True})
    task: dict[str, Any] = {"id": record.get("id"), "data": data, "annotations": annotations}
    if record.get("predictions"):
        task["predictions"] = [
            {"id": p["id"], "model_version": p.get("model_version") or "",
             **({"score": p["score"]} if p.get("score") is not None else {}),
             "result": writer.results(p["regions"])} for p in record["predictions"]]
    return task


def _size(data: Mapping[str, Any], export: Export) -> tuple[int, int] | None:
    """The image size from the task data, else from the local image file's header."""
    width, height = data.get("width"), data.get("height")
    if type(width) is int and type(height) is int:
        return width, height
    media = _media_value(data, export.schema)
    path = export.media_file(media) if media else None
    if path is None:
        return None
    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None


def _media_value(data: Mapping[str, Any], schema: Schema | None) -> str | None:
    keys = [d.source or d.name for d in schema.data if d.type == DataType.IMAGE] if schema \
        else ["image"]
    value = data.get(keys[0]) if keys else None
    return value if isinstance(value, str) else None


class ToNames(dict[str, str]):
    """Label name → the data field its results point at (`to_name`), looked up once per
    label of an export rather than once per region."""

    def __init__(self, schema: Schema | None) -> None:
        super().__init__()
        self.schema = schema

    def __missing__(self, label_name: str) -> str:
        label = self.schema.label(label_name) if self.schema is not None else None
        self[label_name] = found = label.source if label is not None else "image"
        return found


class ResultWriter:
    """Writes the regions of one task; `size` is its image size, or None when unknown."""

    def __init__(self, schema: Schema | None, data: Mapping[str, Any],
                 size: tuple[int, int] | None, task_id: Any,
                 to_names: ToNames | None = None) -> None:
        self.schema, self.data, self.size, self.task_id = schema, data, size, task_id
        self.to_names = to_names if to_names is not None else ToNames(schema)
        self._texts: dict[str, TextOffsets] = {}

    def results(self, regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        to_names, size = self.to_names, self.size
        for region in regions:
            kind = region["type"]
            value = region["value"]
            if kind == "bbox" and size is not None and not value.get("rotation"):
                # a plain box, inline: as _bbox with rotation 0 (box_to_percent's plain case)
                width, height = size
                result = {"id": region["id"], "from_name": region["label"],
                          "to_name": to_names[region["label"]], "type": "rectanglelabels",
                          "original_width": width, "original_height": height,
                          "image_rotation": 0, "value": {
                              "x": value["x"] * 100 / width, "y": value["y"] * 100 / height,
                              "width": value["width"] * 100 / width,
                              "height": value["height"] * 100 / height,
                              "rotation": value.get("rotation", 0.0),
                              "rectanglelabels": [value["class"]]}}
            else:
                convert: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] = getattr(
                    self, f"_{kind}", self._unsupported)
                result = convert(region, value)
                if kind != "relation":  # a region's transcription shares the region's id
                    own = value.get("region", region["id"]) if kind == "transcription" \
                        else region["id"]
                    result = {"id": own, "from_name": region["label"],
                              "to_name": to_names[region["label"]], **result}
            if region.get("attributes"):
                result["meta"] = {**result.get("meta", {}), "attributes": region["attributes"]}
            if region.get("score") is not None:
                result["score"] = region["score"]
            out.append(result)
        return out

    def _to_name(self, label_name: str) -> str:
        return self.to_names[label_name]

    def _where(self, region: Mapping[str, Any]) -> str:
        return f"task {self.task_id}, region {region['id']!r}"

    def _image(self, region: Mapping[str, Any]) -> tuple[int, int]:
        if self.size is None:
            raise fail(self._where(region), "Label Studio needs the image size for percent "
                       "coordinates, and the task's is unknown (no width/height in its data, "
                       "no readable local image)")
        return self.size

    def _sized(self, kind: str, size: tuple[int, int], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, "original_width": size[0], "original_height": size[1],
                "image_rotation": 0, "value": value}

    def _unsupported(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        raise fail(self._where(region), f"Label Studio has no result type for "
                   f"{region['type']} regions")

    def _bbox(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        width, height = self._image(region)
        rotation = value.get("rotation", 0.0)
        x, y, w, h = box_to_percent(value["x"], value["y"], value["width"], value["height"],
                                    rotation, width, height)
        return self._sized("rectanglelabels", (width, height), {
            "x": x, "y": y, "width": w, "height": h, "rotation": rotation,
            "rectanglelabels": [value["class"]]})

    def _polygon(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        width, height = self._image(region)
        points = [[px * 100 / width, py * 100 / height] for px, py in value["points"]]
        return self._sized("polygonlabels", (width, height), {
            "points": points, "polygonlabels": [value["class"]]})

    def _keypoints(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        width, height = self._image(region)
        if len(value["points"]) != 1 or value["points"][0][2] == 0:
            raise fail(self._where(region), "Label Studio keypoints are single labelled "
                       f"points; this region has {len(value['points'])} point(s) or an "
                       "unlabelled one (v = 0)")
        px, py, _ = value["points"][0]
        return self._sized("keypointlabels", (width, height), {
            "x": px * 100 / width, "y": py * 100 / height,
            "keypointlabels": [value["class"]]})

    def _mask(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        height, width = value["rle"]["size"]
        if self.size is not None and self.size != (width, height):
            raise fail(self._where(region), f"the mask is {width} × {height}, the image "
                       f"{self.size[0]} × {self.size[1]}")
        try:
            rle = bitmap_to_brush(mask_bitmap(value["rle"]))
        except BrushError as error:
            raise fail(self._where(region), str(error)) from None
        return self._sized("brushlabels", (width, height), {
            "format": "rle", "rle": rle, "brushlabels": [value["class"]]})

    def _classification(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "choices", "value": {"choices": [value["class"]]}}

    def _multilabel(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "choices", "value": {"choices": list(value["classes"])}}

    def _rating(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "rating", "value": {"rating": value["rating"]}}

    def _transcription(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "textarea", "value": {"text": [value["text"]]}}

    def _span(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        key = self._to_name(region["label"])
        if self.schema is not None:
            field = self.schema.data_field(key)
            if field is not None and field.type.value == "html":
                raise fail(self._where(region), "spans on HTML need Label Studio's XPath "
                           "ranges (hypertextlabels), which Accord does not write")
            key = (field.source or field.name) if field is not None else key
        text = self.data.get(key)
        if not isinstance(text, str):
            raise fail(self._where(region), f"the span's text {key!r} is not in the task data")
        offsets = self._texts.setdefault(key, TextOffsets(text))
        return {"type": "labels", "value": {
            "start": offsets.to_js(value["start"]), "end": offsets.to_js(value["end"]),
            "text": text[value["start"]:value["end"]], "labels": [value["class"]]}}

    def _audio_segment(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "labels", "value": {"start": value["start"], "end": value["end"],
                                            "labels": [value["class"]]}}

    def _video_track(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        width, height = self._image(region)
        sequence = []
        keys = sequence_from_keyframes(value["keyframes"])
        for frame, enabled in keys:
            x, y, w, h = box_to_percent(frame["x"], frame["y"], frame["width"],
                                        frame["height"], 0, width, height)
            sequence.append({"frame": frame["frame"] + 1, "enabled": enabled,
                             "x": x, "y": y, "width": w, "height": h, "rotation": 0})
        meta: dict[str, Any] = {"track_id": value["track_id"]}
        if any(k.get("attributes") for k in value["keyframes"]):
            count = self.data.get("frame_count")
            meta["keyframe_attributes"] = keyframe_attributes(
                value["keyframes"], keys, count if type(count) is int else None)
        return {"type": "videorectangle", "meta": meta,
                "value": {"sequence": sequence, "labels": [value["class"]]}}

    def _video_segment(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "timelinelabels", "value": timeline_value(value)}

    def _relation(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"from_id": value["from"], "to_id": value["to"], "type": "relation",
                "direction": "right", "labels": [value["class"]] if "class" in value else []}
