"""Per-capita cost comparisons of health systems, declared as data (Feachem et al BMJ 2002 and its critics).

``assumptions`` loads bundled assumption sets, ``cascade`` computes every step's running total and
per-capita cost, ``compare_assumptions`` puts assumption sets side by side, ``sensitivity`` varies the
contested lines and factors (``tornado_chart`` draws it) and ``age_need_factor`` computes an age/need
adjustment from data by indirect standardisation.
"""

from __future__ import annotations

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
from .tornado import tornado_chart

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
    "tornado_chart",
    "age_need_factor",
]
