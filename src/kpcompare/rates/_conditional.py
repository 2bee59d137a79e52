"""Conditional inference for the ratio of two Poisson rates: exact, mid-p and score (issue 20).

Given x₁ events in person-time t₁ (a level) and x₂ in t₂ (the reference), the total n = x₁ + x₂ is
ancillary for the rate ratio ρ = λ₁/λ₂; conditionally on n, x₁ ~ Binomial(n, π) with
π = ρt₁/(ρt₁ + t₂), i.e. ρ = π/(1 − π) · t₂/t₁.  Limits for π transform to limits for ρ, and the test
of ρ = 1 is a binomial test of π = s = t₁/(t₁ + t₂) (Breslow NE, Day NE (1987) Statistical Methods in
Cancer Research, vol II, IARC Sci Publ 82: the comparison of two rates conditional on their total).

* ``exact``: the Clopper-Pearson limits of π and the two-sided binomial p-value that sums the
  probabilities of every outcome no more likely than x₁ (relative tolerance 1e-7), as R's two-sample
  ``poisson.test`` (it calls ``binom.test``) computes them.  Clopper CJ, Pearson ES (1934) Biometrika
  26:404-413, doi:10.1093/biomet/26.4.404.
* ``midp``: limits solving P(X > x₁; π) + ½P(X = x₁; π) = α/2 and P(X < x₁; π) + ½P(X = x₁; π) = α/2,
  p = 2 min(P(X < x₁) + ½P(X = x₁), P(X > x₁) + ½P(X = x₁)) under π = s, as epitools ``rateratio.midp``
  and ``rate2by2.test`` (column ``midp.exact``).  Rothman KJ, Greenland S, Lash TL (2008) Modern
  Epidemiology, 3rd ed, ch 14.
* ``score``: z = (x₁ − ns)/√(ns(1 − s)), two-sided normal p (epitools ``rate2by2.test``, where the column
  is labelled ``wald``; R ``prop.test(x1, n, p = s, correct = FALSE)``), and the Wilson score limits of π
  (``prop.test(x1, n, correct = FALSE)$conf.int``) transformed.  Wilson EB (1927) Probable inference, the
  law of succession, and statistical inference. JASA 22:209-212, doi:10.1080/01621459.1927.10502953.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from .._compat import find_root
from .poisson import z_value

__all__ = ["CONDITIONAL_METHODS", "conditional_ratio"]

#: method -> label written in the ``method`` column
CONDITIONAL_METHODS = {
    "exact": "rate ratio, exact conditional (binomial; R poisson.test)",
    "midp": "rate ratio, mid-p conditional (binomial; epitools rateratio.midp)",
    "score": "rate ratio, conditional score (Wilson limits; epitools rate2by2.test)",
}


def _odds(p: np.ndarray, t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """ρ = π/(1 − π) · t₂/t₁ (π = 1 gives ∞)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p >= 1.0, np.inf, p / (1.0 - p) * t2 / t1)


