"""Box agreement cases for `bench/qa_metrics.py`: pairwise class-aware F1 at IoU 0.5 on
100,000 images × 3 annotators × 20 boxes (at `scale` 1.0), in under 30 s.

The data: a ground truth per image of 20 boxes (x, y uniform in 0..1000 px, sides 20..200 px,
10 classes); each annotator sees every box, jitters its sides and corner by a normal error of
5 % of its size, drops 10 % of the boxes, changes the class of 5 %, and adds up to 4 boxes of
its own (each with probability 1/4). Padded to 24 boxes per annotator, with a validity mask.

The second case checks the values on 10,000 images against a plain reference built from
pycocotools' `iou` and `scipy.optimize.linear_sum_assignment`, image by image.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from _qa_harness import Case  # type: ignore[import-not-found]

IMAGES = 100_000
ANNOTATORS = 3
BOXES = 20
EXTRA = 4
CLASSES = 10
SEED = 20_261_201
REFERENCE_IMAGES = 10_000


def annotated_boxes(n_images: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """boxes (images, annotators, 24, 4), classes (images, annotators, 24), valid (same)."""
    rng = np.random.default_rng(SEED)
    size = rng.uniform(20, 200, (n_images, 1, BOXES, 2))
    truth = np.concatenate([rng.uniform(0, 1000, (n_images, 1, BOXES, 2)), size], axis=3)
    truth_class = rng.integers(0, CLASSES, (n_images, 1, BOXES))
    shape = (n_images, ANNOTATORS, BOXES)
    jitter = rng.normal(0, 0.05, (*shape, 4)) * np.concatenate([size, size], axis=3)
    seen = truth + jitter
    seen[..., 2:] = np.abs(seen[..., 2:])
    changed = rng.random(shape) < 0.05
    seen_class = np.where(changed, rng.integers(0, CLASSES, shape), truth_class)
    extra = np.concatenate([rng.uniform(0, 1000, (n_images, ANNOTATORS, EXTRA, 2)),
                            rng.uniform(20, 200, (n_images, ANNOTATORS, EXTRA, 2))], axis=3)
    boxes = np.concatenate([seen, extra], axis=2)
    classes = np.concatenate([seen_class,
                              rng.integers(0, CLASSES, (n_images, ANNOTATORS, EXTRA))], axis=2)
    valid = np.concatenate([rng.random(shape) >= 0.10,
                            rng.random((n_images, ANNOTATORS, EXTRA)) < 0.25], axis=2)
    return boxes, classes, valid


def accord_f1(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float | None:
    from accord.core.agreement.regions import box_agreement  # imported by `cases`, untimed

    boxes, classes, valid = data
    return box_agreement(boxes, classes, valid=valid, threshold=0.5).overall.f1


def reference_f1(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float | None:
    """pycocotools IoU and scipy's assignment, one image and pair at a time."""
    from pycocotools import mask as coco_mask
    from scipy.optimize import linear_sum_assignment

    boxes, classes, valid = data
    matched = marked = 0
    for image in range(boxes.shape[0]):
        for x, y in combinations(range(ANNOTATORS), 2):
            a, b = boxes[image, x][valid[image, x]], boxes[image, y][valid[image, y]]
            ca, cb = classes[image, x][valid[image, x]], classes[image, y][valid[image, y]]
            marked += len(a) + len(b)
            if not len(a) or not len(b):
                continue
            iou = coco_mask.iou(a, b, [0] * len(b))
            weight = np.where((iou >= 0.5) & (ca[:, None] == cb[None, :]), iou, 0.0)
            rows, cols = linear_sum_assignment(weight, maximize=True)
            matched += int((weight[rows, cols] > 0).sum())
    return 2 * matched / marked if marked else None


def cases(scale: float) -> list[Case]:
    import accord.core.agreement.regions  # noqa: F401  (SciPy's import is not the metric)

    n_images = max(1, round(IMAGES * scale))
    n_reference = max(1, round(REFERENCE_IMAGES * min(scale * 10, 1.0)))
    return [
        Case(
            name="Box agreement, pairwise F1 at IoU 0.5, class-aware",
            size=f"{n_images:,} images × {ANNOTATORS} annotators × {BOXES} boxes",
            setup=lambda: annotated_boxes(n_images),
            accord=accord_f1,
            target="under 30 s",
            time_limit_s=30.0,
        ),
        Case(
            name="Box agreement, checked against pycocotools + scipy (image by image)",
            size=f"{n_reference:,} images × {ANNOTATORS} annotators × {BOXES} boxes",
            setup=lambda: annotated_boxes(n_reference),
            accord=accord_f1,
            references={"pycocotools iou + linear_sum_assignment": reference_f1},
        ),
    ]
