"""bench/formats.py's data: N seeded detection tasks written as Label Studio's import file
and as Accord JSONL, and the check that an export holds every task and box."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

BOXES = 5
CLASSES = ("car", "person", "bike")
SIZES = ((1280, 720), (1920, 1080), (640, 480))
LABEL = "objects"


def tasks(count: int) -> Iterator[tuple[str, int, int, list[tuple[str, int, int, int, int]]]]:
    """(image, width, height, boxes) per task, the same for every run of a size."""
    rng = random.Random(count)
    for i in range(count):
        width, height = SIZES[i % len(SIZES)]
        boxes = []
        for _ in range(BOXES):
            w, h = rng.randint(8, width // 3), rng.randint(8, height // 3)
            boxes.append((rng.choice(CLASSES), rng.randint(0, width - w),
                          rng.randint(0, height - h), w, h))
        yield f"images/{i // 1000:04d}/{i:07d}.jpg", width, height, boxes


def write_jsonl(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for image, width, height, boxes in tasks(count):
            regions = [{"id": str(k), "label": LABEL, "type": "bbox",
                        "value": {"class": c, "x": x, "y": y, "width": w, "height": h}}
                       for k, (c, x, y, w, h) in enumerate(boxes, start=1)]
            out.write(orjson.dumps({"data": {"image": image, "width": width, "height": height},
                                    "annotations": [{"regions": regions}]}) + b"\n")


def write_label_studio(path: Path, count: int) -> None:
    """Label Studio's import file: one JSON list of tasks with one annotation each."""
    with path.open("wb") as out:
        out.write(b"[")
        for i, (image, width, height, boxes) in enumerate(tasks(count)):
            result = [{"id": f"t{i}-{k}", "from_name": LABEL, "to_name": "image",
                       "type": "rectanglelabels", "original_width": width,
                       "original_height": height, "image_rotation": 0,
                       "value": {"x": x / width * 100, "y": y / height * 100,
                                 "width": w / width * 100, "height": h / height * 100,
                                 "rotation": 0, "rectanglelabels": [c]}}
                      for k, (c, x, y, w, h) in enumerate(boxes, start=1)]
            out.write((b",\n" if i else b"\n") + orjson.dumps(
                {"data": {"image": image}, "annotations": [{"result": result}]}))
        out.write(b"\n]\n")


def check_export(path: Path, kind: str, count: int) -> None:
    """The export holds every task and box: JSON lists are parsed, COCO (which at a million
    tasks would take gigabytes as Python objects) is counted by its keys while streamed."""
    if kind == "coco":
        found = (key_count(path, b'"file_name"'), key_count(path, b'"bbox"'))
    elif kind == "jsonl":
        with path.open("rb") as lines:
            records = [orjson.loads(line) for line in lines if line.strip()]
        found = (len(records), sum(len(a["regions"]) for r in records
                                   for a in r.get("annotations", ())))
    else:  # a Label Studio JSON list
        with json_stream(path) as stream:
            listed = orjson.loads(stream.read())
        found = (len(listed), sum(len(a["result"]) for t in listed for a in t["annotations"]))
    if found != (count, count * BOXES):
        raise RuntimeError(f"{path.name} ({kind}): expected {count} tasks and "
                           f"{count * BOXES} boxes, found {found}")


def json_stream(path: Path) -> Any:
    """The file, or the one .json member of a zip (exports may come archived)."""
    if not zipfile.is_zipfile(path):
        return path.open("rb")
    archive = zipfile.ZipFile(path)
    members = [n for n in archive.namelist() if n.endswith(".json")]
    if len(members) != 1:
        raise RuntimeError(f"{path.name}: expected one .json member, found {members}")
    return archive.open(members[0])


def key_count(path: Path, key: bytes) -> int:
    total, tail = 0, b""
    with json_stream(path) as stream:
        while chunk := stream.read(1 << 22):
            window = tail + chunk
            total += window.count(key)
            tail = window[-(len(key) - 1):]  # a key cut by the chunk is counted once
    return total


