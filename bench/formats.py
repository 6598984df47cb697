"""Format benchmark: Accord and Label Studio 1.x import and export the same detection project.

Run from the repository root (the issue's targets: Accord at least 20× faster than Label
Studio on import and on export at 10,000 and 100,000 tasks of 5 boxes; Accord alone exports
1,000,000 tasks as COCO in under 60 s with under 1 GB peak memory):

    .venv/bin/python bench/formats.py --write           # 10k and 100k with the peer, and 1M
    .venv/bin/python bench/formats.py --sizes 2000 --no-million
    .venv/bin/python bench/formats.py --tasks 50 --no-peer --no-million   # the smoke test

Each size's data is generated once (seeded): N tasks, each an image name, its size and 5
boxes of 3 classes, written as a Label Studio JSON import file (rectanglelabels in percent,
with original_width/height) and as an Accord JSONL file with the same boxes in pixels.

Accord: a fresh data dir per size with one admin and a project (one bbox label `objects`,
an image field); `accord import` of the Label Studio file with `--format label_studio` when
that format is registered (`accord formats`), else of the JSONL file; then `accord export`
to JSONL, COCO and Label Studio JSON (each that is registered). Every step is the CLI in its
own process, timed from start to exit (Python's start-up, 2–5 s here, included): wall time,
CPU and peak RSS come from GNU time. Then the same through a running `accord serve` in
another fresh data dir (*Accord API*, as Label Studio is driven): the file uploaded to
POST …/import, each export a streamed GET …/export; CPU is the server's during the request,
peak RSS its VmHWM so far.

Label Studio: installed from PyPI into its own virtualenv and started by
bench/_label_studio.py, a fresh data dir per size, a project with the equivalent
RectangleLabels config; the same file through its import API (the Community edition imports
within the request), then its synchronous export API (`GET …/export?exportType=JSON`, and
`COCO`). Each request is bounded by `--peer-timeout`; a step that runs out is recorded as
such (the ratio becomes "≥") and the size's remaining peer steps are skipped. CPU is the
server's during the request; peak RSS is the server's VmHWM so far (start-up included).

The ratio on each Accord row is Label Studio's time for that step over this row's. The
million: tasks imported from JSONL (untimed seeding, reported), then `accord export
--format coco` timed as above. Without a registered COCO format the script stops at once.
`--write` replaces the generated block of the "Import and export formats" section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from accord.formats import all_formats

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))
import _label_studio as ls  # noqa: E402
from _formats_data import (  # noqa: E402
    BOXES,
    CLASSES,
    LABEL,
    check_export,
    write_jsonl,
    write_label_studio,
)
from _results import RESULTS, machine, write_block  # noqa: E402
from import_tasks import cpu_s, peak_rss_kb, prepare, running_server  # noqa: E402

from servers import free_port  # noqa: E402

SECTION = "## Import and export formats"
RATIO_TARGET = 20.0
MILLION, MILLION_SECONDS, MILLION_MB = 1_000_000, 60.0, 1024
SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": LABEL, "type": "bbox", "source": "image",
                "classes": [{"name": name} for name in CLASSES]}],
}
LS_CONFIG = ("<View><Image name=\"image\" value=\"$image\"/>"
             f"<RectangleLabels name=\"{LABEL}\" toName=\"image\">"
             + "".join(f"<Label value=\"{name}\"/>" for name in CLASSES)
             + "</RectangleLabels></View>")


@dataclass(frozen=True, slots=True)
class Step:
    size: int
    step: str            # "import", "export JSON", "export COCO", …
    tool: str            # "Accord" or "Label Studio"
    format: str
    seconds: float | None = None
    cpu_s: float | None = None
    rss_kb: int | None = None
    note: str = ""       # "timed out", "not run: …"


# --- Accord --------------------------------------------------------------------------------

def registered() -> tuple[set[str], set[str]]:
    """The names of the formats Accord can import and those it can export, as the registry
    (`accord formats`) lists them now: other formats may land between runs."""
    found = all_formats()
    return ({n for n, f in found.items() if f.read}, {n for n, f in found.items() if f.write})


def compile_sources() -> None:
    """Compile Accord's modules once, as installing it does: a checkout run with
    PYTHONDONTWRITEBYTECODE=1 (set on these machines) otherwise compiles all of them at every
    start, 0.6 CPU s of the 10,000-task CLI import; Label Studio's virtualenv is compiled by
    its own install."""
    import accord

    compileall.compile_dir(Path(accord.__file__).parent, quiet=1)


def cli(env: dict[str, str], log: Path, *argv: str) -> tuple[float, float, int, str]:
    """`accord ARGV` in its own process: (wall s, CPU s, peak RSS kB, stdout). CPU and peak
    RSS are GNU time's report of it: a child spawned straight from this process would count
    this process's own peak RSS into its `ru_maxrss` (the kernel carries the old address
    space's high-water mark across exec), and this one parses large exports."""
    report = log.with_suffix(".time")
    start = time.perf_counter()
    with log.open("wb") as err:
        run = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", str(report),
                              sys.executable, "-m", "accord", *argv], env=env,
                             stdout=subprocess.PIPE, stderr=err)
    elapsed = time.perf_counter() - start
    if run.returncode:
        raise RuntimeError(f"accord {' '.join(argv)}: exit {run.returncode}: "
                           f"{log.read_text(errors='replace')[-2000:]}")
    rss, user, system = report.read_text().split()[-3:]
    return elapsed, float(user) + float(system), int(rss), run.stdout.decode()


