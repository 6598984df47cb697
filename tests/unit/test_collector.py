"""The collector's easing during bulk imports and exports: overlapping runs (threads of one
server) ease it once and restore it only when the last one ends, even when one fails."""

from __future__ import annotations

import gc

import pytest

from accord.services import collector


def test_overlapping_runs_restore_the_collector_when_the_last_ends() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    first, second = collector.eased(), collector.eased()
    first.__enter__()
    eased = gc.get_threshold()
    assert eased[0] == max(before[0], collector.YOUNG_THRESHOLD)
    assert eased[1:] == before[1:] and gc.get_freeze_count() > frozen
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == eased  # the second run is still going
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_failed_run_restores_it_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collector.eased():
        raise RuntimeError("the import stopped")
    assert gc.get_threshold() == before
