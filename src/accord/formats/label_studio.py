"""Label Studio JSON: the task list Label Studio exports and imports, whole tasks with their
annotations and predictions (docs/formats/label-studio.md).

    [{"id": 1, "data": {"image": "a.jpg"},
      "annotations": [{"id": 7, "completed_by": {"email": "ann@example.org"}, "lead_time": 3.2,
                       "result": [{"id": "r1", "from_name": "objects", "to_name": "image",
                                   "type": "rectanglelabels", "original_width": 640, ...}]}],
      "predictions": [{"model_version": "v2", "score": 0.8, "result": [...]}]}]

The array is streamed a window of tasks at a time (`_json_array`), so a large export is never
held whole.
Errors name the task by its index in the array (0 for the first) and, when it has one, its id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from accord.core.errors import InputError
from accord.core.schema import DataType
from accord.formats._json_array import parse_array
from accord.formats._label_studio_read import ResultReader, TaskMedia, number
from accord.formats._label_studio_write import write
from accord.formats.base import Format, ReadContext, fail
from accord.formats.source import Source

_MEDIA = (DataType.IMAGE, DataType.VIDEO, DataType.AUDIO)


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `.json` file of the source (the file itself when it is one), in path order."""
    paths = source.paths() if len(source.paths()) == 1 else source.only(".json")
    size = size_setting(context)
    for path in paths:
        name = source.where(path)
        with source.open(path) as stream:
            for index, raw in parse_array(stream, name, what="task"):
                where = f"{name}, task {index}"
                if isinstance(raw, dict) and isinstance(raw.get("id"), int | str):
                    where = f"{where} (id {raw['id']})"
                yield where, task_record(raw, where, context, size)


def size_setting(context: ReadContext) -> tuple[int, int] | None:
    """The `size` setting, "WIDTHxHEIGHT": the image or video frame size of tasks whose data
    and results give none (Label Studio's video results never do)."""
    value = context.setting("size", "")
    if not value:
        return None
    width, _, height = value.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise InputError(f"setting 'size': expected WIDTHxHEIGHT in pixels such as 1280x720, "
                         f"got {value!r}", field="settings.size")
    return int(width), int(height)


def task_record(raw: Any, where: str, context: ReadContext,
                size: tuple[int, int] | None = None) -> dict[str, Any]:
    """Our task record for one Label Studio task (or a plain data-only task)."""
    if not isinstance(raw, dict):
        raise fail(where, f"expected a task object, got {type(raw).__name__}")
    if "data" in raw:
        data = raw["data"]
        if not isinstance(data, dict):
            raise fail(where, f"data: expected an object of data fields, got {data!r}")
    elif {"annotations", "completions", "predictions"} & raw.keys():
        raise fail(where, "a task with annotations or predictions needs its \"data\"")
    else:  # Label Studio reads a task without "data" as the data itself
        data = raw
    data = _with_media(dict(data), context)
    record: dict[str, Any] = {"data": data}
    if context.options.target == "tasks":
        return record
    media = TaskMedia(data, context.schema, where, size)
    results = ResultReader(context.schema, context.binding, media)
    annotations = []
    gold = None
    for i, annotation in enumerate(_list(raw, "annotations", where)
                                   or _list(raw, "completions", where)):
        at = f"{where}, annotation {i}"
        if not isinstance(annotation, dict):
            raise fail(at, f"expected an annotation object, got {annotation!r}")
        if annotation.get("was_cancelled") is True or annotation.get("skipped") is True:
            continue
        regions = results.regions(annotation.get("result", []), at)
        if annotation.get("ground_truth") is True:
            gold = regions
            if annotation.get("completed_by") is None:
                continue  # written by our export for gold that no annotation matches
        annotations.append(_annotation(annotation, regions, at))
    # Label Studio's own JSON export lists predictions by id alone: nothing to read there
    predictions = [_prediction(p, results, f"{where}, prediction {i}")
                   for i, p in enumerate(_list(raw, "predictions", where))
                   if not (isinstance(p, int) and not isinstance(p, bool))]
    if media.learned and media.size is not None:
        data["width"], data["height"] = media.size
    for key, value in (("annotations", annotations), ("predictions", predictions),
                       ("gold", gold)):
        if value or (key == "gold" and value is not None):
            record[key] = value
    return record


def _list(raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, f"{key}: expected a list, got {type(value).__name__}")
    return value


def _with_media(data: dict[str, Any], context: ReadContext) -> dict[str, Any]:
    """Media names with the user's media prefix put before them."""
    if not context.options.media_prefix:
        return data
    keys = ({d.source or d.name for d in context.schema.data if d.type in _MEDIA}
            if context.schema is not None else {"image", "video", "audio"})
    return {k: context.media(v) if k in keys and isinstance(v, str) else v
            for k, v in data.items()}


def _annotation(raw: Mapping[str, Any], regions: list[dict[str, Any]], where: str
                ) -> dict[str, Any]:
    found: dict[str, Any] = {"regions": regions}
    author = raw.get("completed_by")
    email = author.get("email") if isinstance(author, dict) else author
    if isinstance(email, str) and "@" in email:
        found["author"] = email
    if raw.get("lead_time") is not None:
        found["lead_time_s"] = number(raw["lead_time"], where, "lead_time")
    created = raw.get("created_at")
    if isinstance(created, str):
        try:
            moment = datetime.fromisoformat(created)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            found["submitted_at"] = moment.isoformat()
    return found


def _prediction(raw: Any, results: ResultReader, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise fail(where, f"expected a prediction object, got {raw!r}")
    version = raw.get("model_version")
    found: dict[str, Any] = {"regions": results.regions(raw.get("result", []), where, True),
                             "model_version": "" if version is None else str(version)}
    if raw.get("score") is not None:
        found["score"] = number(raw["score"], where, "score")
    return found


FORMAT = Format(
    name="label_studio", title="Label Studio JSON",
    description="Label Studio's task list: data, annotations (with their authors and times) "
                "and predictions, for images, text, audio and video.",
    extension=".json", media_type="application/json", read=read, write=write,
    layout="file", modality="any", carries=("tasks", "annotations", "predictions", "gold"),
    exports="records",
    settings={"size": "import: WIDTHxHEIGHT (e.g. 1280x720), the image or video frame size "
                      "of tasks whose data and results give none, as Label Studio's video "
                      "results"})