def accord_steps(work: Path, count: int, files: dict[str, Path], readers: set[str],
                 exports: list[str]) -> list[Step]:
    """Import, then each export, in a fresh data dir of its own."""
    root = work / f"accord-{count}"
    env, project_id, _ = prepare(root / "data", None, SCHEMA)
    source = "label_studio" if "label_studio" in readers else "jsonl"
    seconds, cpu, rss, out = cli(env, root / "import.log", "import", str(project_id),
                                 str(files[source]), "--format", source)
    if f"imported {count} tasks" not in out or f"{count} annotations" not in out:
        raise RuntimeError(f"accord import of {count} tasks said {out!r}")
    steps = [Step(count, "import", "Accord", source, seconds, cpu, rss)]
    json_pair = "label_studio" if "label_studio" in exports else "jsonl"
    for name in exports:
        path = root / f"export-{name}"
        seconds, cpu, rss, _ = cli(env, root / f"export-{name}.log", "export", str(project_id),
                                   "--format", name, "-o", str(path))
        check_export(path, name, count)
        step = ("export COCO" if name == "coco" else
                "export JSON" if name == json_pair else "export JSONL")
        steps.append(Step(count, step, "Accord", name, seconds, cpu, rss))
    shutil.rmtree(root)
    return steps


def api_steps(work: Path, count: int, files: dict[str, Path], readers: set[str],
              exports: list[str], timeout_s: float) -> list[Step]:
    """The same through a running `accord serve`, as Label Studio is driven: the file as an
    upload to POST …/import, each export a streamed GET …/export. CPU is the server's during
    the request; peak RSS its VmHWM so far (start-up included)."""
    root = work / f"accord-api-{count}"
    env, project_id, token = prepare(root / "data", None, SCHEMA)
    source = "label_studio" if "label_studio" in readers else "jsonl"
    json_pair = "label_studio" if "label_studio" in exports else "jsonl"
    steps = []
    with running_server(env, root / "server.log") as (url, pid), httpx.Client(
            base_url=f"{url}/api/projects/{project_id}", timeout=timeout_s,
            headers={"Authorization": f"Bearer {token}"}) as api:
        with files[source].open("rb") as handle:
            before, start = cpu_s(pid), time.perf_counter()
            response = api.post("/import", params={"format": source},
                                files={"file": (files[source].name, handle)})
            seconds = time.perf_counter() - start
        if response.status_code != 201 or response.json().get("created") != count:
            raise RuntimeError(f"Accord's import API: {response.status_code} "
                               f"{response.text[:500]}")
        steps.append(Step(count, "import", "Accord API", source, seconds, cpu_s(pid) - before,
                          peak_rss_kb(pid)))
        for name in exports:
            path = root / f"export-{name}"
            before, start = cpu_s(pid), time.perf_counter()
            with path.open("wb") as out, api.stream("GET", "/export",
                                                    params={"format": name}) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes(1 << 20):
                    out.write(chunk)
            seconds = time.perf_counter() - start
            step = ("export COCO" if name == "coco" else
                    "export JSON" if name == json_pair else "export JSONL")
            steps.append(Step(count, step, "Accord API", name, seconds, cpu_s(pid) - before,
                              peak_rss_kb(pid)))
            check_export(path, name, count)
    shutil.rmtree(root)
    return steps


def seed_million(work: Path, count: int) -> list[Step]:
    """The COCO export of `count` tasks (the seeding import is reported, not judged)."""
    root = work / f"accord-{count}"
    path = work / f"tasks-{count}.jsonl"
    write_jsonl(path, count)
    env, project_id, _ = prepare(root / "data", None, SCHEMA)
    seconds, cpu, rss, out = cli(env, root / "import.log", "import", str(project_id),
                                 str(path), "--format", "jsonl")
    if f"imported {count} tasks" not in out:
        raise RuntimeError(f"accord import of {count} tasks said {out!r}")
    path.unlink()
    steps = [Step(count, "seed (import)", "Accord", "jsonl", seconds, cpu, rss)]
    out_path = root / "export-coco"
    seconds, cpu, rss, _ = cli(env, root / "export.log", "export", str(project_id),
                               "--format", "coco", "-o", str(out_path))
    check_export(out_path, "coco", count)
    steps.append(Step(count, "export COCO", "Accord", "coco", seconds, cpu, rss))
    shutil.rmtree(root)
    return steps


