"""Given labels with a model's class probabilities, for label-error detection.

A CSV whose header is `unit,label` followed by one column per class, each row a unit's
given label and the model's probability of each class (out of sample: cross-validated or
held out, as confident learning assumes):

    unit,label,cat,dog,bird
    img-1,cat,0.91,0.06,0.03

Errors name the file, line and column at fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import IO

import numpy as np

from accord.core.errors import InputError
from accord.formats._csv import csv_reader


@dataclass(frozen=True, slots=True)
class ProbabilityTable:
    units: tuple[str, ...]
    labels: tuple[str, ...]
    classes: tuple[str, ...]
    probabilities: np.ndarray  # (units, classes)


def read_probability_table(stream: IO[bytes], name: str) -> ProbabilityTable:
    with csv_reader(stream, name) as reader:
        header = [column.strip() for column in next(reader, [])]
        if header[:2] != ["unit", "label"] or len(header) < 3:
            raise InputError(f"{name}, line 1: expected the header unit,label followed by one "
                             f"column per class; got {','.join(header)!r}",
                             where=f"{name}, line 1")
        classes = header[2:]
        if len(set(classes)) != len(classes):
            raise InputError(f"{name}, line 1: a class column repeats", where=f"{name}, line 1")
        units, labels, rows = [], [], []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {reader.line_num}"
            if len(row) != len(header):
                raise InputError(f"{where}: expected {len(header)} columns, got {len(row)}",
                                 where=where)
            units.append(row[0].strip())
            labels.append(row[1].strip())
            rows.append([_probability(cell, where, column)
                         for column, cell in zip(classes, row[2:], strict=True)])
    return ProbabilityTable(tuple(units), tuple(labels), tuple(classes),
                            np.asarray(rows, dtype=float).reshape(len(rows), len(classes)))


def _probability(cell: str, where: str, column: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{where}, column {column!r}: expected a probability from 0 to 1, "
                         f"got {cell!r}", where=where)
    return value
