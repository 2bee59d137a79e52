"""Registry of published figures, checked against computations from bundled inputs.

A figure is declared (``data/figures/registry.csv``) with its id, the value as printed, its unit,
what its wording means as bounds (:func:`bounds`), its source and status, and the name of the
registered computation that reproduces it.  :func:`check` returns one row per figure with
published, computed, bounds and ``ok``; :func:`assert_figure` (and the pytest fixture
``published_figure`` of :mod:`kpcompare.figures.pytest_plugin`) asserts one figure per line.

Names are resolved lazily (PEP 562), so that the pytest plugin, which lives in this package and is
loaded by every test run once installed, does not import pandas until a fixture is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_registry": "registry", "validate_registry": "registry", "check": "registry",
    "assert_figure": "registry", "register": "registry", "computations": "registry", "Computed": "registry",
    "REGISTRY_COLUMNS": "registry", "CHECK_COLUMNS": "registry", "STATUSES": "registry",
    "bounds": "wording", "Bounds": "wording", "printed_precision": "wording", "WORDINGS": "wording",
    "DEFAULT_TOLERANCE": "wording",
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
