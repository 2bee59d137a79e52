"""Cost comparisons declared as data: adjustment lines and per-system factors.

A cost comparison is two tidy tables (see :class:`CostAssumptions`):

``lines`` (money)
    ``assumption_set, system, order, kind, item, category, amount, currency, sign, contested``
    (+ optional ``included, source, basis, note``).  ``kind`` is ``"start"`` (exactly one per system:
    the gross expenditure) or ``"adjustment"``; ``amount`` is a non-negative number in **millions** of
    ``currency`` and ``sign`` is +1 (added) or -1 (deducted).  ``contested`` marks lines that a critic
    disputed; ``included`` (default True) switches a line on or off.

``factors`` (one row per system and factor)
    ``assumption_set, system, factor, value, unit`` (+ optional ``rounding, contested, source, basis,
    note``).  ``factor`` is one of ``population`` (persons covered), ``exchange_rate`` (``unit`` like
    ``"USD per GBP"``: units of the target currency per unit of the system's currency),
    ``cost_environment`` (purchasing-power / medical-cost-environment multiplier) and ``age_need``
    (age/need multiplier).  ``rounding`` is the half-width of the printed value (e.g. 0.0005 for a
    factor printed as 0.828); it is used only to check published figures within their rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import (
    as_list,
    as_pandas,
    check_distinct,
    check_keys,
    check_measure,
    check_real,
    text_or_blank,
    check_choice,
    check_flag,
    check_instance,
    check_name,
    check_no_missing,
    check_non_negative,
    check_values_in,
    require_columns,
)
from .._paths import data_path
from ..errors import DuplicateKeyError, InvalidValueError, UnknownNameError, counted, row_problem

__all__ = [
    "CostAssumptions",
    "assumptions",
    "list_assumption_sets",
    "validate_lines",
    "validate_factors",
    "toggle",
    "alternative",
    "LINE_COLUMNS",
    "FACTOR_COLUMNS",
    "FACTORS",
]

LINE_COLUMNS = ("assumption_set", "system", "order", "kind", "item", "category", "amount", "currency",
                "sign", "contested")
FACTOR_COLUMNS = ("assumption_set", "system", "factor", "value", "unit")
FACTORS = ("population", "exchange_rate", "cost_environment", "age_need")
_LINE_FILE = ("costs", "cost_lines.csv")
_FACTOR_FILE = ("costs", "cost_factors.csv")


@dataclass(frozen=True)
class CostAssumptions:
    """One or more assumption sets: the money ``lines`` and the per-system ``factors`` (both DataFrames)."""

    lines: pd.DataFrame
    factors: pd.DataFrame
    names: tuple[str, ...] = field(default=())


def _as_bool(series: pd.Series, column: str) -> pd.Series:
    if series.dtype == bool:
        return series
    mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
    text = series.astype("string").str.strip().str.lower()
    out = text.map(mapping)
    bad = out.isna().to_numpy()
    if bad.any():
        raise row_problem(column, "boolean (True/False)", int(bad.sum()), series[bad].iloc[0])
    return out.astype(bool)


def validate_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise a ``lines`` table; returns a copy with ``included`` filled in.

    Raises :class:`~kpcompare.errors.MissingColumnError`, :class:`~kpcompare.errors.InvalidValueError`
    (negative amount, sign not +/-1, unknown kind, not exactly one start line per system, a line whose
    currency differs from the system's start line) or :class:`~kpcompare.errors.DuplicateKeyError`.
    """
    data = as_pandas(lines, argument="lines").copy()
    require_columns(data, LINE_COLUMNS, argument="lines")
    check_no_missing(data, ["assumption_set", "system", "order", "kind", "item", "amount", "currency",
                            "sign", "contested"])
    check_keys(data, ["assumption_set", "system", "order", "kind", "item", "currency"], labels=True)
    check_non_negative(data, ["amount"])
    data["amount"] = pd.to_numeric(data["amount"]).astype(float)
    check_real(data, ["sign"])
    data["sign"] = pd.to_numeric(data["sign"])
    check_values_in(data, "sign", [1, -1], rule="sign is +1 (added) or -1 (deducted)")
    data["sign"] = data["sign"].astype(int)
    check_values_in(data, "kind", ["start", "adjustment"], rule="kind is start or adjustment")
    data["contested"] = _as_bool(data["contested"], "contested")
    data["included"] = _as_bool(data["included"], "included") if "included" in data else True
    for col in ("category", "source", "basis", "note"):
        if col not in data:
            data[col] = ""
        data[col] = text_or_blank(data[col])
    key = ["assumption_set", "system", "item"]
    dup = data.duplicated(key, keep=False).to_numpy()
    if dup.any():
        ex = tuple(data.loc[dup, key].iloc[0])
        raise row_problem("item", "one line per assumption_set, system and item", int(dup.sum()), ex,
                          cls=DuplicateKeyError)
    starts = data["kind"].eq("start").groupby([data["assumption_set"], data["system"]], observed=True).sum()
    bad = starts[starts != 1]
    if len(bad):
        raise InvalidValueError(
            f"column 'kind': rule 'exactly one start line per assumption_set and system' broken by "
            f"{counted(len(bad), 'system')} (e.g. {bad.index[0]!r} has {int(bad.iloc[0])}).", column="kind",
            rule="exactly one start line", n_rows=len(bad), example=bad.index[0])
    first = data.sort_values(["assumption_set", "system", "order"], kind="stable").groupby(
        ["assumption_set", "system"], sort=False, observed=True)["kind"].first()
    late = first[first != "start"]
    if len(late):
        raise InvalidValueError(
            f"column 'order': rule 'the start line comes first (lowest order)' broken by "
            f"{counted(len(late), 'system')} (e.g. {late.index[0]!r}).", column="order", rule="start line first", n_rows=len(late),
            example=late.index[0])
    start_ccy = data.loc[data["kind"].eq("start")].set_index(["assumption_set", "system"])["currency"]
    expect = start_ccy.reindex(pd.MultiIndex.from_frame(data[["assumption_set", "system"]])).to_numpy()
    mismatch = data["currency"].to_numpy() != expect
    if mismatch.any():
        raise row_problem("currency", "same currency as the start line of the system", int(mismatch.sum()),
                          data.loc[mismatch, "item"].iloc[0],
                          hint="Convert the line to the system's currency before declaring it.")
    return data.sort_values(["assumption_set", "system", "order"], kind="stable").reset_index(drop=True)


