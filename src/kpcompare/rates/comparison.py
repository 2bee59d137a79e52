"""Ratios and differences of rates between the levels of a column (e.g. system)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .._checks import (
    as_pandas,
    check_choice,
    check_column_name,
    check_confidence,
    check_keys,
    check_level,
    check_measure,
    require_columns,
)
from ..errors import DuplicateKeyError, InvalidArgumentError, InvalidValueError, row_problem
from ._conditional import CONDITIONAL_METHODS, conditional_ratio
from ._result import COMPARISON_COLUMNS, RATE_COLUMNS, RATIO_COLUMNS, join_notes
from .poisson import z_value

__all__ = ["compare_rates", "COMPARISON_KINDS", "COMPARISON_STATISTICS", "COMPARISON_METHODS"]

#: kind -> label written in the ``method`` column
COMPARISON_KINDS = {
    "ratio": "rate ratio, log method (SAS PROC STDRATE)",
    "difference": "rate difference, normal method (SAS PROC STDRATE)",
}
INDIRECT_NOTE = ("indirectly standardised: each group is weighted by its own population, "
                 "so the ratio is approximate when age structures differ")


#: kind -> label written in the ``statistic`` column
COMPARISON_STATISTICS = {"ratio": "rate ratio", "difference": "rate difference"}

#: method -> what it is (``wald``: the labels of :data:`COMPARISON_KINDS`; the others: conditional on the total)
COMPARISON_METHODS = {"wald": "log method (ratio) or normal method (difference), SAS PROC STDRATE",
                      **CONDITIONAL_METHODS}


def compare_rates(result: Any, *, between: str, reference: Any, kind: str = "ratio",
                  confidence: Any = 0.95, method: str = "wald") -> pd.DataFrame:
    levels = check_confidence(confidence)
    check_choice(kind, COMPARISON_KINDS, argument="kind")
    check_choice(method, COMPARISON_METHODS, argument="method")
    if method != "wald" and kind != "ratio":
        raise InvalidArgumentError(f"argument 'method': {method!r} is a conditional method for kind='ratio'; "
                                   "a rate difference takes method='wald'.")
    check_column_name(between, argument="between")
    check_level(reference, argument="reference")
    rows, others, indirect = _comparable_rows(as_pandas(result, argument="result"), between,
                                              counts=method != "wald")
    merged = _with_reference(rows, between=between, others=others, reference=reference)
    est, centre, se, z, p, self_ref = _contrast(merged, between=between, reference=reference, kind=kind)
    note = _notes(merged, est_missing_ref=merged["_y2"].isna().to_numpy() & merged["_n2"].isna().to_numpy(),
                  self_ref=self_ref, kind=kind, indirect=indirect, wald=method == "wald")
    if method == "wald":
        lower, upper = _wald_limits(centre, se, levels, kind)
        label = COMPARISON_KINDS[kind]
    else:
        lower, upper, z, p, why = conditional_ratio(merged["_x"], merged["_t"], merged["_x2"], merged["_t2"],
                                                    levels, method)
        note = join_notes(note, np.where(self_ref, "", why).astype(object))
        z, p = np.where(self_ref, 0.0, z), np.where(self_ref, 1.0, p)
        label = CONDITIONAL_METHODS[method]
    identity = 1.0 if kind == "ratio" else 0.0
    lower = [np.where(self_ref, identity, lo) for lo in lower]
    upper = [np.where(self_ref, identity, hi) for hi in upper]
    k = len(levels)
    out = merged.loc[np.repeat(np.arange(len(merged)), k), [*others, between]].reset_index(drop=True)
    out["value"] = np.repeat(est, k)
    out["lower"] = np.column_stack(lower).reshape(-1)
    out["upper"] = np.column_stack(upper).reshape(-1)
    out["confidence"] = np.tile(np.asarray(levels, dtype=float), len(merged))
    out["statistic"] = COMPARISON_STATISTICS[kind]
    out["z"] = np.repeat(z, k)
    out["p_value"] = np.repeat(p, k)
    out["method"] = label
    out["note"] = np.repeat(note, k)
    for col in ("statistic", "method", "note"):
        out[col] = out[col].astype(str)
    return out[[*others, between, *COMPARISON_COLUMNS]]


compare_rates.__doc__ = """Compare every level of ``between`` with the ``reference`` level inside each group.

    Parameters
    ----------
    result : pandas.DataFrame or pyarrow.Table
        Output of :func:`kpcompare.dsr`, :func:`kpcompare.crude_rate`, :func:`kpcompare.isr` or
        :func:`kpcompare.smr` (several confidence rows per group are fine).
    between : str
        Group column whose levels are compared (e.g. ``"system"``).
    reference : scalar
        The level of ``between`` the others are compared with (denominator of the ratio,
        subtrahend of the difference).
    kind : {"ratio", "difference"}, default "ratio"
    confidence : float or sequence of float, default 0.95
        One output row per level.
    method : {"wald", "exact", "midp", "score"}, default "wald"
        ``"wald"``: the log method for a ratio, the normal method for a difference (SAS PROC STDRATE),
        for any rate.  The conditional methods compare two Poisson counts given their total, for ratios of
        crude rates (``crude_rate``: ``count`` in ``population``) or of indirectly standardised ratios
        (``smr``/``isr``: ``observed`` in ``expected``): ``"exact"`` is R's two-sample ``poisson.test``
        (Clopper-Pearson interval transformed, two-sided exact binomial p-value), ``"midp"`` its mid-p
        version (epitools ``rateratio.midp``), ``"score"`` the conditional score test and Wilson interval
        (epitools ``rate2by2.test``); see docs/methods.md#rate-ratios-conditional-on-the-total.

    Returns
    -------
    pandas.DataFrame
        ``<other group columns...>, <between>, value, lower, upper, confidence, statistic, z,
        p_value, method, note``: one row per level of ``between`` (reference included) within each
        remaining group and per confidence level.  ``statistic`` labels ``value`` (``"rate ratio"``
        or ``"rate difference"``), ``z`` is the test statistic (NaN for the exact and mid-p tests,
        which have none), ``method`` names the interval.

    Raises
    ------
    kpcompare.errors.MissingColumnError, InvalidValueError, DuplicateKeyError, UnknownNameError,
    InvalidArgumentError
        Missing columns; ``between`` not a group column, reference level absent or statistics mixed; a
        group with different values or variances (two results concatenated); unknown ``kind`` or
        ``method``; a conditional method for a difference or for a directly standardised rate.

    Notes
    -----
    With rates y₁ (level), y₂ (reference) and variances v₁, v₂: ratio RR = y₁/y₂,
    SE(log RR) = √(v₁/y₁² + v₂/y₂²), limits exp(log RR ± z·SE), Z = log RR / SE (log method of SAS
    PROC STDRATE); difference D = y₁ − y₂, limits D ± z√(v₁ + v₂), Z = D/√(v₁ + v₂);
    p = 2(1 − Φ(|Z|)).  The reference compared with itself is exactly 1 (or 0), Z = 0, p = 1.  A
    missing rate gives NaN; a zero rate a ratio of 0 or ∞ with NaN limits.  For smr/isr results
    SE(log RR) = √(1/O₁ + 1/O₂) and a note recalls that each group is weighted by its own population.
    Conditional methods: with x₁ events in t₁ and x₂ in t₂, x₁ given n = x₁ + x₂ is Binomial(n, π),
    RR = π/(1 − π)·t₂/t₁; the limits of π transform to limits of RR (x₂ = 0: upper limit ∞) and
    RR = 1 is tested as π = t₁/(t₁ + t₂).  No events in either group: NaN, noted.

    References
    ----------
    SAS Institute. SAS/STAT User's Guide: The STDRATE Procedure, "Comparing directly standardized
    rates".  Breslow NE, Day NE (1987) Statistical Methods in Cancer Research, vol II. IARC Sci Publ 82.
    Clopper CJ, Pearson ES (1934) Biometrika 26:404-413, doi:10.1093/biomet/26.4.404.  Wilson EB (1927)
    JASA 22:209-212, doi:10.1080/01621459.1927.10502953.

    Validated against: SAS PROC STDRATE Alaska vs Florida example via R dsr 0.2.2 ``dsrr``
    (difference to 4 dp; the ratio against the recomputed log-method limits); R 4.2.2
    ``poisson.test``, epitools 0.5-10 ``rateratio.midp`` and ``rate2by2.test`` and ``prop.test``
    (tests/rates/test_rates_compare_conditional.py).
