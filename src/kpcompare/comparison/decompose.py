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

from .._checks import check_positive_number
from ..errors import InvalidArgumentError, UnknownNameError
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
    if (systems is None) == (reference is None):
        raise InvalidArgumentError(
            "decompose: give either systems=(system, reference_system) or reference=<system>, not both/neither."
        )
    if systems is not None:
        pair = list(systems)
        if len(pair) != 2:
            raise InvalidArgumentError(f"argument 'systems': give exactly two systems, got {systems!r}.")
        wanted = pair
        pairs = [(pair[0], pair[1])]
    else:
        wanted = [reference]
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


def decompose(strata: Any, *, population: Any, standard: Any, systems: Sequence[Any] | None = None,
              reference: Any = None, by: str = "condition", age_range: tuple[Any, Any] | None = None,
              levels: Sequence[Any] | None = None, multiplier: float = 1000) -> pd.DataFrame:
    """Split the gap in bed days per population into admission-rate and length-of-stay parts.

    Parameters
    ----------
    strata : pandas.DataFrame, pyarrow.Table or AggregateResult
        As for :func:`kpcompare.compare`: columns ``system, age_band, <by>, admissions,
        bed_days`` (``sex`` optional; ``weighted_admissions``/``weighted_bed_days`` are
        used when present).
    population : pandas.DataFrame
        ``system, age_band, [sex], population``.
    standard : str or pandas.DataFrame
        A system named in ``population`` (its population is the standard), a registered
        standard population name, or a table ``age_band, [sex], population``.
    systems : (str, str), optional
        ``(system, reference_system)``: decompose system minus reference.
    reference : str, optional
        Instead of ``systems``: decompose every other system against this one.
    by : str
        Column of causes; the total over the selected causes is the level "all selected".
    age_range : (int or None, int or None), optional
        Ages to include (inclusive, band edges); e.g. ``(60, None)``. Default: the ages
        spanned by the strata's bands.
    levels : sequence, optional
        Levels of ``by`` to include (default: all but "other").
    multiplier : float
        Rates are per ``multiplier`` population (default 1000).

    Returns
    -------
    pandas.DataFrame
        One row per system x ``by`` level x age band (and sex, when the strata have it,
        after ``age_band``) plus a row with ``age_band == "standardised"``. Columns:
        ``system, reference, <by>, age_band, [sex], weight, admission_rate,
        reference_admission_rate, alos, reference_alos, bed_day_rate,
        reference_bed_day_rate, gap, admission_component, los_component, statistic,
        note``. ``gap = bed_day_rate - reference_bed_day_rate`` and
        ``gap == admission_component + los_component`` (to rounding error) in every row.

    Notes
    -----
    In age band i, with admission rates A and average lengths of stay L (bed days /
    admissions) of the system (1) and the reference (2),

    .. math:: A_1L_1 - A_2L_2 = \\tfrac12(L_1+L_2)(A_1-A_2) + \\tfrac12(A_1+A_2)(L_1-L_2),

    an exact identity: the first term is the admission-rate component, the second the
    length-of-stay component (Kitagawa 1955; Das Gupta 1993 for two factors). The
    standardised row sums each column over bands with the standard weights
    :math:`w_i = s_i/\\sum s`, so its gap equals the difference of the directly
    standardised bed-day rates and its components still sum exactly to it. Its
    ``alos`` is the standardised bed-day rate over the standardised admission rate.
    When a system has no admissions in a band its ALOS is undefined; it is set to the
    other system's ALOS there (0 when neither has admissions), which assigns the gap of
    that band to admissions (``note`` says so). If that system nevertheless has bed days
    there (stays admitted before the period, or bed days counted by episode), those bed
    days cannot be split by the identity; they are added to the length-of-stay component,
    so the components still sum exactly to the gap (``note`` says so).
    Components of the "all selected" total are computed from the summed rates, so they
    are not the sum of the per-cause components (the difference is case-mix).

    References
    ----------
    Kitagawa EM. Components of a difference between two rates. J Am Stat Assoc
    1955;50:1168-94. doi:10.1080/01621459.1955.10501299.
    Das Gupta P. Standardization and decomposition of rates: a user's manual. US
    Bureau of the Census, Current Population Reports P23-186, 1993.

    Validated against: hand calculation of the identity (tests/comparison); the
    standardised gap equals the difference of :func:`kpcompare.dsr` bed-day rates.
    """
    mult = check_positive_number(multiplier, argument="multiplier")
    prep = prepare(strata, population=population, standard=standard, by=by, age_range=age_range,
                   levels=levels)
    pairs = _pairs(systems, reference, prep.systems)
    t = prep.table
    keys = prep.keys
    join = [by, *keys]
    pop = t["population"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = t.assign(
            _a=np.where(pop > 0, t["admissions"] / pop * mult, 0.0),
            _b=np.where(pop > 0, t["bed_days"] / pop * mult, 0.0),
            _l=np.where(t["admissions"] > 0, t["bed_days"] / t["admissions"], np.nan),
        )
    cols = [*join, "weight", "_a", "_b", "_l"]
    out = []
    for sys_a, sys_b in pairs:
        one = t.loc[t["system"] == sys_a, cols]
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
        note = np.where(undefined, np.where(
            np.abs(residual) > 1e-12 * np.maximum(1.0, np.abs(gap)),
            "no admissions in one or both systems: ALOS set equal, gap assigned to admissions except "
            "the bed days without admissions, assigned to length of stay",
            "no admissions in one or both systems: ALOS set equal, gap assigned to admissions"), "")
        band = pd.DataFrame({
            "system": sys_a, "reference": sys_b, **{k: m[k] for k in join},
            "weight": m["weight"].to_numpy(float),
            "admission_rate": a1, "reference_admission_rate": a2,
            "alos": m["_l"].to_numpy(float), "reference_alos": m["_l_ref"].to_numpy(float),
            "bed_day_rate": m["_b"].to_numpy(float), "reference_bed_day_rate": m["_b_ref"].to_numpy(float),
            "gap": gap,
            "admission_component": adm, "los_component": los, "note": note,
        })
        summed_cols = ["admission_rate", "reference_admission_rate", "bed_day_rate",
                       "reference_bed_day_rate", "gap", "admission_component", "los_component"]
        weighted = band[summed_cols].mul(band["weight"], axis=0)
        weighted[by] = band[by]
        std = weighted.groupby(by, sort=False)[summed_cols].sum().reset_index()
        std_w = band.groupby(by, sort=False)["weight"].sum().to_numpy()
        std["weight"] = std_w
        with np.errstate(divide="ignore", invalid="ignore"):
            std["alos"] = std["bed_day_rate"] / std["admission_rate"]
            std["reference_alos"] = std["reference_bed_day_rate"] / std["reference_admission_rate"]
        std["system"], std["reference"], std["age_band"] = sys_a, sys_b, STANDARDISED
        for k in keys:
            if k != "age_band":
                std[k] = "all"
        has_note = band.assign(_n=band["note"] != "").groupby(by, sort=False)["_n"].any().to_numpy()
        std["note"] = np.where(has_note, "includes bands where one system had no admissions", "")
        out.append(pd.concat([band, std[band.columns]], ignore_index=True))
    res = pd.concat(out, ignore_index=True)
    res["statistic"] = f"bed days per {mult:g}; components per {mult:g}"
    extra_keys = [k for k in keys if k != "age_band"]
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
