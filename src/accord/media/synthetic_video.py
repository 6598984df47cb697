"""Short videos of moving shapes with exact tracks and scene segments, made locally.

Frames are drawn with Pillow and encoded as WebM (VP8, constant frame rate, yuv420p) with
PyAV, whose wheels carry their own FFmpeg and libvpx: no system ffmpeg, nothing downloaded,
and Chromium plays and seeks the result in a <video>. Each object moves in straight lines
between a few waypoints; the waypoints are the ground-truth track's keyframes, and every
frame's box is their linear interpolation (`accord.core.tracks.box_at`, the rule the
label stream, the exports and QA share). So the tracks are the truth of every frame, not an approximation of it. The
background switches between `day` and `night`: those are the frame segments.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from PIL import Image, ImageDraw

from accord.core import tracks
from accord.core.regions import Keyframe, VideoTrackValue

WIDTH, HEIGHT, FPS = 320, 240, 25
SHAPES: Final = ("rectangle", "circle", "triangle")
COLORS: Final = ((230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180))
SCENES: Final = {"day": (235, 235, 225), "night": (40, 45, 70)}
BIT_RATE: Final = 400_000


@dataclass(frozen=True, slots=True)
class Track:
    """One object: `keyframes` as in a `video_track` region (frame, x, y, width, height,
    outside); the object is visible from the first keyframe, and after a keyframe with
    `outside` it is gone."""

    track_id: int
    shape: str
    color: tuple[int, int, int]
    keyframes: tuple[dict[str, Any], ...]

    @property
    def value(self) -> VideoTrackValue:
        return VideoTrackValue(self.shape, self.track_id, tuple(
            Keyframe(k["frame"], k["x"], k["y"], k["width"], k["height"], k["outside"])
            for k in self.keyframes))


@dataclass(frozen=True, slots=True)
class Video:
    filename: str
    frame_count: int
    fps: int
    tracks: tuple[Track, ...]
    scenes: tuple[tuple[str, int, int], ...]  # (class, start, end): frames, end exclusive

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps

    def regions(self, track_label: str = "objects",
                scene_label: str = "scene") -> list[dict[str, Any]]:
        """The ground truth as canonical regions: one track per object, one segment per scene."""
        regions: list[dict[str, Any]] = [
            {"id": f"t{t.track_id}", "label": track_label, "type": "video_track",
             "value": {"class": t.shape, "track_id": t.track_id,
                       "keyframes": [dict(k) for k in t.keyframes]}} for t in self.tracks]
        regions += [{"id": f"s{i}", "label": scene_label, "type": "video_segment",
                     "value": {"class": name, "start": start, "end": end}}
                    for i, (name, start, end) in enumerate(self.scenes)]
        return regions


def plan(rng: random.Random, frame_count: int, objects: int) -> tuple[Track, ...]:
    """Objects with 3–4 waypoints inside the frame; some enter late, some leave early."""
    tracks = []
    for track_id in range(1, objects + 1):
        size = rng.uniform(24, 48)
        width, height = round(size, 1), round(size * rng.uniform(0.7, 1.3), 1)
        first = rng.choice((0, 0, rng.randrange(frame_count // 3)))
        last = rng.choice((frame_count - 1, frame_count - 1,
                           rng.randrange(2 * frame_count // 3, frame_count - 1)))
        inner = rng.randint(1, 2)  # waypoints between, spread out so no leg is a jump
        step = (last - first) / (inner + 1)
        frames = [first, *(round(first + step * (k + rng.uniform(0.75, 1.25)))
                           for k in range(inner)), last]
        keyframes: list[dict[str, Any]] = [
            {"frame": f, "x": round(rng.uniform(1, WIDTH - width - 1), 1),
             "y": round(rng.uniform(1, HEIGHT - height - 1), 1), "width": width,
             "height": height, "outside": False} for f in frames]
        if last < frame_count - 1:
            keyframes[-1]["outside"] = True  # leaves the view there
        tracks.append(Track(track_id, rng.choice(SHAPES), rng.choice(COLORS), tuple(keyframes)))
    return tuple(tracks)


def scenes_for(rng: random.Random, frame_count: int) -> tuple[tuple[str, int, int], ...]:
    """Two or three scenes covering every frame once, alternating day and night."""
    fifth = frame_count // 5
    if rng.random() < 0.5:
        cuts = [rng.randrange(2 * fifth, 3 * fifth)]
    else:
        cuts = [rng.randrange(fifth, 2 * fifth), rng.randrange(3 * fifth, 4 * fifth)]
    bounds = [0, *cuts, frame_count]
    names = list(SCENES)
    start = rng.randrange(2)
    return tuple((names[(start + i) % 2], a, b)
                 for i, (a, b) in enumerate(itertools.pairwise(bounds)))


def scene_at(scenes: Sequence[tuple[str, int, int]], frame: int) -> str:
    return next(name for name, start, end in scenes if start <= frame < end)


Box = tuple[float, float, float, float]


def draw_frame(video: Video, frame: int,
               boxes: Sequence[dict[int, Box]] | None = None) -> Image.Image:
    """Frame `frame` of `video` as Pillow draws it, before encoding; `boxes` (per track,
    each frame's box) saves working them out again for each frame."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SCENES[scene_at(video.scenes, frame)])
    draw = ImageDraw.Draw(image)
    for n, track in enumerate(video.tracks):
        box = tracks.box_at(track.value, frame) if boxes is None else boxes[n].get(frame)
        if box is None:
            continue
        x, y, w, h = box
        if track.shape == "rectangle":
            draw.rectangle((x, y, x + w, y + h), fill=track.color)
        elif track.shape == "circle":
            draw.ellipse((x, y, x + w, y + h), fill=track.color)
        else:  # a triangle filling its box: apex at the top centre
            draw.polygon([(x + w / 2, y), (x + w, y + h), (x, y + h)], fill=track.color)
    return image


def frames(video: Video) -> Iterator[Image.Image]:
    """Every frame of `video` in order, as `draw_frame` draws each, with the tracks' boxes
    worked out for all frames at once (half the CPU of drawing frame by frame)."""
    boxes = []
    for track in video.tracks:  # every frame's box of each track, at once
        numbers, values = tracks.frames_of(track.value, video.frame_count)
        boxes.append({int(f): tuple(float(c) for c in b)
                      for f, b in zip(numbers, values, strict=True)})
    for frame in range(video.frame_count):
        yield draw_frame(video, frame, boxes)  # type: ignore[arg-type]


def encode_webm(images: Iterator[Image.Image], path: Path, fps: int = FPS) -> None:
    """VP8 in WebM at a constant `fps`: frame n has timestamp n / fps exactly. Single-threaded
    and bit-exact, so the same frames give the same bytes."""
    import av  # imported here: only making sample videos needs it

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="webm",
                 container_options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = BIT_RATE
        stream.time_base = Fraction(1, fps)
        stream.codec_context.options = {"threads": "1", "flags": "+bitexact",
                                        "auto-alt-ref": "0", "deadline": "good",
                                        "cpu-used": "4"}
        for n, image in enumerate(images):
            frame = av.VideoFrame.from_image(image)
            frame.pts, frame.time_base = n, Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def generate(folder: Path, count: int, seed: int = 3, frame_count: int = 75,
             objects: int = 3) -> list[Video]:
    """`count` WebM videos of `frame_count` frames at FPS with `objects` tracks each."""
    rng = random.Random(seed)
    videos = []
    for i in range(1, count + 1):
        video = Video(f"video-{i:03d}.webm", frame_count, FPS,
                      plan(rng, frame_count, objects), scenes_for(rng, frame_count))
        encode_webm(frames(video), folder / video.filename)
        videos.append(video)
    return videos
