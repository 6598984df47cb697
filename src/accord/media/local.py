"""The local media folder: task data may name files in it by a relative key.

A key is resolved strictly inside the root: absolute paths, `..`, NUL bytes and symlinks that
lead outside are refused. What we send is typed by sniffing the file's first bytes, never by
its name, and only images, audio and video are served inline.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from accord.core.errors import NotFound

#: (magic bytes at offset 0, optional bytes at offset 8, media type)
SIGNATURES: tuple[tuple[bytes, bytes | None, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", None, "image/png"),
    (b"\xff\xd8\xff", None, "image/jpeg"),
    (b"GIF87a", None, "image/gif"),
    (b"GIF89a", None, "image/gif"),
    (b"RIFF", b"WEBP", "image/webp"),
    (b"RIFF", b"WAVE", "audio/wav"),
    (b"ID3", None, "audio/mpeg"),
    (b"\xff\xfb", None, "audio/mpeg"),
    (b"fLaC", None, "audio/flac"),
    (b"OggS", None, "audio/ogg"),
    (b"\x1aE\xdf\xa3", None, "video/webm"),
    (b"BM", None, "image/bmp"),
)
FALLBACK = "application/octet-stream"


def sniff(head: bytes) -> str:
    """The media type of a file from its first bytes; unknown content is an opaque download.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...")
    'image/png'
    >>> sniff(b"<svg onload=alert(1)>")
    'application/octet-stream'
    """
    for magic, at_8, media_type in SIGNATURES:
        if head.startswith(magic) and (at_8 is None or head[8:12] == at_8):
            return media_type
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return FALLBACK


def resolve(root: Path, key: str) -> Path:
    """The file a media key names inside `root`, or NotFound (never a path outside it)."""
    missing = NotFound(f"media {key!r} not found", key=key)
    if not key or "\x00" in key or "\\" in key:
        raise missing
    relative = PurePosixPath(key)
    if relative.is_absolute() or ".." in relative.parts:
        raise missing
    base = root.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise missing
    return path


def is_inline(media_type: str) -> bool:
    return media_type.split("/")[0] in {"image", "audio", "video"}
