"""MOTChallenge ground truth: `gt/gt.txt` per sequence, one task per sequence, each object id
a `video_track` (docs/formats/mot.md).

    frame,id,x,y,w,h,conf,class,visibility        (frames from 1; conf 0 = ignored)

Rows are read line by line and grouped by id (the file may list them in any order), so one
sequence's boxes are held in memory while its task is built. Consecutive frames an id
appears on become keyframes wherever linear interpolation does not give the box back; a
gap, and the end of a run before the sequence ends, become an `outside` keyframe.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any

from PIL import Image, UnidentifiedImageError

from accord.formats._cvat_tracks import Frame, keyframes_from_frames, per_frame
from accord.formats.base import (
    EntryNames,
    Export,
    Format,
    ReadContext,
    check_box_inside,
    fail,
)
from accord.formats.source import Source
from accord.formats.zipstream import ZipStream

#: Datumaro's class names when a sequence has no labels.txt (MOT16/17 class ids 1–12)
MOT_CLASSES = ("pedestrian", "person on vehicle", "car", "bicycle", "motorbike",
               "non motorized vehicle", "static person", "distractor", "occluder",
               "occluder on the ground", "occluder full", "reflection")
#: a box the line between two keyframes reproduces to within this is interpolated
TOLERANCE_PX = 1e-6
MAX_LINE_BYTES = 4096
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
SETTINGS = {
    "ignored": "import: rows with conf 0 (ignored in evaluation): attribute (default) sets "
               "the bool attribute 'ignored' the label must define, keep imports them as "
               "other tracks, skip leaves them out",
    "default_class": "import: the class of rows without one (class -1 or no class column); by "
                     "default such a row is an error",
}


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = source.paths()
    gts = [p for p in paths if p == "gt/gt.txt" or p.endswith("/gt/gt.txt")]
    if len(paths) == 1 and not gts:
        gts = paths  # a gt.txt uploaded alone
    if not gts:
        raise fail(source.name, "no gt/gt.txt in it; a MOT sequence holds gt/gt.txt")
    for path in gts:
        root = path[:-len("gt/gt.txt")] if path.endswith("gt/gt.txt") else ""
        yield source.where(path), _sequence(source, path, root, context)


def _sequence(source: Source, path: str, root: str, context: ReadContext) -> dict[str, Any]:
    paths = set(source.paths())
    info = _seqinfo(source, f"{root}seqinfo.ini") if f"{root}seqinfo.ini" in paths else {}
    classes = (_labels(source, f"{root}gt/labels.txt") if f"{root}gt/labels.txt" in paths
               else list(MOT_CLASSES))
    image_dir = f"{root}{info.get('imdir', 'img1')}/"
    images = sorted(p for p in paths if p.startswith(image_dir)
                    and p.lower().endswith(IMAGE_SUFFIXES))
    width, height = _size(source, info, images)
    where = source.where(path)
    with source.open(path) as stream:
        rows = _rows(stream, where, classes, (width, height), info.get("seqlength"), context)
    frame_count = info.get("seqlength") or max(
        [len(images)] + [r[0] + 1 for track in rows.values() for r in track])
    name = info.get("name") or (PurePosixPath(root).name if root
                                else PurePosixPath(source.name).stem)
    data: dict[str, Any] = {context.binding.data_key("video"): context.media(name),
                            "frame_count": frame_count}
    if width is not None and height is not None:
        data.update(width=width, height=height)
    if isinstance(info.get("framerate"), int):
        data["frame_rate"] = info["framerate"]
    regions = _tracks(rows, frame_count, where, context)
    record: dict[str, Any] = {"data": data}
    if regions:
        record["annotations"] = [{"regions": regions}]
    return record


def _seqinfo(source: Source, path: str) -> dict[str, Any]:
    """seqinfo.ini's `key=value` lines, keys lower-cased, sizes as integers."""
    where = source.where(path)
    fields: dict[str, Any] = {}
    lines: dict[str, str] = {}  # key → where its line is, for errors
    with source.open(path) as stream:
        for number, raw in enumerate(stream, start=1):
            line = _text(raw, f"{where}, line {number}").strip()
            if "=" in line and not line.startswith(("[", ";", "#")):
                key, value = (part.strip() for part in line.split("=", 1))
                fields[key.lower()] = value
                lines[key.lower()] = f"{where}, line {number}"
    for key in ("seqlength", "imwidth", "imheight", "framerate"):
        if key in fields:
            value = fields[key]
            if not (value.isascii() and value.isdigit()) or int(value) <= 0:
                raise fail(lines[key], f"{key}={fields[key]!r} is not a positive whole number")
            fields[key] = int(fields[key])
    imdir = fields.get("imdir", "img1")
    if not imdir or ".." in imdir.split("/") or imdir.startswith("/"):
        raise fail(lines.get("imdir", where), f"imDir={imdir!r} is not a folder of the "
                                              "sequence")
    return fields


