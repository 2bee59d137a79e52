"""The limits of a funnel plot: formulas only (the spec; :mod:`kpcompare.funnels.table` runs them on data).

Every function here takes float arrays already checked and returns float arrays: the control limits of
the *value* of a unit (a ratio O/E, a rate per person, a proportion), before any multiplier, at one
confidence level.  ``precision`` is the funnel's x-axis: the expected count E (ratio), the population
(rate) or the denominator n (proportion).  ``target`` is the value the funnel is centred on, per unit of
precision (1 for a ratio, events per person for a rate, a fraction for a proportion).

Three families of limits (docs/funnel.md has the formulas and the peers they are checked against):

- **exact** prediction limits, inverted from the exact test: the unit lies above the limit exactly when
  P(X ≥ O) < α/2 under the target (Poisson for ratios and rates, binomial for proportions), so a unit's
  position equals the exact test's verdict (PHE Fingertips funnels, PHEindicatormethods 2.1.0);
- **garwood**: Garwood's chi-square limits of a count equal to the expected count (FunnelPlotR 0.6.0's
  "SR" Poisson limits); **wilson**: the score limits t ± z√(t(1 − t)/n) (PHE's proportion funnels);
- the normal limits on a variance-stabilising **scale** (log, square root, arcsine) widened by the
  between-unit variance τ² of an overdispersion estimate (Spiegelhalter 2005).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..rates.poisson import poisson_limits, z_value

__all__ = ["METHODS", "SCALES", "POSITION_WITHIN", "POSITION_UNASSESSED", "level_label", "value_limits",
           "scale_limits", "positions"]

#: kind -> {method: label written in the ``method`` column}
METHODS: dict[str, dict[str, str]] = {
    "ratio": {"exact": "exact Poisson prediction limits", "garwood": "Garwood chi-square limits at E"},
    "rate": {"exact": "exact Poisson prediction limits", "garwood": "Garwood chi-square limits at the expected count"},
    "proportion": {"exact": "exact binomial prediction limits", "wilson": "Wilson score limits"},
}

#: transformation -> label (the scale of the overdispersion-adjusted limits)
SCALES = {"log": "log scale", "sqrt": "square-root scale", "arcsine": "arcsine-square-root scale"}

#: the position of a unit inside every limit drawn
POSITION_WITHIN = "within"
#: the position of a unit whose value or limits are undefined (expected 0, a DSR from fewer than 10 events)
POSITION_UNASSESSED = "not assessed"


def level_label(confidence: float) -> str:
    """``0.95`` -> ``"95%"``, ``0.998`` -> ``"99.8%"`` (the level as printed in a position label)."""
    return f"{round(confidence * 100, 10):g}%"


def _below_one(cdf, p: float, mask: np.ndarray, *args: np.ndarray) -> np.ndarray:
    """Where the count limit lies in (−1, 0) (tiny means: P(X ≤ 0) > p), solve ``cdf(k, *args) = p`` there.

    scipy's ``pdtrik``/``bdtrik`` stop at k = 0; the continuous extension goes on to k = −1 (where the CDF
    is 0), and an upper limit below 1 event is what puts a unit with 1 event at a tiny expected count
    above the funnel, as the exact test does.  Bisection, 60 halvings (to double precision).
    """
    lo, hi = np.full(int(mask.sum()), -1.0), np.zeros(int(mask.sum()))
    sub = [np.broadcast_to(a, mask.shape)[mask] for a in args]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = cdf(mid, *sub) > p
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return 0.5 * (lo + hi)


def _poisson_cdf(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(X ≤ k) for X ~ Poisson(mean), continuous in k > −1: Q(k + 1, mean)."""
    return special.gammaincc(k + 1.0, mean)


def _binomial_cdf(k: np.ndarray, n: np.ndarray, target: np.ndarray) -> np.ndarray:
    """P(X ≤ k) for X ~ Binomial(n, target), continuous in k: I₁₋ₜ(n − k, k + 1)."""
    return special.betainc(n - k, k + 1.0, 1.0 - target)


