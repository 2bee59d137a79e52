"""Registry of published figures, checked against computations from bundled inputs.

A figure is declared (``data/figures/registry.csv``) with its id, the value as printed, its unit,
what its wording means as bounds (:func:`bounds`), its source and status, and the name of the
registered computation that reproduces it.  :func:`check` returns one row per figure with
published, computed, bounds and ``ok``; :func:`assert_figure` (and the pytest fixture
``published_figure`` of :mod:`kpcompare.figures.pytest_plugin`) asserts one figure per line.
"""

from __future__ import annotations

from .registry import (
    CHECK_COLUMNS,
    REGISTRY_COLUMNS,
    Computed,
    assert_figure,
    check,
    computations,
    load_registry,
    register,
    validate_registry,
)
from .wording import DEFAULT_TOLERANCE, WORDINGS, Bounds, bounds, printed_precision

__all__ = [
    "load_registry",
    "validate_registry",
    "check",
    "assert_figure",
    "register",
    "computations",
    "Computed",
    "bounds",
    "Bounds",
    "printed_precision",
    "WORDINGS",
    "DEFAULT_TOLERANCE",
    "REGISTRY_COLUMNS",
    "CHECK_COLUMNS",
]