def _labels(source: Source, path: str) -> list[str]:
    where = source.where(path)
    with source.open(path) as stream:
        names = [_text(raw, f"{where}, line {n}").strip() for n, raw in enumerate(stream, 1)]
    return [n for n in names if n]


def _size(source: Source, info: dict[str, Any], images: list[str]
          ) -> tuple[int | None, int | None]:
    if "imwidth" in info and "imheight" in info:
        return info["imwidth"], info["imheight"]
    if not images:
        return None, None
    try:
        with source.open(images[0]) as stream, Image.open(stream) as image:
            return image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise fail(source.where(images[0]), f"not a readable image ({exc})") from None


def _text(raw: bytes, where: str) -> str:
    if len(raw) > MAX_LINE_BYTES:
        raise fail(where, f"the line is longer than {MAX_LINE_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(where, "not UTF-8 text") from None


Row = tuple[int, tuple[float, float, float, float], str, bool, str]  # frame, box, class, …


def _whole(cell: str, what: str, where: str) -> int:
    """An id or class written as a whole number, `3` or `3.0` (as tools that write every
    column as a float do); `3.5` names no object or class."""
    value = float(cell)
    if not value.is_integer():
        raise fail(where, f"{what} {cell!r} is not a whole number")
    return int(value)


def _rows(stream: IO[bytes], where: str, classes: list[str],
          size: tuple[int | None, int | None], frame_count: int | None,
          context: ReadContext) -> dict[int, list[Row]]:
    """Rows grouped by object id; detections (id -1) each get an id of their own after
    the largest id, in file order."""
    default_class = context.options.settings.get("default_class")
    tracks: dict[int, list[Row]] = {}
    detections: list[Row] = []
    for number, raw in enumerate(stream, start=1):
        at = f"{where}, line {number}"
        line = _text(raw, at).strip()
        if not line:
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) < 6:
            raise fail(at, f"{len(cells)} columns; expected frame,id,x,y,w,h"
                           "[,conf,class,visibility]")
        try:
            frame, track = int(cells[0]), _whole(cells[1], "object id", at)
            x, y, w, h = (float(c) for c in cells[2:6])
            conf = float(cells[6]) if len(cells) > 6 and cells[6] else 1.0
            class_id = _whole(cells[7], "class", at) if len(cells) > 7 and cells[7] else -1
        except (ValueError, OverflowError):
            raise fail(at, f"{line[:80]!r} is not numbers frame,id,x,y,w,h,conf,class") from None
        if not all(abs(v) < float("inf") for v in (x, y, w, h, conf)):
            raise fail(at, "a coordinate or the confidence is not a finite number")
        if frame < 1 or (frame_count is not None and frame > frame_count):
            raise fail(at, f"frame {frame} is outside the sequence's frames 1–"
                           f"{frame_count if frame_count is not None else '…'}")
        check_box_inside(at, x, y, w, h, *size)
        if 1 <= class_id <= len(classes):
            class_name = classes[class_id - 1]
        elif class_id in (-1, 0) and default_class:
            class_name = default_class
        else:
            raise fail(at, f"class {class_id} is not one of 1–{len(classes)} "
                           f"({', '.join(classes[:5])}…); set default_class for rows "
                           "without a class")
        row: Row = (frame - 1, (x, y, w, h), class_name, conf == 0, at)
        if track < 0:
            detections.append(row)
        else:
            tracks.setdefault(track, []).append(row)
    next_id = max(tracks, default=0) + 1
    for offset, row in enumerate(detections):
        tracks[next_id + offset] = [row]
    return tracks


def _tracks(rows: dict[int, list[Row]], frame_count: int, where: str,
            context: ReadContext) -> list[dict[str, Any]]:
    ignored_rows = context.setting("ignored", "attribute", ("attribute", "keep", "skip"))
    regions = []
    for track_id in sorted(rows):
        track = sorted(rows[track_id], key=lambda r: r[0])
        first = track[0]
        for row in track[1:]:
            if row[2] != first[2] or row[3] != first[3]:
                raise fail(row[4], f"object {track_id} has class {row[2]!r}"
                                   f"{' (ignored)' if row[3] else ''} here and "
                                   f"{first[2]!r}{' (ignored)' if first[3] else ''} on "
                                   f"{first[4].rsplit(', ', 1)[1]}; a track keeps one class "
                                   "and one ignored flag")
        for before, row in zip(track, track[1:], strict=False):
            if row[0] == before[0]:
                raise fail(row[4], f"object {track_id} appears twice on frame {row[0] + 1}")
        if first[3] and ignored_rows == "skip":
            continue
        label_name = context.binding.label("video_track", first[2], first[4])
        region: dict[str, Any] = {"id": str(track_id), "label": label_name,
                                  "type": "video_track", "value": {
                                      "class": first[2], "track_id": track_id,
                                      "keyframes": _keyframes(track, frame_count)}}
        if ignored_rows == "attribute":
            label = context.schema.label(label_name) if context.schema else None
            if label is not None and label.attribute_named("ignored") is not None:
                region["attributes"] = {"ignored": first[3]}
            elif first[3]:
                raise fail(first[4], f"object {track_id} is ignored (conf 0), and label "
                                     f"{label_name!r} has no bool attribute 'ignored'; add "
                                     "one, or set ignored=keep or ignored=skip")
        regions.append(region)
    return regions


