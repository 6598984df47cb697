"""The local media folder: task data may name files in it by a relative key.

A key is resolved strictly inside the root: absolute paths, `..`, NUL bytes and symlinks that
lead outside are refused. What we send is typed by sniffing the file's first bytes, never by
its name, and only images, audio and video are served inline.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Final

from accord.core.errors import NotFound

#: How many leading bytes `sniff` looks at: a WebM's DocType and an Ogg stream's codec lie
#: past the first 16.
SNIFF_BYTES: Final = 64
#: (magic bytes at offset 0, optional bytes at offset 8, media type)
SIGNATURES: tuple[tuple[bytes, bytes | None, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", None, "image/png"),
    (b"\xff\xd8\xff", None, "image/jpeg"),
    (b"GIF87a", None, "image/gif"),
    (b"GIF89a", None, "image/gif"),
    (b"RIFF", b"WEBP", "image/webp"),
    (b"RIFF", b"WAVE", "audio/wav"),
    (b"ID3", None, "audio/mpeg"),
    (b"fLaC", None, "audio/flac"),
    (b"BM", None, "image/bmp"),
)
#: ISO base media (MP4) major brands that are not video: audio-only MP4 and AVIF images.
MP4_BRANDS: Final = {b"M4A ": "audio/mp4", b"M4B ": "audio/mp4", b"avif": "image/avif",
                     b"avis": "image/avif", b"qt  ": "video/quicktime"}
FALLBACK = "application/octet-stream"


def sniff(head: bytes) -> str:
    """The media type of a file from its first bytes (`SNIFF_BYTES` of them suffice);
    unknown content is an opaque download.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...")
    'image/png'
    >>> sniff(b"<svg onload=alert(1)>")
    'application/octet-stream'
    >>> sniff(b"\\x00\\x00\\x00\\x20ftypisom\\x00\\x00\\x02\\x00")
    'video/mp4'
    """
    for magic, at_8, media_type in SIGNATURES:
        if head.startswith(magic) and (at_8 is None or head[8:12] == at_8):
            return media_type
    if head[4:8] == b"ftyp":
        return MP4_BRANDS.get(head[8:12], "video/mp4")
    if head.startswith(b"\x1aE\xdf\xa3"):
        return _matroska(head)
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in head else "audio/ogg"
    return _mpeg_audio(head)


def _matroska(head: bytes) -> str:
    """EBML: WebM when its DocType says so, else Matroska; both may hold audio alone, and
    an <audio> element plays a WebM served as video/webm."""
    if b"\x42\x82\x84webm" in head:
        return "video/webm"
    if b"\x42\x82\x88matroska" in head:
        return "video/x-matroska"
    return FALLBACK


def _mpeg_audio(head: bytes) -> str:
    """An MPEG audio frame header (MP3 without an ID3 tag) or an ADTS (raw AAC) one: 11 sync
    bits, then the version and the layer; layer 00 is reserved in MPEG audio and is AAC's."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return FALLBACK
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    if layer == 0:
        return "audio/aac" if head[1] & 0xF6 == 0xF0 else FALLBACK
    return "audio/mpeg" if version != 0b01 else FALLBACK  # 01: reserved version


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
    """Images, audio and video are shown in the page; anything else is a download, so that
    no file from the media folder renders as active content from our origin (S9)."""
    return media_type.split("/")[0] in {"image", "audio", "video"}
