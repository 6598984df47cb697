"""Local media: only files a visible task references, typed by content, never outside the root."""

from __future__ import annotations

import os

import pytest

from accord.services import tasks
from builders import caller_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


@pytest.fixture
def media(settings, session, world, tmp_path):  # type: ignore[no-untyped-def]
    root = settings.data_dir / "media"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(PNG)
    (root / "img" / "x.html").write_bytes(b"GIF89a<script>alert(1)</script>")
    (root / "img" / "evil.png").write_bytes(SVG)
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    os.symlink(outside, root / "img" / "link.png")
    manager = caller_of(world.users["manager"])
    keys = ["img/a.png", "img/x.html", "img/evil.png", "img/link.png", "../secret.png",
            "/etc/passwd", "img/%2e%2e/a.png"]
    tasks.import_records(session, manager, world.project_id,
                         [(k, {"data": {"image": k}}) for k in keys])
    items, _ = tasks.list_tasks(session, manager.in_project("manager"), world.project_id,
                                {}, None, 100)
    return {t["data"]["image"]: t["id"] for t in items if t["data"]["image"] in keys}


def url(world, task_id: int, field: str = "image") -> str:
    return f"/api/projects/{world.project_id}/tasks/{task_id}/media/{field}"


def test_an_image_a_task_references_is_served_inline_with_its_sniffed_type(as_, world, media):
    response = as_("annotator").get(url(world, media["img/a.png"]))
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("inline")


def test_active_content_is_typed_by_its_bytes_and_sent_as_an_attachment(as_, world, media):
    for key, expected in (("img/x.html", "image/gif"), ("img/evil.png",
                                                        "application/octet-stream")):
        response = as_("annotator").get(url(world, media[key]))
        assert response.headers["content-type"] == expected
    svg = as_("annotator").get(url(world, media["img/evil.png"]))
    assert svg.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("key", ["img/link.png", "../secret.png", "/etc/passwd",
                                 "img/%2e%2e/a.png"])
def test_keys_that_escape_the_media_root_are_not_found(as_, world, media, key):
    assert as_("annotator").get(url(world, media[key])).status_code == 404


def test_only_fields_of_a_visible_task_are_served(as_, world, media):
    assert as_("annotator").get(url(world, media["img/a.png"], "nothing")).status_code == 404
    assert as_("outsider").get(url(world, media["img/a.png"])).status_code == 404
    other = f"/api/projects/{world.other_project_id}/tasks/{media['img/a.png']}/media/image"
    assert as_("outsider").get(other).status_code == 404


def wav_bytes(n_samples: int) -> bytes:
    """A mono 8 kHz 16-bit WAV of a rising ramp, so every byte range has distinct content."""
    data = b"".join((i % 65536 - 32768).to_bytes(2, "little", signed=True)
                    for i in range(0, n_samples * 37, 37))
    header = (b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVEfmt "
              + (16).to_bytes(4, "little") + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
              + (8000).to_bytes(4, "little") + (16000).to_bytes(4, "little")
              + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
              + b"data" + len(data).to_bytes(4, "little"))
    return header + data


WAV = wav_bytes(2000)
#: The first bytes of each container, as its encoders write them (ffmpeg, libopus, flac).
HEADS = {
    "a.mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x23TSSE", "audio/mpeg"),
    "raw.mp3": (b"\xff\xfb\x90\x64" + bytes(60), "audio/mpeg"),
    "a.ogg": (b"OggS\x00\x02" + bytes(22) + b"OpusHead\x01\x01", "audio/ogg"),
    "a.flac": (b"fLaC\x00\x00\x00\x22", "audio/flac"),
    "a.m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00", "audio/mp4"),
    "a.mp4": (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2", "video/mp4"),
    "a.webm": (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08"
               b"B\x82\x84webmB\x87\x81\x04B\x85\x81\x02", "video/webm"),
    "a.wav": (WAV[:64], "audio/wav"),
}


@pytest.fixture
def av_media(settings, session, world):  # type: ignore[no-untyped-def]
    """Tasks whose `audio` field names each of the HEADS files and a 4,044-byte WAV."""
    root = settings.data_dir / "media" / "av"
    root.mkdir(parents=True)
    (root / "long.wav").write_bytes(WAV)
    for name, (head, _) in HEADS.items():
        (root / name).write_bytes(head + bytes(200))
    manager = caller_of(world.users["manager"])
    keys = ["av/long.wav", *(f"av/{name}" for name in HEADS)]
    tasks.import_records(session, manager, world.project_id,
                         [(k, {"data": {"audio": k}}) for k in keys])
    items, _ = tasks.list_tasks(session, manager.in_project("manager"), world.project_id,
                                {}, None, 100)
    return {t["data"]["audio"]: t["id"] for t in items if t["data"].get("audio") in keys}


@pytest.mark.parametrize("name", sorted(HEADS))
def test_audio_and_video_are_served_inline_with_the_type_of_their_bytes(as_, world, av_media,
                                                                        name):
    response = as_("annotator").get(url(world, av_media[f"av/{name}"], "audio"))
    assert response.status_code == 200
    assert response.headers["content-type"] == HEADS[name][1]
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_byte_range_is_answered_with_206_and_its_content_range(as_, world, av_media):
    """What an <audio> or <video> element asks for when the user seeks."""
    address = url(world, av_media["av/long.wav"], "audio")
    full = as_("annotator").get(address)
    assert full.headers["accept-ranges"] == "bytes"
    assert full.content == WAV
    part = as_("annotator").get(address, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{len(WAV)}"
    assert part.content == WAV[100:200]
    assert part.headers["content-type"] == "audio/wav"
    tail = as_("annotator").get(address, headers={"Range": "bytes=4000-"})
    assert tail.status_code == 206 and tail.content == WAV[4000:]
    assert tail.headers["content-range"] == f"bytes 4000-{len(WAV) - 1}/{len(WAV)}"
    suffix = as_("annotator").get(address, headers={"Range": "bytes=-10"})
    assert suffix.status_code == 206 and suffix.content == WAV[-10:]


def test_a_range_past_the_end_is_416_with_the_size_and_still_nosniff(as_, world, av_media):
    address = url(world, av_media["av/long.wav"], "audio")
    response = as_("annotator").get(address, headers={"Range": f"bytes={len(WAV)}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(WAV)}"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert WAV[:4] not in response.content


def test_a_range_is_served_only_to_who_may_see_the_task(as_, world, av_media):
    address = url(world, av_media["av/long.wav"], "audio")
    response = as_("outsider").get(address, headers={"Range": "bytes=0-99"})
    assert response.status_code == 404
    assert WAV[:4] not in response.content


def test_a_malformed_range_is_refused_without_the_file(as_, world, av_media):
    address = url(world, av_media["av/long.wav"], "audio")
    response = as_("annotator").get(address, headers={"Range": "bytes=abc"})
    assert response.status_code == 400
    assert WAV[:4] not in response.content


def test_audio_has_no_preview_size(as_, world, av_media):
    response = as_("annotator").get(url(world, av_media["av/long.wav"], "audio"),
                                    params={"size": 64})
    assert response.status_code == 422
    assert "not an image" in response.json()["message"]
