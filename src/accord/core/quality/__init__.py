"""Label quality against gold and over time: gold accuracy, an error taxonomy, drift with
change points, and label-error detection by confident learning.

>>> from accord.core.quality import find_label_errors
>>> find_label_errors([0, 0, 1, 1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]]).indices
array([], dtype=int64)
"""

from accord.core.quality.change_points import ChangePoint, ChangePointTest, detect_change_points
from accord.core.quality.drift import (
    BucketSeries,
    Drift,
    RollingSeries,
    detect_drift,
    rolling_series,
    time_series,
)
from accord.core.quality.error_counts import (
    REVIEW_ALIASES,
    ErrorContext,
    ErrorCounts,
    count_errors,
    review_finding,
)
from accord.core.quality.errors import ErrorCategory, ErrorFinding, classify_errors
from accord.core.quality.gold import (
    ClassScores,
    GoldAccuracy,
    GoldScores,
    categorical_gold_accuracy,
    region_gold_accuracy,
)
from accord.core.quality.label_errors import (
    LabelErrors,
    LabelIssue,
    find_label_errors,
    label_quality_scores,
)

__all__ = [
    "REVIEW_ALIASES",
    "BucketSeries",
    "ChangePoint",
    "ChangePointTest",
    "ClassScores",
    "Drift",
    "ErrorCategory",
    "ErrorContext",
    "ErrorCounts",
    "ErrorFinding",
    "GoldAccuracy",
    "GoldScores",
    "LabelErrors",
    "LabelIssue",
    "RollingSeries",
    "categorical_gold_accuracy",
    "classify_errors",
    "count_errors",
    "detect_change_points",
    "detect_drift",
    "find_label_errors",
    "label_quality_scores",
    "region_gold_accuracy",
    "review_finding",
    "rolling_series",
    "time_series",
]
