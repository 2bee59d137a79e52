"""Decomposing the gap in bed days per population into admissions and length of stay.

Bed days per population factor as B = A x L: admissions per population times
the average length of stay.  :func:`decompose` splits the gap between two
systems into the part due to different admission rates and the part due to
different lengths of stay (Kitagawa 1955; Das Gupta 1993), per age band and
standardised, per cause and for the total over the selected causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_level, check_positive_number
from .._deprecation import renamed_keywords
from ..errors import InvalidArgumentError, UnknownNameError
from ._by import comparison_by, run_by
from ._strata import prepare, with_prepared_notes

__all__ = ["decompose", "DECOMPOSE_COLUMNS"]

#: fixed output columns after ``system, reference, <by>``
DECOMPOSE_COLUMNS = [
    "age_band", "weight",
    "admission_rate", "reference_admission_rate", "alos", "reference_alos",
    "bed_day_rate", "reference_bed_day_rate",
    "gap", "admission_component", "los_component", "statistic", "note",
]

STANDARDISED = "standardised"


def _pairs(systems: Sequence[Any] | None, reference: Any, present: list[Any]) -> list[tuple[Any, Any]]:
    if isinstance(systems, (str, bytes)) or not (systems is None or isinstance(systems, (list, tuple))):
        raise InvalidArgumentError(f"argument 'systems': give a pair (system, reference_system), got {systems!r}.")
    if (systems is None) == (reference is None):
        raise InvalidArgumentError(
            "decompose: give either systems=(system, reference_system) or reference=<system>, not both/neither."
        )
    if systems is not None:
        pair = list(systems)
        for system in pair:
            check_level(system, argument="systems")
        if len(pair) != 2:
            raise InvalidArgumentError(f"argument 'systems': give exactly two systems, got {systems!r}.")
        wanted = pair
        pairs = [(pair[0], pair[1])]
    else:
        wanted = [check_level(reference, argument="reference")]
        pairs = [(s, reference) for s in present if s != reference] or [(reference, reference)]
    unknown = [s for s in wanted if s not in present]
    if unknown:
        raise UnknownNameError(
            f"system(s) {', '.join(map(repr, unknown))} not found in strata column 'system' "
            f"(systems present: {', '.join(map(repr, present))})."
        )
    return pairs


def _components(a1: np.ndarray, l1: np.ndarray, a2: np.ndarray, l2: np.ndarray) -> tuple[np.ndarray, ...]:
    """Kitagawa's symmetric split of a1*l1 - a2*l2 (exact identity)."""
    adm = 0.5 * (l1 + l2) * (a1 - a2)
    los = 0.5 * (a1 + a2) * (l1 - l2)
    return adm, los


