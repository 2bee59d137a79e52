"""Registry of published figures, checked against computations from bundled inputs.

A figure is declared (``data/figures/registry.csv``) with its id, the value as printed, its unit,
what its wording means as bounds (:func:`bounds`, from :mod:`kpcompare.wording`), its source and status, and the name of the
registered computation that reproduces it.  :func:`check` returns one row per figure with
published, computed, bounds and ``ok``; :func:`assert_figure` (and the pytest fixture
``published_figure`` of :mod:`kpcompare.figures.pytest_plugin`) asserts one figure per line.

Names are resolved lazily (PEP 562), so that the pytest plugin, which lives in this package and is
loaded by every test run once installed, does not import pandas until a fixture is used.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module that defines it (the wording of published figures lives in the leaf module
# kpcompare.wording, shared with kpcompare.profiles and kpcompare.concentration)
_EXPORTS = {
    "load_registry": "kpcompare.figures.registry", "validate_registry": "kpcompare.figures.registry",
    "check": "kpcompare.figures.registry", "assert_figure": "kpcompare.figures.registry",
    "register": "kpcompare.figures.registry", "computations": "kpcompare.figures.registry",
    "Computed": "kpcompare.figures.registry", "REGISTRY_COLUMNS": "kpcompare.figures.registry",
    "CHECK_COLUMNS": "kpcompare.figures.registry", "STATUSES": "kpcompare.figures.registry",
    "bounds": "kpcompare.wording", "Bounds": "kpcompare.wording", "printed_precision": "kpcompare.wording",
    "WORDINGS": "kpcompare.wording", "DEFAULT_TOLERANCE": "kpcompare.wording",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
