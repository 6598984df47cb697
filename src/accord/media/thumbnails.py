"""Small previews of task images for lists (the task browser), made once per file version
and kept on disk, so a page of thumbnails costs kilobytes instead of the full images."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from accord.core.errors import InputError

MIN_SIZE, MAX_SIZE = 16, 1024
#: refuse to decode more than this many pixels for a preview (Pillow's bomb guard is 2x)
MAX_SOURCE_PIXELS = 100_000_000


def thumbnail(source: Path, size: int, cache_dir: Path) -> tuple[Path, str]:
    """The file of `source` scaled to fit `size`×`size` (never enlarged), and its media type:
    PNG when the image has transparency, JPEG otherwise. Cached by path, size and the file's
    modification time and length, so an edited file gets a new preview."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InputError(f"size must be between {MIN_SIZE} and {MAX_SIZE} pixels; got {size}",
                         field="size")
    stat = source.stat()
    key = hashlib.sha256(f"{source}\0{stat.st_mtime_ns}\0{stat.st_size}\0{size}".encode())
    stem = cache_dir / key.hexdigest()[:2] / key.hexdigest()
    for suffix, media_type in ((".jpg", "image/jpeg"), (".png", "image/png")):
        if stem.with_suffix(suffix).is_file():
            return stem.with_suffix(suffix), media_type
    return _make(source, size, stem)


def _make(source: Path, size: int, stem: Path) -> tuple[Path, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                if image.width * image.height > MAX_SOURCE_PIXELS:
                    raise InputError(f"{source.name}: {image.width}×{image.height} is too large "
                                     "for a preview", field="size")
                image.draft("RGB", (size, size))  # JPEG: decode at a fraction of the size
                image.thumbnail((size, size))
                transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                preview = image.convert("RGBA" if transparent else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError) as exc:
        raise InputError(f"{source.name} is not an image a preview can be made of ({exc})",
                         field="size") from exc
    suffix, media_type, options = ((".png", "image/png", {"optimize": True}) if transparent
                                   else (".jpg", "image/jpeg", {"quality": 82}))
    target = stem.with_suffix(suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    preview.save(partial, format=media_type.split("/")[1].upper(), **options)
    os.replace(partial, target)  # readers never see half a file
    return target, media_type
