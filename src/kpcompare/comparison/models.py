"""Rate models: Poisson and negative-binomial regression of admissions or bed days between systems.

:func:`rate_model` fits, per cause (or once over all rows), the log-linear model

    log E[y_sas] = log(population_sas) + beta_0 + beta_system + gamma_age + delta_sex

and reports exp(beta_system), the incidence rate ratio of each system to the
reference system adjusted for age band and sex, with a Wald interval and an
overdispersion statistic.  It is a check on the standardised ratios of
:func:`kpcompare.compare`; ``docs/models.md`` explains when the two disagree.
"""

from __future__ import annotations

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
from ._model_fit import ALPHA_BOUNDARY, ModelFit, design, drop_aliased, estimate
from ._strata import strata_frame

__all__ = ["rate_model", "MODEL_COLUMNS", "FAMILIES", "COEFFICIENTS"]

FAMILIES = ("poisson", "negbin")

#: ``coefficients`` -> which rows are reported
COEFFICIENTS = {"systems": "each system against the reference (and the contrasts asked for)",
                "all": "also every adjustment term's rate ratio to its first level"}

#: fixed output columns after the optional ``<by>`` column
MODEL_COLUMNS = ["system", "reference", "term", "measure", "value", "lower", "upper", "confidence", "statistic",
                 "z", "p_value", "dispersion", "alpha", "alpha_se", "n_strata", "method", "note"]

#: internal columns of the row specifications, dropped before output
_SPEC_COLUMNS = ("plus", "minus", "systems", "row_note")

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
               scale: str | None = None, coefficients: str = "systems",
               contrasts: Sequence[tuple[Any, Any]] | None = None) -> pd.DataFrame:
    frame = strata_frame(data)
    pop = as_pandas(population, argument="population")
    _check_options(family, scale)
    check_choice(coefficients, COEFFICIENTS, argument="coefficients")
    conf_levels = check_confidence(confidence)
    keys = [k for k in as_list(adjust, argument="adjust") if k != "sex" or "sex" in frame.columns]
    by_cols = by_columns(by, allow_none=True)
    outcome = count
    _check_inputs(frame, pop, outcome=outcome, keys=keys, by_cols=by_cols)
    table = _join(frame, pop, outcome=outcome, keys=keys, by=by_cols)
    systems = _systems(frame, reference)
    pairs = _check_contrasts(contrasts, systems)
    reference = systems[0] if reference is None else reference
    frames = []
    for level, sub in _groups(frame, table, by_cols, levels):
        fit = _fit(sub, outcome=outcome, keys=keys, systems=systems, reference=reference, family=family,
                   scale=scale, pairs=pairs, coefficients=coefficients)
        frames.extend(_with_limits(fit, conf_levels, dict(zip(by_cols, level))))
    out = pd.concat(frames, ignore_index=True)
    out["measure"] = outcome
    out["statistic"] = STATISTICS[family]
    return out[[*by_cols, *MODEL_COLUMNS]]


rate_model.__doc__ = """Incidence rate ratios between systems from a Poisson or negative-binomial model.

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
        Poisson only: ``"pearson"`` keeps the Poisson estimates and multiplies their covariance by the
        Pearson dispersion X2/df (quasi-Poisson); with no residual degrees of freedom the limits, ``z``
        and ``p_value`` are NaN (noted).
    coefficients : {"systems", "all"}, default "systems"
        ``"all"`` adds one row per adjustment coefficient (``term`` ``"age_band[75+]"``: the rate ratio of
        that level to the column's first level in data order, ``system`` empty); the intercept (a
        baseline rate, not a ratio) is not reported.
    contrasts : sequence of (system, system) pairs, optional
        Further ratios between two systems from the same fit, e.g. ``[("B", "C")]``: B against C without
        refitting, exp(b_B - b_C) with SE sqrt(V_BB + V_CC - 2 V_BC) from the fitted covariance (delta
        method; exact for a linear contrast of the coefficients).  ``system`` B, ``reference`` C.

    Returns
    -------
    pandas.DataFrame
        ``[<by...>,] system, reference, term, measure, value, lower, upper, confidence, statistic, z,
        p_value, dispersion, alpha, alpha_se, n_strata, method, note`` per level x row x confidence level;
        rows: each non-reference system against ``reference``, then the ``contrasts``, then (with
        ``coefficients="all"``) the adjustment terms.  ``value`` is the rate ratio exp(c'beta) of the
        ``measure`` (the ``count`` column), ``term`` the coefficient (``"system[B]"``, ``"system[B] -
        system[C]"``, ``"age_band[75+]"``), ``z`` its Wald statistic, ``dispersion`` Pearson chi2/df,
        ``alpha`` the NB2 parameter and ``alpha_se`` its standard error (as R ``MASS::glm.nb`` reports
        SE(theta) for theta = 1/alpha, converted by the delta method: SE(alpha) = SE(theta)/theta**2).

    Raises
    ------
    kpcompare.errors.MissingStratumError, UnknownNameError, InvalidValueError, InvalidArgumentError
        A stratum without population; unknown ``family``/``reference``/``scale``/``coefficients``/level or
        a system of ``contrasts`` not in the data; a malformed ``contrasts``; missing keys, negative counts
        or events in a stratum of zero population.

    Notes
    -----
    ``log E[y] = log P + X beta`` (treatment dummies of system and of each ``adjust`` column); rate
    ratio ``exp(beta_s)``, interval ``exp(beta_s -/+ z se)``, two-sided Wald p-value, Pearson
    dispersion ``sum((y - mu)**2 / V(mu)) / (n - p)``.  A system with no events is left out of the fit
    (its row is NaN and noted), which removes its strata from the residual degrees of freedom.  Details,
    when the model and the standardised ratios disagree, and overdispersion: docs/models.md#method-notes.
    Frome EL. Biometrics 1983;39:665-74, doi:10.2307/2531094; Cameron AC, Trivedi PK 2013,
    doi:10.1017/CBO9781139013567; Venables WN, Ripley BD 2002, doi:10.1007/978-0-387-21706-2.

    Validated against: R ``glm(..., family = poisson, offset = log(...))`` on ISwR ``eba1977`` and MASS
    ``Insurance`` and ``ships`` (tests/comparison/test_models_peer_r.py); R 4.2.2 ``glm(..., family =
    quasipoisson)``, ``confint.default``, ``relevel`` refits for the contrasts and MASS 7.3-58
    ``glm.nb`` theta and SE (tests/comparison/test_models_peer_r_more.py); statsmodels formula fits.
    Examples: docs/models.md#a-first-fit.
    """


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



