"""Synthetic images of simple shapes with exact ground truth, drawn locally with Pillow.

Used by `accord demo` and the tests: nothing is downloaded, and every label is known.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 320, 240
SHAPES = ("rectangle", "circle", "triangle")
COLORS = ((230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180))

SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [
        {"name": "shapes", "type": "bbox", "source": "image",
         "description": "A tight box around every shape",
         "classes": [{"name": "rectangle", "hotkey": "r", "color": "#e6194b"},
                     {"name": "circle", "hotkey": "c", "color": "#3cb44b"},
                     {"name": "triangle", "hotkey": "t", "color": "#0082c8"}],
         "attributes": [{"name": "touching_edge", "type": "bool", "default": False}],
         "rules": {"min_width": 4, "min_height": 4, "inside_image": True}},
        {"name": "outlines", "type": "polygon", "source": "image",
         "description": "The outline of every triangle",
         "classes": [{"name": "triangle", "hotkey": "p", "color": "#f58231"}]},
        {"name": "scene", "type": "classification", "source": "image",
         "description": "Sparse: one or two shapes; busy: three or more",
         "classes": [{"name": "sparse", "hotkey": "1"}, {"name": "busy", "hotkey": "2"}],
         "rules": {"required": True}},
    ],
}


@dataclass(frozen=True, slots=True)
class ShapeImage:
    """One generated image and its exact regions in the canonical format."""

    filename: str
    regions: list[dict[str, Any]]


def _triangle(rng: random.Random, cx: float, cy: float, r: float) -> list[list[float]]:
    start = rng.uniform(0, 2 * math.pi)
    return [[round(cx + r * math.cos(start + k * 2 * math.pi / 3), 1),
             round(cy + r * math.sin(start + k * 2 * math.pi / 3), 1)] for k in range(3)]


def _box(points: list[list[float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def draw_image(rng: random.Random, path: Path) -> list[dict[str, Any]]:
    """Draw 1–5 non-clipped shapes into `path`; return their ground-truth regions."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    regions: list[dict[str, Any]] = []
    count = rng.randint(1, 5)
    for n in range(count):
        shape, color = rng.choice(SHAPES), rng.choice(COLORS)
        r = rng.uniform(14, 40)
        cx, cy = rng.uniform(r + 2, WIDTH - r - 2), rng.uniform(r + 2, HEIGHT - r - 2)
        if shape == "triangle":
            points = _triangle(rng, cx, cy, r)
            draw.polygon([tuple(p) for p in points], fill=color)
            regions.append({"id": f"p{n}", "label": "outlines", "type": "polygon",
                            "value": {"class": "triangle", "points": points}})
            x, y, w, h = _box(points)
        elif shape == "circle":
            x, y, w, h = cx - r, cy - r, 2 * r, 2 * r
            draw.ellipse((x, y, x + w, y + h), fill=color)
        else:
            w, h = r * 2, r * rng.uniform(0.8, 1.6)
            x, y = cx - r, max(1.0, min(HEIGHT - h - 1, cy - h / 2))
            draw.rectangle((x, y, x + w, y + h), fill=color)
        regions.append({"id": f"b{n}", "label": "shapes", "type": "bbox",
                        "value": {"class": shape, "x": round(x, 1), "y": round(y, 1),
                                  "width": round(w, 1), "height": round(h, 1)},
                        "attributes": {"touching_edge": False}})
    regions.append({"id": "s", "label": "scene", "type": "classification",
                    "value": {"class": "sparse" if count <= 2 else "busy"}})
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)
    return regions


def generate(folder: Path, count: int, seed: int = 7) -> list[ShapeImage]:
    rng = random.Random(seed)
    images = []
    for i in range(1, count + 1):
        filename = f"shape-{i:04d}.png"
        images.append(ShapeImage(filename, draw_image(rng, folder / filename)))
    return images


#: Decides one possible mistake: `mistake(kind, probability)`, kind "miss", "class" or "scene".
Mistake = Callable[[str, float], bool]


def perturb(rng: random.Random, regions: list[dict[str, Any]], error_rate: float,
            mistake: Mistake | None = None) -> list[dict[str, Any]]:
    """A plausible human answer: jittered boxes; each box missed or given a wrong class with
    `error_rate / 2` each, the scene class wrong with `error_rate`.

    By default each mistake is an independent draw from `rng`; `mistake` decides them instead
    (the demo's simulated annotators keep their mistakes close to their rate that way)."""
    decide = mistake or (lambda _kind, probability: rng.random() < probability)
    answer = []
    for region in regions:
        value = dict(region["value"])
        if region["type"] == "bbox":
            if decide("miss", error_rate / 2):
                continue  # missed object
            if decide("class", error_rate / 2):
                value["class"] = rng.choice([s for s in SHAPES if s != value["class"]])
            for key in ("x", "y"):
                value[key] = round(max(0.0, value[key] + rng.gauss(0, 1.5)), 1)
            value["width"] = round(min(WIDTH - value["x"], value["width"] + rng.gauss(0, 1.5)), 1)
            value["height"] = round(min(HEIGHT - value["y"], value["height"]
                                        + rng.gauss(0, 1.5)), 1)
        elif region["type"] == "classification" and decide("scene", error_rate):
            value["class"] = "busy" if value["class"] == "sparse" else "sparse"
        answer.append({**region, "value": value})
    return answer
