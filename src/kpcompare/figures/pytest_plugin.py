"""pytest plugin: assert published figures one line each.

With the ``pytest11`` entry point installed (``kpcompare.figures.pytest_plugin``), the fixtures are
available in every test run.  Without it, enable the plugin in the root ``conftest.py`` of a paper
appendix::

    pytest_plugins = ["kpcompare.figures.pytest_plugin"]

or import the two fixtures into a test module (``from kpcompare.figures.pytest_plugin import
figure_registry, published_figure``).  Then::

    def test_net_expenditure(published_figure):
        published_figure("feachem2002.nhs_net_gbp_m", my_net_total)

A failing figure fails its test with one line: the statement, the figure as printed, what its wording
means as bounds, the computed value and by how much it misses, and the source.  Override the
``figure_registry`` fixture to check against your own registry (a DataFrame read with
:func:`kpcompare.figures.load_registry`).

This module imports only pytest at load time (kpcompare and pandas load when a fixture is first used),
so the installed plugin costs nothing in test runs that do not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["figure_registry", "published_figure"]


@pytest.fixture(scope="session")
def figure_registry() -> Any:
    """The registry the ``published_figure`` fixture checks against (default: the bundled one)."""
    from .registry import load_registry

    return load_registry()


@pytest.fixture
def published_figure(figure_registry: Any) -> Callable[[str, float], None]:
    """``published_figure(id, computed)`` fails the test with published vs computed and the bounds."""
    from .registry import assert_figure

    def check(figure_id: str, computed: float) -> None:
        __tracebackhide__ = True
        assert_figure(figure_id, computed, registry=figure_registry)

    return check
