"""Writing a benchmark's figures into bench/RESULTS.md: each script owns one generated block
between its own markers, inside its section; the notes around the block are kept."""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine(*versions: str) -> str:
    """The cores, CPU model, kernel and Python, then `versions` (e.g. "SQLite 3.40")."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return ", ".join([f"{os.cpu_count()} cores ({model})", f"Linux {platform.release()}",
                      f"Python {platform.python_version()}", *versions])


def read_block(script: str) -> str | None:
    """The generated text of `script`'s block, or None when there is none yet."""
    begin, end = _markers(script)
    document = RESULTS.read_text() if RESULTS.exists() else ""
    if begin not in document or end not in document:
        return None
    return document.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def write_block(script: str, section: str, block: str) -> None:
    """Replace `script`'s block with `block`, or add it under a new `section` heading."""
    begin, end = _markers(script)
    generated = f"{begin}\n{block.strip(chr(10))}\n{end}"
    document = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if begin in document and end in document:
        head, rest = document.split(begin, 1)
        document = head + generated + rest.split(end, 1)[1]
    else:
        document = document.rstrip("\n") + f"\n\n{section}\n\n{generated}\n"
    RESULTS.write_text(document)


def _markers(script: str) -> tuple[str, str]:
    return f"<!-- {script}: begin -->", f"<!-- {script}: end -->"