# --- Label Studio ---------------------------------------------------------------------------

def peer_steps(work: Path, count: int, files: dict[str, Path], timeout_s: float) -> list[Step]:
    """Import and both exports in a fresh Label Studio; after a step runs out of time the
    size's later steps are not run (the server is still busy with it)."""
    root = work / f"label-studio-{count}"
    root.mkdir()
    plan = [("import", "JSON"), ("export JSON", "JSON"), ("export COCO", "COCO")]
    steps: list[Step] = []
    env = {"DATA_UPLOAD_MAX_MEMORY_SIZE": str(4 << 30)}  # its default refuses > 250 MB
    with ls.server(root / "data", free_port(), root / "server.log", env) as server, \
            ls.client(server.url, timeout_s) as api:
        project_id = ls.create_project(api, f"{count} tasks", LS_CONFIG)
        for step, kind in plan:
            if steps and steps[-1].note:
                steps.append(Step(count, step, "Label Studio", kind, note="not run"))
                continue
            cpu_before, _ = ls.session_usage(server.pid)
            start = time.perf_counter()
            try:
                if step == "import":
                    ls.import_file(api, project_id, files["label_studio"],
                                   time.monotonic() + timeout_s)
                else:
                    ls.export(api, project_id, kind, root / f"export-{kind}")
            except httpx.TimeoutException:
                steps.append(Step(count, step, "Label Studio", kind, timeout_s,
                                  note="timed out"))
                continue
            seconds = time.perf_counter() - start
            cpu, rss = ls.session_usage(server.pid)
            if step == "import" and ls.counts(api, project_id) != (count, count):
                raise RuntimeError(f"Label Studio holds {ls.counts(api, project_id)} "
                                   f"(tasks, annotations), expected {count} of each")
            if step != "import":
                check_export(root / f"export-{kind}", "coco" if kind == "COCO" else "json",
                             count)
            steps.append(Step(count, step, "Label Studio", kind, seconds, cpu - cpu_before,
                              rss))
    shutil.rmtree(root)
    return steps


# --- the report -----------------------------------------------------------------------------