"""


def _wald_limits(centre: np.ndarray, se: np.ndarray, levels: list[float], kind: str
                 ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """exp(log RR ± z·SE) or D ± z·SE at each confidence level."""
    lower, upper = [], []
    for level in levels:
        half = z_value(level) * se
        if kind == "ratio":
            lower.append(np.exp(centre - half))
            upper.append(np.exp(centre + half))
        else:
            lower.append(centre - half)
            upper.append(centre + half)
    return lower, upper


def _comparable_rows(res: pd.DataFrame, between: str, *, counts: bool = False
                     ) -> tuple[pd.DataFrame, list[str], bool]:
    """One row per group (``value, variance, note``; with ``counts`` also ``_x, _t``: the Poisson count
    and its person-time), the other group columns, and whether indirect."""
    indirect = "observed" in res.columns
    fixed = RATIO_COLUMNS if indirect else RATE_COLUMNS
    require_columns(res, ["value", "variance", "statistic", "note", between], argument="result")
    groups = [c for c in res.columns if c not in fixed]
    if between not in groups:
        raise InvalidValueError(f"argument 'between': {between!r} is not a group column of the result "
                                f"(group columns: {groups}).")
    check_keys(res, [*groups, "statistic"])
    statistics = pd.unique(res["statistic"])
    if len(statistics) > 1:
        raise InvalidValueError(f"result: column 'statistic' mixes {list(statistics)}; compare one kind of rate.")
    check_measure(res, ["value", "variance"], missing="allow")  # NaN is noted by the rate function
    rows = res.drop_duplicates(subset=[*groups, "value", "variance"])
    clash = rows.duplicated(subset=groups, keep=False).to_numpy()
    if clash.any():
        example = ", ".join(f"{g}={rows[g].to_numpy()[clash][0]!r}" for g in groups)
        raise row_problem("value", "one value and variance per group (rows may differ only by confidence level)",
                          int(clash.sum()), example, cls=DuplicateKeyError,
                          hint="Compare one result at a time (e.g. one method or standard), or add a group column.")
    keep = rows[[*groups, "value", "variance", "note"]]
    if counts:
        x, t = ("observed", "expected") if indirect else ("count", "population")
        if not indirect and not str(statistics[0]).startswith("crude rate"):
            raise InvalidArgumentError(
                f"argument 'method': the conditional methods compare Poisson counts: give a crude_rate, smr or "
                f"isr result, not {statistics[0]!r} (use method='wald').")
        require_columns(res, [x, t], argument="result")
        check_measure(rows, [x, t], missing="allow")
        keep = keep.assign(_x=rows[x].to_numpy(dtype=float), _t=rows[t].to_numpy(dtype=float))
    return keep, [c for c in groups if c != between], indirect


#: a row's columns -> the names of the reference's columns beside it
_REFERENCE_NAMES = {"value": "_y2", "variance": "_v2", "note": "_n2", "_x": "_x2", "_t": "_t2"}


def _with_reference(rows: pd.DataFrame, *, between: str, others: list[str], reference: Any) -> pd.DataFrame:
    """Each row beside its group's reference row (``_y2, _v2, _n2`` and, with counts, ``_x2, _t2``)."""
    is_ref = (rows[between] == reference).to_numpy()
    if not is_ref.any():
        raise InvalidValueError(f"argument 'reference': level {reference!r} does not occur in column {between!r} "
                                f"(levels: {list(pd.unique(rows[between]))[:10]}).")
    ref = rows[is_ref].drop(columns=[between]).rename(columns=_REFERENCE_NAMES)
    if others:
        merged = rows.merge(ref, on=others, how="left", sort=False)
    else:
        merged = rows.assign(**{c: ref[c].iloc[0] for c in ref.columns})
    return merged.reset_index(drop=True)


