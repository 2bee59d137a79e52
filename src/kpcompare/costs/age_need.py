"""An age/need adjustment factor computed from data by indirect standardisation of per-capita cost."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_list,
    as_pandas,
    check_keys,
    check_level,
    check_no_missing,
    check_non_negative,
    require_columns,
)
from .._deprecation import warn_moved
from ..errors import InvalidArgumentError, InvalidValueError, UnknownNameError
from ..rates.standard import check_same_keys

__all__ = ["age_need_factor", "AGE_NEED_COLUMNS"]

AGE_NEED_COLUMNS = ["system", "reference", "population", "reference_population", "expected_system",
                    "expected_reference", "value", "method", "statistic", "note"]


def _need_table(need: Any, *, age: str, weight: str, by: list[str]) -> pd.DataFrame:
    """The checked table of need weights: one weight per age band (and ``by`` level)."""
    wts = as_pandas(need, argument="need")
    require_columns(wts, [age, weight, *by], argument="need")
    check_no_missing(wts, [age, weight, *by])
    check_keys(wts, [age, *by], labels=True)
    check_non_negative(wts, [weight])
    keys = [age, *by]
    dup = wts.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        raise InvalidValueError(
            f"need: rule 'one weight per {', '.join(keys)}' broken by {int(dup.sum())} rows "
            f"(e.g. {tuple(wts.loc[dup, keys].iloc[0])!r}).", column=age)
    return wts


def _population_table(populations: Any, *, age: str, population: str, by: list[str]) -> pd.DataFrame:
    """The checked table of populations by system and age band (and ``by`` level)."""
    pops = as_pandas(populations, argument="populations")
    require_columns(pops, ["system", age, population, *by], argument="populations")
    check_no_missing(pops, ["system", age, population, *by])
    check_keys(pops, ["system", age, *by], labels=True)
    check_non_negative(pops, [population])
    return pops


def _systems(pops: pd.DataFrame, wts: pd.DataFrame, *, reference: str, systems: Any,
             keys: list[str]) -> list[Any]:
    """The systems adjusted, each checked to have exactly the bands of the need weights."""
    reference = check_level(reference, argument="reference")
    names = list(dict.fromkeys(pops["system"]))
    if reference not in names:
        raise UnknownNameError(f"argument 'reference': {reference!r} is not a system of populations "
                               f"({', '.join(map(repr, names))}).")
    chosen = [s for s in names if s != reference] if systems is None else as_list(systems, argument="systems")
    unknown = [s for s in chosen if s not in names]
    if unknown:
        raise UnknownNameError(f"argument 'systems': {unknown[0]!r} is not a system of populations.")
    for name in dict.fromkeys([reference, *chosen]):  # joined by key (the one standard resolver's check)
        check_same_keys(pops[pops["system"].eq(name)], wts, keys=keys, label=f"system {name!r}",
                        other="the cost weights")
    return chosen


def _old_keywords(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Deprecated spellings: ``weights=<table>`` is now ``need=``, ``weight=<column>`` is now ``weights=``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> pd.DataFrame:
        if "need" not in kwargs and not isinstance(kwargs.get("weights", "weight"), str):
            warn_moved("age_need_factor(weights=<table>)", "age_need_factor(need=<table>)")
            kwargs["need"] = kwargs.pop("weights")
        if "weight" in kwargs:
            if "weights" in kwargs:
                raise InvalidArgumentError("arguments 'weight' and 'weights': 'weight' is the deprecated spelling "
                                           "of 'weights' (the column of need weights); give 'weights' only.")
            warn_moved("age_need_factor(weight=...)", "age_need_factor(weights=...)")
            kwargs["weights"] = kwargs.pop("weight")
        return func(*args, **kwargs)

    wrapper.__deprecated_keywords__ = {"weight": "weights", "weights (a table)": "need"}  # type: ignore[attr-defined]
    return wrapper


@_old_keywords
def age_need_factor(populations: pd.DataFrame, *, need: pd.DataFrame, reference: str,
                    systems: str | list[str] | None = None, age: str = "age_band",
                    population: str = "population", weights: str = "weight",
                    by: str | list[str] | None = None) -> pd.DataFrame:
    """Age/need factor: the reference population's expected per-capita cost over a system's.

    Parameters
    ----------
    populations : pandas.DataFrame
        Columns ``system``, ``age`` (band label), ``population`` (+ ``by`` columns such as ``sex``):
        the age structure of each system's covered population.
    need : pandas.DataFrame
        Columns ``age`` (+ ``by``) and ``weights``: age-specific cost (or use) per head, any scale;
        joined by band **label**, never by position.  Was ``weights=<table>`` (deprecated).
    reference : str
        The system whose age structure the others are standardised to (e.g. Kaiser's).
    systems : str or list of str, optional
        Systems to adjust (default all but the reference).
    age, population, weights : str
        Columns: age bands (both tables), populations, need weights of ``need`` (``weights`` was
        ``weight``, a deprecated keyword).
    by : str or list of str, optional
        Further strata shared by both tables (e.g. ``"sex"``).

    Returns
    -------
    pandas.DataFrame
        One row per system: ``system, reference, population, reference_population, expected_system,
        expected_reference, value, method, statistic, note``; ``value`` is the factor.

    Notes
    -----
    With common need weights w_a and age shares π_{s,a} = n_{s,a}/Σn_s, the expected cost per head
    of population s is E_s = Σ_a w_a π_{s,a} (indirect standardisation), and the factor is

    .. math:: g_s = E_{ref} / E_s ;

    a system's per-capita cost times g_s is expressed at the reference's age structure
    (docs/costs_tutorial.md#5-the-ageneed-factor-from-data).

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, vol II (IARC 1987), ch. 2; Feachem RGA et al.
    BMJ 2002;324:135. doi:10.1136/bmj.324.7330.135.

    Validated against: a hand calculation (tests/costs/test_costs_age_need.py): weights 1 and 4, shares
    (0.8, 0.2) and (0.6, 0.4): E = 1.6 and 2.2, factor 0.7273.
    """
    if not isinstance(weights, str):
        raise InvalidArgumentError(f"argument 'weights': give the name of the column of need weights in 'need', "
                                   f"got {type(weights).__name__}; the table itself is 'need'.")
    weight = weights
    wts = _need_table(need, age=age, weight=weight, by=as_list(by))
    extra = as_list(by)
    pops = _population_table(populations, age=age, population=population, by=extra)
    keys = [age, *extra]
    chosen = _systems(pops, wts, reference=reference, systems=systems, keys=keys)
    merged = pops.merge(wts[keys + [weight]], on=keys, how="left")
    merged["_cost"] = merged[population].astype(float) * merged[weight].astype(float)
    agg = merged.groupby("system", sort=False, observed=True).agg(n=(population, "sum"), cost=("_cost", "sum"))
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
