"""What `bench/qa_metrics.py` runs: cases, each one computation done by Accord and by every
reference library on the same data, in one run.

A case module (`bench/_qa_<area>.py`) exposes `cases(scale: float) -> list[Case]`; `scale`
1.0 is the issue's size (e.g. 1,000,000 items), smaller values shrink the data for a quick
check. `setup` builds the data once and is not timed; each runner gets what `setup` returned
and returns the value it computed, so the harness can show that all of them agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str  # what is computed, on what, e.g. "Krippendorff alpha, nominal"
    size: str  # the data, e.g. "1,000,000 items × 5 annotators, 10% missing"
    setup: Callable[[], Any]
    accord: Callable[[Any], float | None]
    references: dict[str, Callable[[Any], float | None]] = field(default_factory=dict)
    target: str = "≥ 5× faster than the fastest reference"
    # a case without references states its own target, checked on Accord's time alone
    time_limit_s: float | None = None
