"""Published worked examples that several test modules reproduce, written once."""

from __future__ import annotations

import math

nan = math.nan

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
#: × 12 units with missing values (the same data as the `krippendorff` package's tests).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
#: Its alpha at each level, as printed.
KRIPPENDORFF_2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849,
                           "ratio": 0.797}


def long_form_csv(matrix: list[list[float]], coders: str = "ABCD") -> str:
    """The matrix as a `unit,annotator,label` CSV, units u1, u2, …, an empty label where
    the value is missing."""
    lines = ["unit,annotator,label"]
    for coder, row in zip(coders, matrix, strict=True):
        lines += [f"u{unit},{coder},{'' if math.isnan(value) else value}"
                  for unit, value in enumerate(row, start=1)]
    return "\n".join(lines) + "\n"
