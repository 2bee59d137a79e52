"""Per-capita cost comparisons of health systems, declared as data (Feachem et al BMJ 2002 and its critics).

``assumptions`` loads bundled assumption sets, ``cascade`` computes every step's running total and
per-capita cost, ``compare_assumptions`` puts assumption sets side by side, ``sensitivity`` varies the
contested lines and factors (:func:`kpcompare.plots.tornado_chart` draws it) and ``age_need_factor``
computes an age/need adjustment from data by indirect standardisation.
"""

from __future__ import annotations

from typing import Any

from .age_need import age_need_factor
from .assumptions import (
    CostAssumptions,
    alternative,
    assumptions,
    list_assumption_sets,
    toggle,
    validate_factors,
    validate_lines,
)
from .cascade import cascade, compare_assumptions, exchange_rates
from .sensitivity import sensitivity

__all__ = [
    "CostAssumptions",
    "assumptions",
    "list_assumption_sets",
    "validate_lines",
    "validate_factors",
    "toggle",
    "alternative",
    "cascade",
    "compare_assumptions",
    "exchange_rates",
    "sensitivity",
    "age_need_factor",
]


def __getattr__(name: str) -> Any:
    # deprecated: the tornado chart moved to kpcompare.plots (figures live above the costs layer)
    if name in ("tornado_chart", "tornado"):
        import importlib

        from .._deprecation import warn_moved

        if name == "tornado":
            return importlib.import_module(f"{__name__}.tornado")
        warn_moved("kpcompare.costs.tornado_chart", "kpcompare.plots.tornado_chart")
        return importlib.import_module("kpcompare.plots").tornado_chart
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
