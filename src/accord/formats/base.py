"""The contracts every format module fulfils: what a reader gets and yields, what a writer
gets and yields. docs/formats.md explains them with examples.

A **reader** is `read(source, context) -> Iterator[(where, record)]`: `source` is the uploaded
file, folder or archive (`accord.formats.source`), `where` names the file and position
("instances.json, annotation id 17") for error messages, and `record` is a task record
(`accord.core.task_records`). Regions a label format carries go in
`{"annotations": [{"regions": [...]}]}`; `apply_import_options` then makes them what the
user asked for (annotations by an author, predictions of a model, gold, or nothing).

A **writer** is `write(export) -> Iterator[bytes]`: the chunks of one file (a zip archive for
folder formats), written from `export.records()` (whole task records, as JSONL holds them)
or `export.items()` (each task's data and one chosen set of regions), both streamed from
the database and callable again for a second pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import orjson

from accord.core.errors import InputError

if TYPE_CHECKING:
    from accord.core.schema import Schema
    from accord.formats.binding import Binding
    from accord.formats.source import Source

ImportTarget = Literal["annotations", "predictions", "gold", "tasks"]
#: a record key only readers set: the id of the stored task the record's labels go onto
ONTO_TASK = "onto_task"
IMPORT_TARGETS: tuple[ImportTarget, ...] = ("annotations", "predictions", "gold", "tasks")
ExportRegions = Literal["final", "gold", "predictions"]
EXPORT_REGIONS: tuple[ExportRegions, ...] = ("final", "gold", "predictions")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user asked of an import, beyond the file and its format.

    `target`: what a label format's regions become. `author` (an email) owns imported
    annotations (default: the importing user); `model_version` names imported predictions.
    `media_prefix` is put before every media file name the file holds ("s3://bucket/img/",
    "https://cdn/x/", or a folder of the media root), so media stay where they are.
    `labels` picks the schema label for a region type when the schema has several
    (`{"bbox": "vehicles"}`). `settings` are the format's own (e.g. a tagging scheme).
    `copy_media` copies the media files the upload holds into the media root, under the
    prefix (services/media_copy.py); without it nothing is copied.
    """

    target: ImportTarget = "annotations"
    author: str | None = None
    model_version: str = ""
    media_prefix: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    copy_media: bool = False


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """`regions`: which regions label formats write for each task — `final` (the accepted
    result, else the latest submitted answer), `gold`, or `predictions` (the latest, with
    scores). `include_media`: put the tasks' local media files into the archive."""

    regions: ExportRegions = "final"
    include_media: bool = False
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadContext:
    schema: Schema | None
    binding: Binding
    options: ImportOptions = field(default_factory=ImportOptions)
    #: told each media name when the import copies media (copy_media)
    on_media: Callable[[str], None] | None = None
    #: the (id, text) of the project's task whose text, without its whitespace, is the
    #: string given, or None; set when an import puts labels onto stored tasks, so the
    #: tagged-text readers find their tokens in that text (`StoredTexts` in services)
    stored_text: Callable[[str], tuple[int, str] | None] | None = None

    def media(self, name: str) -> str:
        """The task data value for a media file the dataset names (prefix applied)."""
        if self.on_media is not None:
            self.on_media(name)
        return f"{self.options.media_prefix}{name}"

    def setting(self, key: str, default: str, allowed: Iterable[str] | None = None) -> str:
        value = self.options.settings.get(key, default)
        if allowed is not None and value not in set(allowed):
            raise InputError(f"setting {key!r}: expected one of {', '.join(allowed)}, got "
                             f"{value!r}", field=f"settings.{key}")
        return value


class ExportItem(NamedTuple):
    """One task as label formats write it: its data, its media and one set of regions.
    A named tuple: a million of them are made per export, and a tuple is made fastest."""

    task_id: int
    data: Mapping[str, Any]
    media: str | None  # the value of the schema's first media field (a key or a URL)
    width: int | None  # from the task's data, or read from the local file's header
    height: int | None
    regions: list[dict[str, Any]]
    batch: str = ""


@dataclass(slots=True)
class Export:
    """What a writer writes from. `records` and `items` each start a fresh pass."""

    schema: Schema | None
    project_name: str
    records: Callable[[], Iterator[dict[str, Any]]]
    items: Callable[[], Iterator[ExportItem]]
    #: the local file of a media key, or None (a URL, a bucket pointer, or missing)
    media_file: Callable[[str], Path | None]
    options: ExportOptions = field(default_factory=ExportOptions)


Reader = Callable[["Source", ReadContext], Iterator[tuple[str, dict[str, Any]]]]
Writer = Callable[[Export], Iterator[bytes]]


