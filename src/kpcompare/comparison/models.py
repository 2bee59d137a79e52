"""Rate models: Poisson and negative-binomial regression of admissions or bed days between systems.

:func:`rate_model` fits, per cause (or once over all rows), the log-linear model

    log E[y_sas] = log(population_sas) + beta_0 + beta_system + gamma_age + delta_sex

and reports exp(beta_system), the incidence rate ratio of each system to the
reference system adjusted for age band and sex, with a Wald interval and an
overdispersion statistic.  It is a check on the standardised ratios of
:func:`kpcompare.compare`; ``docs/models.md`` explains when the two disagree.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._checks import (
    as_list,
    as_pandas,
    check_choice,
    check_confidence,
    check_keys,
    check_level,
    check_measure,
    check_not_empty,
    check_no_missing,
    check_no_total_rows,
    require_columns,
)
from .._deprecation import renamed_keywords
from ..errors import DuplicateKeyError, InvalidArgumentError, MissingStratumError, UnknownNameError, row_problem
from ..rates.poisson import z_value
from ._by import by_columns
from ._strata import strata_frame

__all__ = ["rate_model", "MODEL_COLUMNS", "FAMILIES"]

FAMILIES = ("poisson", "negbin")

#: fixed output columns after the optional ``<by>`` column
MODEL_COLUMNS = ["system", "reference", "measure", "value", "lower", "upper", "confidence", "statistic", "z",
                 "p_value", "dispersion", "alpha", "n_strata", "method", "note"]

#: NB2 alpha below this is reported as the boundary 0 (the Poisson model)
_ALPHA_BOUNDARY = 1e-6

#: family -> label written in the ``statistic`` column
STATISTICS = {"poisson": "rate ratio (Poisson model)", "negbin": "rate ratio (negative binomial model)"}

_METHOD = {
    "poisson": "Poisson GLM (log link, log population offset); Wald interval",
    "negbin": "negative binomial (NB2, alpha by maximum likelihood; log population offset); Wald interval",
}


@renamed_keywords(strata="data", outcome="count")
def rate_model(data: Any, *, population: Any, count: str = "admissions", family: str = "poisson",
               by: str | Sequence[str] | None = None, reference: Any = None,
               confidence: float | Sequence[float] = 0.95,
               adjust: Sequence[str] | None = ("age_band", "sex"), levels: Sequence[Any] | None = None,
               scale: str | None = None) -> pd.DataFrame:
    """Incidence rate ratios between systems from a Poisson or negative-binomial model.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or AggregateResult
        Counts by ``system``, ``adjust`` and ``by`` columns (rows with one key summed; with ``by=None``
        every row enters one model).  Was ``strata`` (deprecated keyword).
    population : pandas.DataFrame or pyarrow.Table
        ``system``, the ``adjust`` columns and ``population``: one row per stratum.
    count : str
        The column of counts modelled: ``"admissions"`` (default), ``"bed_days"``,
        ``"weighted_admissions"`` ... (was ``outcome``, a deprecated keyword).
    family : {"poisson", "negbin"}
        Poisson GLM, or negative binomial (NB2: variance ``mu + alpha mu**2``, alpha by maximum likelihood).
    by : str or sequence of str, optional
        One model per level (combination of levels) of these columns; default one model.
    reference : optional
        The system the others are compared with (default: the first system in ``data``).
    confidence : float or sequence of float
        Confidence level(s) of the Wald intervals; several levels give several rows.
    adjust : sequence of str or None
        Stratum columns adjusted for (categorical main effects), default ``("age_band", "sex")``.
    levels : sequence, optional
        With ``by``: the levels of its first column to model (default all, in order of appearance).
    scale : {None, "pearson"}
        Poisson only: ``"pearson"`` scales the variance by the Pearson dispersion (quasi-Poisson).

    Returns
    -------
    pandas.DataFrame
        ``[<by...>,] system, reference, measure, value, lower, upper, confidence, statistic, z, p_value,
        dispersion, alpha, n_strata, method, note`` per level x non-reference system x confidence level:
        ``value`` the rate ratio exp(beta_system) of the ``measure`` (the ``count`` column), ``statistic``
        its label, ``z`` its Wald statistic, ``dispersion`` Pearson chi2/df, ``alpha`` the NB2 parameter.

    Raises
    ------
    kpcompare.errors.MissingStratumError, UnknownNameError, InvalidValueError
        A stratum without population; unknown ``family``/``reference``/``scale``/level; missing keys,
        negative counts or events in a stratum of zero population.

    Notes
    -----
    ``log E[y] = log P + X beta`` (treatment dummies of system and of each ``adjust`` column); rate
    ratio ``exp(beta_s)``, interval ``exp(beta_s -/+ z se)``, two-sided Wald p-value, Pearson
    dispersion ``sum((y - mu)**2 / V(mu)) / (n - p)``.  Details, when the model and the standardised
    ratios disagree, and overdispersion: docs/models.md#method-notes.  Frome EL. Biometrics
    1983;39:665-74, doi:10.2307/2531094; Cameron AC, Trivedi PK 2013, doi:10.1017/CBO9781139013567.

    Validated against: R ``glm(..., family = poisson, offset = log(...))`` on ISwR ``eba1977`` and MASS
    ``Insurance`` and ``ships`` (tests/comparison/test_models_peer_r.py); statsmodels formula fits.
    Examples: docs/models.md#a-first-fit.
    """
    frame = strata_frame(data)
    pop = as_pandas(population, argument="population")
    _check_options(family, scale)
    conf_levels = check_confidence(confidence)
    keys = [k for k in as_list(adjust, argument="adjust") if k != "sex" or "sex" in frame.columns]
    by_cols = by_columns(by, allow_none=True)
    outcome = count
    _check_inputs(frame, pop, outcome=outcome, keys=keys, by_cols=by_cols)
    table = _join(frame, pop, outcome=outcome, keys=keys, by=by_cols)
    systems = _systems(frame, reference)
    reference = systems[0] if reference is None else reference
    frames = []
    for level, sub in _groups(frame, table, by_cols, levels):
        fit = _fit(sub, outcome=outcome, keys=keys, systems=systems, reference=reference, family=family,
                   scale=scale)
        frames.extend(_with_limits(fit, conf_levels, dict(zip(by_cols, level))))
    out = pd.concat(frames, ignore_index=True)
    out["measure"] = outcome
    out["reference"] = reference
    out["statistic"] = STATISTICS[family]
    return out[[*by_cols, *MODEL_COLUMNS]]


def _with_limits(fit: pd.DataFrame, conf_levels: list[float], level: dict[str, Any]) -> list[pd.DataFrame]:
    """One copy of the fit per confidence level with its Wald limits, the ``by`` levels in front."""
    frames = []
    for conf in conf_levels:
        z = z_value(conf)
        rows = fit.copy()
        with np.errstate(over="ignore", invalid="ignore"):
            rows["lower"] = np.exp(rows["_b"] - z * rows["_se"])
            rows["upper"] = np.exp(rows["_b"] + z * rows["_se"])
        rows["confidence"] = conf
        for i, (col, value) in enumerate(level.items()):
            rows.insert(i, col, value)
        frames.append(rows)
    return frames


def _check_options(family: str, scale: str | None) -> None:
    check_choice(family, FAMILIES, argument="family")
    if scale is not None:
        check_choice(scale, ("pearson",), argument="scale")
        if family != "poisson":
            raise InvalidArgumentError("argument 'scale': 'pearson' applies to family='poisson' only; the "
                                       "negative binomial estimates its own dispersion (alpha).")


def _check_inputs(data: pd.DataFrame, pop: pd.DataFrame, *, outcome: str, keys: list[str],
                  by_cols: list[str]) -> None:
    for col in by_cols:
        if col == "system" or col in keys:
            raise InvalidArgumentError(f"argument 'by': {col!r} is already a model term; choose another column.")
    require_columns(data, ["system", *keys, *by_cols, outcome], argument="data")
    require_columns(pop, ["system", *keys, "population"], argument="population")
    check_no_missing(data, ["system", *keys, *by_cols, outcome])
    check_no_missing(pop, ["system", *keys, "population"])
    check_measure(data, [outcome])
    check_measure(pop, ["population"])
    check_keys(data, ["system", *keys, *by_cols], labels=True)
    check_keys(pop, ["system", *keys], labels=True)
    check_no_total_rows(data, keys)
    check_no_total_rows(pop, keys)


def _systems(data: pd.DataFrame, reference: Any) -> list[Any]:
    """The systems of ``data`` (order of appearance), checked against ``reference``."""
    check_not_empty(data, argument="strata", need="a rate model between systems needs rows of two systems.")
    systems = list(dict.fromkeys(data["system"]))
    if reference is not None and check_level(reference, argument="reference") not in systems:
        raise UnknownNameError(
            f"argument 'reference': system {reference!r} not found in strata column 'system' "
            f"(systems present: {', '.join(map(repr, systems))}).")
    if len(systems) < 2:
        raise InvalidArgumentError("strata: a rate model between systems needs at least two systems; "
                                   f"found only {systems[0]!r}.")
    return systems


def _groups(data: pd.DataFrame, table: pd.DataFrame, by_cols: list[str],
            levels: Sequence[Any] | None) -> list[tuple[tuple[Any, ...], pd.DataFrame]]:
    """The rows of each model: one group without ``by``, else one per level combination of ``by``."""
    if not by_cols:
        return [((), table)]
    present = list(dict.fromkeys(data[by_cols[0]]))
    chosen = present if levels is None else list(levels)
    unknown = [lv for lv in chosen if lv not in present]
    if unknown:
        raise UnknownNameError(
            f"argument 'levels': {', '.join(map(repr, unknown))} not found in strata column {by_cols[0]!r}.")
    combos = list(data[by_cols].drop_duplicates().itertuples(index=False, name=None))
    ordered = [c for lv in chosen for c in combos if c[0] == lv]
    groups = []
    for combo in ordered:
        mask = np.ones(len(table), dtype=bool)
        for col, lv in zip(by_cols, combo):
            mask &= (table[col] == lv).to_numpy()
        groups.append((combo, table[mask]))
    return groups


def _join(data: pd.DataFrame, pop: pd.DataFrame, *, outcome: str, keys: list[str], by: list[str]) -> pd.DataFrame:
    """Sum strata to one row per key, complete the grid with zeros and attach populations."""
    pkeys = ["system", *keys]
    dup = pop.duplicated(pkeys, keep=False).to_numpy()
    if dup.any():
        ex = tuple(pop.loc[dup, pkeys].iloc[0])
        raise DuplicateKeyError(
            f"population: key ({', '.join(pkeys)}) identifies more than one row in {int(dup.sum())} rows "
            f"(e.g. {ex!r}).", column="population", rule="one row per stratum", n_rows=int(dup.sum()),
            example=ex)
    gkeys = [*by, *pkeys]
    counts = data.groupby(gkeys, sort=False, observed=True)[outcome].sum().astype(float).reset_index()
    # complete grid: every level x system x observed stratum; an absent row is a real zero
    axes = [pd.Series(pd.unique(data[c]), name=c) for c in gkeys]
    grid = axes[0].to_frame()
    for axis in axes[1:]:
        grid = grid.merge(axis.to_frame(), how="cross")
    full = grid.merge(counts, on=gkeys, how="left")
    full[outcome] = full[outcome].fillna(0.0)
    full = full.merge(pop[[*pkeys, "population"]], on=pkeys, how="left", indicator=True)
    missing = (full["_merge"] == "left_only").to_numpy()
    if missing.any():
        strata_missing = full.loc[missing, pkeys].drop_duplicates()
        ex = dict(strata_missing.iloc[0])
        raise MissingStratumError(
            f"population: no row for stratum {ex} ({len(strata_missing)} strata missing); every "
            "system x " + " x ".join(keys or ["(total)"]) + " in strata needs a population.",
            column="population", rule="a population for every stratum", n_rows=len(strata_missing), example=ex)
    full = full.drop(columns="_merge")
    full["population"] = full["population"].astype(float)
    bad = ((full["population"] <= 0) & (full[outcome] > 0)).to_numpy()
    if bad.any():
        ex = dict(full.loc[bad, gkeys].iloc[0])
        raise row_problem("population", "positive where events occur", int(bad.sum()), ex,
                          hint="Events in a stratum of zero population cannot be modelled as a rate.")
    return full


def _design(sub: pd.DataFrame, keys: list[str], systems: list[Any], reference: Any) -> tuple[np.ndarray, list[str]]:
    """Intercept, system dummies (treatment against reference), dummies of each adjust column."""
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


def _fit(sub: pd.DataFrame, *, outcome: str, keys: list[str], systems: list[Any], reference: Any,
         family: str, scale: str | None) -> pd.DataFrame:
    """Fit one model; return per non-reference system: value, _b, _se, z, p_value, dispersion, ..."""
    notes: list[str] = []
    informative = ~((sub["population"] <= 0) & (sub[outcome] <= 0))
    if not informative.all():
        notes.append(f"{int((~informative).sum())} strata with zero population and no events left out")
    sub = sub[informative.to_numpy()]
    y = sub[outcome].to_numpy(float)
    if np.any(np.abs(y - np.round(y)) > 1e-9):
        notes.append(f"{outcome} not whole numbers (weighted estimates?): a quasi-likelihood fit; its "
                     "intervals ignore the survey design")
    totals = sub.groupby("system", sort=False)[outcome].sum()
    others = [s for s in systems if s != reference]
    empty = [s for s in systems if totals.get(s, 0.0) <= 0]
    method = _METHOD[family] + ("; variance scaled by Pearson chi2/df" if scale else "")
    result = pd.DataFrame({"system": others, "value": np.nan, "_b": np.nan, "_se": np.nan,
                           "z": np.nan, "p_value": np.nan, "dispersion": np.nan, "alpha": np.nan,
                           "n_strata": len(sub), "method": method})
    if reference in empty:
        result["note"] = "; ".join([*notes, f"no {outcome} in the reference system {reference!r}: no rate ratio"])
        return result
    keep = ~sub["system"].isin([s for s in empty if s != reference]).to_numpy()
    fit_sub = sub[keep]
    X, names = _design(fit_sub, keys, [s for s in systems if s not in empty or s == reference], reference)
    X, names = _drop_aliased(X, names)
    y = fit_sub[outcome].to_numpy(float)
    offset = np.log(fit_sub["population"].to_numpy(float))
    params, bse, alpha, mu, var, messages = _estimate(y, X, offset, family=family, scale=scale)
    df_resid = len(y) - X.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = float(np.sum((y - mu) ** 2 / var) / df_resid) if df_resid > 0 else np.nan
    if family == "negbin" and alpha < _ALPHA_BOUNDARY:
        # the likelihood is maximal at alpha = 0, where the optimiser (on log alpha) cannot converge
        messages = [m for m in messages if "converge" not in m]
        notes.append("alpha at its boundary 0 (no overdispersion beyond Poisson): the negative binomial "
                     "reduces to the Poisson model, whose estimates are reported")
    if np.isfinite(dispersion) and dispersion < 1e-10:
        # statsmodels reads an exact fit as 'perfect prediction'; the estimates are still the MLE
        messages = [m for m in messages if not m.startswith("Perfect separation")]
        notes.append("the model fits every stratum exactly")
    notes.extend(f"statsmodels: {m}" for m in messages)
    if df_resid <= 0:
        notes.append("no residual degrees of freedom: the model is saturated, dispersion not estimable")
    for s in empty:
        if s != reference:
            notes_s = f"no {outcome} in system {s!r}: rate ratio not estimable"
            result.loc[result["system"] == s, "note"] = notes_s
    for i, s in enumerate(others):
        name = f"system[{s}]"
        if s in empty or name not in names:
            continue
        j = names.index(name)
        b, se = params[j], bse[j]
        zstat = b / se if se > 0 else np.nan
        result.loc[i, ["value", "_b", "_se", "z", "p_value"]] = [
            np.exp(b), b, se, zstat, 2.0 * stats.norm.sf(abs(zstat))]
    result["dispersion"] = dispersion
    result["alpha"] = alpha
    base = "; ".join(notes)
    if "note" not in result.columns:
        result["note"] = base
    else:
        result["note"] = [("; ".join(x for x in (base, n) if x)) if isinstance(n, str) else base
                          for n in result["note"]]
    return result


def _estimate(y: np.ndarray, X: np.ndarray, offset: np.ndarray, *, family: str,
              scale: str | None) -> tuple[np.ndarray, np.ndarray, float, np.ndarray, np.ndarray, list[str]]:
    """statsmodels fit: coefficients, standard errors, NB2 alpha, fitted means, variances, warnings."""
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if family == "poisson":
            res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2" if scale else None)
            mu = res.fittedvalues
            var = mu
            alpha = np.nan
            params, bse = np.asarray(res.params), np.asarray(res.bse)
        else:
            model = NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
            res = model.fit(method="bfgs", maxiter=2000, disp=0)
            if not res.mle_retvals.get("converged", True):
                res = model.fit(start_params=res.params, method="nm", maxiter=20000, disp=0)
                res = model.fit(start_params=res.params, method="bfgs", maxiter=2000, disp=0)
            params, bse = np.asarray(res.params)[:-1], np.asarray(res.bse)[:-1]
            alpha = float(np.asarray(res.params)[-1])
            if alpha < _ALPHA_BOUNDARY:  # maximum on the boundary alpha = 0: the Poisson MLE
                res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
                params, bse, alpha = np.asarray(res.params), np.asarray(res.bse), 0.0
            mu = np.exp(X @ params + offset)
            var = mu + alpha * mu ** 2
    messages = sorted({str(w.message).splitlines()[0] for w in caught})
    return params, bse, alpha, mu, var, messages


def _drop_aliased(X: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Drop columns that are constant zero (a level absent after filtering) so the fit is identifiable."""
    keep = [j for j in range(X.shape[1]) if j == 0 or X[:, j].any()]
    return X[:, keep], [names[j] for j in keep]
