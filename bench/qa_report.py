"""Project QA report benchmark: `project_report` on generated image projects, step by step.

Run from the repository root (the target: the whole report of 10,000 tasks in under 10 s):

    .venv/bin/python bench/qa_report.py                       # 10,000 and 100,000 tasks
    .venv/bin/python bench/qa_report.py --tasks 10000 --write

Each project has 3 annotators (ann, bob, cy@example.org) on every task, each drawing the
task's 5 boxes (bob misses 10 % of them, cy 20 %; positions off by a 2 px Gaussian) and one
scene classification (wrong 10 %, 20 %, 30 % of the time); every 20th task is a gold task.
The schema is `tests/builders.py` SCHEMA; tasks go in through `accord import`'s path. A
project is built once in a temporary directory (`--cache`, default
`$TMPDIR/accord-bench-qa-report`) and reused by later runs. The report is timed as
`project_report` computes it: loading the answers, the parts the sections share (the boxes'
overlaps, the per-answer scores), then each section; wall and CPU time (the machine is
shared, so CPU varies less). No other tool computes this report, so there is no reference
to compare with. `--write` replaces the generated part of the "QA report" section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.cli.backends import LocalBackend
from accord.db.engine import read_session
from accord.services.qa_data import load_project_work
from accord.services.qa_report import SECTIONS, _counts, _Report
from accord.settings import Settings

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))
from _results import RESULTS, machine, write_block  # noqa: E402

from builders import SCHEMA  # noqa: E402

SECTION = "## QA report"
AUTHORS = ("ann@example.org", "bob@example.org", "cy@example.org")
ADMIN = "admin@example.org"
GOLD_EVERY = 20
TARGET_S = 10.0


def write_tasks(path: Path, count: int) -> None:
    """The generated tasks, as JSONL with annotations (and gold on every 20th task)."""
    rng = random.Random(1)
    with path.open("w") as out:
        for t in range(count):
            out.write(json.dumps(_task(t, rng)) + "\n")


def _task(t: int, rng: random.Random) -> dict[str, Any]:
    truth = [(rng.uniform(0, 500), rng.uniform(0, 400), rng.uniform(10, 80),
              rng.uniform(10, 80), rng.choice(["car", "person"])) for _ in range(5)]
    scene = rng.choice(["day", "night"])
    annotations = []
    for k, author in enumerate(AUTHORS):
        regions = []
        for i, (x, y, w, h, c) in enumerate(truth):
            if rng.random() < 0.1 * k:
                continue
            regions.append({"id": f"b{i}", "label": "objects", "type": "bbox",
                            "value": {"class": c, "x": x + rng.gauss(0, 2),
                                      "y": y + rng.gauss(0, 2), "width": w, "height": h}})
        seen = scene if rng.random() > 0.1 * (k + 1) else ("night" if scene == "day" else "day")
        regions.append({"id": "s", "label": "scene", "type": "classification",
                        "value": {"class": seen}})
        annotations.append({"author": author, "regions": regions,
                            "submitted_at": f"2026-10-{1 + t % 28:02d}T10:00:00+00:00"})
    task: dict[str, Any] = {"data": {"image": f"img-{t}.png"}, "annotations": annotations}
    if t % GOLD_EVERY == 0:
        task["gold"] = [{"id": f"g{i}", "label": "objects", "type": "bbox",
                         "value": {"class": c, "x": x, "y": y, "width": w, "height": h}}
                        for i, (x, y, w, h, c) in enumerate(truth)] + [
            {"id": "gs", "label": "scene", "type": "classification", "value": {"class": scene}}]
    return task


def project(cache: Path, count: int) -> Path:
    """The data dir of a project of `count` generated tasks, built unless already there."""
    data_dir = cache / f"tasks-{count}"
    done = data_dir / "built"
    if done.exists():
        return data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    tasks = data_dir / "tasks.jsonl"
    write_tasks(tasks, count)
    backend = LocalBackend(Settings(data_dir=data_dir))
    try:
        backend.add_user(ADMIN, name="Admin", password=None, is_admin=True)
        for author in AUTHORS:
            backend.add_user(author, name=author.split("@")[0], password=None, is_admin=False)
        project_id = backend.create_project("QA report benchmark", "", SCHEMA)["id"]
        backend.import_file(project_id, tasks, "jsonl", lambda _: None)
    finally:
        backend.engine.dispose()
    tasks.unlink()
    done.write_text(f"project {project_id}\n")
    return data_dir


def timed(step: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def time_report(data_dir: Path) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each step of `project_report(session, caller, 1)`."""
    backend = LocalBackend(Settings(data_dir=data_dir))
    steps: dict[str, tuple[float, float]] = {}
    try:
        with read_session(backend.engine) as session:
            loaded: list[Any] = []
            steps["load answers"] = timed(lambda: loaded.append(load_project_work(session, 1)))
            report = _Report(session, 1, loaded[0])
            steps["counts"] = timed(lambda: _counts(report.work))
            steps["shared: box overlaps"] = timed(lambda: report.overlaps)
            steps["shared: answer scores"] = timed(lambda: report.scored)
            for name, section in SECTIONS.items():
                steps[name] = timed(lambda section=section: section(report))
    finally:
        backend.engine.dispose()
    steps["total"] = (sum(w for w, _ in steps.values()), sum(c for _, c in steps.values()))
    return steps


def table(results: dict[int, dict[str, tuple[float, float]]]) -> str:
    counts = list(results)
    head = "| step | " + " | ".join(f"{n:,} tasks: wall (s) | CPU (s)" for n in counts) + " |"
    rule = "|---|" + "--:|--:|" * len(counts)
    lines = [head, rule]
    for step in next(iter(results.values())):
        cells = " | ".join(f"{results[n][step][0]:.2f} | {results[n][step][1]:.2f}"
                           for n in counts)
        name = f"**{step}**" if step == "total" else step
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def report(results: dict[int, dict[str, tuple[float, float]]]) -> str:
    command = " ".join(["bench/qa_report.py", *sys.argv[1:]])
    verdicts = ", ".join(f"{n:,} tasks in {r['total'][0]:.1f} s "
                         f"({'meets' if r['total'][0] < TARGET_S else 'misses'} the "
                         f"{TARGET_S:g} s target)" if n == 10_000 else
                         f"{n:,} tasks in {r['total'][0]:.1f} s"
                         for n, r in results.items())
    where = machine(f"SQLite {sqlite3.sqlite_version}")
    return (f"Measured {datetime.date.today().isoformat()} on {where}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). 3 annotators, 5 "
            f"boxes and a classification each per task, gold on every {GOLD_EVERY}th; "
            f"`{command}`. No other tool computes this report.\n\n{table(results)}\n\n"
            f"{verdicts}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="10000,100000",
                        help="comma-separated project sizes (default: 10000,100000)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "accord-bench-qa-report",
                        help="where the generated projects are kept between runs")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    counts = [int(n) for n in args.tasks.split(",")]
    if not counts or min(counts) < 1:
        parser.error("--tasks must be positive whole numbers")
    results = {}
    for count in counts:
        data_dir = project(args.cache, count)
        results[count] = time_report(data_dir)
        print(f"{count:,} tasks: {results[count]['total'][0]:.1f} s", file=sys.stderr)
    block = report(results)
    print(block)
    if args.write:
        write_block("qa_report.py", SECTION, block)
        print(f"updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
