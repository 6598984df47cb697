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


#: Wikipedia, "Fleiss' kappa", worked example: 14 raters put 10 subjects into 5 categories;
#: row i counts the raters who chose each category for subject i. kappa = 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]

#: Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30
#: patients, each diagnosed by 6 psychiatrists; row i counts the diagnoses of patient i as
#: depression, personality disorder, schizophrenia, neurosis, other.
FLEISS_1971 = [
    (0, 0, 0, 6, 0), (0, 3, 0, 0, 3), (0, 1, 4, 0, 1), (0, 0, 0, 0, 6), (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0), (0, 0, 4, 0, 2), (2, 0, 3, 1, 0), (2, 0, 0, 4, 0), (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0), (1, 1, 0, 4, 0), (0, 3, 3, 0, 0), (1, 0, 0, 5, 0), (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1), (3, 0, 0, 1, 2), (5, 1, 0, 0, 0), (0, 2, 0, 4, 0), (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6), (0, 1, 0, 5, 0), (0, 2, 0, 1, 3), (2, 0, 0, 4, 0), (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0), (4, 0, 0, 0, 2), (0, 2, 0, 4, 0), (1, 0, 5, 0, 0), (0, 0, 0, 0, 6),
]
FLEISS_1971_DIAGNOSES = ("depression", "personality disorder", "schizophrenia", "neurosis",
                         "other")
#: The overall kappa and each diagnosis's kappa, as printed.
FLEISS_1971_KAPPA = 0.430
FLEISS_1971_CLASS_KAPPA = (0.245, 0.245, 0.520, 0.471, 0.566)


def records_from_counts(counts, names=None):
    """Long-form records in which rater j of a subject gives the subject's j-th label."""
    records = []
    for subject, row in enumerate(counts):
        labels = [names[c] if names else c for c, n in enumerate(row) for _ in range(n)]
        records += [(subject, rater, label) for rater, label in enumerate(labels)]
    return records
