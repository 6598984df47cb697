"""Fleiss' own worked example (1971, Table 1): the psychiatric diagnoses of 30 patients."""

from __future__ import annotations

import pytest

from accord.core.agreement import fleiss_kappa
from published_data import (
    FLEISS_1971,
    FLEISS_1971_CLASS_KAPPA,
    FLEISS_1971_DIAGNOSES,
    FLEISS_1971_KAPPA,
    records_from_counts,
)


def test_fleiss_kappa_reproduces_the_1971_psychiatric_diagnoses():
    records = records_from_counts(FLEISS_1971, FLEISS_1971_DIAGNOSES)
    score = fleiss_kappa(records, breakdown="classes")
    assert score.value == pytest.approx(FLEISS_1971_KAPPA, abs=5e-4)
    assert score.n_units == 30
    by_class = {c.category: c.value for c in score.classes}
    assert [by_class[name] for name in FLEISS_1971_DIAGNOSES] == pytest.approx(
        FLEISS_1971_CLASS_KAPPA, abs=5e-4)