def _keyframes(track: list[Row], frame_count: int) -> list[dict[str, Any]]:
    """Each run of consecutive frames compressed; an outside keyframe after each run that
    ends before the sequence does."""
    keyframes: list[dict[str, Any]] = []
    runs: list[list[Row]] = []
    for row in track:
        if runs and row[0] == runs[-1][-1][0] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        kept = keyframes_from_frames([Frame(r[0], r[1]) for r in run], TOLERANCE_PX)
        keyframes += [_keyframe(k.frame, k.box) for k in kept]
        end = run[-1][0] + 1
        if end < frame_count:
            keyframes.append(_keyframe(end, kept[-1].box) | {"outside": True})
    return keyframes


def _keyframe(frame: int, box: tuple[float, float, float, float]) -> dict[str, Any]:
    return {"frame": frame, "x": box[0], "y": box[1], "width": box[2], "height": box[3]}


def num(value: float) -> str:
    """Six decimals when that is the value (interpolated boxes), else the exact float."""
    rounded = round(float(value), 6)
    text = repr(rounded if abs(rounded - value) < 1e-9 else float(value))
    return text[:-2] if text.endswith(".0") else text


def write(export: Export) -> Iterator[bytes]:
    """A zip of one sequence folder per task: gt/gt.txt, gt/labels.txt, seqinfo.ini."""
    classes = _classes(export)
    index = {name: i + 1 for i, name in enumerate(classes)}
    archive, names = ZipStream(), EntryNames()
    for item in export.items():
        video = item.data.get(_video_key(export)) if item.data else None
        folder = names.name(video if isinstance(video, str) else item.media, item.task_id)
        frame_count = item.data.get("frame_count")
        frame_count = frame_count if isinstance(frame_count, int) and frame_count > 0 else None
        yield from archive.add(f"{folder}/gt/gt.txt", _lines(item.regions, index, frame_count))
        yield from archive.add(f"{folder}/gt/labels.txt", "".join(
            f"{c}\n" for c in classes).encode())
        if frame_count and item.width is not None and item.height is not None:
            rate = item.data.get("frame_rate")
            rate = rate if isinstance(rate, int) and rate > 0 else 25
            yield from archive.add(f"{folder}/seqinfo.ini", (
                f"[Sequence]\nname={PurePosixPath(folder).name}\nimDir=img1\n"
                f"frameRate={rate}\nseqLength={frame_count}\nimWidth={item.width}\n"
                f"imHeight={item.height}\nimExt=.jpg\n").encode())
    yield from archive.close()


def _classes(export: Export) -> list[str]:
    if export.schema is None:
        return list(MOT_CLASSES)
    names: list[str] = []
    for label in export.schema.labels:
        if label.type.value == "video_track":
            names += [c.name for c in label.classes if c.name not in names]
    return names


def _video_key(export: Export) -> str:
    if export.schema is not None:
        for data in export.schema.data:
            if data.type.value == "video":
                return data.source or data.name
    return "video"


def _lines(regions: list[dict[str, Any]], index: dict[str, int], frame_count: int | None
           ) -> Iterator[bytes]:
    tracks = [r for r in regions if r.get("type") == "video_track"]
    used, spare = set(), max((r["value"]["track_id"] for r in tracks), default=0) + 1
    for region in tracks:
        value = region["value"]
        track_id = value["track_id"]
        if track_id in used or track_id < 1:  # ids are unique, positive (-1: "no track")
            track_id, spare = spare, spare + 1
        used.add(track_id)
        conf = 0 if (region.get("attributes") or {}).get("ignored") is True else 1
        keys = [Frame(k["frame"], (k["x"], k["y"], k["width"], k["height"]),
                      bool(k.get("outside")), True) for k in value["keyframes"]]
        lines = [f"{f.frame + 1},{track_id},{num(f.box[0])},{num(f.box[1])},"
                 f"{num(f.box[2])},{num(f.box[3])},{conf},{index.get(value['class'], -1)},1\n"
                 for f in per_frame(keys, frame_count) if not f.outside]
        yield "".join(lines).encode()


FORMAT = Format(
    name="mot", title="MOTChallenge",
    description="MOT ground truth (gt/gt.txt with labels.txt and seqinfo.ini): one task "
                "per sequence, each object id a video track of keyframes.",
    extension=".zip", media_type="application/zip", read=read, write=write,
    layout="folder", modality="video", carries=("tasks", "annotations", "predictions", "gold"),
    settings=SETTINGS)
