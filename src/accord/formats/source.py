"""What an import reads from: one file, a folder, or a zip or tar archive of a folder.

Readers see every kind through one interface (`paths()`, `open(path)`), so a COCO JSON
uploaded alone and the same JSON inside a zip with its images read alike. Archives are
contained (RELIABILITY-SECURITY S24): an entry with an absolute path, `..`, a backslash, a
NUL, a link or a device is refused by name, and so is an archive that would unpack to more
than `MAX_RATIO` times its size (a zip bomb). Zip archives are read in place; tar archives
are unpacked, regular files only, into a temporary folder that is always removed.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from accord.core.errors import InputError

#: most an archive may expand to, as a multiple of its own size (plus MIN_BUDGET)
MAX_RATIO = 200
MIN_BUDGET = 64 * 1024 * 1024

Wrap = Callable[[IO[bytes]], IO[bytes]]


class Source(ABC):
    """A read-only tree of files named by relative POSIX paths."""

    name: str

    @abstractmethod
    def paths(self) -> list[str]: ...

    @abstractmethod
    def open(self, path: str) -> IO[bytes]: ...

    def only(self, *suffixes: str) -> list[str]:
        """The paths ending in one of `suffixes` (case-insensitive), in path order."""
        return [p for p in self.paths() if p.lower().endswith(tuple(s.lower() for s in suffixes))]

    def where(self, path: str) -> str:
        """How errors name a file: the upload's name, and the path inside it if any."""
        return path if path == self.name else f"{self.name}/{path}"


class FileSource(Source):
    """A single file; its one path is its name."""

    def __init__(self, path: Path, name: str, wrap: Wrap | None = None) -> None:
        self.path, self.name, self._wrap = path, name, wrap

    def paths(self) -> list[str]:
        return [self.name]

    def open(self, path: str) -> IO[bytes]:
        if path != self.name:
            raise _missing(self, path)
        handle = self.path.open("rb")
        return self._wrap(handle) if self._wrap else handle


class FolderSource(Source):
    """A directory; links that lead outside it are not followed."""

    def __init__(self, root: Path, name: str) -> None:
        self.root, self.name = root.resolve(), name
        self._paths: list[str] | None = None

    def paths(self) -> list[str]:
        if self._paths is None:
            found = []
            for folder, dirs, files in os.walk(self.root):
                dirs.sort()
                for file in files:
                    full = Path(folder, file)
                    if full.resolve().is_relative_to(self.root) and full.is_file():
                        found.append(full.relative_to(self.root).as_posix())
            self._paths = sorted(found)
        return self._paths

    def open(self, path: str) -> IO[bytes]:
        relative = PurePosixPath(path)
        full = (self.root / relative).resolve()
        if (relative.is_absolute() or ".." in relative.parts
                or not full.is_relative_to(self.root) or not full.is_file()):
            raise _missing(self, path)
        return full.open("rb")


class ZipSource(Source):
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive, self.name = archive, name
        self._members = {info.filename: info for info in archive.infolist()
                         if not info.is_dir()}

    def paths(self) -> list[str]:
        return sorted(self._members)

    def open(self, path: str) -> IO[bytes]:
        if path not in self._members:
            raise _missing(self, path)
        return self.archive.open(self._members[path])


def _missing(source: Source, path: str) -> InputError:
    return InputError(f"{source.name}: no file {path!r} in it", where=source.name, path=path)


def check_entry(archive: str, name: str) -> None:
    """Refuse an archive entry whose name could write or read outside its folder."""
    relative = PurePosixPath(name)
    if (not name or "\x00" in name or "\\" in name or relative.is_absolute()
            or ".." in relative.parts or (len(name) > 1 and name[1] == ":")):
        raise InputError(f"{archive}: entry {name!r} has an unsafe path (absolute, `..`, a "
                         "backslash or a drive); nothing was imported", where=archive,
                         entry=name)


def _budget(size: int) -> int:
    return MAX_RATIO * size + MIN_BUDGET


def _open_zip(path: Path, name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{name}: not a readable zip archive ({exc})", where=name) from exc
    total = 0
    for info in archive.infolist():
        check_entry(name, info.filename)
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the writer set no file type
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            archive.close()
            raise InputError(f"{name}: entry {info.filename!r} is a link or a device, not a "
                             "file; nothing was imported", where=name, entry=info.filename)
        total += info.file_size
        if total > _budget(path.stat().st_size):
            archive.close()
            raise InputError(f"{name}: the archive unpacks to more than {MAX_RATIO} times its "
                             f"size (at entry {info.filename!r}); refused as a zip bomb",
                             where=name, entry=info.filename)
    return archive


def _unpack_tar(path: Path, name: str, into: Path) -> None:
    try:
        archive = tarfile.open(path)
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"{name}: not a readable tar archive ({exc})", where=name) from exc
    budget, total = _budget(path.stat().st_size), 0
    with archive:
        try:
            for member in archive:
                check_entry(name, member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise InputError(f"{name}: entry {member.name!r} is a link or a device, "
                                     "not a file; nothing was imported", where=name,
                                     entry=member.name)
                total += member.size
                if total > budget:
                    raise InputError(f"{name}: the archive unpacks to more than {MAX_RATIO} "
                                     f"times its size (at entry {member.name!r}); refused",
                                     where=name, entry=member.name)
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                assert extracted is not None
                with extracted, target.open("wb") as out:
                    shutil.copyfileobj(extracted, out, 1024 * 1024)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InputError(f"{name}: the tar archive is damaged or cut short ({exc})",
                             where=name) from exc


@contextmanager
def open_source(path: Path, name: str | None = None, wrap: Wrap | None = None
                ) -> Iterator[Source]:
    """The source at `path` (a file, a folder, a zip or a tar archive), named `name` in
    error messages. `wrap` wraps a single file's stream (to count bytes for progress)."""
    name = name or path.name
    if path.is_dir():
        yield FolderSource(path, name)
        return
    with path.open("rb") as handle:
        head = handle.read(262)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        archive = _open_zip(path, name)
        with archive:
            yield ZipSource(archive, name)
        return
    if _is_tar(path, head):
        with tempfile.TemporaryDirectory(prefix="accord-import-") as folder:
            _unpack_tar(path, name, Path(folder))
            yield FolderSource(Path(folder), name)
        return
    yield FileSource(path, name, wrap)


def _is_tar(path: Path, head: bytes) -> bool:
    if head[:2] in (b"\x1f\x8b", b"BZ") or head[:6] == b"\xfd7zXZ\x00" or head[257:262] == b"ustar":
        try:
            return tarfile.is_tarfile(path)
        except (OSError, EOFError, tarfile.TarError):  # a compressed file cut short
            return False
    return False
