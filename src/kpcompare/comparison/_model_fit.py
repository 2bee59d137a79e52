"""The estimation behind :func:`kpcompare.rate_model`: design matrix, one statsmodels fit, its covariance.

Kept apart from the public function (which checks input, joins strata and lays out rows) so that
every number the model reports - a system's ratio, a contrast between two systems, an adjustment
coefficient - comes from one fitted coefficient vector and its covariance matrix.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["ModelFit", "design", "drop_aliased", "estimate", "nb_alpha_se", "ALPHA_BOUNDARY"]

#: NB2 alpha below this is reported as the boundary 0 (the Poisson model)
ALPHA_BOUNDARY = 1e-6


@dataclass
class ModelFit:
    """One fitted model: coefficient names and values, their covariance, the NB2 alpha and its SE.

    ``cov`` is already scaled by the Pearson dispersion for the quasi-Poisson fit (all NaN when that
    dispersion is not estimable); ``mu`` and ``var`` are the fitted means and variances.
    """

    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    alpha: float
    alpha_se: float
    mu: np.ndarray
    var: np.ndarray
    messages: list[str]

    def contrast(self, plus: str | None, minus: str | None) -> tuple[float, float]:
        """Estimate and SE of ``b[plus] - b[minus]`` (``None`` = the reference, coefficient 0).

        Delta method on the fitted covariance: ``se = sqrt(c' V c)`` with ``c`` the contrast vector.
        """
        c = np.zeros(len(self.names))
        if plus is not None:
            c[self.names.index(plus)] += 1.0
        if minus is not None:
            c[self.names.index(minus)] -= 1.0
        with np.errstate(invalid="ignore"):
            var = float(c @ self.cov @ c)
        return float(c @ self.params), float(np.sqrt(var)) if var >= 0 else float("nan")


def design(sub: pd.DataFrame, keys: list[str], systems: list[Any], reference: Any) -> tuple[np.ndarray, list[str]]:
    """Intercept, system dummies (treatment against reference), dummies of each adjust column.

    A column's first level in data order is its baseline; the names are ``system[B]``, ``age_band[75+]``.
    """
    cols = [np.ones(len(sub))]
    names = ["Intercept"]
    sys_values = sub["system"].to_numpy()
    for s in systems:
        if s != reference:
            cols.append((sys_values == s).astype(float))
            names.append(f"system[{s}]")
    for k in keys:
        values = sub[k].to_numpy()
        for lv in list(dict.fromkeys(values))[1:]:
            cols.append((values == lv).astype(float))
            names.append(f"{k}[{lv}]")
    return np.column_stack(cols), names


def drop_aliased(X: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Drop columns that are constant zero (a level absent after filtering) so the fit is identifiable."""
    keep = [j for j in range(X.shape[1]) if j == 0 or X[:, j].any()]
    return X[:, keep], [names[j] for j in keep]


def nb_alpha_se(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    """Standard error of the NB2 alpha as R's ``MASS::glm.nb`` reports it for theta = 1/alpha.

    ``MASS::theta.ml`` takes SE(theta) = I(theta)^(-1/2) with the observed information of theta at the
    fitted means, ``I = sum(-trigamma(theta + y) + trigamma(theta) - 1/theta + 2/(mu + theta)
    - (y + theta)/(mu + theta)^2)``; the delta method gives SE(alpha) = SE(theta)/theta^2 (Venables WN,
    Ripley BD, Modern Applied Statistics with S, 4th ed, 2002, section 7.4,
    doi:10.1007/978-0-387-21706-2).  NaN when alpha is 0 (theta infinite) or the information is not positive.
    """
    if not np.isfinite(alpha) or alpha <= 0:
        return float("nan")
    th = 1.0 / alpha
    info = float(np.sum(-special.polygamma(1, th + y) + special.polygamma(1, th) - 1.0 / th
                        + 2.0 / (mu + th) - (y + th) / (mu + th) ** 2))
    if not np.isfinite(info) or info <= 0:
        return float("nan")
    return float(th ** -2 / np.sqrt(info))


def _poisson(y: np.ndarray, X: np.ndarray, offset: np.ndarray, *, scale: str | None):
    """Poisson GLM by IRLS at scale 1; quasi-Poisson scales the covariance by X2/df afterwards.

    (statsmodels' ``fit(scale="X2")`` tests convergence on deviance / running scale, which is infinite
    when the model fits exactly or is saturated, and stops after one iteration: issue 20.)
    """
    import statsmodels.api as sm

    res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
    params, cov, mu = np.asarray(res.params), np.asarray(res.cov_params()), np.asarray(res.fittedvalues)
    if scale:
        df_resid = len(y) - X.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = float(np.sum((y - mu) ** 2 / mu)) / df_resid if df_resid > 0 else np.nan
        cov = cov * phi
    return params, cov, mu


def _negbin(y: np.ndarray, X: np.ndarray, offset: np.ndarray):
    """NB2 by maximum likelihood (statsmodels ``NegativeBinomial``); at alpha ~ 0 the Poisson fit."""
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    model = NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
    res = model.fit(method="bfgs", maxiter=2000, disp=0)
    if not res.mle_retvals.get("converged", True):
        res = model.fit(start_params=res.params, method="nm", maxiter=20000, disp=0)
        res = model.fit(start_params=res.params, method="bfgs", maxiter=2000, disp=0)
    alpha = float(np.asarray(res.params)[-1])
    if alpha < ALPHA_BOUNDARY:  # maximum on the boundary alpha = 0: the Poisson MLE
        res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
        return np.asarray(res.params), np.asarray(res.cov_params()), 0.0
    try:
        cov = np.asarray(res.cov_params())[:-1, :-1]
    except ValueError:  # no Hessian (statsmodels could not invert it): standard errors not available
        cov = np.full((X.shape[1], X.shape[1]), np.nan)
    return np.asarray(res.params)[:-1], cov, alpha


def estimate(y: np.ndarray, X: np.ndarray, names: list[str], offset: np.ndarray, *, family: str,
             scale: str | None) -> ModelFit:
    """Fit one model with statsmodels and return its :class:`ModelFit` (warnings collected as messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if family == "poisson":
            params, cov, mu = _poisson(y, X, offset, scale=scale)
            alpha, alpha_se, var = float("nan"), float("nan"), mu
        else:
            params, cov, alpha = _negbin(y, X, offset)
            mu = np.exp(X @ params + offset)
            var = mu + alpha * mu ** 2
            alpha_se = nb_alpha_se(y, mu, alpha)
    messages = sorted({str(w.message).splitlines()[0] for w in caught})
    return ModelFit(names=names, params=params, cov=cov, alpha=alpha, alpha_se=alpha_se, mu=mu, var=var,
                    messages=messages)
