"""Confidence limits for a Poisson count, and the gamma-quantile solver they share.

Every interval for a count or a rate in kpcompare comes from here: crude rates,
the total count of the Dobson DSR, SMR/ISR limits.  The kernels take float
arrays and one confidence level and are fully vectorised (no Python loop over
counts); mid-p limits are solved on whole arrays at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import special

from .._checks import check_choice, check_confidence
from .._compat import find_root
from ..errors import InvalidArgumentError, InvalidValueError, row_problem

__all__ = ["poisson_ci", "POISSON_METHODS"]

#: method name -> label written in the ``method`` column of results
POISSON_METHODS: dict[str, str] = {
    "exact": "exact (Garwood)",
    "byar": "Byar",
    "midp": "mid-p",
    "normal": "normal",
    "lognormal": "log-normal",
    "auto": "exact (Garwood) below 10, Byar from 10",
    "ury-wiggins": "Ury-Wiggins",
    "vandenbroucke": "Vandenbroucke (square root)",
    "anscombe": "Anscombe (square root, survival cipoisson)",
}

#: Ury & Wiggins' constants (c_lower, c_upper) for the confidence levels they published (as epiR ``epi.smr``)
URY_WIGGINS = {0.90: (0.65, 1.65), 0.95: (1.0, 2.0), 0.99: (2.0, 3.0)}

#: below this count ``auto`` uses exact limits, from it Byar's (PHE / Fingertips convention)
AUTO_BYAR_FROM = 10


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile ``Φ⁻¹(1 − α/2)`` for ``α = 1 − confidence``."""
    return float(special.ndtri(1.0 - (1.0 - confidence) / 2.0))


