"""Computations behind the bundled figures registry (registered by name; see ``data/figures/registry.csv``).

Each function takes the registry context and the figure's JSON ``inputs`` and returns a number or a
:class:`~kpcompare.figures.registry.Computed` carrying the interval allowed by rounded inputs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError, UnknownNameError
from .registry import Computed, register

__all__ = ["cost_net_total", "cost_per_capita", "chain_step", "figure_difference", "figure_ratio",
           "figure_relative_difference", "factor_value", "profile_ratio"]

_STEP_FACTORS = {"net": [], "exchange": ["exchange_rate"], "cost_environment": ["exchange_rate", "cost_environment"],
                 "age_need": ["exchange_rate", "cost_environment", "age_need"]}


@lru_cache(maxsize=8)
def _bundled(currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ..costs import assumptions, cascade

    a = assumptions()
    return cascade(a.lines, factors=a.factors, currency=currency), a.factors


def _factor(factors: pd.DataFrame, assumption_set: str, system: str, name: str) -> tuple[float, float]:
    hit = factors.loc[factors["assumption_set"].eq(assumption_set) & factors["system"].eq(system)
                      & factors["factor"].eq(name)]
    if hit.empty:
        if name == "population":
            raise UnknownNameError(f"no population declared for {system!r} in {assumption_set!r}.")
        return 1.0, 0.0
    rounding = float(hit["rounding"].iloc[0])
    return float(hit["value"].iloc[0]), (0.0 if np.isnan(rounding) else rounding)


def _step_row(assumption_set: str, system: str, step: str, currency: str) -> pd.Series:
    res, _ = _bundled(currency)
    hit = res.loc[res["assumption_set"].eq(assumption_set) & res["system"].eq(system) & res["kind"].eq(step)]
    if hit.empty:
        raise UnknownNameError(f"cost cascade has no step {step!r} for {system!r} in assumption set "
                               f"{assumption_set!r}.")
    return hit.iloc[-1]


@register("cost_net_total")
def cost_net_total(ctx, *, assumption_set: str, system: str) -> float:
    """Net expenditure after adjustments (millions, the system's currency), from the bundled cascade."""
    return float(_step_row(assumption_set, system, "net", "USD")["total_local"])


@register("cost_per_capita")
def cost_per_capita(ctx, *, assumption_set: str, system: str, step: str = "age_need", currency: str = "USD",
                    local: bool = False) -> Computed:
    """Per-capita cost at a cascade step, with the interval allowed by the declared input roundings."""
    if step not in _STEP_FACTORS:
        raise InvalidArgumentError(f"inputs 'step': {step!r} is not one of {', '.join(_STEP_FACTORS)}.")
    row = _step_row(assumption_set, system, step, currency)
    _, factors = _bundled(currency)
    value = float(row["value_local"] if local else row["value"])
    pop, dpop = _factor(factors, assumption_set, system, "population")
    lo = hi = value
    lo *= pop / (pop + dpop)
    hi *= pop / (pop - dpop)
    converted = not local and row["currency_local"] != currency
    for name in _STEP_FACTORS[step]:
        if name == "exchange_rate" and not converted:
            continue
        f, d = _factor(factors, assumption_set, system, name)
        lo *= (f - d) / f
        hi *= (f + d) / f
    return Computed(value, lo, hi)


def _printed_note(ctx, use: str, *ids: str) -> str:
    if use != "printed":
        return ""
    return "from the printed " + " and ".join(str(ctx.row(i)["printed"]) for i in ids)


def _figure(ctx, figure_id: str, use: str) -> tuple[float, float, float]:
    if use == "printed":
        b = ctx.printed_bounds(figure_id)
        return ctx.printed(figure_id), b.lower, b.upper
    if use != "computed":
        raise InvalidArgumentError(f"inputs 'use': {use!r} must be 'printed' or 'computed'.")
    c = ctx.computed(figure_id)
    lo = c.value if np.isnan(c.lower) else c.lower
    hi = c.value if np.isnan(c.upper) else c.upper
    return c.value, lo, hi


@register("chain_step")
def chain_step(ctx, *, from_figure: str, factor: str, assumption_set: str, system: str) -> Computed:
    """The printed predecessor figure times a declared factor (the published step depends on a rounded input)."""
    from ..costs import assumptions

    value, lo, hi = _figure(ctx, from_figure, "printed")
    f, d = _factor(assumptions(assumption_set).factors, assumption_set, system, factor)
    note = f"from the printed {ctx.row(from_figure)['printed']} x {factor} {f:g} (depends on a rounded input)"
    return Computed(value * f, lo * (f - d), hi * (f + d), note)


@register("figure_difference")
def figure_difference(ctx, *, a: str, b: str, use: str = "computed") -> Computed:
    """a - b of two registry figures (their computed or printed values)."""
    va, la, ha = _figure(ctx, a, use)
    vb, lb, hb = _figure(ctx, b, use)
    return Computed(va - vb, la - hb, ha - lb, _printed_note(ctx, use, a, b))


@register("figure_ratio")
def figure_ratio(ctx, *, a: str, b: str, use: str = "computed", minus_one: bool = False,
                 percent: bool = False) -> Computed:
    """a / b of two registry figures (optionally minus 1, optionally in percent)."""
    va, la, ha = _figure(ctx, a, use)
    vb, lb, hb = _figure(ctx, b, use)
    shift, scale = (1.0 if minus_one else 0.0), (100.0 if percent else 1.0)
    return Computed((va / vb - shift) * scale, (la / hb - shift) * scale, (ha / lb - shift) * scale,
                    _printed_note(ctx, use, a, b))


@register("figure_relative_difference")
def figure_relative_difference(ctx, *, a: str, b: str, use: str = "computed", percent: bool = True) -> Computed:
    """(a - b) / a of two registry figures, in percent by default (how much cheaper b is than a)."""
    va, la, ha = _figure(ctx, a, use)
    vb, lb, hb = _figure(ctx, b, use)
    scale = 100.0 if percent else 1.0
    return Computed((1 - vb / va) * scale, (1 - hb / la) * scale, (1 - lb / ha) * scale,
                    _printed_note(ctx, use, a, b))


@register("factor_value")
def factor_value(ctx, *, assumption_set: str, system: str, factor: str, scale: float = 1.0) -> Computed:
    """A declared factor of a bundled assumption set (e.g. a population in millions with scale 1e-6)."""
    from ..costs import assumptions

    f, d = _factor(assumptions(assumption_set).factors, assumption_set, system, factor)
    return Computed(f * scale, (f - d) * scale, (f + d) * scale)


@register("profile_ratio")
def profile_ratio(ctx, *, file: str, measure: str, numerator: str, denominator: str,
                  precision: float = 0.1) -> Computed:
    """Ratio of two columns of a bundled published table row (e.g. Kaiser / NHS specialists per 100,000).

    The interval is the one the values' printed rounding allows (:func:`kpcompare.profiles.ratios`).
    """
    from ..datasets import published
    from ..profiles import ratios

    table = published(file)
    hit = table.loc[table["measure"].eq(measure)]
    if hit.empty:
        raise UnknownNameError(f"published table {file!r} has no measure {measure!r}.")
    long = pd.DataFrame({"system": [numerator, denominator], "measure": measure,
                         "value": pd.to_numeric([hit[numerator].iloc[0], hit[denominator].iloc[0]])})
    r = ratios(long, numerator=numerator, denominator=denominator, precision=precision).iloc[0]
    return Computed(float(r["value"]), float(r["lower"]), float(r["upper"]), f"values printed to {precision:g}")
