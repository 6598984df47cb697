"""Our regions → Label Studio result items, the inverse of `_label_studio_read`.

Image coordinates are written in percent of the original size, with `original_width` and
`original_height` on every image result; a region that needs the size of an image whose size
is unknown is an error naming the task. Attributes, which Label Studio results have no place
for, ride in the result's `meta` and are read back from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accord.core.schema import Schema
from accord.formats._label_studio_brush import BrushError, bitmap_to_brush, mask_bitmap
from accord.formats._label_studio_geometry import TextOffsets, box_to_percent
from accord.formats.base import fail

_SHAPE_TYPES: Mapping[str, str] = {"bbox": "rectanglelabels", "polygon": "polygonlabels",
                                   "keypoints": "keypointlabels", "mask": "brushlabels"}


class ResultWriter:
    """Writes the regions of one task; `size` is its image size, or None when unknown."""

    def __init__(self, schema: Schema | None, data: Mapping[str, Any],
                 size: tuple[int, int] | None, where: str) -> None:
        self.schema, self.data, self.size, self.where = schema, data, size, where
        self._texts: dict[str, TextOffsets] = {}

    def results(self, regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for region in regions:
            kind = region["type"]
            convert: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] = getattr(
                self, f"_{kind}", self._unsupported)
            result = convert(region, region["value"])
            if kind != "relation":  # a region's transcription shares the region's id
                own = region["value"].get("region", region["id"]) if kind == "transcription" \
                    else region["id"]
                result = {"id": own, "from_name": region["label"],
                          "to_name": self._to_name(region["label"]), **result}
            if region.get("attributes"):
                result["meta"] = {**result.get("meta", {}), "attributes": region["attributes"]}
            if region.get("score") is not None:
                result["score"] = region["score"]
            out.append(result)
        return out

    def _to_name(self, label_name: str) -> str:
        label = self.schema.label(label_name) if self.schema is not None else None
        return label.source if label is not None else "image"

    def _where(self, region: Mapping[str, Any]) -> str:
        return f"{self.where}, region {region['id']!r}"

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
        for frame in value["keyframes"]:
            x, y, w, h = box_to_percent(frame["x"], frame["y"], frame["width"],
                                        frame["height"], 0, width, height)
            sequence.append({"frame": frame["frame"] + 1,
                             "enabled": not frame.get("outside", False),
                             "x": x, "y": y, "width": w, "height": h, "rotation": 0})
        return {"type": "videorectangle", "meta": {"track_id": value["track_id"]},
                "value": {"sequence": sequence, "labels": [value["class"]]}}

    def _relation(self, region: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
        return {"from_id": value["from"], "to_id": value["to"], "type": "relation",
                "direction": "right", "labels": [value["class"]] if "class" in value else []}
