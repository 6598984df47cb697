"""docs/consensus.md's examples run and print what the page says."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "consensus.md"


def test_every_example_in_the_consensus_page_runs_as_shown():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) >= 6
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    globs: dict[str, object] = {}
    for i, block in enumerate(blocks):  # later blocks use names defined by earlier ones
        test = parser.get_doctest(block, globs, f"consensus.md block {i}", str(DOC), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs
    assert runner.summarize(verbose=False).failed == 0
