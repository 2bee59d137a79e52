"""Funnel plots: each unit's value against its control limits, with overdispersion (issue 20).

:func:`funnel` gives one row per unit and confidence level (value, limits, position); :func:`funnel_limits`
gives the limits along a grid of expected counts or denominators, for drawing
(:func:`kpcompare.plots.funnel_plot`).  Formulas: :mod:`kpcompare.funnels.limits` and
:mod:`kpcompare.funnels.overdispersion`; methods and the peers they match: docs/funnel.md.
"""

from __future__ import annotations

from .table import DSR_MIN_EVENTS, KINDS, funnel, funnel_limits
from .limits import METHODS
from .overdispersion import OVERDISPERSION

__all__ = ["funnel", "funnel_limits", "KINDS", "METHODS", "OVERDISPERSION", "DSR_MIN_EVENTS"]