def _poisson_exact(mean: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Count limits (lo, hi): O > hi exactly when P(X ≥ O; mean) < α/2, O < lo when P(X ≤ O; mean) < α/2.

    P(X ≤ k; m) = Q(k + 1, m) (the regularised upper incomplete gamma function, continuous in k), so
    lo solves Q(lo + 1, m) = α/2 and hi − 1 solves Q(hi, m) = 1 − α/2 (scipy ``pdtrik``).
    """
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore"):
        lo = np.maximum(special.pdtrik(alpha / 2.0, mean), 0.0)
        k = special.pdtrik(1.0 - alpha / 2.0, mean)
    tiny = (mean > 0) & (np.exp(-mean) > 1.0 - alpha / 2.0)
    if tiny.any():
        k = k.copy()
        k[tiny] = _below_one(_poisson_cdf, 1.0 - alpha / 2.0, tiny, mean)
    return lo, k + 1.0


def _binomial_exact(n: np.ndarray, target: float, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_poisson_exact` for X ~ Binomial(n, target): P(X ≤ k) = I₁₋ₜ(n − k, k + 1) (``bdtrik``)."""
    alpha = 1.0 - confidence
    if target <= 0.0:
        return np.zeros_like(n), np.zeros_like(n)
    if target >= 1.0:
        return n.copy(), n.copy()
    with np.errstate(invalid="ignore"):
        lo = np.maximum(special.bdtrik(alpha / 2.0, n, target), 0.0)
        k = special.bdtrik(1.0 - alpha / 2.0, n, target)
    tiny = (n > 0) & ((1.0 - target) ** n > 1.0 - alpha / 2.0)
    if tiny.any():
        k = k.copy()
        k[tiny] = _below_one(_binomial_cdf, 1.0 - alpha / 2.0, tiny, n, np.asarray(target))
    return lo, np.minimum(k + 1.0, n)


def value_limits(kind: str, method: str, precision: np.ndarray, target: float,
                 confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Limits of the value (O/E, rate per person, proportion) at ``precision`` without overdispersion.

    Ratio and rate: the count limits of X ~ Poisson(target × precision), divided by precision.
    Proportion: the count limits of X ~ Binomial(precision, target), divided by precision (exact), or
    t ± z√(t(1 − t)/n) cut to [0, 1] (Wilson score; PHE ``sigma_adjustment``).
    """
    precision = np.asarray(precision, dtype=float)
    if kind == "proportion":
        if method == "wilson":
            half = z_value(confidence) * np.sqrt(target * (1.0 - target) / precision)
            return np.clip(target - half, 0.0, 1.0), np.clip(target + half, 0.0, 1.0)
        lo, hi = _binomial_exact(precision, target, confidence)
        return lo / precision, hi / precision
    mean = target * precision
    if method == "garwood":
        lo, hi = poisson_limits(mean, confidence, "exact")
    else:
        lo, hi = _poisson_exact(mean, confidence)
    return lo / precision, hi / precision


def transform(scale: str, value: np.ndarray | float) -> np.ndarray:
    """The variance-stabilising transformation g: log, √ or arcsin √ (value relative to target for log, √)."""
    value = np.asarray(value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "log":
            return np.log(value)
        if scale == "sqrt":
            return np.sqrt(value)
        return np.arcsin(np.sqrt(np.clip(value, 0.0, 1.0)))


def standard_error(scale: str, precision: np.ndarray, target: float) -> np.ndarray:
    """Within-unit standard error s of g(value): 1/√(tE) (log), 1/(2√(tE)) (√ of O/(tE)), 1/(2√n) (arcsine)."""
    precision = np.asarray(precision, dtype=float)
    with np.errstate(divide="ignore"):
        if scale == "log":
            return 1.0 / np.sqrt(target * precision)
        if scale == "sqrt":
            return 1.0 / (2.0 * np.sqrt(target * precision))
        return 1.0 / (2.0 * np.sqrt(precision))


def scale_limits(scale: str, precision: np.ndarray, target: float, confidence: float,
                 tau2: float) -> tuple[np.ndarray, np.ndarray]:
    """Normal limits on the transformed scale, widened by τ², back-transformed to the value.

    With z = Φ⁻¹(1 − α/2) and w = z√(s² + τ²):

    - log (SHMI): t·exp(±w);
    - sqrt (CQC, Spiegelhalter): t·(1 ± w)², the lower root cut at 0;
    - arcsine (proportions): sin²(arcsin √t ± w), the angle cut to [0, π/2].
    """
    s = standard_error(scale, precision, target)
    width = z_value(confidence) * np.sqrt(s ** 2 + tau2)
    if scale == "log":
        return target * np.exp(-width), target * np.exp(width)
    if scale == "sqrt":
        return target * np.maximum(1.0 - width, 0.0) ** 2, target * (1.0 + width) ** 2
    centre = float(transform("arcsine", target))
    return (np.sin(np.clip(centre - width, 0.0, np.pi / 2)) ** 2,
            np.sin(np.clip(centre + width, 0.0, np.pi / 2)) ** 2)


def positions(value: np.ndarray, lower: list[np.ndarray], upper: list[np.ndarray],
              levels: list[float]) -> np.ndarray:
    """Each unit's position: ``above 99.8%`` (above the widest upper limit it exceeds) ... ``within``.

    A unit is above a level's limit when its value exceeds the upper limit (strictly; on the limit is
    within), below when it is under the lower limit.  The label names the highest level crossed.  A unit
    whose value or limits are undefined is ``not assessed``.
    """
    value = np.asarray(value, dtype=float)
    out = np.full(value.shape, POSITION_WITHIN, dtype=object)
    for k in np.argsort(levels):  # lowest level first, so the highest crossed wins
        label = level_label(levels[k])
        with np.errstate(invalid="ignore"):
            out = np.where(value > upper[k], f"above {label}", out)
            out = np.where(value < lower[k], f"below {label}", out)
    undefined = ~np.isfinite(value)
    for lo, hi in zip(lower, upper):
        undefined |= np.isnan(lo) | np.isnan(hi)
    out[undefined] = POSITION_UNASSESSED
    return out