def _check_contrasts(contrasts: Any, systems: list[Any]) -> list[tuple[Any, Any]]:
    """``contrasts``: None or a sequence of (system, compared-with system) pairs of systems in ``data``."""
    if contrasts is None:
        return []
    if isinstance(contrasts, (str, bytes)) or not isinstance(contrasts, (list, tuple)):
        raise InvalidArgumentError(f"argument 'contrasts': give a list of (system, other system) pairs, "
                                   f"e.g. [('B', 'C')], got {contrasts!r}.")
    pairs = []
    for pair in contrasts:
        if isinstance(pair, (str, bytes)) or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InvalidArgumentError(f"argument 'contrasts': each item is a pair (system, other system), "
                                       f"got {pair!r}.")
        for s in pair:
            check_level(s, argument="contrasts")
            if s not in systems:
                raise UnknownNameError(f"argument 'contrasts': system {s!r} not found in strata column 'system' "
                                       f"(systems present: {', '.join(map(repr, systems))}).")
        if pair[0] == pair[1]:
            raise InvalidArgumentError(f"argument 'contrasts': {pair!r} compares a system with itself.")
        pairs.append((pair[0], pair[1]))
    return pairs


def _prepared(sub: pd.DataFrame, outcome: str) -> tuple[pd.DataFrame, list[str]]:
    """The informative strata of one model and the notes that apply to every row."""
    notes: list[str] = []
    informative = ~((sub["population"] <= 0) & (sub[outcome] <= 0))
    if not informative.all():
        notes.append(f"{int((~informative).sum())} strata with zero population and no events left out")
    sub = sub[informative.to_numpy()]
    y = sub[outcome].to_numpy(float)
    if np.any(np.abs(y - np.round(y)) > 1e-9):
        notes.append(f"{outcome} not whole numbers (weighted estimates?): a quasi-likelihood fit; its "
                     "intervals ignore the survey design")
    return sub, notes


def _model_notes(fit: ModelFit, *, family: str, scale: str | None, df_resid: int,
                 dispersion: float) -> list[str]:
    """Notes on the fit: alpha at its boundary, an exact fit, statsmodels' warnings, no residual df."""
    notes, messages = [], fit.messages
    if family == "negbin" and fit.alpha < ALPHA_BOUNDARY:
        # the likelihood is maximal at alpha = 0, where the optimiser (on log alpha) cannot converge
        messages = [m for m in messages if "converge" not in m]
        notes.append("alpha at its boundary 0 (no overdispersion beyond Poisson): the negative binomial "
                     "reduces to the Poisson model, whose estimates are reported")
    if df_resid <= 0:  # saturated: statsmodels' own scale deviance/df divides by 0
        messages = [m for m in messages if not m.startswith(("Perfect separation", "divide by zero"))]
    if np.isfinite(dispersion) and dispersion < 1e-10:
        # statsmodels reads an exact fit as 'perfect prediction'; the estimates are still the MLE
        messages = [m for m in messages if not m.startswith("Perfect separation")]
        notes.append("the model fits every stratum exactly")
    notes.extend(f"statsmodels: {m}" for m in messages)
    if df_resid <= 0:
        notes.append("no residual degrees of freedom: the model is saturated, dispersion not estimable")
        if scale:
            notes.append("quasi-Poisson standard errors need the dispersion: limits, z and p_value are NaN")
    return notes