@renamed_keywords(strata="data")
def decompose(data: Any, *, population: Any, standard: Any, systems: Sequence[Any] | None = None,
              reference: Any = None, by: str | Sequence[str] = "condition",
              age_range: tuple[Any, Any] | None = None, levels: Sequence[Any] | None = None,
              multiplier: float = 100_000) -> pd.DataFrame:
    """Split the gap in bed days per population into admission-rate and length-of-stay parts.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or AggregateResult
        Strata as for :func:`kpcompare.compare`: ``system, age_band, [sex], <by>, admissions,
        bed_days`` (``weighted_admissions``/``weighted_bed_days`` are used when present).  Was
        ``strata`` (deprecated keyword).
    population : pandas.DataFrame
        ``system, age_band, [sex], population``.
    standard : str or pandas.DataFrame
        A system named in ``population``, a registered standard name, or a table ``age_band, [sex],
        population``.
    systems : (str, str), optional
        ``(system, reference_system)``: decompose system minus reference.
    reference : str, optional
        Instead of ``systems``: decompose every other system against this one.
    by : str or sequence of str
        Column of causes (their total is the level ``"all selected"``); further columns split the
        decomposition, one per level (as if run on that level's rows).
    age_range : (int or None, int or None), optional
        Ages to include (inclusive, band edges), e.g. ``(60, None)``.
    levels : sequence, optional
        Levels of ``by`` (its first column) to include (default: all but "other").
    multiplier : float
        Rates per ``multiplier`` population (default 100,000, as every rate function).

    Returns
    -------
    pandas.DataFrame
        One row per system x ``by`` level(s) x age band (and sex) plus a row with ``age_band ==
        "standardised"``: ``system, reference, <by...>, age_band, [sex], weight, admission_rate,
        reference_admission_rate, alos, reference_alos, bed_day_rate, reference_bed_day_rate, gap,
        admission_component, los_component, statistic, note``, with ``gap = bed_day_rate -
        reference_bed_day_rate = admission_component + los_component`` in every row.

    Notes
    -----
    Per band, :math:`A_1L_1 - A_2L_2 = \\tfrac12(L_1+L_2)(A_1-A_2) + \\tfrac12(A_1+A_2)(L_1-L_2)`
    (Kitagawa 1955); the standardised row sums each column with the standard weights.  Bands
    without admissions and the "all selected" total: docs/comparison.md#decompose-method-notes.

    References
    ----------
    Kitagawa EM. J Am Stat Assoc 1955;50:1168-94. doi:10.1080/01621459.1955.10501299.
    Das Gupta P. Standardization and decomposition of rates. US Census Bureau P23-186, 1993.

    Validated against: hand calculation of the identity (tests/comparison); the standardised gap
    equals the difference of :func:`kpcompare.dsr` bed-day rates.
    """
    cols = comparison_by(by)
    opts = dict(systems=systems, reference=reference, age_range=age_range, levels=levels,
                multiplier=multiplier)
    if len(cols) == 1:
        return _decompose_one(data, by=cols[0], population=population, standard=standard, **opts)
    res = run_by(data, cols, _decompose_one, population=population, standard=standard, **opts)
    keys = [c for c in res.columns if c not in ("system", "reference", *cols, *DECOMPOSE_COLUMNS)]
    rank = pd.Categorical(res["system"], categories=list(dict.fromkeys(res["system"])), ordered=True)
    res = res.assign(_s=rank).sort_values("_s", kind="stable")
    return res[["system", "reference", *cols, "age_band", *keys,
                *[c for c in DECOMPOSE_COLUMNS if c != "age_band"]]].reset_index(drop=True)


def _decompose_one(data: Any, *, by: str, population: Any, standard: Any, systems: Sequence[Any] | None,
                   reference: Any, age_range: tuple[Any, Any] | None, levels: Sequence[Any] | None,
                   multiplier: float) -> pd.DataFrame:
    """:func:`decompose` with one ``by`` column."""
    mult = check_positive_number(multiplier, argument="multiplier")
    prep = prepare(data, population=population, standard=standard, by=by, age_range=age_range,
                   levels=levels)
    pairs = _pairs(systems, reference, prep.systems)
    t = _band_rates(prep.table, mult)
    out = []
    for sys_a, sys_b in pairs:
        band = _band_rows(t, sys_a, sys_b, join=[by, *prep.keys])
        std = _standardised_rows(band, (sys_a, sys_b), by=by, keys=prep.keys)
        out.append(pd.concat([band, std[band.columns]], ignore_index=True))
    res = pd.concat(out, ignore_index=True)
    res["statistic"] = f"bed days per {mult:g}; components per {mult:g}"
    extra_keys = [k for k in prep.keys if k != "age_band"]
    ordered = ["system", "reference", by, "age_band", *extra_keys] + [
        c for c in DECOMPOSE_COLUMNS if c != "age_band"]
    res = res[ordered]
    # standardised rows last within each system x level
    res["_std"] = res["age_band"] == STANDARDISED
    res["_lv"] = pd.Categorical(res[by], categories=prep.levels, ordered=True)
    res["_sys"] = pd.Categorical(res["system"], categories=list(dict.fromkeys(p[0] for p in pairs)), ordered=True)
    res = res.sort_values(["_sys", "_lv", "_std"], kind="stable").drop(columns=["_std", "_lv", "_sys"])
    res["note"] = with_prepared_notes(res["note"], prep)
    return res.reset_index(drop=True)


