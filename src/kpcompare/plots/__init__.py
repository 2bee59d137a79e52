"""Figures (presentation only: no statistics are computed here).

Every figure of the package lives here, one module per domain: :mod:`kpcompare.plots.comparison`
(``bed_days_bars``, ``ratio_forest``: the output of :func:`kpcompare.compare`),
:mod:`kpcompare.plots.decomposition` (``decomposition_bars``: :func:`kpcompare.decompose`),
:mod:`kpcompare.plots.costs` (``cascade_waterfall``: :func:`kpcompare.costs.cascade`; ``tornado_chart``:
:func:`kpcompare.costs.sensitivity`), :mod:`kpcompare.plots.concentration` (``lorenz_curves``:
:func:`kpcompare.concentration.lorenz`) and :mod:`kpcompare.plots.funnel` (``funnel_plot``:
:func:`kpcompare.funnel`).  Each draws with matplotlib's object-oriented API on a bare ``Figure`` (no pyplot state, no backend switch) in one house style (:mod:`kpcompare.plots._style`: readable in
greyscale, units spelt once, human labels, a legend for every colour, readable log ticks, warnings drawn where
intervals are known to be too narrow) and returns it, with its caption, source line and warnings on
``figure.kpcompare_notes``.  docs/figures.md shows them all.

Names are resolved lazily (PEP 562), so ``import kpcompare.plots`` does not load matplotlib or pandas
until a figure is drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module of this package that defines it
_EXPORTS = {
    "bed_days_bars": "comparison",
    "ratio_forest": "comparison",
    "tornado_chart": "costs",
    "funnel_plot": "funnel",
    "decomposition_bars": "decomposition",
    "cascade_waterfall": "costs",
    "lorenz_curves": "concentration",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
