"""pytest plugin: assert published figures one line each.

Enable it in a paper appendix's ``conftest.py``::

    pytest_plugins = ["kpcompare.figures.pytest_plugin"]

then::

    def test_net_expenditure(published_figure):
        published_figure("feachem2002.nhs_net_gbp_m", my_net_total)

Override the ``figure_registry`` fixture to check against your own registry (a DataFrame read with
:func:`kpcompare.figures.load_registry`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from .registry import assert_figure, load_registry

__all__ = ["figure_registry", "published_figure"]


@pytest.fixture(scope="session")
def figure_registry() -> pd.DataFrame:
    """The registry the ``published_figure`` fixture checks against (default: the bundled one)."""
    return load_registry()


@pytest.fixture
def published_figure(figure_registry: pd.DataFrame) -> Callable[[str, float], None]:
    """``published_figure(id, computed)`` fails the test with published vs computed and the bounds."""
    def check(figure_id: str, computed: float) -> None:
        __tracebackhide__ = True
        assert_figure(figure_id, computed, registry=figure_registry)

    return check