def _contrast(merged: pd.DataFrame, *, between: str, reference: Any, kind: str) -> tuple[np.ndarray, ...]:
    """Estimate, centre of the interval (log scale for ratios), its SE, z, p and the self-reference mask."""
    y1, v1 = merged["value"].to_numpy(dtype=float), merged["variance"].to_numpy(dtype=float)
    y2, v2 = merged["_y2"].to_numpy(dtype=float), merged["_v2"].to_numpy(dtype=float)
    self_ref = (merged[between] == reference).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "ratio":
            est = y1 / y2
            centre = np.log(est)
            se = np.sqrt(v1 / y1**2 + v2 / y2**2)
        else:
            est = y1 - y2
            centre = est
            se = np.sqrt(v1 + v2)
        z = np.where(se > 0, centre / se, np.nan)
    p = 2.0 * special.ndtr(-np.abs(z))
    est = np.where(self_ref, 1.0 if kind == "ratio" else 0.0, est)
    z = np.where(self_ref, 0.0, z)
    p = np.where(self_ref, 1.0, p)
    return est, centre, se, z, p, self_ref


def _notes(merged: pd.DataFrame, *, est_missing_ref: np.ndarray, self_ref: np.ndarray, kind: str,
           indirect: bool, wald: bool = True) -> np.ndarray:
    """Why a comparison is missing or approximate, per row."""
    y1, y2 = merged["value"].to_numpy(dtype=float), merged["_y2"].to_numpy(dtype=float)
    no_ref = est_missing_ref
    note = np.full(len(merged), "", dtype=object)
    v1, v2 = merged["variance"].to_numpy(dtype=float), merged["_v2"].to_numpy(dtype=float)
    missing = ~self_ref & (np.isnan(y1) | np.isnan(y2))
    note[~self_ref & ~missing & ~no_ref & (np.isnan(v1) | np.isnan(v2))] = "variance missing in the result: no limits"
    note[missing & ~no_ref] = "rate missing in the result (see its note)"
    note[no_ref & ~self_ref] = "reference level absent from this group"
    if kind == "ratio" and wald:
        undefined = ~self_ref & ~missing & ~no_ref & ((y1 <= 0) | (y2 <= 0))
        note[undefined] = "log-ratio limits undefined when a rate is 0"
    note[self_ref] = "reference level"
    if indirect:
        note = join_notes(note, np.where(~self_ref, INDIRECT_NOTE, "").astype(object))
    return note
