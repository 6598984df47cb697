"""Copying an upload's media files into the media root, when the import asks for it.

Media are referenced where a dataset names them; `copy_media` is for the dataset that
brings its images along (a zip of COCO JSON and pictures). Each media name a reader gives
is looked up in the upload — the exact path, else the one path ending in `/<name>` — and
copied to `<media root>/<media prefix><name>` just before the import commits:

- a name the upload does not hold, or holds twice, is an error naming it;
- a target that already exists with other bytes is an error (stored media are never
  overwritten), one with the same bytes is left alone;
- files are written to a temporary name and renamed, and if the import then fails
  every file this import wrote is removed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import IO

from accord.core.errors import InputError
from accord.formats.source import Source

CHUNK = 1024 * 1024


class MediaCopy:
    def __init__(self, media_root: Path, source: Source, prefix: str) -> None:
        if "://" in prefix or prefix.startswith("/") or ".." in PurePosixPath(prefix).parts:
            raise InputError("copy_media puts files into the media root: the media prefix "
                             f"must be a folder in it (like `imports/cars/`), not {prefix!r}",
                             field="options.media_prefix")
        self.root, self.source, self.prefix = media_root, source, prefix
        self.wanted: dict[str, str] = {}  # media key -> path in the upload
        self.written: list[Path] = []
        self._by_name: dict[str, list[str]] | None = None

    def want(self, name: str, where: str) -> None:
        """Note that the task data's `prefix + name` is the upload's file `name`."""
        key = f"{self.prefix}{name}"
        if key in self.wanted:
            return
        self.wanted[key] = self._find(name, where)

    def _find(self, name: str, where: str) -> str:
        paths = self.source.paths()
        if name in paths:
            return name
        if self._by_name is None:
            self._by_name = {}
            for path in paths:
                parts = path.split("/")
                for i in range(len(parts)):
                    self._by_name.setdefault("/".join(parts[i:]), []).append(path)
        found = self._by_name.get(name.lstrip("./"), [])
        if len(found) != 1:
            raise InputError(f"{where}: copy_media: the upload holds "
                             f"{'no file' if not found else f'{len(found)} files'} named "
                             f"{name!r}" + (f" ({', '.join(found[:3])})" if found else ""),
                             where=where, media=name)
        return found[0]

    def commit(self) -> None:
        """Check every target, then copy; called inside the import's transaction."""
        plan = []
        for key, path in sorted(self.wanted.items()):
            target = self._target(key)
            if target.exists() and _digest(target.open("rb")) != _digest(self.source.open(path)):
                raise InputError(f"copy_media: the media root already has a different "
                                 f"{key!r}; import with another media prefix",
                                 field="options.media_prefix", media=key)
            if not target.exists():
                plan.append((path, target))
        try:
            for path, target in plan:
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.partial")
                with self.source.open(path) as src, partial.open("wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
                os.replace(partial, target)
                self.written.append(target)
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written = []

    def _target(self, key: str) -> Path:
        relative = PurePosixPath(key)
        if relative.is_absolute() or ".." in relative.parts or "\\" in key or "\x00" in key:
            raise InputError(f"copy_media: {key!r} would leave the media root",
                             field="options.media_prefix", media=key)
        return self.root / relative


def _digest(handle: IO[bytes]) -> str:
    """The SHA-256 of what `handle` holds; it is closed after."""
    digest = hashlib.sha256()
    with handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
