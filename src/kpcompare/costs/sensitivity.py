"""Sensitivity of a cost comparison to its contested lines and factors (on/off or over a range)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import as_pandas, check_choice, check_no_missing, require_columns
from .._deprecation import renamed_keywords
from ..errors import UnknownNameError
from .assumptions import validate_factors, validate_lines
from .cascade import cascade

__all__ = ["sensitivity", "SENSITIVITY_COLUMNS"]

SENSITIVITY_COLUMNS = ["assumption_set", "system", "item", "kind", "setting", "input_value", "baseline_input",
                       "statistic", "value", "baseline", "change", "currency", "note"]
_OUTCOMES = ("difference", "ratio", "value")
_VARIABLE_FACTORS = ("cost_environment", "age_need", "exchange_rate", "population")


def _outcome(kind: str, target: np.ndarray, ref: np.ndarray) -> np.ndarray:
    if kind == "value":
        return target
    if kind == "difference":
        return ref - target
    return target / ref


@renamed_keywords(outcome="kind")
def sensitivity(lines: pd.DataFrame, *, factors: pd.DataFrame, assumption_set: str, system: str,
                reference: str | None = None, kind: str = "difference", ranges: pd.DataFrame | None = None,
                currency: str = "USD") -> pd.DataFrame:
    """One-at-a-time sensitivity of the final per-capita comparison to contested inputs.

    Parameters
    ----------
    lines, factors : pandas.DataFrame
        As for :func:`kpcompare.costs.cascade`.
    assumption_set : str
        The assumption set to vary.
    system : str
        The system whose per-capita cost is varied (e.g. ``"NHS"``).
    reference : str, optional
        Needed for ``kind="difference"`` or ``"ratio"`` (e.g. ``"Kaiser California"``).
    kind : {"difference", "ratio", "value"}
        ``reference - system`` per head, ``system / reference``, or the system's per-capita value
        (was ``outcome``, a deprecated keyword).
    ranges : pandas.DataFrame, optional
        Columns ``system, item, low, high``: a range for a line (``item`` = line item, amounts in
        millions, the line's sign kept) or a factor (``item`` = ``cost_environment``, ``age_need``,
        ``exchange_rate`` or ``population``).
    currency : str, default "USD"

    Returns
    -------
    pandas.DataFrame
        ``assumption_set, system, item, kind, setting, input_value, baseline_input, statistic, value,
        baseline, change, currency, note``; one row per scenario: ``setting`` ``"off"`` for every
        included contested line (amount 0) and contested factor (set to 1), ``"on"`` for every contested
        line switched off in ``lines``, ``"low"``/``"high"`` for each row of ``ranges``.  ``kind`` is
        the kind of input varied (``"line"``, ``"factor"``), ``statistic`` labels ``value`` (e.g.
        ``"Kaiser California minus NHS, per head"``), ``baseline_input`` is what the input contributes
        in the baseline and ``change = value - baseline``.

    Notes
    -----
    One input changes at a time; with net total T, population N, exchange rate r and factors p, g the
    final per-capita cost is 10⁶ T/N · r · p · g (see :func:`kpcompare.costs.cascade`), so each
    scenario is evaluated in closed form, vectorised over scenarios (docs/costs_tutorial.md).

    References
    ----------
    Feachem RGA, Sekhri NK, White KL. BMJ 2002;324:135-41, doi:10.1136/bmj.324.7330.135; Talbot-Smith A,
    Gnani S, Pollock AM, Pereira Gray D. Br J Gen Pract 2004;54:415-21 (which lines and factors are
    contested, and the £1.9 billion administration range).

    Validated against: the full cascade recomputed with each line switched off or on (every scenario,
    tests/costs/test_costs_sensitivity.py) and Talbot-Smith's $1,951 - $1,161 when the PPP step is off.
    """
    data, fac = _selected(lines, factors, assumption_set=assumption_set, system=system, reference=reference,
                          kind=kind)
    res = cascade(data, factors=fac, currency=currency)
    final = res.groupby("system", sort=False, observed=True).tail(1).set_index("system")
    net = res.loc[res["kind"].eq("net")].set_index("system")
    conv = res.loc[res["kind"].eq("exchange")].set_index("system")["factor"]
    fvals = fac.pivot(index="system", columns="factor", values="value").reindex(columns=list(_VARIABLE_FACTORS))
    fvals["exchange_rate"] = conv
    fvals = fvals.fillna(1.0)
    sc = _scenarios(data, fac, fvals, ranges, assumption_set=assumption_set)
    changed = _evaluate(sc, net, fvals)
    sys_ = sc["system"].to_numpy()
    base_target = float(final.loc[system, "value"])
    base_ref = float(final.loc[reference, "value"]) if reference is not None else np.nan
    target = np.where(sys_ == system, changed, base_target)
    ref = np.where(sys_ == reference, changed, base_ref) if reference is not None else np.full(len(sc), np.nan)
    value = _outcome(kind, target, ref)
    baseline = float(_outcome(kind, np.array([base_target]), np.array([base_ref]))[0])
    label = {"difference": f"{reference} minus {system}, per head",
             "ratio": f"{system} / {reference}", "value": f"{system} per head"}[kind]
    out = pd.DataFrame({
        "assumption_set": assumption_set, "system": sys_, "item": sc["item"].to_numpy(),
        "kind": sc["kind"].to_numpy(), "setting": sc["setting"].to_numpy(),
        "input_value": sc["input_value"].to_numpy(dtype=float),
        "baseline_input": sc["baseline_input"].to_numpy(dtype=float), "statistic": label, "value": value,
        "baseline": baseline, "change": value - baseline, "currency": final["currency"].iloc[0], "note": "",
    })
    return out[SENSITIVITY_COLUMNS]


def _selected(lines: pd.DataFrame, factors: pd.DataFrame, *, assumption_set: str, system: str,
              reference: str | None, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lines and factors of ``assumption_set``, with the options checked against them."""
    data = validate_lines(lines)
    fac = validate_factors(factors)
    check_choice(kind, _OUTCOMES, argument="kind")
    sets = list(dict.fromkeys(data["assumption_set"]))
    check_choice(assumption_set, sets, argument="assumption_set")
    data = data.loc[data["assumption_set"].eq(assumption_set)].reset_index(drop=True)
    fac = fac.loc[fac["assumption_set"].eq(assumption_set)].reset_index(drop=True)
    systems = list(dict.fromkeys(data["system"]))
    check_choice(system, systems, argument="system")
    if kind != "value":
        if reference is None:
            raise UnknownNameError(f"argument 'reference': needed for kind={kind!r}; choose one of "
                                   f"{', '.join(map(repr, systems))}.")
        check_choice(reference, systems, argument="reference")
    return data, fac