# --------------------------------------------------------------------------- gamma helpers
def gamma_cdf(q: np.ndarray, shape: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """CDF of Gamma(shape, scale) at ``q``; shape 0 is a point mass at 0 (CDF 1 for q ≥ 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.maximum(q, 0.0) / scale
        out = special.gammainc(np.where(shape > 0, shape, 1.0), x)
    return np.where(shape > 0, out, 1.0)


def gamma_quantile(p: float | np.ndarray, shape: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Quantile of Gamma(shape, scale); shape 0 (a point mass at 0) gives 0."""
    shape = np.asarray(shape, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * special.gammaincinv(np.where(shape > 0, shape, 1.0), p)
    return np.where(shape > 0, out, 0.0)


def _wilson_hilferty(p: float, shape: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Wilson-Hilferty approximation of the Gamma(shape, scale) ``p`` quantile (a starting value only)."""
    c = 1.0 / (9.0 * shape)
    return scale * shape * np.maximum(1.0 - c + special.ndtri(p) * np.sqrt(c), 1e-3) ** 3


def _mixture_newton(p: float, a1: np.ndarray, s1: np.ndarray, a2: np.ndarray, s2: np.ndarray,
                    iterations: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Safeguarded Newton steps on ``½F₁(q) + ½F₂(q) = p``; returns the roots and which converged.

    Starts from the mean of the two Wilson-Hilferty quantiles and keeps a bracket
    (a step leaving it bisects); converged means a relative step below 1e-13.
    """
    q = 0.5 * (_wilson_hilferty(p, a1, s1) + _wilson_hilferty(p, a2, s2))
    lo, hi = np.zeros_like(q), np.full_like(q, np.inf)
    done = np.zeros(q.shape, dtype=bool)
    lg1, lg2 = special.gammaln(a1), special.gammaln(a2)
    for _ in range(iterations):
        act = np.flatnonzero(~done)
        if not act.size:
            break
        qa = q[act]
        with np.errstate(over="ignore"):
            x1, x2 = qa / s1[act], qa / s2[act]
        F = 0.5 * (special.gammainc(a1[act], x1) + special.gammainc(a2[act], x2)) - p
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            dens = 0.5 * (np.exp((a1[act] - 1.0) * np.log(x1) - x1 - lg1[act]) / s1[act]
                          + np.exp((a2[act] - 1.0) * np.log(x2) - x2 - lg2[act]) / s2[act])
            step = qa - F / dens
        lo[act] = np.where(F < 0, qa, lo[act])
        hi[act] = np.where(F > 0, qa, hi[act])
        converged = (F == 0) | (np.isfinite(step) & (np.abs(step - qa) <= 1e-13 * qa))
        inside = np.isfinite(step) & (step > lo[act]) & (step < hi[act])
        with np.errstate(over="ignore"):
            fallback = np.where(np.isfinite(hi[act]), 0.5 * (lo[act] + hi[act]), 2.0 * qa)
        q[act] = np.where(F == 0, qa, np.where(converged | inside, step, fallback))
        done[act] = converged
    return q, done


def gamma_mixture_quantile(p: float, shape1: np.ndarray, scale1: np.ndarray,
                           shape2: np.ndarray, scale2: np.ndarray) -> np.ndarray:
    """Quantile ``q`` of the equal mixture ½·Gamma(shape1, scale1) + ½·Gamma(shape2, scale2).

    Solves ``½F₁(q) + ½F₂(q) = p`` elementwise: safeguarded Newton steps from a
    Wilson-Hilferty start (a few vectorised iterations), and for any element
    not converged after them, Chandrupatla's bracketing method
    (:func:`scipy.optimize.elementwise.find_root`; with scipy < 1.15 bisection to the
    same tolerance, ``kpcompare._compat.find_root``) between the two component
    quantiles, which bracket the root.  A first component with shape 0 is a
    point mass at 0, solved in closed form.  Used for mid-p Poisson limits
    (mixture of Gamma(O) and Gamma(O+1)) and Fay & Kim's mid-p gamma DSR interval.
    """
    shape1, scale1, shape2, scale2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (shape1, scale1, shape2, scale2)))
    out = np.full(shape1.shape, np.nan)
    point1 = shape1 <= 0
    # point mass at 0 for the first component: CDF at 0 is ½, so q = 0 when p ≤ ½
    if p <= 0.5:
        out[point1] = 0.0
    else:
        out[point1] = gamma_quantile(2.0 * p - 1.0, shape2[point1], scale2[point1])
    valid = ~point1 & (shape2 > 0) & np.isfinite(shape1) & np.isfinite(shape2) & (scale1 > 0) & (scale2 > 0)
    idx = np.flatnonzero(valid)
    if not idx.size:
        return out
    a1, s1, a2, s2 = shape1.flat[idx], scale1.flat[idx], shape2.flat[idx], scale2.flat[idx]
    q, done = _mixture_newton(p, a1, s1, a2, s2)
    out.flat[idx[done]] = q[done]
    rest = ~done
    if rest.any():
        a1, s1, a2, s2 = a1[rest], s1[rest], a2[rest], s2[rest]
        q1, q2 = gamma_quantile(p, a1, s1), gamma_quantile(p, a2, s2)
        lo, hi = np.minimum(q1, q2), np.maximum(q1, q2)
        same = hi - lo <= 1e-15 * np.maximum(hi, 1e-300)
        sol = np.where(same, lo, np.nan)
        solve = ~same & np.isfinite(lo) & np.isfinite(hi)
        if solve.any():
            def f(x: np.ndarray, a1: np.ndarray, s1: np.ndarray, a2: np.ndarray, s2: np.ndarray) -> np.ndarray:
                return 0.5 * (special.gammainc(a1, x / s1) + special.gammainc(a2, x / s2)) - p

            sol[solve] = find_root(f, lo[solve], hi[solve], args=(a1[solve], s1[solve], a2[solve], s2[solve]),
                                   xrtol=1e-14, xatol=0.0)
        out.flat[idx[rest]] = sol
    return out


# --------------------------------------------------------------------------- kernels
def _exact(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Garwood (1936): L = χ²⁻¹(α/2; 2O)/2 (0 at O = 0), U = χ²⁻¹(1 − α/2; 2O + 2)/2."""
    lower = gamma_quantile(alpha / 2.0, count, np.ones_like(count))
    upper = special.gammaincinv(count + 1.0, 1.0 - alpha / 2.0)
    return lower, upper


def _byar(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar (Breslow & Day 1987 p 69); a negative lower limit (tiny O, high confidence) is set to 0."""
    z = z_value(1.0 - alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = count * (1.0 - 1.0 / (9.0 * count) - z / (3.0 * np.sqrt(count))) ** 3
    lower = np.where(count > 0, np.maximum(lower, 0.0), 0.0)
    o1 = count + 1.0
    upper = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * np.sqrt(o1))) ** 3
    return lower, upper


def _midp(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Mid-p (Rothman & Boice 1979).

    ``P(X > O; L) + ½P(X = O; L) = α/2`` and ``P(X < O; U) + ½P(X = O; U) = α/2``.
    Since ``P(X ≥ O; λ)`` is the Gamma(O, 1) CDF at λ, both limits are quantiles of
    the mixture ½·Gamma(O) + ½·Gamma(O + 1) (at α/2 and 1 − α/2), which is also the
    continuous extension used for weighted (non-integer) counts.
    """
    unique, inverse = np.unique(count.reshape(-1), return_inverse=True)  # solve each distinct count once
    one = np.ones_like(unique)
    lower = gamma_mixture_quantile(alpha / 2.0, unique, one, unique + 1.0, one)
    upper = gamma_mixture_quantile(1.0 - alpha / 2.0, unique, one, unique + 1.0, one)
    return lower[inverse].reshape(count.shape), upper[inverse].reshape(count.shape)


def _normal(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """O ± z√O (the Wald interval, not truncated: as epitools ``pois.approx`` and the DSR ``normal`` method)."""
    half = z_value(1.0 - alpha) * np.sqrt(count)
    return count - half, count + half


def _lognormal(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """O·exp(±z/√O); undefined at O = 0 (lower 0, upper NaN)."""
    z = z_value(1.0 - alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.exp(z / np.sqrt(count))
        lower = np.where(count > 0, count / factor, 0.0)
        upper = np.where(count > 0, count * factor, np.nan)
    return lower, upper


def _auto(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact below 10 events, Byar from 10 (PHE / Fingertips)."""
    el, eu = _exact(count, alpha)
    bl, bu = _byar(count, alpha)
    use_byar = count >= AUTO_BYAR_FROM
    return np.where(use_byar, bl, el), np.where(use_byar, bu, eu)


def _ury_wiggins(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Ury & Wiggins (1985): O − z√O + c_L, O + z√O + c_U at 90%, 95% and 99% only; lower 0 at O = 0."""
    constants = [c for level, c in URY_WIGGINS.items() if abs(level - (1.0 - alpha)) < 1e-9]
    if not constants:
        raise InvalidArgumentError(
            f"argument 'confidence': method 'ury-wiggins' is defined at confidence 0.9, 0.95 and 0.99 only "
            f"(Ury & Wiggins 1985), not {1.0 - alpha:g}.")
    (c_lower, c_upper), half = constants[0], z_value(1.0 - alpha) * np.sqrt(count)
    return np.where(count > 0, count - half + c_lower, 0.0), count + half + c_upper


def _square_root(count: np.ndarray, alpha: float, low_shift: float, high_shift: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(√(O + low_shift) − z/2)², (√(O + high_shift) + z/2)²: Wald limits on a square-root scale (variance ¼).

    The lower limit is 0 where the root is ≤ z/2 or undefined (O + low_shift < 0): the square of a negative
    root is not a limit (it would grow with the confidence level).
    """
    half = z_value(1.0 - alpha) / 2.0
    with np.errstate(invalid="ignore"):
        root = np.sqrt(count + low_shift)
    lower = np.where(root > half, (root - half) ** 2, 0.0)
    return lower, (np.sqrt(count + high_shift) + half) ** 2


def _vandenbroucke(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Vandenbroucke (1982), as epiR ``epi.smr``: (√O ∓ z/2)²."""
    return _square_root(count, alpha, 0.0, 0.0)


def _anscombe(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Anscombe's √(O + 3/8) with a continuity correction of ½, as R survival ``cipoisson``:
    (√(O − 1/8) − z/2)², (√(O + 7/8) + z/2)²."""
    return _square_root(count, alpha, -0.125, 0.875)


_KERNELS = {"exact": _exact, "byar": _byar, "midp": _midp, "normal": _normal,
            "lognormal": _lognormal, "auto": _auto, "ury-wiggins": _ury_wiggins,
            "vandenbroucke": _vandenbroucke, "anscombe": _anscombe}


def poisson_limits(count: np.ndarray, confidence: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Internal: limits for float ``count`` (already validated) at one confidence level."""
    return _KERNELS[method](np.asarray(count, dtype=float), 1.0 - confidence)


def scaled_limits(count: np.ndarray, levels: Sequence[float], method: str, factor: np.ndarray
                  ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Poisson limits of ``count`` at each confidence level, times ``factor`` (e.g. multiplier / population)."""
    limits = [poisson_limits(count, level, method) for level in levels]
    return [lo * factor for lo, _ in limits], [hi * factor for _, hi in limits]


def method_labels(count: np.ndarray, method: str) -> np.ndarray:
    """Per-row label of the Poisson method actually used (``auto`` resolves per count)."""
    count = np.asarray(count, dtype=float)
    if method == "auto":
        return np.where(count >= AUTO_BYAR_FROM, POISSON_METHODS["byar"], POISSON_METHODS["exact"]).astype(object)
    return np.full(count.shape, POISSON_METHODS[method], dtype=object)


def undefined_notes(count: np.ndarray, method: str) -> np.ndarray:
    """Per-row note where the chosen limits are undefined (log-normal at a count of 0)."""
    note = np.full(np.shape(count), "", dtype=object)
    if method == "lognormal":
        note[np.asarray(count) <= 0] = "log-normal limits undefined at 0 events"
    return note


def check_count_array(count: Any, *, argument: str = "count") -> np.ndarray:
    """Return ``count`` as a float array, refusing missing, negative or infinite values."""
    try:
        arr = np.asarray(count, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"argument {argument!r}: expected numbers, got {count!r}.") from None
    flat = arr.reshape(-1)
    for rule, mask in (("no missing values", np.isnan(flat)),
                       ("non-negative and finite", ~np.isnan(flat) & ((flat < 0) | np.isinf(flat)))):
        n = int(mask.sum())
        if n:
            raise row_problem(argument, rule, n, flat[mask][0].item(), cls=InvalidValueError)
    return arr


def poisson_ci(count: Any, *, confidence: float = 0.95,
               method: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits for the mean of a Poisson count.

    Parameters
    ----------
    count : array_like
        Observed count(s) O ≥ 0.  Non-integer values (weighted counts) are
        accepted and use the continuous extension of each formula (the gamma
        distribution in place of the Poisson); they are approximate.
    confidence : float, default 0.95
        Two-sided confidence level, strictly between 0 and 1.
    method : {"exact", "byar", "midp", "normal", "lognormal", "auto", "ury-wiggins", "vandenbroucke", \
"anscombe"}, default "exact"
        ``auto`` is exact below 10 and Byar from 10, as PHE / Fingertips.

    Returns
    -------
    lower, upper : numpy.ndarray
        Float arrays with the shape of ``count``.

    Raises
    ------
    kpcompare.errors.InvalidValueError
        A count is missing, negative or infinite.
    kpcompare.errors.InvalidArgumentError
        ``confidence`` not strictly between 0 and 1 (or a sequence); ``ury-wiggins`` not at 0.9/0.95/0.99.
    kpcompare.errors.UnknownNameError
        Unknown ``method``.

    Notes
    -----
    With α = 1 − confidence and z = Φ⁻¹(1 − α/2):

    * exact (Garwood 1936): L = χ²⁻¹(α/2; 2O)/2 (L = 0 at O = 0),
      U = χ²⁻¹(1 − α/2; 2O + 2)/2.
    * byar (Breslow & Day 1987, p 69): L = O(1 − 1/(9O) − z/(3√O))³,
      U = (O + 1)(1 − 1/(9(O + 1)) + z/(3√(O + 1)))³.  A negative L (only for
      O = 1 or 2 at confidence ≥ 99.8%) is set to 0; PHE returns NA there.
    * midp (Rothman & Boice 1979): P(X > O; L) + ½P(X = O; L) = α/2 and
      P(X < O; U) + ½P(X = O; U) = α/2, i.e. the α/2 and 1 − α/2 quantiles of
      ½Γ(O, 1) + ½Γ(O + 1, 1); at O = 0, L = 0 and U = −ln α.
    * normal: O ± z√O (the Wald interval; not truncated, so the lower limit
      is negative when O < z², as epitools ``pois.approx``).  lognormal:
      O·exp(±z/√O), undefined at O = 0 (lower 0, upper NaN).
    * ury-wiggins: O ∓ z√O + (c₁, c₂), published at 90/95/99% only; vandenbroucke:
      (√O ∓ z/2)²; anscombe: (√(O − 1/8) − z/2)², (√(O + 7/8) + z/2)² (R survival
      ``cipoisson``); lower limit 0 where a root is ≤ z/2.  Definitions, constants
      and departures from the peers: docs/methods.md#shortcut-poisson-limits.

    References
    ----------
    Garwood F (1936) Fiducial limits for the Poisson distribution. Biometrika
    28:437-442. doi:10.1093/biomet/28.3-4.437.  Breslow NE, Day NE (1987)
    Statistical Methods in Cancer Research, vol II. IARC Sci Publ 82.  Rothman KJ,
    Boice JD (1979) NIH Publication 79-1649.  Ury HK, Wiggins AD (1985) Am J
    Epidemiol 122:197-198.  Vandenbroucke JP (1982) Am J Epidemiol 115:303-304,
    doi:10.1093/oxfordjournals.aje.a113306.  Anscombe FJ (1948) Biometrika
    35:246-254, doi:10.1093/biomet/35.3-4.246.

    Validated against: PHEindicatormethods 2.1.0 Byar limits (testdata_Byars_Wilson)
    and funnel-plot ratio limits; R ``poisson.test`` (exact); mid-p through
    dsrTest 1.0.0's Dobson mid-p interval (7 significant digits); normal
    against SAS PROC STDRATE's stratum normal limits (4 dp, incl. O = 0);
    log-normal through the one-stratum identity with dsrTest's asymptotic log
    interval (no printed Poisson log-normal vector exists in the reference set);
    Ury-Wiggins and Vandenbroucke against epiR 2.0.57 ``epi.smr``, Anscombe
    against R survival 3.5-3 ``cipoisson`` (tests/rates/test_rates_poisson_shortcuts.py).

    Examples
    --------
    >>> lower, upper = poisson_ci([0, 65], method="auto")
    """
    levels = check_confidence(confidence)
    if len(levels) != 1 or not np.isscalar(confidence):
        raise InvalidArgumentError(
            "argument 'confidence': poisson_ci takes one level; call it once per level.")
    check_choice(method, _KERNELS, argument="method")
    arr = check_count_array(count)
    return poisson_limits(arr, levels[0], method)


def confidence_levels(confidence: float | Sequence[float]) -> list[float]:
    """Validated list of confidence levels (re-exported for the rate functions)."""
    return check_confidence(confidence)