def validate_factors(factors: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise a ``factors`` table (every system needs ``population``; other factors default to 1)."""
    data = as_pandas(factors, argument="factors").copy()
    require_columns(data, FACTOR_COLUMNS, argument="factors")
    check_no_missing(data, ["assumption_set", "system", "factor", "value"])
    check_keys(data, ["assumption_set", "system", "factor"], labels=True)
    check_values_in(data, "factor", FACTORS, rule=f"factor is one of {', '.join(FACTORS)}")
    check_non_negative(data, ["value"])
    data["value"] = pd.to_numeric(data["value"]).astype(float)
    zero = (data["value"] <= 0).to_numpy()
    if zero.any():
        raise row_problem("value", "factor > 0", int(zero.sum()), data.loc[zero, "factor"].iloc[0])
    dup = data.duplicated(["assumption_set", "system", "factor"], keep=False).to_numpy()
    if dup.any():
        ex = tuple(data.loc[dup, ["assumption_set", "system", "factor"]].iloc[0])
        raise row_problem("factor", "one value per assumption_set, system and factor", int(dup.sum()), ex,
                          cls=DuplicateKeyError)
    if "rounding" not in data:
        data["rounding"] = np.nan
    check_measure(data, ["rounding"], missing="allow")  # blank: no rounding
    data["rounding"] = pd.to_numeric(data["rounding"]).astype(float)
    data["contested"] = _as_bool(data["contested"], "contested") if "contested" in data else False
    for col in ("unit", "source", "basis", "note"):
        if col not in data:
            data[col] = ""
        data[col] = text_or_blank(data[col])
    return data.reset_index(drop=True)


def list_assumption_sets() -> pd.DataFrame:
    """The bundled assumption sets: ``assumption_set, systems, lines, contested_lines, source``."""
    lines = validate_lines(pd.read_csv(data_path(*_LINE_FILE)))
    grouped = lines.groupby("assumption_set", sort=True, observed=True)
    return pd.DataFrame({
        "assumption_set": list(grouped.groups),
        "systems": grouped["system"].agg(lambda s: "; ".join(dict.fromkeys(s))).to_numpy(),
        "lines": grouped.size().to_numpy(),
        "contested_lines": grouped["contested"].sum().to_numpy(),
        "source": f"data/{'/'.join(_LINE_FILE)} and data/{'/'.join(_FACTOR_FILE)} (see data/costs/SOURCES.md)",
    })


def assumptions(*names: str) -> CostAssumptions:
    """Load bundled assumption sets (all when no name is given).

    Parameters
    ----------
    *names : str
        ``"feachem2002"`` (Feachem, Sekhri & White, BMJ 2002;324:135, doi:10.1136/bmj.324.7330.135) and
        ``"talbot_smith2004"`` (Talbot-Smith, Gnani, Pollock & Pereira Gray, Br J Gen Pract
        2004;54:415: the same lines without the purchasing-power-parity step).

    Returns
    -------
    CostAssumptions
        ``lines`` and ``factors`` restricted to the requested sets, validated.
    """
    lines = validate_lines(pd.read_csv(data_path(*_LINE_FILE)))
    factors = validate_factors(pd.read_csv(data_path(*_FACTOR_FILE)))
    known = list(dict.fromkeys(lines["assumption_set"]))
    chosen = [check_choice(n, known, argument="names") for n in names] or known
    keep_l = lines["assumption_set"].isin(chosen)
    keep_f = factors["assumption_set"].isin(chosen)
    return CostAssumptions(lines.loc[keep_l].reset_index(drop=True),
                           factors.loc[keep_f].reset_index(drop=True), tuple(chosen))


def toggle(lines: pd.DataFrame, *, on: bool, items: list[str] | None = None,
           systems: str | list[str] | None = None, contested_only: bool = True) -> pd.DataFrame:
    """Switch adjustment lines on or off (returns a copy with ``included`` set).

    Parameters
    ----------
    lines : pandas.DataFrame
        A ``lines`` table.
    on : bool
        New value of ``included``.
    items : list of str, optional
        Items to switch; default all adjustment lines (only contested ones when ``contested_only``).
    systems : str or list of str, optional
        Restrict to these systems (default all).
    contested_only : bool, default True
        Restrict to lines flagged ``contested``.

    Notes
    -----
    Start lines are never switched.  Switching a set of lines off and then on again returns the
    original table (a tested property).
    """
    on = check_flag(on, argument="on")
    contested_only = check_flag(contested_only, argument="contested_only")
    data = validate_lines(lines)
    mask = data["kind"].eq("adjustment")
    if contested_only:
        mask &= data["contested"]
    items = check_distinct(items, argument="items")
    if items is not None:
        unknown = sorted(set(items) - set(data["item"]))
        if unknown:
            raise UnknownNameError(f"argument 'items': {unknown[0]!r} is not an item of these lines.")
        mask &= data["item"].isin(items)
    if systems is not None:
        chosen = as_list(systems, argument="systems")
        unknown = sorted(set(chosen) - set(data["system"]))
        if unknown:
            raise UnknownNameError(f"argument 'systems': {unknown[0]!r} is not a system of these lines.")
        mask &= data["system"].isin(chosen)
    data.loc[mask, "included"] = bool(on)
    return data


def alternative(changes: pd.DataFrame, *, assumptions: CostAssumptions, base: str, name: str) -> CostAssumptions:
    """A new assumption set: a copy of ``base`` with some factors or line amounts replaced.

    Parameters
    ----------
    changes : pandas.DataFrame
        ``system, item, value, source``: ``item`` is a factor name (``population``, ``exchange_rate``,
        ``cost_environment``, ``age_need``) or a line item; ``value`` the new factor value or the new
        line amount (millions, the line's sign kept).
    assumptions : CostAssumptions
        Holding ``base``.
    base, name : str
        The set to copy and the new set's name.

    Returns
    -------
    CostAssumptions
        ``assumptions`` with the new set appended (lines and factors), every changed row's ``basis``
        set to ``"alternative"`` and its ``source`` to the change's source.
    """
    check_instance(assumptions, CostAssumptions, argument="assumptions",
                   hint="Load one with kpcompare.costs.assumptions(...).")
    base, name = check_name(base, argument="base", what="assumption set"), check_name(name, argument="name")
    ch = as_pandas(changes, argument="changes")
    require_columns(ch, ["system", "item", "value", "source"], argument="changes")
    check_no_missing(ch, ["system", "item", "value"])
    check_keys(ch, ["system", "item"], labels=True)
    check_non_negative(ch, ["value"])
    lines, factors = validate_lines(assumptions.lines), validate_factors(assumptions.factors)
    sets = list(dict.fromkeys(lines["assumption_set"]))
    if base not in sets:
        raise UnknownNameError(f"argument 'base': assumption set {base!r} is not in assumptions "
                               f"({', '.join(map(repr, sets))}).")
    if name in sets:
        raise InvalidValueError(f"argument 'name': assumption set {name!r} already exists; choose a new name.",
                                column="assumption_set")
    new_l = lines.loc[lines["assumption_set"].eq(base)].assign(assumption_set=name)
    new_f = factors.loc[factors["assumption_set"].eq(base)].assign(assumption_set=name)
    for _, row in ch.iterrows():  # a handful of declared changes
        is_factor = row["item"] in FACTORS
        table = new_f if is_factor else new_l
        key = "factor" if is_factor else "item"
        mask = table["system"].eq(row["system"]) & table[key].eq(row["item"])
        if not mask.any():
            if not is_factor or not table["system"].eq(row["system"]).any():
                raise UnknownNameError(f"changes: {row['item']!r} of system {row['system']!r} is neither a factor "
                                       f"nor a line of assumption set {base!r}.")
            extra = {"assumption_set": name, "system": row["system"], "factor": row["item"], "value": 0.0,
                     "unit": "multiplier", "rounding": np.nan, "contested": False, "note": ""}
            new_f = pd.concat([new_f, pd.DataFrame([extra])], ignore_index=True)
            table, mask = new_f, new_f["system"].eq(row["system"]) & new_f["factor"].eq(row["item"])
        col = "value" if is_factor else "amount"
        table.loc[mask, [col, "source", "basis"]] = [float(row["value"]), str(row["source"]), "alternative"]
        if is_factor:
            table.loc[mask, "rounding"] = np.nan
            new_f = table
        else:
            new_l = table
    return CostAssumptions(pd.concat([lines, new_l], ignore_index=True),
                           pd.concat([factors, new_f], ignore_index=True), (*assumptions.names, name))
