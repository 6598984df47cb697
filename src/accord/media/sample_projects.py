"""The demo's text, rich-text, audio and video projects: schema, generated media, and task
records with a model's pre-labels, all made locally from the synthetic generators.

Each `SampleProject` is plain data for `accord.services.demo` to create and import; the
media files are written under the folder it is given (the data dir's media folder), once.
Pre-labels are the ground truth with a model's typical mistakes planted deterministically
(a missed or mislabelled entity, segment edges a little off, a word misheard, a box that
drifts, a scene cut a few frames late), so what the annotator fixes is known.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from accord.media import synthetic_audio, synthetic_text, synthetic_video

SEED: Final = 29
TEXT_TASKS, AUDIO_CLIPS, VIDEOS, VIDEO_FRAMES = 8, 4, 3, 75


@dataclass(frozen=True, slots=True)
class SampleProject:
    key: str  # "text", "html", "audio", "video": how the demo remembers it
    name: str
    description: str
    schema: dict[str, Any]
    guidelines: str
    records: list[tuple[str, dict[str, Any]]]  # (where, task record) for import_records


TEXT_SCHEMA: Final[dict[str, Any]] = {
    "data": [{"name": "text", "type": "text"}],
    "labels": [
        {"name": "entities", "type": "span", "source": "text",
         "description": "Every person, organisation and place named",
         "classes": [{"name": "PER", "hotkey": "p", "color": "#e6194b"},
                     {"name": "ORG", "hotkey": "o", "color": "#3cb44b"},
                     {"name": "LOC", "hotkey": "l", "color": "#0082c8"}]},
        {"name": "relations", "type": "relation", "source": "text", "between": ["entities"],
         "description": "A person works for an organisation; an organisation is based in a place",
         "classes": [{"name": "works_for", "hotkey": "w"}, {"name": "based_in", "hotkey": "b"}]},
        {"name": "topic", "type": "classification", "source": "text",
         "description": "What the item is about", "rules": {"required": True},
         "classes": [{"name": t, "hotkey": str(i)}
                     for i, t in enumerate(synthetic_text.TOPICS, 1)]},
        {"name": "clarity", "type": "rating", "source": "text",
         "description": "How clearly the item is written",
         "scale": {"min": 1, "max": 5, "anchors": [
             {"value": 1, "description": "Cannot tell what happened"},
             {"value": 3, "description": "Understandable on a second reading"},
             {"value": 5, "description": "Clear at first reading, nothing missing"}]}},
    ],
}
HTML_SCHEMA: Final[dict[str, Any]] = {
    "data": [{"name": "page", "type": "html"}],
    "labels": [{"name": "page_topic", "type": "classification", "source": "page",
                "description": "What the page is mostly about",
                "classes": [{"name": t} for t in synthetic_text.TOPICS]},
               {"name": "safe", "type": "classification", "source": "page",
                "description": "Does the page look like a normal article once sanitised?",
                "classes": [{"name": "looks_normal"}, {"name": "looks_broken"}]}],
}
AUDIO_SCHEMA: Final[dict[str, Any]] = {
    "data": [{"name": "audio", "type": "audio"}],
    "labels": [
        {"name": "speakers", "type": "audio_segment", "source": "audio",
         "description": "One segment per sentence, from its first word to its last",
         "classes": [{"name": "voice_a", "hotkey": "a", "color": "#911eb4"},
                     {"name": "voice_b", "hotkey": "b", "color": "#f58231"}]},
        {"name": "transcript", "type": "transcription", "source": "audio",
         "description": "What each segment says, as spoken", "rules": {"max_length": 300}},
        {"name": "audio_tags", "type": "multilabel", "source": "audio",
         "description": "Tags for the whole clip",
         "classes": [{"name": "question"}, {"name": "two_voices"}]},
    ],
}
VIDEO_SCHEMA: Final[dict[str, Any]] = {
    "data": [{"name": "video", "type": "video"}],
    "labels": [
        {"name": "objects", "type": "video_track", "source": "video",
         "description": "A track per shape, from the frame it appears to the frame it leaves",
         "classes": [{"name": "rectangle", "hotkey": "r", "color": "#e6194b"},
                     {"name": "circle", "hotkey": "c", "color": "#3cb44b"},
                     {"name": "triangle", "hotkey": "t", "color": "#0082c8"}],
         "attributes": [{"name": "occluded", "type": "bool", "default": False}]},
        {"name": "scene", "type": "video_segment", "source": "video",
         "description": "Day or night, for every frame",
         "classes": [{"name": "day", "hotkey": "d"}, {"name": "night", "hotkey": "n"}]},
    ],
}


def text_project(rng: random.Random) -> SampleProject:
    documents = synthetic_text.generate(TEXT_TASKS, seed=SEED)
    long = synthetic_text.long_document()
    records = []
    for i, document in enumerate([*documents, long]):
        record: dict[str, Any] = {"data": {"text": document.text}, "predictions": [
            {"model_version": "ner-0.3", "score": 0.7,
             "regions": _text_prelabels(rng, document)}]}
        records.append((f"demo document {i + 1}", record))
    return SampleProject(
        "text", "News entities demo", "Named entities, their relations, a topic and a clarity "
        "rating on generated news items; the last item is 100,000 characters long.",
        TEXT_SCHEMA, "# News entities\n\n1. Mark every **person** (PER), **organisation** "
        "(ORG) and **place** (LOC), exactly from its first to its last character.\n"
        "2. Link a person to the organisation they work for (*works_for*) and an organisation "
        "to the place it is based in (*based_in*), when the sentence says so.\n"
        "3. Pick the topic, and rate how clear the item is using the rubric.\n", records)


def _text_prelabels(rng: random.Random, document: synthetic_text.Document) -> list[dict[str, Any]]:
    """The truth with one entity missed (its relations too) and one given the wrong class."""
    regions = document.regions()
    spans = [r for r in regions if r["type"] == "span"]
    missed = rng.choice(spans)["id"]
    wrong = rng.choice([r for r in spans if r["id"] != missed])
    wrong["value"]["class"] = rng.choice([c for c in ("PER", "ORG", "LOC")
                                          if c != wrong["value"]["class"]])
    return [r for r in regions if r["id"] != missed and missed not in (
        r["value"].get("from"), r["value"].get("to"))]


def html_project(rng: random.Random) -> SampleProject:
    pages = [synthetic_text.hostile_html(seed=SEED)]
    for document in synthetic_text.generate(2, seed=SEED + 1):
        pages.append(f"<h1>{document.topic.title()}</h1>\n<p>{document.text}</p>\n"
                     '<p><a href="https://example.org/">Source</a></p>')
    records = [(f"demo page {i + 1}", {"data": {"page": page}}) for i, page in enumerate(pages)]
    return SampleProject(
        "html", "Rich text demo", "HTML task data, shown sanitised: the first page is full "
        "of scripts, event handlers and javascript: links, none of which may run.",
        HTML_SCHEMA, "# Rich text\n\nPick the page's topic. If a page looks broken once "
        "shown, say so: it helps us see what the sanitiser removed.\n", records)


def audio_project(rng: random.Random, media: Path, folder: str) -> SampleProject:
    clips = synthetic_audio.generate(media / folder, AUDIO_CLIPS, seed=SEED)
    records = []
    for clip in clips:
        record = {"data": {"audio": f"{folder}/{clip.filename}", "duration": clip.duration_s},
                  "predictions": [{"model_version": "diarizer-0.2", "score": 0.75,
                                   "regions": _audio_prelabels(rng, clip)}]}
        records.append((f"demo clip {clip.filename}", record))
    spoken = clips[0].engine == "espeak-ng" if clips else True
    how = ("spoken by espeak-ng" if spoken
           else "tones standing in for voices (espeak-ng was not installed)")
    return SampleProject(
        "audio", "Speech demo", f"Who speaks when, what they say, and tags for each clip; "
        f"the clips are {how}.", AUDIO_SCHEMA, "# Speech\n\n1. One segment per sentence, "
        "from its first word to its last, labelled with the voice.\n2. Transcribe each "
        "segment word for word, with its punctuation.\n3. Tag the clip: *question* if anyone "
        "asks one, *two_voices* if both voices speak.\n", records)


def _audio_prelabels(rng: random.Random, clip: synthetic_audio.Clip) -> list[dict[str, Any]]:
    """Segments with edges up to 0.15 s off; one word misheard in one transcript; tags."""
    regions: list[dict[str, Any]] = []
    for n, utterance in enumerate(clip.utterances):
        start = max(0.0, round(utterance.start_s + rng.uniform(-0.15, 0.15), 3))
        end = min(clip.duration_s, round(utterance.end_s + rng.uniform(-0.15, 0.15), 3))
        regions.append({"id": f"seg{n}", "label": "speakers", "type": "audio_segment",
                        "value": {"class": utterance.voice, "start": start, "end": end}})
        if clip.engine == "espeak-ng":  # tones have nothing to transcribe
            words = utterance.text.split()
            if n == 0:
                k = rng.randrange(len(words))
                words[k] = _mishear(words[k])
            regions.append({"id": f"text{n}", "label": "transcript", "type": "transcription",
                            "value": {"text": " ".join(words), "region": f"seg{n}"}})
    if clip.tags:
        regions.append({"id": "tags", "label": "audio_tags", "type": "multilabel",
                        "value": {"classes": list(clip.tags)}})
    return regions


def _mishear(word: str) -> str:
    core = word.rstrip(".,?!")
    return ("the" if core.lower() != "the" else "a") + word[len(core):]


def video_project(rng: random.Random, media: Path, folder: str) -> SampleProject:
    videos = synthetic_video.generate(media / folder, VIDEOS, seed=SEED,
                                      frame_count=VIDEO_FRAMES)
    records = []
    for video in videos:
        data = {"video": f"{folder}/{video.filename}", "frame_count": video.frame_count,
                "fps": video.fps, "width": synthetic_video.WIDTH,
                "height": synthetic_video.HEIGHT}
        records.append((f"demo video {video.filename}", {"data": data, "predictions": [
            {"model_version": "tracker-0.1", "score": 0.7,
             "regions": _video_prelabels(rng, video)}]}))
    return SampleProject(
        "video", "Moving shapes demo", "Box tracks of moving shapes and day/night segments "
        "on rendered videos with known ground truth.", VIDEO_SCHEMA, "# Moving shapes\n\n"
        "1. Track every shape with a tight box: add a keyframe where it changes direction, "
        "mark the frame where it leaves the view as *outside*.\n2. Mark the day and night "
        "segments so that every frame is in one.\n", records)


def _video_prelabels(rng: random.Random, video: synthetic_video.Video) -> list[dict[str, Any]]:
    """Tracks whose middle keyframes drift by a few pixels, scene cuts up to 3 frames off."""
    regions = video.regions()
    for region in regions:
        value = region["value"]
        if region["type"] == "video_track":
            for keyframe in value["keyframes"][1:-1]:
                for key, limit in (("x", synthetic_video.WIDTH), ("y", synthetic_video.HEIGHT)):
                    size = keyframe["width" if key == "x" else "height"]
                    keyframe[key] = round(min(limit - size, max(0.0, keyframe[key]
                                                                + rng.uniform(-4, 4))), 1)
        elif value["start"] > 0:
            value["start"] = min(value["end"] - 1, value["start"] + rng.randint(0, 3))
    scenes = [r for r in regions if r["type"] == "video_segment"]
    for before, after in zip(scenes, scenes[1:], strict=False):
        before["value"]["end"] = after["value"]["start"]  # cuts move, frames stay covered
    return regions


Builder = Callable[[random.Random, Path], SampleProject]
BUILDERS: Final[dict[str, Builder]] = {
    "text": lambda rng, media: text_project(rng),
    "html": lambda rng, media: html_project(rng),
    "audio": lambda rng, media: audio_project(rng, media, "demo/speech"),
    "video": lambda rng, media: video_project(rng, media, "demo/videos"),
}


def sample_project(key: str, media: Path) -> SampleProject:
    """One sample project by key, its media written under `media`; the same every time."""
    return BUILDERS[key](random.Random(f"{SEED}-{key}"), media)