def _row_specs(others: list[Any], reference: Any, pairs: list[tuple[Any, Any]], adjustment: list[tuple[str, Any, Any]]
               ) -> list[dict[str, Any]]:
    """The rows of one model: each system against the reference, the contrasts, the adjustment terms."""
    def name(s: Any) -> str | None:
        return None if s == reference else f"system[{s}]"

    specs = [{"system": s, "reference": reference, "term": f"system[{s}]", "plus": name(s), "minus": None,
              "systems": (s,)} for s in others]
    specs += [{"system": s, "reference": t, "term": f"system[{s}] - system[{t}]", "plus": name(s),
               "minus": name(t), "systems": (s, t)} for s, t in pairs]
    specs += [{"system": None, "reference": reference, "term": f"{k}[{lv}]", "plus": f"{k}[{lv}]", "minus": None,
               "systems": (), "row_note": f"adjustment term: rate ratio of {k} {lv!r} to {base!r} (its first "
               "level), adjusted for the other terms"} for k, lv, base in adjustment]
    return specs


def _fit(sub: pd.DataFrame, *, outcome: str, keys: list[str], systems: list[Any], reference: Any,
         family: str, scale: str | None, pairs: list[tuple[Any, Any]], coefficients: str) -> pd.DataFrame:
    """Fit one model; one row per requested ratio: value, _b, _se, z, p_value, dispersion, alpha, ..."""
    sub, notes = _prepared(sub, outcome)
    totals = sub.groupby("system", sort=False, observed=True)[outcome].sum()
    others = [s for s in systems if s != reference]
    empty = [s for s in systems if totals.get(s, 0.0) <= 0]
    method = _METHOD[family] + ("; variance scaled by Pearson chi2/df" if scale else "")
    if reference in empty:
        rows = _empty_rows(pd.DataFrame(_row_specs(others, reference, pairs, [])), len(sub), method,
                           "; ".join([*notes, f"no {outcome} in the reference system {reference!r}: no rate ratio"]))
        return rows.drop(columns=[c for c in _SPEC_COLUMNS if c in rows.columns])
    fit_sub = sub[~sub["system"].isin([s for s in empty if s != reference]).to_numpy()]
    X, names = drop_aliased(*design(fit_sub, keys, [s for s in systems if s not in empty or s == reference],
                                    reference))
    y = fit_sub[outcome].to_numpy(float)
    fit = estimate(y, X, names, np.log(fit_sub["population"].to_numpy(float)), family=family, scale=scale)
    df_resid = len(y) - X.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = float(np.sum((y - fit.mu) ** 2 / fit.var) / df_resid) if df_resid > 0 else np.nan
    notes += _model_notes(fit, family=family, scale=scale, df_resid=df_resid, dispersion=dispersion)
    adjustment = [] if coefficients == "systems" else [
        (k, n[len(k) + 1:-1], fit_sub[k].iloc[0]) for k in keys for n in names if n.startswith(f"{k}[")]
    return _estimated_rows(_row_specs(others, reference, pairs, adjustment), fit, outcome=outcome, empty=empty,
                           base=notes, n_strata=len(sub), method=method, dispersion=dispersion)


def _empty_rows(rows: pd.DataFrame, n_strata: int, method: str, note: str) -> pd.DataFrame:
    """Rows without estimates (no events in the reference system)."""
    for col in ("value", "_b", "_se", "z", "p_value", "dispersion", "alpha", "alpha_se"):
        rows[col] = np.nan
    rows["n_strata"], rows["method"], rows["note"] = n_strata, method, note
    return rows


def _estimated_rows(specs: list[dict[str, Any]], fit: ModelFit, *, outcome: str, empty: list[Any],
                    base: list[str], n_strata: int, method: str, dispersion: float) -> pd.DataFrame:
    """Each row's ratio exp(c'b), its SE sqrt(c'Vc), z and p from the one fit (NaN, noted, where not estimable)."""
    rows = _empty_rows(pd.DataFrame(specs), n_strata, method, "")
    notes = []
    for i, spec in enumerate(specs):
        missing = [s for s in spec["systems"] if s in empty]
        own = [spec["row_note"]] if "row_note" in spec else []
        if missing:
            own = [f"no {outcome} in system {s!r}: rate ratio not estimable" for s in missing]
        elif all(n is None or n in fit.names for n in (spec["plus"], spec["minus"])):
            b, se = fit.contrast(spec["plus"], spec["minus"])
            zstat = b / se if se > 0 else np.nan
            rows.loc[i, ["value", "_b", "_se", "z", "p_value"]] = [
                np.exp(b), b, se, zstat, 2.0 * stats.norm.sf(abs(zstat))]
        notes.append("; ".join([*base, *own]))
    rows["dispersion"], rows["alpha"], rows["alpha_se"], rows["note"] = dispersion, fit.alpha, fit.alpha_se, notes
    return rows.drop(columns=[c for c in _SPEC_COLUMNS if c in rows.columns])