def cell(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def mb(step: Step) -> str:
    return "—" if step.rss_kb is None else f"{step.rss_kb / 1024:,.0f}"


def ratio(peer: Step, ours: Step) -> tuple[str, str, str]:
    """Label Studio ÷ this row in wall time, whether that meets the target, and in CPU time;
    a peer step that timed out gives lower bounds."""
    if ours.seconds is None or peer.seconds is None:
        return "—", "—", "—"
    value, bound = peer.seconds / ours.seconds, "≥ " if peer.note == "timed out" else ""
    met = "yes" if value >= RATIO_TARGET else "unknown" if bound else "no"
    cpu = (f"{peer.cpu_s / ours.cpu_s:,.1f}" if peer.cpu_s is not None and ours.cpu_s
           else "—")
    return f"{bound}{value:,.1f}", met, cpu


def peer_table(steps: list[Step]) -> str:
    rows = ["| tasks | step | tool | format | time (s) | CPU (s) | peak RSS (MB) "
            "| LS ÷ this | ≥ 20× | LS ÷ this, CPU |", "|--:|---|---|---|--:|--:|--:|--:|:-:|--:|"]
    theirs = {(s.size, s.step): s for s in steps if s.tool == "Label Studio"}
    for s in steps:
        time_text = cell(s.seconds) + (f" ({s.note})" if s.note else "")
        peer = theirs.get((s.size, s.step))
        shown = ratio(peer, s) if s.tool != "Label Studio" and peer else ("", "", "")
        rows.append(f"| {s.size:,} | {s.step} | {s.tool} | {s.format} | {time_text} "
                    f"| {cell(s.cpu_s)} | {mb(s)} | {' | '.join(shown)} |")
    return "\n".join(rows)


def million_table(steps: list[Step]) -> str:
    rows = ["| tasks | step | format | time (s) | CPU (s) | peak RSS (MB) | target | met |",
            "|--:|---|---|--:|--:|--:|---|:-:|"]
    for s in steps:
        target, met = "—", ""
        if s.step == "export COCO" and s.seconds is not None and s.rss_kb is not None:
            target = f"< {MILLION_SECONDS:.0f} s and < {MILLION_MB:,} MB"
            met = "yes" if s.seconds < MILLION_SECONDS and s.rss_kb < MILLION_MB * 1024 else "no"
        rows.append(f"| {s.size:,} | {s.step} | {s.format} | {cell(s.seconds)} "
                    f"| {cell(s.cpu_s)} | {mb(s)} | {target} | {met} |")
    return "\n".join(rows)


def header(args: argparse.Namespace) -> str:
    command = shlex.join(["bench/formats.py", *sys.argv[1:]])
    where = machine(f"SQLite {sqlite3.sqlite_version}")
    peer = (f", Label Studio {ls.VERSION} (`label-studio start`: Django's development server, "
            "SQLite)" if args.peer else "")
    return (f"Measured {datetime.date.today().isoformat()} on {where}{peer}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). `{command}`, one "
            "run per step.")


def compared(steps: list[Step], args: argparse.Namespace, source: str) -> str:
    given = ("the same Label Studio JSON file" if source == "label_studio"
             else "the same boxes as JSONL")
    return (f"{header(args)} {BOXES} boxes of {len(CLASSES)} classes per task; Accord imports "
            f"{given} (`--format {source}`). *Accord* = the CLI from start to exit (start-up "
            "included), *Accord API* and *Label Studio* = requests to a running server (CPU "
            "of the server during the request, peak RSS = the server's so far). *LS ÷ this* = "
            "Label Studio's time for the step over this row's.\n\n" + peer_table(steps))


def alone(million: list[Step], args: argparse.Namespace) -> str:
    return (f"{header(args)} Accord alone at a million tasks, {BOXES} boxes each (seeded by "
            "the JSONL import, which is not judged); each step is the CLI from start to exit, "
            "peak RSS is its own (GNU time):\n\n" + million_table(million))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="task counts compared with the peer, comma-separated")
    parser.add_argument("--tasks", type=int, help="one size instead of --sizes (smoke runs)")
    parser.add_argument("--million", action=argparse.BooleanOptionalAction, default=True,
                        help="also Accord's COCO export of 1,000,000 tasks")
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                        help="also Label Studio")
    parser.add_argument("--api", action=argparse.BooleanOptionalAction, default=True,
                        help="also Accord through `accord serve`'s import and export API")
    parser.add_argument("--peer-timeout", type=float, default=1800.0,
                        help="seconds allowed per Label Studio request")
    parser.add_argument("--exports", default="jsonl,label_studio,coco",
                        help="Accord's exports to time, those of them that are registered")
    parser.add_argument("--work", type=Path, help="scratch dir (default: a temporary one)")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    sizes = [args.tasks] if args.tasks else [int(s) for s in args.sizes.split(",") if s]
    if any(size < 1 for size in sizes):
        parser.error("task counts must be at least 1")
    if not sizes and not args.million:
        parser.error("nothing to run: no sizes and --no-million")
    readers, writers = registered()
    compile_sources()
    exports = [n for n in args.exports.split(",") if n in writers]
    if args.million and "coco" not in writers:
        parser.error("the million case needs the COCO export, and `accord formats` lists "
                     f"no coco (only {', '.join(sorted(writers))}); run with --no-million")
    with tempfile.TemporaryDirectory(prefix="accord-bench-formats-", dir=args.work) as tmp:
        work = Path(tmp)
        steps: list[Step] = []
        for size in sizes:
            files = {"jsonl": work / f"tasks-{size}.jsonl",
                     "label_studio": work / f"tasks-{size}.json"}
            write_jsonl(files["jsonl"], size)
            write_label_studio(files["label_studio"], size)
            found = accord_steps(work, size, files, readers, exports)
            if args.api:
                found += api_steps(work, size, files, readers, exports, args.peer_timeout)
            if args.peer:
                found += peer_steps(work, size, files, args.peer_timeout)
            steps += order(found)
            for step in found:
                print(f"  {step}", file=sys.stderr, flush=True)
            for path in files.values():
                path.unlink()
        million = seed_million(work, MILLION) if args.million else []
        for step in million:
            print(f"  {step}", file=sys.stderr, flush=True)
    source = "label_studio" if "label_studio" in readers else "jsonl"
    blocks = {}  # the comparison and the million are written apart: they may run apart
    if steps:
        blocks["formats.py"] = compared(steps, args, source)
    if million:
        blocks["formats.py million"] = alone(million, args)
    print("\n\n".join(blocks.values()))
    for script, block in blocks.items() if args.write else ():
        write_block(script, SECTION, block)
        print(f"updated {RESULTS.relative_to(ROOT)} ({script})", file=sys.stderr)


def order(steps: list[Step]) -> list[Step]:
    """Each step's Accord rows (CLI, API), then Label Studio's."""
    names = list(dict.fromkeys(s.step for s in steps))
    tools = ("Accord", "Accord API", "Label Studio")
    return sorted(steps, key=lambda s: (names.index(s.step), tools.index(s.tool)))


if __name__ == "__main__":
    main()
