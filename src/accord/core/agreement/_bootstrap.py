"""Percentile bootstrap intervals over units, vectorised through unit profiles.

Resampling n units with replacement and counting how often each distinct profile (a unit's
count row, or a pair of codes) was drawn is the same as drawing those profile counts from a
multinomial distribution with the profiles' frequencies as probabilities, so a batch of
resamples is one `rng.multinomial` call and one matrix product with the profiles' features;
memory is bounded by the batch (resamples × profiles). The units resampled are those the
coefficient is computed on: pairable units for alpha and percent agreement, labelled units
for Fleiss' kappa and Gwet's AC1 (whose chance term uses every labelled unit), the units
both labelled for the two-annotator coefficients.

>>> from accord.core.agreement._statistics import percent_statistic
>>> rows, frequency = np.array([[2, 0], [1, 1]]), np.array([3, 1])
>>> percentile_interval(percent_statistic(), rows, frequency, 0.9, 200, 0).level
0.9
"""

from __future__ import annotations

import numpy as np

from accord.core.agreement._statistics import Statistic, totals
from accord.core.agreement.results import ConfidenceInterval
from accord.core.errors import InputError

_BATCH_CELLS = 1 << 23  # resamples × profiles drawn at once
_MULTINOMIAL_PROFILES = 4096  # beyond, resamples are drawn as unit indices


def check_interval_options(confidence: float | None, resamples: int,
                           seed: int | None) -> None:
    if confidence is None:
        return
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InputError(f"seed must be a non-negative integer or None; got {seed!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
            0.0 < confidence < 1.0):
        raise InputError(f"confidence must be a level between 0 and 1, e.g. 0.95; got "
                         f"{confidence!r}")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 2:
        raise InputError(f"resamples must be an integer of at least 2; got {resamples!r}")


def percentile_interval(statistic: Statistic, rows: np.ndarray, frequency: np.ndarray,
                        level: float, resamples: int, seed: int | None
                        ) -> ConfidenceInterval:
    """The percentile interval of `statistic` over `resamples` bootstrap resamples of the
    units, given as distinct profile `rows` and their `frequency`."""
    rng = np.random.default_rng(seed)
    n = int(frequency.sum())
    batch = max(1, min(resamples, _BATCH_CELLS // max(1, rows.shape[0])))
    values = []
    for start in range(0, resamples, batch):
        drawn = _draw(rng, frequency, n, min(batch, resamples - start))
        values.append(statistic.coefficient(totals(statistic, rows, drawn))[0])
    every = np.concatenate(values)
    defined = every[~np.isnan(every)]
    undefined = int(every.size - defined.size)
    if defined.size == 0:
        return ConfidenceInterval(None, None, float(level), resamples, undefined)
    low, high = np.quantile(defined, [(1.0 - level) / 2, (1.0 + level) / 2])
    return ConfidenceInterval(float(low), float(high), float(level), resamples, undefined)


def _draw(rng: np.random.Generator, frequency: np.ndarray, n: int, size: int) -> np.ndarray:
    """(size, P) float: how often each profile is drawn in each of `size` resamples of n
    units. Few profiles: multinomial draws; many (e.g. every unit its own, as with
    measurements): n unit indices per resample, counted per profile, which is cheaper."""
    if frequency.size <= _MULTINOMIAL_PROFILES:
        return rng.multinomial(n, frequency / n, size=size).astype(float)
    owner = None if np.all(frequency == 1) else np.repeat(np.arange(frequency.size), frequency)
    drawn = np.empty((size, frequency.size))
    for i in range(size):
        units = rng.integers(0, n, n)
        drawn[i] = np.bincount(units if owner is None else owner[units],
                               minlength=frequency.size)
    return drawn
