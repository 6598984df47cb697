"""Label quality against gold and over time: gold accuracy, an error taxonomy, drift with
change points, and label-error detection by confident learning.

>>> from accord.core.quality import find_label_errors
>>> find_label_errors([0, 0, 1, 1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]]).indices
array([], dtype=int64)
"""

from accord.core.quality.label_errors import (
    LabelErrors,
    LabelIssue,
    find_label_errors,
    label_quality_scores,
)

__all__ = [
    "LabelErrors",
    "LabelIssue",
    "find_label_errors",
    "label_quality_scores",
]