@dataclass(frozen=True, slots=True)
class Format:
    """One format as the registry, the CLI, the API and the UI list it.

    `layout` is `file` (one file, e.g. COCO's JSON) or `folder` (a directory or a zip/tar
    archive, e.g. VOC); folder formats export a zip. `carries` names what the format can
    hold, for the UI: some of `tasks`, `annotations`, `predictions`, `gold`. `exports` is
    what its writer writes: `records` (whole tasks, every annotation) or `items` (one set
    of regions per task, chosen by the export's `regions` option).
    """

    name: str
    title: str
    description: str
    extension: str
    media_type: str
    read: Reader | None = None
    write: Writer | None = None
    layout: Literal["file", "folder"] = "file"
    modality: Literal["image", "text", "audio", "video", "any"] = "any"
    carries: tuple[str, ...] = ("tasks", "annotations")
    #: name -> what it means; a meaning that starts with `import:` or `export:` is a
    #: setting of that side only, any other of both
    settings: Mapping[str, str] = field(default_factory=dict)
    exports: Literal["records", "items"] = "items"
    #: a file format whose export with `include_media` is a zip of the file and the media
    zips_media: bool = False

    def export_name(self, options: ExportOptions) -> tuple[str, str]:
        """(extension, media type) of an export with these options."""
        if self.zips_media and options.include_media:
            return ".zip", "application/zip"
        return self.extension, self.media_type

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "extension": self.extension, "layout": self.layout,
                "modality": self.modality, "carries": list(self.carries),
                "import": self.read is not None, "export": self.write is not None,
                "exports": self.exports, "settings": dict(self.settings),
                "import_settings": self._side("import"),
                "export_settings": self._side("export")}

    def _side(self, side: str) -> dict[str, str]:
        other = "export" if side == "import" else "import"
        return {name: meaning.removeprefix(f"{side}:").strip()
                for name, meaning in self.settings.items()
                if not meaning.startswith(f"{other}:")}


def fail(where: str, message: str, **details: Any) -> InputError:
    """The error a reader raises: `where` leads the message and is kept in the details."""
    return InputError(f"{where}: {message}", where=where, **details)


