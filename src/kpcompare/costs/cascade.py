"""The cost cascade: running totals and per-capita costs step by step, and assumption sets side by side."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._checks import check_choice
from ..errors import InvalidArgumentError, InvalidValueError, UnknownNameError, counted
from .assumptions import validate_factors, validate_lines

__all__ = ["cascade", "compare_assumptions", "exchange_rates", "CASCADE_COLUMNS", "COMPARISON_COLUMNS"]

CASCADE_COLUMNS = ["assumption_set", "system", "step", "kind", "item", "category", "sign", "amount",
                   "factor", "contested", "included", "total_local", "currency_local", "total",
                   "population", "value_local", "value", "currency", "source", "note"]
COMPARISON_COLUMNS = ["assumption_set", "system", "reference", "value", "reference_value", "difference",
                      "ratio", "relative_difference", "currency", "note"]
_UNIT = re.compile(r"^\s*([A-Za-z]{3})\s+per\s+([A-Za-z]{3})\s*$")
_FACTOR_STEPS = (("exchange_rate", "exchange", "Converted at the exchange rate"),
                 ("cost_environment", "cost_environment", "Cost-environment (purchasing power) adjustment"),
                 ("age_need", "age_need", "Age/need adjustment"))
_MILLION = 1e6


def exchange_rates(factors: pd.DataFrame) -> pd.DataFrame:
    """Exchange rates declared in ``factors``, with inverses: ``assumption_set, from_currency, to_currency, rate``.

    ``unit`` ``"USD per GBP"`` with value 1.6005 means 1 GBP = 1.6005 USD.
    """
    data = validate_factors(factors)
    ex = data.loc[data["factor"].eq("exchange_rate")]
    parsed = ex["unit"].str.extract(_UNIT)
    bad = parsed[0].isna().to_numpy()
    if bad.any():
        raise InvalidValueError(
            f"column 'unit': rule 'exchange_rate unit reads \"<TO> per <FROM>\" (e.g. \"USD per GBP\")' broken "
            f"by {int(bad.sum())} rows (e.g. {ex.loc[bad, 'unit'].iloc[0]!r}).", column="unit")
    fwd = pd.DataFrame({"assumption_set": ex["assumption_set"].to_numpy(),
                        "from_currency": parsed[1].str.upper().to_numpy(),
                        "to_currency": parsed[0].str.upper().to_numpy(),
                        "rate": ex["value"].to_numpy()})
    inv = fwd.rename(columns={"from_currency": "to_currency", "to_currency": "from_currency"})
    inv["rate"] = 1.0 / inv["rate"]
    out = pd.concat([fwd, inv], ignore_index=True)
    return out.drop_duplicates(["assumption_set", "from_currency", "to_currency"]).reset_index(drop=True)


def _factor_table(factors: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """One row per (assumption_set, system) with population, cost_environment, age_need (default 1)."""
    wide = factors.pivot(index=["assumption_set", "system"], columns="factor", values="value")
    wide = wide.reindex(columns=list(("population", "cost_environment", "age_need")))
    out = systems.merge(wide.reset_index(), on=["assumption_set", "system"], how="left")
    missing = out["population"].isna().to_numpy()
    if missing.any():
        ex = tuple(out.loc[missing, ["assumption_set", "system"]].iloc[0])
        raise InvalidValueError(
            f"factors: rule 'every system declares a population' broken by {counted(int(missing.sum()), 'system')} "
            f"(e.g. {ex!r}). Add a row with factor 'population'.", column="factor")
    return out.fillna({"cost_environment": 1.0, "age_need": 1.0})


def _conversion(systems: pd.DataFrame, factors: pd.DataFrame, currency: str) -> np.ndarray:
    rates = exchange_rates(factors)
    key = systems[["assumption_set", "currency_local"]].rename(columns={"currency_local": "from_currency"})
    key = key.assign(to_currency=currency)
    got = key.merge(rates, on=["assumption_set", "from_currency", "to_currency"], how="left")["rate"]
    rate = np.where(systems["currency_local"].to_numpy() == currency, 1.0, got.to_numpy(dtype=float))
    missing = np.isnan(rate)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise UnknownNameError(
            f"argument 'currency': no exchange rate from {systems['currency_local'].iloc[i]!r} to {currency!r} is "
            f"declared in assumption set {systems['assumption_set'].iloc[i]!r}; add an 'exchange_rate' factor "
            f"with unit '{currency} per {systems['currency_local'].iloc[i]}'.")
    return rate


def cascade(lines: pd.DataFrame, *, factors: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """Compute the cost cascade of every system in every assumption set.

    Parameters
    ----------
    lines : pandas.DataFrame
        Money lines (see :mod:`kpcompare.costs.assumptions`): one ``start`` line per system and any
        number of ``adjustment`` lines, amounts in millions of the system's currency.
    factors : pandas.DataFrame
        Per-system ``population``, ``exchange_rate``, ``cost_environment`` and ``age_need``.
    currency : str, default "USD"
        Currency of ``total`` and ``value``; converted with the declared exchange rates.

    Returns
    -------
    pandas.DataFrame
        One row per step and system, columns ``assumption_set, system, step, kind, item, category, sign,
        amount, factor, contested, included, total_local, currency_local, total, population,
        value_local, value, currency, source, note``.  ``kind`` is ``start``, ``adjustment``, ``net``,
        ``exchange``, ``cost_environment`` or ``age_need``.  ``total_local`` is the running total in
        millions of the system's currency (adjustments switched off contribute 0 and are kept, with
        ``included`` False); ``value_local`` the running per-capita cost in the system's currency and
        ``value`` the same in ``currency``.

    Notes
    -----
    For system s with start amount S, included adjustment lines (sign σ_j, amount a_j), population N,
    exchange rate r (units of ``currency`` per unit of the system's currency), cost-environment factor
    p and age/need factor g:

    .. math:: T = S + \\sum_j σ_j a_j, \\qquad v = 10^6\\,T/N \\cdot r \\cdot p \\cdot g.

    The steps after ``net`` multiply the per-capita value by r (shown on the ``exchange`` row; the
    per-capita value in ``currency`` is shown at every step), p and g in turn.  No rounding.

    References
    ----------
    Feachem RGA, Sekhri NK, White KL. Getting more for their dollar: a comparison of the NHS with
    California's Kaiser Permanente. BMJ 2002;324:135-41. doi:10.1136/bmj.324.7330.135.
    Talbot-Smith A, Gnani S, Pollock AM, Pereira Gray D. Questioning the claims from Kaiser. Br J Gen
    Pract 2004;54:415-21.

    Validated against: the printed NHS (£58,500m -> £52,103m) and Kaiser ($14,200m -> $11,882m)
    cascades of Talbot-Smith et al 2004 Table 1 and Feachem's per-capita chain (tests/costs).
    """
    data = validate_lines(lines)
    fac = validate_factors(factors)
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
        raise InvalidArgumentError(f"argument 'currency': {currency!r} is not a 3-letter currency code such as 'USD'.")
    currency = currency.upper()
    data["currency"] = data["currency"].str.upper()

    keys = ["assumption_set", "system"]
    systems = (data.loc[data["kind"].eq("start"), keys + ["currency"]]
               .rename(columns={"currency": "currency_local"}).reset_index(drop=True))
    known = set(map(tuple, fac[keys].to_numpy()))
    undeclared = [k for k in map(tuple, systems[keys].to_numpy()) if k not in known]
    if undeclared:
        raise InvalidValueError(
            f"factors: rule 'every system of lines has factors' broken by {counted(len(undeclared), 'system')} "
            f"(e.g. {undeclared[0]!r}).", column="system")
    systems = _factor_table(fac, systems)
    systems["rate"] = _conversion(systems, fac, currency)

    money, net = _money_steps(data, systems, keys)
    rows = [money, net, *_factor_steps(net, systems, fac, keys)]
    out = pd.concat(rows, ignore_index=True)
    out["currency"] = currency
    out["total"] = out["total_local"] * out["rate"]
    out["value"] = out["value_local"] * out["rate"]
    out["contested"] = out["contested"].astype(bool)
    out["included"] = out["included"].astype(bool)
    out = out.sort_values(keys + ["step"], kind="stable").reset_index(drop=True)
    return out[CASCADE_COLUMNS]


def _money_steps(data: pd.DataFrame, systems: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The running totals of the money lines (vectorised over systems) and each system's ``net`` row."""
    money = data.copy()
    money["signed"] = np.where(money["included"], money["sign"] * money["amount"], 0.0)
    money["total_local"] = money.groupby(keys, sort=False, observed=True)["signed"].cumsum()
    money["step"] = money.groupby(keys, sort=False, observed=True).cumcount()
    money["factor"] = np.nan
    money = money.merge(systems, on=keys, how="left", validate="many_to_one")
    money["value_local"] = money["total_local"] * _MILLION / money["population"]
    last = money.groupby(keys, sort=False, observed=True).tail(1)
    net = last.assign(kind="net", item="Net expenditure after adjustments", category="net expenditure",
                      sign=0, amount=np.nan, contested=False, included=True, source="computed",
                      basis="", note="", step=last["step"] + 1)
    return money, net


def _factor_steps(net: pd.DataFrame, systems: pd.DataFrame, fac: pd.DataFrame, keys: list[str]) -> list[pd.DataFrame]:
    """The exchange, cost-environment and age/need steps after ``net``, in turn."""
    rows = []
    running = net[keys + ["step", "total_local", "value_local"]].copy()
    fac_idx = fac.set_index(keys + ["factor"])
    for factor_name, kind, label in _FACTOR_STEPS:
        step = running.merge(systems, on=keys, how="left")
        mult = step["rate"] if factor_name == "exchange_rate" else step[factor_name]
        if factor_name != "exchange_rate":
            step["value_local"] = step["value_local"] * mult
        idx = pd.MultiIndex.from_arrays([step["assumption_set"], step["system"],
                                         np.repeat(factor_name, len(step))])
        meta = fac_idx.reindex(idx)
        step = step.assign(kind=kind, item=label, category="factor", sign=0, amount=np.nan,
                           factor=mult.to_numpy(), contested=meta["contested"].fillna(False).astype(bool).to_numpy(),
                           included=True, source=meta["source"].fillna("").to_numpy(),
                           note=meta["note"].fillna("").to_numpy(), step=step["step"] + 1)
        rows.append(step)
        running = step[keys + ["step", "total_local", "value_local"]]
    return rows


def compare_assumptions(lines: pd.DataFrame, *, factors: pd.DataFrame, reference: str,
                        currency: str = "USD") -> pd.DataFrame:
    """Final per-capita costs of each system against a reference system, assumption sets side by side.

    Parameters
    ----------
    lines, factors : pandas.DataFrame
        As for :func:`cascade`; may hold several assumption sets.
    reference : str
        The system every other system is compared with (e.g. ``"Kaiser California"``).
    currency : str, default "USD"

    Returns
    -------
    pandas.DataFrame
        ``assumption_set, system, reference, value, reference_value, difference, ratio,
        relative_difference, currency, note``: ``difference = reference_value - value`` (what the
        reference costs more per head), ``ratio = value / reference_value`` and
        ``relative_difference = difference / reference_value``.  The reference's own row is included
        (difference 0, ratio 1).

    Notes
    -----
    Feachem et al's "within 10%" is ``relative_difference`` of the NHS against Kaiser (0.096);
    Talbot-Smith et al's "40% cost advantage" is the same quantity under their assumptions (0.405).
    """
    res = cascade(lines, factors=factors, currency=currency)
    final = res.groupby(["assumption_set", "system"], sort=False, observed=True).tail(1)
    systems = set(final["system"])
    check_choice(reference, sorted(systems), argument="reference")
    ref = final.loc[final["system"].eq(reference), ["assumption_set", "value"]].rename(
        columns={"value": "reference_value"})
    out = final[["assumption_set", "system", "value", "currency"]].merge(ref, on="assumption_set", how="left")
    out["reference"] = reference
    out["difference"] = out["reference_value"] - out["value"]
    out["ratio"] = out["value"] / out["reference_value"]
    out["relative_difference"] = out["difference"] / out["reference_value"]
    out["note"] = np.where(out["reference_value"].isna(), f"{reference!r} not in this assumption set", "")
    return out[COMPARISON_COLUMNS].reset_index(drop=True)
