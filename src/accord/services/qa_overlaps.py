"""The overlaps of a project's boxes, computed once per task and label for the whole report.

The report compares the same regions many times over: annotator pairs for agreement, each
answer against the others and gold for the scores, the consensus and the error findings.
Each comparison would build its own small IoU matrix, and at a few boxes a matrix NumPy's
per-call cost is most of the work; so `Overlaps` computes one `region_similarity` per block
(a task's regions of one label, or a consensus against the task's answers) and serves any
comparison of two runs of a block's regions as a slice of it. Box IoU is computed pair by
pair, so a slice holds the very numbers a direct call gives. Only axis-aligned boxes are
blocked: a rotated box turns the whole comparison into polygon IoU, which a slice would
not reproduce; everything else goes to `region_similarity` itself.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from accord.core.overlap import box_iou_batch, region_similarity
from accord.core.regions import Region
from accord.core.schema import LabelType
from accord.services.qa_data import ProjectWork

# Blocks whose IoU is computed in one batch: about 3 MB per array for 20 boxes a block.
_BLOCKS_PER_BATCH = 1024


class Overlaps:
    """A `similarity(a, b)` for the core's QA functions: a slice of a block computed by
    `add`, when `a` is a run of a block's rows and `b` a run of its columns, else
    `region_similarity(a, b)`."""

    def __init__(self) -> None:
        self._blocks: list[tuple[tuple[Region, ...], tuple[Region, ...], np.ndarray]] = []
        # The blocks hold their regions, so these ids stay unique while the blocks live.
        self._rows: dict[int, tuple[int, int]] = {}  # id(region) -> (block, row)
        self._columns: dict[tuple[int, int], int] = {}  # (id(region), block) -> column

    def add(self, rows: Sequence[Region], columns: Sequence[Region] | None = None) -> None:
        """Compute the overlaps of `rows` with `columns` (default: with themselves), if they
        are all axis-aligned boxes. A region is the row of one block (the last added)."""
        rows = tuple(rows)
        columns = rows if columns is None else tuple(columns)
        if not rows or not columns or not all(map(_is_plain_box, rows)) or (
                columns is not rows and not all(map(_is_plain_box, columns))):
            return
        matrix = region_similarity(rows, columns)
        matrix.flags.writeable = False  # shared by every slice handed out
        self._register(rows, columns, matrix)

    def add_many(self, blocks: Sequence[tuple[Sequence[Region], Sequence[Region] | None]]
                 ) -> None:
        """`add(rows, columns)` for each pair of `blocks`, the plain boxes' IoU computed for
        many blocks at once (`box_iou_batch`): the numbers `add` would compute."""
        plain = []
        for rows, columns in blocks:
            rows = tuple(rows)
            columns = rows if columns is None else tuple(columns)
            if rows and columns and all(map(_is_plain_box, rows)) and (
                    columns is rows or all(map(_is_plain_box, columns))):
                plain.append((rows, columns))
        for start in range(0, len(plain), _BLOCKS_PER_BATCH):
            part = plain[start:start + _BLOCKS_PER_BATCH]
            iou = box_iou_batch(_padded([rows for rows, _ in part]),
                                _padded([columns for _, columns in part]))
            iou.flags.writeable = False
            for u, (rows, columns) in enumerate(part):
                self._register(rows, columns, iou[u, :len(rows), :len(columns)])

    def _register(self, rows: tuple[Region, ...], columns: tuple[Region, ...],
                  matrix: np.ndarray) -> None:
        block = len(self._blocks)
        self._blocks.append((rows, columns, matrix))
        self._rows.update((id(r), (block, i)) for i, r in enumerate(rows))
        self._columns.update(((id(c), block), j) for j, c in enumerate(columns))

    def __call__(self, a: Sequence[Region], b: Sequence[Region]) -> np.ndarray:
        if a and b and (row := self._rows.get(id(a[0]))) is not None:
            block, i = row
            j = self._columns.get((id(b[0]), block))
            rows, columns, matrix = self._blocks[block]
            if j is not None and _is_run(rows, i, a) and _is_run(columns, j, b):
                return matrix[i:i + len(a), j:j + len(b)]
        return region_similarity(a, b)


def _padded(groups: list[tuple[Region, ...]]) -> np.ndarray:
    """(groups, longest, 4) of each group's boxes (x, y, width, height), zeros after."""
    unit = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    position = np.concatenate([np.arange(len(g)) for g in groups])
    boxes = np.zeros((len(groups), max(map(len, groups)), 4))
    boxes[unit, position] = [[r.value.x, r.value.y, r.value.width,  # type: ignore[union-attr]
                              r.value.height] for g in groups for r in g]  # type: ignore[union-attr]
    return boxes


def _is_plain_box(region: Region) -> bool:
    return region.type == "bbox" and not region.value.rotation % 360  # type: ignore[union-attr]


def _is_run(block: tuple[Region, ...], start: int, regions: Sequence[Region]) -> bool:
    """Whether `regions` are block[start:start + len(regions)], the same objects in order."""
    run = block[start:start + len(regions)]
    return len(run) == len(regions) and all(map(operator.is_, run, regions))


def answer_overlaps(work: ProjectWork) -> Overlaps:
    """One block per task and box label: the answers' regions of the label, in the order of
    `work.work`, then the gold answer's."""
    overlaps = Overlaps()
    if work.schema is None:
        return overlaps
    names = {label.name for label in work.schema.labels if label.type is LabelType.BBOX}
    by_task: dict[int, dict[str, list[Region]]] = {}
    blocks: list[tuple[list[Region], None]] = []
    for w in work.work:
        regions = by_task.setdefault(w.task_id, {name: [] for name in names})
        for r in w.regions:
            if r.label in regions:
                regions[r.label].append(r)
    for task, regions in by_task.items():
        for r in work.gold.get(task, ()):
            if r.label in regions:
                regions[r.label].append(r)
        blocks += ((block, None) for block in regions.values())
    overlaps.add_many(blocks)
    return overlaps