def _scenarios(data: pd.DataFrame, fac: pd.DataFrame, fvals: pd.DataFrame, ranges: pd.DataFrame | None, *,
               assumption_set: str) -> pd.DataFrame:
    """One row per scenario; a line's ``baseline_input`` is what it contributes now (0 when switched off)."""
    scen = []
    contested = data.loc[data["kind"].eq("adjustment") & data["contested"]]
    on = contested["included"].to_numpy()
    scen.append(pd.DataFrame({"system": contested["system"], "item": contested["item"], "kind": "line",
                              "setting": np.where(on, "off", "on"),
                              "input_value": np.where(on, 0.0, contested["amount"]),
                              "baseline_input": np.where(on, contested["amount"], 0.0),
                              "sign": contested["sign"]}))
    cf = fac.loc[fac["contested"] & fac["factor"].isin(["cost_environment", "age_need"])
                 & fac["system"].isin(data["system"])]  # a factor of a system without lines changes nothing
    scen.append(pd.DataFrame({"system": cf["system"], "item": cf["factor"], "kind": "factor", "setting": "off",
                              "input_value": 1.0, "baseline_input": cf["value"], "sign": 0}))
    if ranges is not None:
        scen.extend(_range_scenarios(data, fvals, ranges, assumption_set=assumption_set))
    return pd.concat(scen, ignore_index=True)


def _range_scenarios(data: pd.DataFrame, fvals: pd.DataFrame, ranges: pd.DataFrame, *,
                     assumption_set: str) -> list[pd.DataFrame]:
    """Low and high scenarios of each declared range (a line, or a factor)."""
    rng = as_pandas(ranges, argument="ranges")
    require_columns(rng, ["system", "item", "low", "high"], argument="ranges")
    check_no_missing(rng, ["system", "item", "low", "high"])
    line_idx = data.set_index(["system", "item"])
    scen = []
    for _, row in rng.iterrows():  # a handful of user-declared ranges, not a hot path
        key = (row["system"], row["item"])
        if key in line_idx.index:
            hit = line_idx.loc[key]
            base = float(hit["amount"]) if bool(hit["included"]) else 0.0
            kind, sign = "line", int(hit["sign"])
        elif row["system"] in fvals.index and row["item"] in _VARIABLE_FACTORS:
            base, kind, sign = float(fvals.loc[row["system"], row["item"]]), "factor", 0
        else:
            raise UnknownNameError(
                f"ranges: item {row['item']!r} of system {row['system']!r} is neither a line of assumption "
                f"set {assumption_set!r} nor a factor ({', '.join(_VARIABLE_FACTORS)}).")
        scen.append(pd.DataFrame({"system": row["system"], "item": row["item"], "kind": kind,
                                  "setting": ["low", "high"],
                                  "input_value": [float(row["low"]), float(row["high"])],
                                  "baseline_input": base, "sign": sign}))
    return scen


def _evaluate(sc: pd.DataFrame, net: pd.DataFrame, fvals: pd.DataFrame) -> np.ndarray:
    """Final per-capita cost of each scenario's system, in closed form, vectorised over scenarios."""
    sys_ = sc["system"].to_numpy()
    total = net.loc[sys_, "total_local"].to_numpy(dtype=float)
    f = fvals.loc[sys_]
    pop, rate = f["population"].to_numpy(dtype=float), f["exchange_rate"].to_numpy(dtype=float)
    ppp, age = f["cost_environment"].to_numpy(dtype=float), f["age_need"].to_numpy(dtype=float)
    is_line = sc["kind"].eq("line").to_numpy()
    delta = np.where(is_line, sc["sign"].to_numpy(dtype=float)
                     * (sc["input_value"].to_numpy(dtype=float) - sc["baseline_input"].to_numpy(dtype=float)), 0.0)
    total = total + delta
    new = sc["input_value"].to_numpy(dtype=float)
    item = sc["item"].to_numpy()
    pop = np.where(~is_line & (item == "population"), new, pop)
    rate = np.where(~is_line & (item == "exchange_rate"), new, rate)
    ppp = np.where(~is_line & (item == "cost_environment"), new, ppp)
    age = np.where(~is_line & (item == "age_need"), new, age)
    return total * 1e6 / pop * rate * ppp * age
