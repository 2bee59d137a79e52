"""Tests of an observed Poisson count O against its expectation E (SMR = 1): the ``p_value`` of smr/isr.

* ``exact``: the two-sided p-value of R's one-sample ``poisson.test(O, E)``: the probability of every
  count no more likely than O under Poisson(E) (relative tolerance 1e-7), i.e. P(X ≤ O) + P(X ≥ k) for
  O < E (k the smallest count ≥ ⌈E⌉ with P(X = k) ≤ P(X = O)·(1 + 1e-7)) and P(X ≤ j) + P(X ≥ O) for O > E
  (j the largest count ≤ ⌊E⌋ with that property); 1 at O = E.  The counts k and j are found by bisection,
  since the Poisson probabilities fall monotonically on either side of the mode.
* ``midp``: 2·min(P(X < O) + ½P(X = O), P(X > O) + ½P(X = O)), at most 1 (Rothman KJ, Boice JD (1979)
  Epidemiologic analysis with a programmable calculator, NIH Publication 79-1649; epiR ``epi.smr``'s
  ``mid.p``, which picks the tail by O < E and truncates the upper sum at 5·O).
* ``chisq``: (O − E)²/E on 1 degree of freedom (epiR ``epi.smr(method = "chi2")``; Checkoway H, Pearce N,
  Kriebel D (2004) Research Methods in Occupational Epidemiology, 2nd ed).
* ``byar``: z = √(9O')·(1 − 1/(9O') − (E/O')^(1/3)) with O' = O when O ≥ E and O + 1 when O < E,
  p = 2Φ(−|z|) (Breslow NE, Day NE (1987) Statistical Methods in Cancer Research vol II, IARC Sci Publ
  82; epiR ``epi.smr(method = "byar")``).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["SMR_TESTS", "DEFAULT_SMR_TEST", "smr_p_values"]

#: test -> label appended to the ``method`` column
SMR_TESTS = {
    "exact": "exact (R poisson.test)",
    "midp": "mid-p",
    "chisq": "chi-square",
    "byar": "Byar",
}

#: the default test of smr/isr: exact, valid at any count (R poisson.test)
DEFAULT_SMR_TEST = "exact"

#: counts above 2**53 are not whole numbers in float64: no exact or mid-p test there
_EXACT_LIMIT = 2.0**53

#: R's relative tolerance for "no more likely than the observed count"
_REL_ERR = 1.0 + 1e-7


def _smallest_at_most(threshold: np.ndarray, mean: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Smallest count k ≥ start with P(X = k) ≤ threshold (X ~ Poisson(mean), falling from start on)."""
    hi = np.maximum(start, np.ceil(2.0 * mean))
    for _ in range(64):  # doubling, as R's loop: hi with P(X = hi) <= threshold
        above = stats.poisson.pmf(hi, mean) > threshold
        if not above.any():
            break
        hi = np.where(above, 2.0 * np.maximum(hi, 1.0), hi)
    return _bisect(threshold, mean, start - 1.0, hi, falling=True)[1]


def _largest_at_most(threshold: np.ndarray, mean: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Largest count j ≤ end with P(X = j) ≤ threshold (rising up to end), -1 if none."""
    return _bisect(threshold, mean, np.full(mean.shape, -1.0), end + 1.0, falling=False)[0]


def _bisect(threshold: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
            falling: bool) -> tuple[np.ndarray, np.ndarray]:
    """Narrow (lo, hi] to neighbouring counts around where P(X = k) crosses ``threshold``: where the
    probabilities fall, a count at or below it moves ``hi`` down; where they rise, it moves ``lo`` up.  It
    stops where the midpoint would round onto an end (above 2**53 adjacent floats are more than 1 apart)."""
    while True:
        mid = np.floor((lo + hi) / 2.0)
        step = (hi - lo > 1) & (mid > lo) & (mid < hi)
        if not step.any():
            return lo, hi
        ok = stats.poisson.pmf(mid, mean) <= threshold
        low_moves = ~ok if falling else ok
        lo = np.where(step & low_moves, mid, lo)
        hi = np.where(step & ~low_moves, mid, hi)


def _exact(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Two-sided exact p-value of R ``poisson.test(o, e)`` (whole o, e > 0)."""
    threshold = stats.poisson.pmf(o, e) * _REL_ERR
    p = np.ones(o.shape)
    below, above = o < e, o > e
    if below.any():
        k = _smallest_at_most(threshold[below], e[below], np.ceil(e[below]))
        p[below] = stats.poisson.cdf(o[below], e[below]) + stats.poisson.sf(k - 1.0, e[below])
    if above.any():
        j = _largest_at_most(threshold[above], e[above], np.floor(e[above]))
        p[above] = stats.poisson.cdf(j, e[above]) + stats.poisson.sf(o[above] - 1.0, e[above])
    return np.minimum(p, 1.0)


def _midp(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    half = 0.5 * stats.poisson.pmf(o, e)
    return np.minimum(2.0 * np.minimum(stats.poisson.cdf(o - 1.0, e) + half, stats.poisson.sf(o, e) + half), 1.0)


def _chisq(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    return stats.chi2.sf((o - e) ** 2 / e, 1)


def _byar(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    o1 = np.where(o < e, o + 1.0, o)
    z = np.sqrt(9.0 * o1) * (1.0 - 1.0 / (9.0 * o1) - np.cbrt(e / o1))
    return 2.0 * special.ndtr(-np.abs(z))


_TESTS = {"exact": _exact, "midp": _midp, "chisq": _chisq, "byar": _byar}


def smr_p_values(observed: np.ndarray, expected: np.ndarray, test: str) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-value of SMR = 1 per group and a note where it is missing.

    NaN where E ≤ 0 (the ratio is undefined and already noted) and, for the exact and mid-p tests,
    where O is not a whole number (weighted counts; noted) or O or E exceeds 2**53 (noted).
    """
    o, e = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    note = np.full(o.shape, "", dtype=object)
    ok = np.isfinite(o) & np.isfinite(e) & (e > 0)
    if test in ("exact", "midp"):
        fractional = ok & (np.abs(o - np.round(o)) > 1e-9)
        note[fractional] = "observed count not a whole number (weighted?): no exact or mid-p test"
        ok &= ~fractional
        beyond = ok & ((o > _EXACT_LIMIT) | (e > _EXACT_LIMIT))
        note[beyond] = ("observed or expected count beyond 2**53, where float64 holds no whole counts: no exact "
                        "or mid-p test (test='chisq' or 'byar' gives one)")
        ok &= ~beyond
    p = np.full(o.shape, np.nan)
    if ok.any():
        p[ok] = _TESTS[test](np.round(o[ok]) if test in ("exact", "midp") else o[ok], e[ok])
    return p, note