def apply_import_options(record: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    """Make a label format's regions (its `annotations`) what the user asked for.

    Whole-record formats (Accord JSONL, Label Studio JSON) carry their own annotations,
    predictions and gold: `tasks` drops them all, the other targets keep them and only set
    the author or model version where the file names none.

    >>> r = {"data": {"image": "a.png"}, "annotations": [{"regions": [{"id": "1"}]}]}
    >>> apply_import_options(r, ImportOptions(target="gold"))
    {'data': {'image': 'a.png'}, 'gold': [{'id': '1'}]}
    >>> apply_import_options(r, ImportOptions(target="predictions", model_version="m1"))
    {'data': {'image': 'a.png'}, 'predictions': [{'regions': [{'id': '1'}], 'model_version': 'm1'}]}
    """
    out = {k: v for k, v in record.items() if k not in ("annotations", "predictions", "gold")}
    answers = record.get("annotations") or []
    if options.target == "tasks":
        return out
    if options.target == "annotations":
        if answers:
            out["annotations"] = [a if "author" in a or options.author is None
                                  else {**a, "author": options.author} for a in answers]
    elif options.target == "predictions":
        out["predictions"] = [_prediction(a["regions"], options.model_version)
                              for a in answers]
    elif options.target == "gold" and answers:
        out["gold"] = answers[-1]["regions"]
    if options.target != "predictions" and record.get("predictions"):
        out["predictions"] = [p if p.get("model_version") or not options.model_version
                              else {**p, "model_version": options.model_version}
                              for p in record["predictions"]]
    elif options.target == "predictions" and record.get("predictions"):
        out["predictions"] = out["predictions"] + list(record["predictions"])
    if record.get("gold") is not None and "gold" not in out:
        out["gold"] = record["gold"]
    if not out.get("predictions"):
        out.pop("predictions", None)
    return out


def _prediction(regions: list[dict[str, Any]], model_version: str) -> dict[str, Any]:
    """A prediction's score is the mean of its regions' scores, when they have them."""
    scores = [r["score"] for r in regions if isinstance(r.get("score"), int | float)]
    prediction: dict[str, Any] = {"regions": regions, "model_version": model_version}
    if scores and len(scores) == len(regions):
        prediction["score"] = sum(scores) / len(scores)
    return prediction


def _text(raw: Mapping[str, Any], key: str, default: Any, limit: int = 2048) -> Any:
    value = raw.get(key, default)
    if value is not default and (not isinstance(value, str) or len(value) > limit):
        raise InputError(f"options.{key}: expected a string of at most {limit} characters, "
                         f"got {value!r}", field=f"options.{key}")
    return value


def _names(raw: Mapping[str, Any], key: str) -> dict[str, str]:
    value = raw.get(key) or {}
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InputError(f"options.{key}: expected an object of strings, got {value!r}",
                         field=f"options.{key}")
    return dict(value)


def _one_of(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> Any:
    value = raw.get(key, allowed[0])
    if value not in allowed:
        raise InputError(f"options.{key}: expected one of {', '.join(allowed)}, got {value!r}",
                         field=f"options.{key}")
    return value


def _known(raw: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise InputError(f"options.{extra[0]}: unknown option; allowed: "
                         f"{', '.join(sorted(allowed))}", field=f"options.{extra[0]}")


def import_options(raw: Mapping[str, Any] | None) -> ImportOptions:
    """Import options from JSON (the API's and a job's), every mistake named.

    >>> import_options({"target": "predictions", "model_version": "m2"}).model_version
    'm2'
    """
    raw = raw or {}
    _known(raw, {"target", "author", "model_version", "media_prefix", "labels", "settings",
                 "copy_media"})
    copy = raw.get("copy_media", False)
    if not isinstance(copy, bool):
        raise InputError(f"options.copy_media: expected true or false, got {copy!r}",
                         field="options.copy_media")
    return ImportOptions(target=_one_of(raw, "target", IMPORT_TARGETS), copy_media=copy,
                         author=_text(raw, "author", None, 320),
                         model_version=_text(raw, "model_version", "", 200),
                         media_prefix=_text(raw, "media_prefix", ""),
                         labels=_names(raw, "labels"), settings=_names(raw, "settings"))


def export_options(raw: Mapping[str, Any] | None) -> ExportOptions:
    raw = raw or {}
    _known(raw, {"regions", "include_media", "settings"})
    include = raw.get("include_media", False)
    if not isinstance(include, bool):
        raise InputError(f"options.include_media: expected true or false, got {include!r}",
                         field="options.include_media")
    return ExportOptions(regions=_one_of(raw, "regions", EXPORT_REGIONS),
                         include_media=include, settings=_names(raw, "settings"))


def options_json(options: ImportOptions | ExportOptions) -> dict[str, Any]:
    """The options as a job stores them: only what differs from the defaults."""
    default = type(options)()
    return {name: dict(value) if isinstance(value, Mapping) else value
            for name in options.__slots__  # type: ignore[attr-defined]
            if (value := getattr(options, name)) != getattr(default, name)}


def options_from_query(text: str) -> dict[str, Any]:
    """Options sent as one JSON-encoded query parameter (uploads carry only the file)."""
    try:
        value = orjson.loads(text or "{}")
    except orjson.JSONDecodeError as exc:
        raise InputError(f"options: not valid JSON ({exc.msg})", field="options") from exc
    if not isinstance(value, dict):
        raise InputError(f"options: expected a JSON object, got {text!r}", field="options")
    return value


#: how far past the image edge a box may reach before it is "outside" (rounding in tools)
EDGE_TOLERANCE_PX = 1.0


def check_box_inside(where: str, x: float, y: float, w: float, h: float,
                     width: int | float | None, height: int | float | None) -> None:
    """Refuse a box that lies outside its image (beyond EDGE_TOLERANCE_PX) or has a negative
    size; a reader calls it wherever the dataset gives the image size.

    >>> check_box_inside("a.xml, object 2", 10, 10, 700, 5, 640, 480)
    Traceback (most recent call last):
    ...
    accord.core.errors.InputError: a.xml, object 2: the box (10, 10, 700 × 5) reaches outside the 640 × 480 image
    """
    if w < 0 or h < 0:
        raise fail(where, f"the box ({x:g}, {y:g}, {w:g} × {h:g}) has a negative size")
    if width is None or height is None:
        return
    tolerance = EDGE_TOLERANCE_PX
    if (x < -tolerance or y < -tolerance or x + w > width + tolerance
            or y + h > height + tolerance):
        raise fail(where, f"the box ({x:g}, {y:g}, {w:g} × {h:g}) reaches outside the "
                          f"{width:g} × {height:g} image")


class EntryNames:
    """Safe, unique relative names for tasks' files inside an export archive (S24: names
    taken from task data never leave the archive's folder).

    A media name keeps its path below any URL host or bucket, each part reduced to
    `[\\w.-]`, `..` and empty parts dropped; a name already given gets the task id in front.

    >>> names = EntryNames()
    >>> names.name("s3://bucket/imgs/../a b.jpg", 7, ".txt")
    'imgs/a_b.txt'
    >>> names.name("imgs/a b.jpg", 8, ".txt"), names.name(None, 9, ".txt")
    ('imgs/8_a_b.txt', '9.txt')
    """

    def __init__(self) -> None:
        self._given: set[str] = set()

    def name(self, media: str | None, task_id: int, suffix: str | None = None) -> str:
        path = (media or "").split("?", 1)[0].split("#", 1)[0]
        if "://" in path:
            path = path.split("://", 1)[1].partition("/")[2]  # drop the host or bucket
        parts = [re.sub(r"[^\w.-]", "_", p) for p in path.split("/")]
        parts = [p for p in parts if p.strip(".")][-8:]
        if not parts:
            parts = [str(task_id)]
        if suffix is not None:
            parts[-1] = f"{PurePosixPath(parts[-1]).stem or task_id}{suffix}"
        name = "/".join(parts)
        if name in self._given:
            parts[-1] = f"{task_id}_{parts[-1]}"
            name = "/".join(parts)
        self._given.add(name)
        return name