def _exact_limits(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson: π_L = Beta⁻¹(α/2; x, n − x + 1) (0 at x = 0), π_U = Beta⁻¹(1 − α/2; x + 1, n − x)
    (1 at x = n)."""
    with np.errstate(invalid="ignore"):
        lo = special.betaincinv(np.maximum(x, 1e-300), n - x + 1.0, alpha / 2.0)
        hi = special.betaincinv(x + 1.0, np.maximum(n - x, 1e-300), 1.0 - alpha / 2.0)
    return np.where(x <= 0, 0.0, lo), np.where(x >= n, 1.0, hi)


def _mid_tail(p: np.ndarray, x: np.ndarray, n: np.ndarray, upper: np.ndarray, target: np.ndarray) -> np.ndarray:
    """P(X > x) + ½P(X = x) (``upper``) or P(X < x) + ½P(X = x), minus ``target``, for X ~ Bin(n, p)."""
    half = 0.5 * stats.binom.pmf(x, n, p)
    return np.where(upper, stats.binom.sf(x, n, p), stats.binom.cdf(x - 1, n, p)) + half - target


def _midp_limits(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Mid-p limits of π: roots in (0, 1) of the mid-p tails at α/2 (0 at x = 0, 1 at x = n)."""
    lower, upper = np.where(x <= 0, 0.0, np.nan), np.where(x >= n, 1.0, np.nan)
    for out, is_upper_tail in ((lower, True), (upper, False)):
        solve = np.flatnonzero(np.isnan(out))
        if not solve.size:
            continue
        flag = np.full(solve.size, is_upper_tail)
        target = np.full(solve.size, alpha / 2.0)
        out[solve] = find_root(_mid_tail, np.zeros(solve.size), np.ones(solve.size),
                               args=(x[solve], n[solve], flag, target), xatol=1e-15, xrtol=1e-13)
    return lower, upper


def _wilson_limits(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of π (R ``prop.test(..., correct = FALSE)``): 0 at x = 0, 1 at x = n."""
    z = z_value(1.0 - alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z22n = z * z / (2.0 * n)
        root = z * np.sqrt(p * (1.0 - p) / n + z22n / (2.0 * n))
        lo = (p + z22n - root) / (1.0 + 2.0 * z22n)
        hi = (p + z22n + root) / (1.0 + 2.0 * z22n)
    return np.where(p <= 0, 0.0, lo), np.where(p >= 1, 1.0, hi)


_LIMITS = {"exact": _exact_limits, "midp": _midp_limits, "score": _wilson_limits}


def _p_values(x: np.ndarray, n: np.ndarray, s: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """z (score only, else NaN) and the two-sided p-value of π = s."""
    z = np.full(x.shape, np.nan)
    if method == "score":
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (x - n * s) / np.sqrt(n * s * (1.0 - s))
        return z, 2.0 * special.ndtr(-np.abs(z))
    if method == "midp":
        half = 0.5 * stats.binom.pmf(x, n, s)
        tails = np.minimum(stats.binom.cdf(x - 1, n, s) + half, stats.binom.sf(x, n, s) + half)
        return z, np.minimum(2.0 * tails, 1.0)
    p = np.array([stats.binomtest(int(k), int(m), float(q)).pvalue for k, m, q in zip(x, n, s)], dtype=float)
    return z, p


def conditional_ratio(x1: np.ndarray, t1: np.ndarray, x2: np.ndarray, t2: np.ndarray, levels: Sequence[float],
                      method: str) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Limits (one array per confidence level), z, p and a per-row note for ρ = (x₁/t₁)/(x₂/t₂).

    Rows that cannot be tested are NaN with a note: no events in either group; non-whole counts for
    the exact and mid-p methods (the score method takes them, as a normal approximation); a
    non-positive person-time.
    """
    x1, t1, x2, t2 = (np.asarray(a, dtype=float) for a in (x1, t1, x2, t2))
    n = x1 + x2
    note = np.full(x1.shape, "", dtype=object)
    whole = (np.abs(x1 - np.round(x1)) < 1e-9) & (np.abs(x2 - np.round(x2)) < 1e-9)
    ok = np.isfinite(n) & np.isfinite(t1) & np.isfinite(t2) & (t1 > 0) & (t2 > 0) & (n > 0)
    note[~ok] = "no events in either group (or no person-time): no conditional test"
    if method != "score":
        note[ok & ~whole] = "counts not whole numbers (weighted?): no exact or mid-p test"
        ok &= whole
    idx = np.flatnonzero(ok)
    xs, ns = np.round(x1[idx]) if method != "score" else x1[idx], np.round(n[idx]) if method != "score" else n[idx]
    s = t1[idx] / (t1[idx] + t2[idx])
    lowers, uppers = [], []
    for level in levels:
        lo, hi = np.full(x1.shape, np.nan), np.full(x1.shape, np.nan)
        if idx.size:
            p_lo, p_hi = _LIMITS[method](xs, ns, 1.0 - level)
            lo[idx], hi[idx] = _odds(p_lo, t1[idx], t2[idx]), _odds(p_hi, t1[idx], t2[idx])
        lowers.append(lo)
        uppers.append(hi)
    z, p = np.full(x1.shape, np.nan), np.full(x1.shape, np.nan)
    if idx.size:
        z[idx], p[idx] = _p_values(xs, ns, s, method)
    return lowers, uppers, z, p, note
