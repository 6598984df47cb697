"""Every Python example in docs/quality.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "quality.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_the_quality_doc_has_an_example_for_each_part():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example {i}" for i in range(len(EXAMPLES))])
def test_each_example_in_the_quality_doc_runs(code):
    exec(compile(code, str(DOC), "exec"), {})
