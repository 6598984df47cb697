"""Sample videos: frame counts, a constant rate, and tracks that are the truth of each frame."""

from __future__ import annotations

import random

import av
import numpy as np
import pytest

from accord.core import tracks
from accord.core.schema import parse_schema
from accord.core.validation import MediaInfo, validate
from accord.media import synthetic_video
from accord.media.local import sniff
from accord.media.synthetic_video import FPS, HEIGHT, SCENES, WIDTH, Video

SCHEMA = parse_schema({
    "data": [{"name": "video", "type": "video"}],
    "labels": [
        {"name": "objects", "type": "video_track", "source": "video",
         "classes": [{"name": s} for s in synthetic_video.SHAPES]},
        {"name": "scene", "type": "video_segment", "source": "video",
         "classes": [{"name": s} for s in SCENES]}]})


@pytest.fixture(scope="module")
def made(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("videos")
    return folder, synthetic_video.generate(folder, 2, seed=4, frame_count=50)


def box_pixels(video: Video, frame: int, track_id: int) -> tuple[int, int] | None:
    """A pixel well inside the track's shape on `frame` that no other box covers."""
    track = next(t for t in video.tracks if t.track_id == track_id)
    box = tracks.box_at(track.value, frame)
    if box is None:
        return None
    x, y, w, h = box
    px, py = round(x + w / 2), round(y + 2 * h / 3)  # inside a triangle's lower half too
    for other in video.tracks:
        other_box = tracks.box_at(other.value, frame) if other is not track else None
        if other_box and (other_box[0] - 2 <= px <= other_box[0] + other_box[2] + 2
                          and other_box[1] - 2 <= py <= other_box[1] + other_box[3] + 2):
            return None
    return px, py


def test_the_ground_truth_is_valid_for_the_videos_frame_count(made):
    _, videos = made
    for video in videos:
        assert validate(SCHEMA, video.regions(),
                        media=MediaInfo(video_frame_count=video.frame_count)) == []


def test_every_frame_drawn_shows_each_track_where_its_keyframes_put_it(made):
    _, videos = made
    for video in videos:
        for frame in range(video.frame_count):
            image = np.asarray(synthetic_video.draw_frame(video, frame)).astype(int)
            background = SCENES[synthetic_video.scene_at(video.scenes, frame)]
            painted = np.any(image != background, axis=2)
            inside = np.zeros_like(painted)
            for track in video.tracks:
                box = tracks.box_at(track.value, frame)
                if box is not None:
                    x, y, w, h = box
                    inside[max(0, int(y) - 1):int(y + h) + 2, max(0, int(x) - 1):int(x + w) + 2] = True
                    where = box_pixels(video, frame, track.track_id)
                    if where is not None:
                        assert tuple(image[where[1], where[0]]) == track.color
            assert not (painted & ~inside).any(), f"paint outside every box on frame {frame}"


def test_the_frames_encoded_are_the_frames_drawn_one_by_one(made):
    _, videos = made
    video = videos[1]
    for frame, image in enumerate(synthetic_video.frames(video)):
        assert image.tobytes() == synthetic_video.draw_frame(video, frame).tobytes()


def test_the_webm_has_every_frame_at_a_constant_rate_and_the_shapes_colours(made):
    folder, videos = made
    video = videos[0]
    path = folder / video.filename
    assert sniff(path.read_bytes()[:64]) == "video/webm"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("vp8", WIDTH, HEIGHT)
        assert container.duration == pytest.approx(video.duration_s * 1_000_000, abs=1000)
        decoded = list(container.decode(stream))
    assert len(decoded) == video.frame_count
    assert [round(float(f.time) * FPS) for f in decoded] == list(range(video.frame_count))
    checked = 0
    for n, frame in enumerate(decoded):
        image = frame.to_ndarray(format="rgb24").astype(int)
        for track in video.tracks:
            where = box_pixels(video, n, track.track_id)
            if where is not None:  # lossy VP8: the colour within a tolerance
                assert np.abs(image[where[1], where[0]] - track.color).max() < 48
                checked += 1
    assert checked > video.frame_count  # most frames show more than one shape


def test_tracks_enter_and_leave_with_outside_keyframes():
    rng = random.Random(1)
    planned = [t for _ in range(20) for t in synthetic_video.plan(rng, 75, 3)]
    assert any(t.keyframes[0]["frame"] > 0 for t in planned)
    leaving = [t for t in planned if t.keyframes[-1]["outside"]]
    assert leaving and all(t.keyframes[-1]["frame"] < 74 for t in leaving)
    for track in leaving:
        assert tracks.box_at(track.value, track.keyframes[-1]["frame"]) is None


def test_scenes_cover_every_frame_once_and_alternate():
    for seed in range(20):
        scenes = synthetic_video.scenes_for(random.Random(seed), 75)
        assert scenes[0][1] == 0 and scenes[-1][2] == 75
        assert all(a[2] == b[1] and a[0] != b[0] for a, b in zip(scenes, scenes[1:], strict=False))
        assert all(end - start >= 15 for _, start, end in scenes)


def test_the_same_seed_gives_the_same_bytes(tmp_path):
    first = synthetic_video.generate(tmp_path / "a", 1, seed=8, frame_count=20)
    second = synthetic_video.generate(tmp_path / "b", 1, seed=8, frame_count=20)
    assert first == second
    name = first[0].filename
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert synthetic_video.generate(tmp_path / "c", 1, seed=9, frame_count=20) != first