def _band_rates(t: pd.DataFrame, mult: float) -> pd.DataFrame:
    """Admission rate ``_a``, bed-day rate ``_b`` (per ``mult``) and ALOS ``_l`` of every stratum."""
    pop = t["population"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return t.assign(
            _a=np.where(pop > 0, t["admissions"] / pop * mult, 0.0),
            _b=np.where(pop > 0, t["bed_days"] / pop * mult, 0.0),
            _l=np.where(t["admissions"] > 0, t["bed_days"] / t["admissions"], np.nan),
        )


_NO_ADMISSIONS = "no admissions in one or both systems: ALOS set equal, gap assigned to admissions"
_NO_ADMISSIONS_RESIDUAL = (_NO_ADMISSIONS + " except the bed days without admissions, assigned to length "
                           "of stay")


def _band_rows(t: pd.DataFrame, sys_a: Any, sys_b: Any, *, join: list[str]) -> pd.DataFrame:
    """The per-band decomposition of ``sys_a`` minus ``sys_b``."""
    one = t.loc[t["system"] == sys_a, [*join, "weight", "_a", "_b", "_l"]]
    ref = t.loc[t["system"] == sys_b, [*join, "_a", "_b", "_l"]]
    m = one.merge(ref, on=join, suffixes=("", "_ref"), sort=False)
    l1, l2 = m["_l"].to_numpy(float), m["_l_ref"].to_numpy(float)
    none1, none2 = np.isnan(l1), np.isnan(l2)
    l1f = np.where(none1, np.where(none2, 0.0, l2), l1)
    l2f = np.where(none2, np.where(none1, 0.0, l1), l2)
    a1, a2 = m["_a"].to_numpy(float), m["_a_ref"].to_numpy(float)
    adm, los = _components(a1, l1f, a2, l2f)
    gap = m["_b"].to_numpy(float) - m["_b_ref"].to_numpy(float)
    undefined = none1 | none2
    # bed days without admissions (stays admitted before the period, episode-based bed days) have no
    # ALOS to split by: the part of the gap the two factors cannot carry goes to length of stay
    residual = np.where(undefined, gap - adm - los, 0.0)
    los = los + residual
    note = np.where(undefined, np.where(np.abs(residual) > 1e-12 * np.maximum(1.0, np.abs(gap)),
                                        _NO_ADMISSIONS_RESIDUAL, _NO_ADMISSIONS), "")
    return pd.DataFrame({
        "system": sys_a, "reference": sys_b, **{k: m[k] for k in join},
        "weight": m["weight"].to_numpy(float),
        "admission_rate": a1, "reference_admission_rate": a2,
        "alos": m["_l"].to_numpy(float), "reference_alos": m["_l_ref"].to_numpy(float),
        "bed_day_rate": m["_b"].to_numpy(float), "reference_bed_day_rate": m["_b_ref"].to_numpy(float),
        "gap": gap, "admission_component": adm, "los_component": los, "note": note,
    })


def _standardised_rows(band: pd.DataFrame, pair: tuple[Any, Any], *, by: str, keys: list[str]) -> pd.DataFrame:
    """Per level of ``by``: every column summed over bands with the standard weights."""
    summed_cols = ["admission_rate", "reference_admission_rate", "bed_day_rate",
                   "reference_bed_day_rate", "gap", "admission_component", "los_component"]
    weighted = band[summed_cols].mul(band["weight"], axis=0)
    weighted[by] = band[by]
    std = weighted.groupby(by, sort=False, observed=True)[summed_cols].sum().reset_index()
    std["weight"] = band.groupby(by, sort=False, observed=True)["weight"].sum().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        std["alos"] = std["bed_day_rate"] / std["admission_rate"]
        std["reference_alos"] = std["reference_bed_day_rate"] / std["reference_admission_rate"]
    std["system"], std["reference"], std["age_band"] = pair[0], pair[1], STANDARDISED
    for k in keys:
        if k != "age_band":
            std[k] = "all"
    has_note = band.assign(_n=band["note"] != "").groupby(by, sort=False, observed=True)["_n"].any().to_numpy()
    std["note"] = np.where(has_note, "includes bands where one system had no admissions", "")
    return std
