"""Serving task media: only files that a task the caller can see references."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from accord.core.errors import InputError, NotFound
from accord.media import local, peaks, thumbnails
from accord.services import tasks


@dataclass(frozen=True, slots=True)
class MediaFile:
    path: Path
    media_type: str
    inline: bool


def task_media(session: Session, media_root: Path, project_id: int, task_id: int,
               field: str) -> MediaFile:
    task = tasks.get_task(session, project_id, task_id)
    key = task.data.get(field)
    if not isinstance(key, str):
        raise NotFound(f"task {task_id} has no media in field {field!r}", field=field)
    path = local.resolve(media_root, key)
    with path.open("rb") as handle:
        media_type = local.sniff(handle.read(local.SNIFF_BYTES))
    return MediaFile(path, media_type, local.is_inline(media_type))


def task_thumbnail(session: Session, data_dir: Path, project_id: int, task_id: int,
                   field: str, size: int) -> MediaFile:
    """A preview of the task's image in `field`, at most `size` px on its longer side."""
    found = task_media(session, data_dir / "media", project_id, task_id, field)
    if not found.media_type.startswith("image/"):
        raise InputError(f"task {task_id}'s {field!r} is {found.media_type}, not an image; "
                         "only images have previews", field="size")
    path, media_type = thumbnails.thumbnail(found.path, size, data_dir / "cache" / "thumbnails")
    return MediaFile(path, media_type, True)


def task_peaks(session: Session, data_dir: Path, project_id: int, task_id: int,
               field: str, fine: bool = False) -> Path:
    """The waveform summary (or the fine peaks) of the task's recording in `field`
    (accord.media.peaks)."""
    found = task_media(session, data_dir / "media", project_id, task_id, field)
    return peaks.peaks_file(found.path, found.media_type, data_dir / "cache" / "peaks", field,
                            fine)
