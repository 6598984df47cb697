"""Writing a zip archive as a stream of byte chunks, for the folder formats' exports.

`zipfile` writes to an unseekable file by putting each entry's sizes after its data, so an
archive can go out chunk by chunk with nothing but the current entry's buffer in memory:

    archive = ZipStream()
    yield from archive.add("labels/a.txt", b"0 0.5 0.5 0.1 0.1\n")
    yield from archive.add_file("images/a.jpg", path)     # a file on disk, in 1 MB chunks
    yield from archive.close()

Entries are stored with a fixed time so equal content gives equal bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1024 * 1024
#: already compressed media gain nothing from deflate
STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".webm", ".mp3",
                   ".ogg", ".flac", ".tfrecord")


class _Sink:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        if parts:
            yield b"".join(parts)


class ZipStream:
    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", zipfile.ZIP_DEFLATED,  # type: ignore[arg-type]
                                    allowZip64=True)
        self.names: set[str] = set()

    def _info(self, name: str) -> zipfile.ZipInfo:
        if name in self.names:
            raise ValueError(f"entry {name!r} written twice")
        self.names.add(name)
        info = zipfile.ZipInfo(name, FIXED_TIME)
        info.compress_type = (zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES)
                              else zipfile.ZIP_DEFLATED)
        info.external_attr = 0o644 << 16
        return info

    def add(self, name: str, content: bytes | Iterable[bytes]) -> Iterator[bytes]:
        """One entry from bytes or from an iterable of chunks (written as they come)."""
        with self._zip.open(self._info(name), "w", force_zip64=True) as entry:
            for chunk in [content] if isinstance(content, bytes) else content:
                entry.write(chunk)
                yield from self._sink.drain()
        yield from self._sink.drain()

    def add_file(self, name: str, path: Path) -> Iterator[bytes]:
        def chunks() -> Iterator[bytes]:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        yield from self.add(name, chunks())

    def close(self) -> Iterator[bytes]:
        self._zip.close()
        yield from self._sink.drain()
