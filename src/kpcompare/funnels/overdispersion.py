"""Overdispersion of a funnel: z-scores, trimming, the dispersion ratio φ and the between-unit variance τ².

Three methods (docs/funnel.md):

- ``"shmi"``: NHS Digital's SHMI method: z = √(tE)·log(O/(tE)) (log scale), the units in the lowest and
  highest 10% of z left out (truncation: rank r of n, group ⌊10r/(n + 1)⌋, groups 0 and 9 dropped),
  expected counts rounded to 2 dp first as NHS Digital publishes them (``"shmi-unrounded"``: not rounded);
- ``"cqc"``: the Care Quality Commission's: z on the square-root scale, z-scores winsorised at their
  10th and 90th centiles (R ``quantile`` type 7);
- ``"spiegelhalter"``: Spiegelhalter's additive random-effects model on the variance-stabilising scale of
  the kind (square root for ratios and rates, arcsine square root for proportions), winsorised 10%.

Then, over the n z-scores kept, φ = Σz²/n and, with weights w = 1/s²,
τ² = max(0, (nφ − (n − 1)) / (Σw − Σw²/Σw)), and τ² = 0 when nφ < n − 1: FunnelPlotR 0.6.0's
``phi_func``/``tau_func``, NHS Digital's SHMI methodology, Spiegelhalter (2005) Stat Med 24:1185-1202,
doi:10.1002/sim.1970 (the DerSimonian-Laird moment estimator).  Overdispersion is *detected* when τ² > 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .limits import standard_error, transform

__all__ = ["OVERDISPERSION", "TRIM", "Dispersion", "scale_of", "z_scores", "truncated", "winsorised",
           "estimate"]

#: method -> label written in the ``method`` column and the note
OVERDISPERSION: dict[str, str] = {
    "shmi": "SHMI (log scale, 10% truncation, expected rounded to 2 dp)",
    "shmi-unrounded": "SHMI (log scale, 10% truncation)",
    "cqc": "CQC (square-root scale, 10% winsorisation)",
    "spiegelhalter": "Spiegelhalter additive random effects (10% winsorisation)",
}

#: the fraction trimmed (truncated or winsorised) at each end
TRIM = 0.1


@dataclass(frozen=True)
class Dispersion:
    """An overdispersion estimate: method code, scale, φ, τ², units used, and the sentence for ``note``."""

    method: str
    scale: str
    phi: float
    tau2: float
    n_used: int
    note: str

    @property
    def detected(self) -> bool:
        return self.tau2 > 0


def scale_of(method: str, kind: str) -> str:
    """The transformation of ``method`` for ``kind``: log (SHMI), square root, or arcsine (proportions)."""
    if method.startswith("shmi"):
        return "log"
    return "arcsine" if kind == "proportion" else "sqrt"


def z_scores(scale: str, observed: np.ndarray, precision: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Unadjusted z-scores (g(value) − g(target))/s and the standard errors s.

    log: √(tE)·log(O/(tE)); sqrt: (√(O/(tE)) − 1)·2√(tE); arcsine: (arcsin √p − arcsin √t)·2√n.
    """
    s = standard_error(scale, precision, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "arcsine":
            y = transform(scale, observed / precision) - transform(scale, target)
        else:
            y = transform(scale, observed / (target * precision)) - (0.0 if scale == "log" else 1.0)
        return y / s, s


def truncated(z: np.ndarray, fraction: float = TRIM) -> np.ndarray:
    """Mask of the z-scores kept by SHMI truncation (ranks with ties averaged, R ``rank``)."""
    k = round(1.0 / fraction)
    group = np.floor(stats.rankdata(z, method="average") * k / (len(z) + 1))
    return (group > 0) & (group < k - 1)


def winsorised(z: np.ndarray, fraction: float = TRIM) -> np.ndarray:
    """z-scores pulled in to their ``fraction`` and 1 − ``fraction`` quantiles (R ``quantile`` type 7)."""
    low, high = np.quantile(z, [fraction, 1.0 - fraction])
    return np.clip(z, low, high)


def _tau2(n: int, phi: float, s: np.ndarray) -> float:
    """DerSimonian-Laird τ² (FunnelPlotR ``tau_func``): 0 when nφ < n − 1."""
    if n < 2 or n * phi < n - 1:
        return 0.0
    w = 1.0 / s ** 2
    return max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))


def estimate(method: str, kind: str, observed: np.ndarray, precision: np.ndarray, target: float) -> Dispersion:
    """φ and τ² of the units (``precision`` > 0 only; the caller leaves the others out and says so)."""
    scale = scale_of(method, kind)
    z, s = z_scores(scale, observed, precision, target)
    finite = np.isfinite(z)
    skipped = int((~finite).sum())
    z, s = z[finite], s[finite]
    if scale == "log":
        keep = truncated(z) if len(z) else np.zeros(0, dtype=bool)
        z, s = z[keep], s[keep]
        trimmed = f"{int((~keep).sum())} truncated"
        if len(keep) < 10:
            trimmed += "; fewer than 10 units, so truncation leaves out few or none"
    else:
        z = winsorised(z) if len(z) else z
        trimmed = "winsorised"
    n = len(z)
    phi = float(np.mean(z ** 2)) if n else float("nan")
    tau2 = _tau2(n, phi, s) if n else 0.0
    words = [f"{OVERDISPERSION[method]}: phi = {phi:.4g}, tau2 = {tau2:.4g} from {n} units ({trimmed})"]
    if skipped:
        words.append(f"{skipped} unit(s) with 0 observed left out of phi (log of 0)")
    if n < 2:
        words.append("fewer than 2 units: overdispersion not estimable, tau2 = 0")
    words.append("overdispersion detected: limits widened by tau2" if tau2 > 0
                 else "no overdispersion detected: tau2 = 0")
    return Dispersion(method, scale, phi, tau2, n, "; ".join(words))
