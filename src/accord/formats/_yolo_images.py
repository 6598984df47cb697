"""Image files inside a dataset, and their sizes read from the header only.

YOLO stores coordinates as fractions of the image size and VOC may omit `<size>`, so both
readers need an image's width and height from the file itself. Pillow's `Image.open`
reads the header and stops; the pixels are never decoded.
"""

from __future__ import annotations

from PIL import Image, UnidentifiedImageError

from accord.formats.base import fail
from accord.formats.source import Source

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif")


def is_image(path: str) -> bool:
    return path.lower().endswith(IMAGE_SUFFIXES)


def image_size(source: Source, path: str) -> tuple[int, int]:
    """(width, height) of the image at `path`, or an InputError naming it."""
    try:
        with source.open(path) as stream, Image.open(stream) as image:
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise fail(source.where(path), f"not a readable image ({exc}); its size is "
                                       "needed to place the annotations") from exc
    return int(width), int(height)
