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
from ..errors import DuplicateKeyError, InvalidValueError, row_problem
from ._result import COMPARISON_COLUMNS, RATE_COLUMNS, RATIO_COLUMNS, join_notes
from .poisson import z_value

__all__ = ["compare_rates", "COMPARISON_KINDS", "COMPARISON_STATISTICS"]

#: kind -> label written in the ``method`` column
COMPARISON_KINDS = {
    "ratio": "rate ratio, log method (SAS PROC STDRATE)",
    "difference": "rate difference, normal method (SAS PROC STDRATE)",
}
INDIRECT_NOTE = ("indirectly standardised: each group is weighted by its own population, "
                 "so the ratio is approximate when age structures differ")


#: kind -> label written in the ``statistic`` column
COMPARISON_STATISTICS = {"ratio": "rate ratio", "difference": "rate difference"}


def compare_rates(result: Any, *, between: str, reference: Any, kind: str = "ratio",
                  confidence: Any = 0.95) -> pd.DataFrame:
    """Compare every level of ``between`` with the ``reference`` level inside each group.

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

    Returns
    -------
    pandas.DataFrame
        ``<other group columns...>, <between>, value, lower, upper, confidence, statistic, z,
        p_value, method, note``: one row per level of ``between`` (reference included) within each
        remaining group and per confidence level.  ``statistic`` labels ``value`` (``"rate ratio"``
        or ``"rate difference"``), ``z`` is the test statistic, ``method`` names the interval
        (``"rate ratio, log method (SAS PROC STDRATE)"``).

    Raises
    ------
    kpcompare.errors.MissingColumnError, InvalidValueError, DuplicateKeyError, UnknownNameError
        Missing columns; ``between`` not a group column, reference level absent or statistics mixed; a
        group with different values or variances (two results concatenated); unknown ``kind``.

    Notes
    -----
    With rates y₁ (level), y₂ (reference) and variances v₁, v₂: ratio RR = y₁/y₂,
    SE(log RR) = √(v₁/y₁² + v₂/y₂²), limits exp(log RR ± z·SE), Z = log RR / SE (log method of SAS
    PROC STDRATE); difference D = y₁ − y₂, limits D ± z√(v₁ + v₂), Z = D/√(v₁ + v₂);
    p = 2(1 − Φ(|Z|)).  The reference compared with itself is exactly 1 (or 0), Z = 0, p = 1.  A
    missing rate gives NaN; a zero rate a ratio of 0 or ∞ with NaN limits.  For smr/isr results
    SE(log RR) = √(1/O₁ + 1/O₂) and a note recalls that each group is weighted by its own population.

    References
    ----------
    SAS Institute. SAS/STAT User's Guide: The STDRATE Procedure, "Comparing directly standardized
    rates".  Breslow NE, Day NE (1987) Statistical Methods in Cancer Research, vol II. IARC Sci Publ 82.

    Validated against: SAS PROC STDRATE Alaska vs Florida example via R dsr 0.2.2 ``dsrr``
    (difference to 4 dp; the ratio against the recomputed log-method limits).
    """
    levels = check_confidence(confidence)
    check_choice(kind, COMPARISON_KINDS, argument="kind")
    check_column_name(between, argument="between")
    check_level(reference, argument="reference")
    rows, others, indirect = _comparable_rows(as_pandas(result, argument="result"), between)
    merged = _with_reference(rows, between=between, others=others, reference=reference)
    est, centre, se, z, p, self_ref = _contrast(merged, between=between, reference=reference, kind=kind)
    note = _notes(merged, est_missing_ref=merged["_y2"].isna().to_numpy() & merged["_n2"].isna().to_numpy(),
                  self_ref=self_ref, kind=kind, indirect=indirect)
    k = len(levels)
    out = merged.loc[np.repeat(np.arange(len(merged)), k), [*others, between]].reset_index(drop=True)
    out["value"] = np.repeat(est, k)
    identity = 1.0 if kind == "ratio" else 0.0
    lower, upper = [], []
    for level in levels:
        half = z_value(level) * se
        lo, hi = (np.exp(centre - half), np.exp(centre + half)) if kind == "ratio" else (centre - half, centre + half)
        lower.append(np.where(self_ref, identity, lo))
        upper.append(np.where(self_ref, identity, hi))
    out["lower"] = np.column_stack(lower).reshape(-1)
    out["upper"] = np.column_stack(upper).reshape(-1)
    out["confidence"] = np.tile(np.asarray(levels, dtype=float), len(merged))
    out["statistic"] = COMPARISON_STATISTICS[kind]
    out["z"] = np.repeat(z, k)
    out["p_value"] = np.repeat(p, k)
    out["method"] = COMPARISON_KINDS[kind]
    out["note"] = np.repeat(note, k)
    for col in ("statistic", "method", "note"):
        out[col] = out[col].astype(str)
    return out[[*others, between, *COMPARISON_COLUMNS]]


def _comparable_rows(res: pd.DataFrame, between: str) -> tuple[pd.DataFrame, list[str], bool]:
    """One row per group (``value, variance, note``), the other group columns, and whether indirect."""
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
    return rows[[*groups, "value", "variance", "note"]], [c for c in groups if c != between], indirect


def _with_reference(rows: pd.DataFrame, *, between: str, others: list[str], reference: Any) -> pd.DataFrame:
    """Each row beside its group's reference row (``_y2, _v2, _n2``)."""
    is_ref = (rows[between] == reference).to_numpy()
    if not is_ref.any():
        raise InvalidValueError(f"argument 'reference': level {reference!r} does not occur in column {between!r} "
                                f"(levels: {list(pd.unique(rows[between]))[:10]}).")
    ref = rows[is_ref].drop(columns=[between]).rename(columns={"value": "_y2", "variance": "_v2", "note": "_n2"})
    if others:
        merged = rows.merge(ref, on=others, how="left", sort=False)
    else:
        merged = rows.assign(_y2=ref["_y2"].iloc[0], _v2=ref["_v2"].iloc[0], _n2=ref["_n2"].iloc[0])
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
           indirect: bool) -> np.ndarray:
    """Why a comparison is missing or approximate, per row."""
    y1, y2 = merged["value"].to_numpy(dtype=float), merged["_y2"].to_numpy(dtype=float)
    no_ref = est_missing_ref
    note = np.full(len(merged), "", dtype=object)
    v1, v2 = merged["variance"].to_numpy(dtype=float), merged["_v2"].to_numpy(dtype=float)
    missing = ~self_ref & (np.isnan(y1) | np.isnan(y2))
    note[~self_ref & ~missing & ~no_ref & (np.isnan(v1) | np.isnan(v2))] = "variance missing in the result: no limits"
    note[missing & ~no_ref] = "rate missing in the result (see its note)"
    note[no_ref & ~self_ref] = "reference level absent from this group"
    if kind == "ratio":
        undefined = ~self_ref & ~missing & ~no_ref & ((y1 <= 0) | (y2 <= 0))
        note[undefined] = "log-ratio limits undefined when a rate is 0"
    note[self_ref] = "reference level"
    if indirect:
        note = join_notes(note, np.where(~self_ref, INDIRECT_NOTE, "").astype(object))
    return note
