"""An age/need adjustment factor computed from data by indirect standardisation of per-capita cost."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import as_list, as_pandas, check_no_missing, check_non_negative, require_columns
from ..errors import InvalidValueError, UnknownNameError
from ..rates.standard import check_same_keys

__all__ = ["age_need_factor", "AGE_NEED_COLUMNS"]

AGE_NEED_COLUMNS = ["system", "reference", "population", "reference_population", "expected_system",
                    "expected_reference", "value", "method", "statistic", "note"]


def age_need_factor(populations: pd.DataFrame, *, weights: pd.DataFrame, reference: str,
                    systems: str | list[str] | None = None, age: str = "age_band",
                    population: str = "population", weight: str = "weight",
                    by: str | list[str] | None = None) -> pd.DataFrame:
    """Age/need factor: the reference population's expected per-capita cost over a system's.

    Parameters
    ----------
    populations : pandas.DataFrame
        Columns ``system``, ``age`` (band label), ``population`` (+ ``by`` columns such as ``sex``):
        the age structure of each system's covered population.
    weights : pandas.DataFrame
        Columns ``age`` (+ ``by``) and ``weight``: age-specific cost (or use) per head, on any scale
        (only relative weights matter).  Joined by band **label**, never by position.
    reference : str
        The system whose age structure the others are standardised to (e.g. Kaiser's).
    systems : str or list of str, optional
        Systems to adjust (default every system except the reference).
    age, population, weight : str
        Column names.
    by : str or list of str, optional
        Further strata shared by both tables (e.g. ``"sex"``).

    Returns
    -------
    pandas.DataFrame
        One row per system: ``system, reference, population, reference_population, expected_system,
        expected_reference, value, method, statistic, note``; ``value`` is the factor.

    Notes
    -----
    With common cost weights w_a and age shares π_{s,a} = n_{s,a}/Σn_s, the expected cost per head
    of population s is E_s = Σ_a w_a π_{s,a} (indirect standardisation: the same age-specific rates
    applied to each population).  The factor is

    .. math:: g_s = E_{ref} / E_s ,

    and multiplying a system's per-capita cost by g_s expresses it at the reference's age structure.
    g_s < 1 when the system's population is older (costlier per head at the same age-specific costs).
    Feachem et al's implied factor 0.828 means that, at their (unpublished) age weights, the NHS
    population's age mix costs 1/0.828 = 1.21 times as much per head as Kaiser's.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, vol II (IARC 1987), ch. 2 (indirect
    standardisation).  Feachem RGA et al. BMJ 2002;324:135. doi:10.1136/bmj.324.7330.135.

    Validated against: a hand calculation (tests/costs/test_costs_age_need.py): two bands, weights 1 and 4,
    shares (0.8, 0.2) and (0.6, 0.4) give E = 1.6 and 2.2, factor 1.6/2.2 = 0.7273.
    """
    pops = as_pandas(populations, argument="populations")
    wts = as_pandas(weights, argument="weights")
    extra = as_list(by)
    require_columns(pops, ["system", age, population, *extra], argument="populations")
    require_columns(wts, [age, weight, *extra], argument="weights")
    check_no_missing(pops, ["system", age, population, *extra])
    check_no_missing(wts, [age, weight, *extra])
    check_non_negative(pops, [population])
    check_non_negative(wts, [weight])
    keys = [age, *extra]
    dup = wts.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        raise InvalidValueError(
            f"weights: rule 'one weight per {', '.join(keys)}' broken by {int(dup.sum())} rows "
            f"(e.g. {tuple(wts.loc[dup, keys].iloc[0])!r}).", column=age)
    names = list(dict.fromkeys(pops["system"]))
    if reference not in names:
        raise UnknownNameError(f"argument 'reference': {reference!r} is not a system of populations "
                               f"({', '.join(map(repr, names))}).")
    chosen = [s for s in names if s != reference] if systems is None else as_list(systems)
    unknown = [s for s in chosen if s not in names]
    if unknown:
        raise UnknownNameError(f"argument 'systems': {unknown[0]!r} is not a system of populations.")
    for name in dict.fromkeys([reference, *chosen]):  # joined by key (the one standard resolver's check)
        check_same_keys(pops[pops["system"].eq(name)], wts, keys=keys, label=f"system {name!r}",
                        other="the cost weights")
    merged = pops.merge(wts[keys + [weight]], on=keys, how="left")
    merged["_cost"] = merged[population].astype(float) * merged[weight].astype(float)
    agg = merged.groupby("system", sort=False).agg(n=(population, "sum"), cost=("_cost", "sum"))
    agg["expected"] = agg["cost"] / agg["n"]
    ref = agg.loc[reference]
    sub = agg.loc[chosen]
    value = ref["expected"] / sub["expected"].to_numpy()
    note = np.where(sub["n"].to_numpy() > 0, "", "population total is 0")
    return pd.DataFrame({
        "system": chosen,
        "reference": reference,
        "population": sub["n"].to_numpy(dtype=float),
        "reference_population": float(ref["n"]),
        "expected_system": sub["expected"].to_numpy(),
        "expected_reference": float(ref["expected"]),
        "value": np.asarray(value, dtype=float),
        "method": "indirect standardisation (common age-specific cost weights)",
        "statistic": "age/need factor (expected cost per head, reference / system)",
        "note": note,
    })[AGE_NEED_COLUMNS]
