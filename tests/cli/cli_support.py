"""Running `accord` in-process on a data dir or against a server, and the records both use."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from accord.cli.main import cli
from builders import box

ADMIN = "admin@example.org"
ANNOTATOR = "annotator@example.org"


def scene(region_id: str, cls: str) -> dict[str, Any]:
    return {"id": region_id, "label": "scene", "type": "classification", "value": {"class": cls}}


#: Tasks with gold, a batch and priority, a media URL, annotations by a named author and
#: model predictions: everything a JSONL line can carry.
RECORDS: list[dict[str, Any]] = [
    {"data": {"image": "street-1.png"}, "gold": [box("g1", "person", 5, 5, 10, 30),
                                                 scene("g2", "night")]},
    {"data": {"image": "street-2.png"}, "batch": "pilot", "priority": 2,
     "media_url": "s3://bucket/street-2.png",
     "annotations": [{"author": ANNOTATOR, "regions": [box("r1"), scene("r2", "day")],
                      "lead_time_s": 12.5},
                     {"author": ADMIN, "regions": [box("r1", "person")]}],
     "predictions": [{"model_version": "detector-3", "score": 0.75,
                      "regions": [box("p1", "car", 11, 9, 20, 21)]}]},
    {"data": {"image": "street-3.png"},
     "predictions": [{"model_version": "detector-3", "regions": []}]},
]


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


ASSIGNED = {"id", "submitted_at"}


def without_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Export records minus what the server assigned: ids and submission times (region ids
    are content: kept)."""
    return [{**{k: v for k, v in r.items() if k != "id"},
             **{key: [{k: v for k, v in item.items() if k not in ASSIGNED} for item in r[key]]
                for key in ("annotations", "predictions") if key in r}}
            for r in records]


def one_line(text: str) -> str:
    """Rich wraps stderr at the console width; assertions look at the words, not the breaks."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Accord:
    """`accord` run in-process with `where` (--data-dir … or --url … --token …) appended."""

    where: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    def with_env(self, **variables: str) -> Accord:
        """The same, with these environment variables set (ACCORD_PORT="abc", …)."""
        return replace(self, env=(*self.env, *variables.items()))

    def __call__(self, *args: str) -> Result:
        # Only what this test says: no ACCORD_* variable of the surrounding shell leaks in.
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("ACCORD_")}
        env.update(self.env)
        return CliRunner().invoke(cli, [*args, *self.where], env=env)

    def ok(self, *args: str) -> str:
        """Run a command that must succeed; returns its stdout."""
        result = self(*args)
        assert result.exit_code == 0, (f"accord {' '.join(args)} exited {result.exit_code}: "
                                       f"{result.stderr}{result.exception!r}")
        return result.stdout

    def fails(self, *args: str) -> str:
        """Run a command that must fail cleanly: exit 1, no traceback. Returns stderr as one line."""
        result = self(*args)
        assert result.exit_code == 1, f"exit {result.exit_code}: {result.stdout}{result.stderr}"
        assert isinstance(result.exception, SystemExit), f"uncaught {result.exception!r}"
        assert "Traceback" not in result.stderr
        assert result.stderr.strip(), "an error must say what went wrong"
        return one_line(result.stderr)

    def projects(self) -> dict[int, dict[str, Any]]:
        return {p["id"]: p for p in json.loads(self.ok("project", "list", "--json"))}


@dataclass(frozen=True)
class Server:
    """A running `accord serve`, its data dir, and an API token of its first admin."""

    url: str
    data_dir: Path
    admin_token: str


def local(data_dir: Path) -> Accord:
    return Accord(("--data-dir", str(data_dir)))


def remote(url: str, token: str) -> Accord:
    return Accord(("--url", url, "--token", token))
