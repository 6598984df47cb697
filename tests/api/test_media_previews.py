"""Image previews (`…/media/{field}?size=N`): small, typed, cached per file version, and only
for images a visible task references."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from builders import media_tasks


def encoded(image: Image.Image, format: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


@pytest.fixture
def previews(settings, session, world):  # type: ignore[no-untyped-def]
    files = {
        "p/photo.jpg": encoded(Image.new("RGB", (1200, 600), (200, 30, 30)), "JPEG"),
        "p/logo.png": encoded(Image.new("RGBA", (300, 400), (0, 0, 0, 0)), "PNG"),
        "p/tiny.png": encoded(Image.new("RGB", (20, 10), (0, 90, 0)), "PNG"),
        "p/broken.png": b"\x89PNG\r\n\x1a\n" + bytes(32),
        "p/sound.wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24),
    }
    return media_tasks(session, world, settings.data_dir / "media", files)


def preview(as_, world, task_id: int, size: int | str = 128, who: str = "annotator"):  # type: ignore[no-untyped-def]
    return as_(who).get(f"/api/projects/{world.project_id}/tasks/{task_id}/media/image",
                        params={"size": size})


def test_a_photo_is_scaled_to_fit_and_may_be_kept_by_the_browser(as_, world, previews):
    response = preview(as_, world, previews["p/photo.jpg"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, max-age=300"
    assert Image.open(io.BytesIO(response.content)).size == (128, 64)
    full = as_("annotator").get(f"/api/projects/{world.project_id}/tasks/"
                                f"{previews['p/photo.jpg']}/media/image")
    assert full.headers["cache-control"] == "no-store" and len(response.content) < len(
        full.content)


def test_transparency_is_kept_as_png_and_small_images_are_not_enlarged(as_, world, previews):
    logo = preview(as_, world, previews["p/logo.png"], 100)
    assert logo.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(logo.content)).size == (75, 100)
    tiny = preview(as_, world, previews["p/tiny.png"], 100)
    assert Image.open(io.BytesIO(tiny.content)).size == (20, 10)


def test_a_preview_is_made_once_per_file_version(as_, world, previews, settings):
    task_id = previews["p/photo.jpg"]
    first = preview(as_, world, task_id).content
    cache = settings.data_dir / "cache" / "thumbnails"
    made = sorted(cache.rglob("*.jpg"))
    assert len(made) == 1 and preview(as_, world, task_id).content == first
    source = settings.data_dir / "media" / "p" / "photo.jpg"
    source.write_bytes(encoded(Image.new("RGB", (600, 1200), (0, 0, 200)), "JPEG"))
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert Image.open(io.BytesIO(preview(as_, world, task_id).content)).size == (64, 128)


@pytest.mark.parametrize(("key", "size", "says"), [
    ("p/photo.jpg", 8, "between 16 and 1024"),
    ("p/photo.jpg", 5000, "between 16 and 1024"),
    ("p/broken.png", 128, "not an image a preview can be made of"),
    ("p/sound.wav", 128, "not an image"),
])
def test_what_cannot_be_previewed_is_a_422_naming_size(as_, world, previews, key, size, says):
    response = preview(as_, world, previews[key], size)
    assert response.status_code == 422, response.text
    assert response.json()["details"]["field"] == "size" and says in response.json()["message"]


def test_previews_are_served_only_for_visible_tasks(as_, world, previews):
    assert preview(as_, world, previews["p/photo.jpg"], who="outsider").status_code == 404
    assert preview(as_, world, previews["p/photo.jpg"], "big").status_code == 422
