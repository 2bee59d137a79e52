"""Figures (presentation only: no statistics are computed here).

Every figure of the package lives here, one module per domain: :mod:`kpcompare.plots.comparison`
(``bed_days_bars``, ``ratio_forest``: the output of :func:`kpcompare.compare`),
:mod:`kpcompare.plots.costs` (``tornado_chart``: the output of :func:`kpcompare.costs.sensitivity`) and
:mod:`kpcompare.plots.funnel` (``funnel_plot``: the output of :func:`kpcompare.funnel`).
Each draws with matplotlib's object-oriented API on a bare ``Figure`` (no pyplot state, no backend
switch) and returns it.

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
