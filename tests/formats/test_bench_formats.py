"""bench/formats.py keeps running: a tiny run without the peer, and its data's two files
carry the same boxes (so Accord and Label Studio are given the same project)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import _formats_data as data  # noqa: E402


def test_a_tiny_run_imports_and_exports_through_the_cli(tmp_path: Path):
    """Without the API path (another 5 s of server start here); the full run has it."""
    run = subprocess.run([sys.executable, str(BENCH / "formats.py"), "--tasks", "20",
                          "--no-peer", "--no-api", "--no-million", "--exports", "coco",
                          "--work", str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line.split("|")[1:-1] for line in run.stdout.splitlines()
            if line.startswith("| 20 |")]
    assert [(r[1].strip(), r[2].strip(), r[3].strip()) for r in rows] == [
        ("import", "Accord", "label_studio"), ("export COCO", "Accord", "coco")]
    for row in rows:  # seconds, CPU and peak RSS were measured
        assert all(float(cell.replace(",", "")) > 0 for cell in (row[4], row[5], row[6]))
    assert list(tmp_path.iterdir()) == []  # the scratch dir is cleaned up


def test_the_label_studio_file_and_the_jsonl_carry_the_same_boxes(tmp_path: Path):
    data.write_jsonl(tmp_path / "t.jsonl", 30)
    data.write_label_studio(tmp_path / "t.json", 30)
    ours = [orjson.loads(line) for line in (tmp_path / "t.jsonl").read_bytes().splitlines()]
    theirs = orjson.loads((tmp_path / "t.json").read_bytes())
    assert len(ours) == len(theirs) == 30
    for record, task in zip(ours, theirs, strict=True):
        assert record["data"]["image"] == task["data"]["image"]
        width, height = record["data"]["width"], record["data"]["height"]
        boxes = [(r["value"]["class"], r["value"]["x"], r["value"]["y"], r["value"]["width"],
                  r["value"]["height"]) for r in record["annotations"][0]["regions"]]
        converted = [(v["rectanglelabels"][0], v["x"] * width / 100, v["y"] * height / 100,
                      v["width"] * width / 100, v["height"] * height / 100)
                     for v in (r["value"] for r in task["annotations"][0]["result"])]
        assert len(boxes) == data.BOXES
        for box, other in zip(boxes, converted, strict=True):
            assert box[0] == other[0] and box[1:] == pytest.approx(other[1:])
            assert 0 <= box[1] and box[1] + box[3] <= width  # inside the image
    # the same size gives the same data on every run
    data.write_jsonl(tmp_path / "again.jsonl", 30)
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "t.jsonl").read_bytes()


def test_an_export_missing_a_task_or_a_box_is_refused(tmp_path: Path):
    data.write_label_studio(tmp_path / "t.json", 4)
    data.check_export(tmp_path / "t.json", "json", 4)
    with pytest.raises(RuntimeError, match=re.escape("expected 5 tasks and 25 boxes, found "
                                                     "(4, 20)")):
        data.check_export(tmp_path / "t.json", "json", 5)
    coco = b'{"images": [{"file_name": "a"}], "annotations": [{"bbox": [1, 2, 3, 4]}]}'
    (tmp_path / "c.json").write_bytes(coco)
    with pytest.raises(RuntimeError, match=re.escape("found (1, 1)")):
        data.check_export(tmp_path / "c.json", "coco", 1)
