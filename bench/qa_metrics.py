"""QA metrics benchmark: Accord against the reference libraries, on the same data, in one run.

Run from the repository root (the issue's target: at least 5× faster than the fastest
reference on every shared metric):

    .venv/bin/python bench/qa_metrics.py                      # every case, issue's sizes
    .venv/bin/python bench/qa_metrics.py --scale 0.01         # a quick check on small data
    .venv/bin/python bench/qa_metrics.py --only krippendorff --repeat 3 --write

Cases come from every `bench/_qa_*.py` module but the harness (each exposes
`cases(scale) -> list[Case]`, see `bench/_qa_harness.py`). For each case the data is built
once (not timed), then Accord and every reference run on it; the best wall time of
`--repeat` runs counts. The values must agree (relative tolerance 1e-6); the ratio is the
fastest reference's time over Accord's. `--write` replaces, in the "QA metrics" section of
bench/RESULTS.md, the generated part of each module that ran, keeping the others'.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import math
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from _qa_harness import Case  # noqa: E402
from _results import RESULTS, machine, read_block, write_block  # noqa: E402

SECTION = "## QA metrics"
MODULE_PREFIX = "<!-- qa_metrics.py module:"
MODULE_MARK = MODULE_PREFIX + " {} -->"
TARGET_RATIO = 5.0
RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Timing:
    seconds: float | None  # None: the runner failed
    value: float | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    accord: Timing
    references: dict[str, Timing]

    @property
    def fastest(self) -> tuple[str, float] | None:
        timed = [(name, t.seconds) for name, t in self.references.items()
                 if t.seconds is not None]
        return min(timed, key=lambda item: item[1]) if timed else None

    @property
    def agree(self) -> bool:
        values = [t.value for t in (self.accord, *self.references.values()) if t.error is None]
        return all(_close(values[0], v) for v in values[1:])

    @property
    def ratio(self) -> float | None:
        fastest = self.fastest
        if fastest is None or self.accord.seconds is None or self.accord.seconds == 0:
            return None
        return fastest[1] / self.accord.seconds

    @property
    def target_met(self) -> bool:
        if self.accord.seconds is None or not self.agree:
            return False
        if self.case.references:
            return self.ratio is not None and self.ratio >= TARGET_RATIO
        limit = self.case.time_limit_s
        return limit is not None and self.accord.seconds <= limit


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)


def case_modules() -> list[str]:
    return sorted(path.stem for path in BENCH.glob("_qa_*.py") if path.stem != "_qa_harness")


def best_of(runner: Callable[[Any], float | None], data: Any, repeat: int) -> Timing:
    best, value = math.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        try:
            value = runner(data)
        except Exception as exc:  # a failing reference is reported, not fatal
            traceback.print_exc()
            return Timing(None, None, f"{type(exc).__name__}: {exc}")
        best = min(best, time.perf_counter() - start)
    return Timing(best, None if value is None else float(value))


def run(case: Case, repeat: int) -> Outcome:
    print(f"… {case.name} ({case.size})", file=sys.stderr, flush=True)
    data = case.setup()
    accord = best_of(case.accord, data, repeat)
    references = {name: best_of(runner, data, repeat)
                  for name, runner in case.references.items()}
    del data
    gc.collect()
    return Outcome(case, accord, references)


def _seconds(timing: Timing) -> str:
    return f"error ({timing.error})" if timing.seconds is None else f"{timing.seconds:.3f}"


def table(outcomes: list[Outcome]) -> str:
    rows = ["| case | data | Accord (s) | references (s) | fastest ÷ Accord | values agree "
            "| target | met |", "|---|---|--:|---|--:|:-:|---|:-:|"]
    for o in outcomes:
        references = ", ".join(f"{name} {_seconds(t)}" for name, t in o.references.items())
        ratio = "–" if o.ratio is None else f"{o.ratio:.1f}×"
        value = "–" if o.accord.value is None else f"{o.accord.value:.6f}"
        rows.append(f"| {o.case.name} | {o.case.size} | {_seconds(o.accord)} | "
                    f"{references or '–'} | {ratio} | {'yes' if o.agree else 'NO'} "
                    f"({value}) | {_target(o.case)} | {'yes' if o.target_met else 'no'} |")
    return "\n".join(rows)


def _target(case: Case) -> str:
    if case.references or case.time_limit_s is None:
        return case.target
    return f"{case.target} (≤ {case.time_limit_s:g} s)"


def report(module: str, outcomes: list[Outcome], args: argparse.Namespace) -> str:
    command = " ".join(["bench/qa_metrics.py", *sys.argv[1:]])
    where = machine(f"NumPy {np.__version__}")
    return (f"{MODULE_MARK.format(module)}\n### `{module}.py`\n\n"
            f"Measured {datetime.date.today().isoformat()} on {where}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). Best of "
            f"{args.repeat} run(s) per library, scale {args.scale:g}; `{command}`.\n\n"
            f"{table(outcomes)}\n")


def write_results(blocks: dict[str, str]) -> None:
    """Replace the generated text of the modules that ran, keep the other modules'."""
    kept = {}
    for part in (read_block("qa_metrics.py") or "").split(MODULE_PREFIX)[1:]:
        name = part.split("-->", 1)[0].strip()
        kept[name] = MODULE_MARK.format(name) + part.split("-->", 1)[1].rstrip("\n") + "\n"
    kept.update(blocks)
    write_block("qa_metrics.py", SECTION, "\n".join(kept[name] for name in sorted(kept)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data size, 1.0 = issue's")
    parser.add_argument("--repeat", type=int, default=1, help="runs per library; best counts")
    parser.add_argument("--only", default=None, help="only cases whose module or name has this")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    if args.scale <= 0 or args.repeat < 1:
        parser.error("--scale must be positive and --repeat at least 1")
    blocks, failed = {}, False
    for module in case_modules():
        try:
            cases = importlib.import_module(module).cases(args.scale)
        except Exception:  # one broken case module must not hide the others' figures
            traceback.print_exc()
            failed = True
            continue
        if args.only:
            cases = [c for c in cases if args.only.lower() in f"{module} {c.name}".lower()]
        if not cases:
            continue
        outcomes = [run(case, args.repeat) for case in cases]
        failed |= not all(o.agree for o in outcomes)
        blocks[module] = report(module, outcomes, args)
        print(blocks[module])
    if not blocks:
        parser.error(f"no case matches --only {args.only!r}")
    if args.write:
        write_results(blocks)
        print(f"updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
