"""Fixtures for the rates-core tests: the copied reference vectors (see vectors/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

VECTORS = Path(__file__).parent / "vectors"


@pytest.fixture
def vector():
    """Load a reference vector by file name (JSON -> dict, CSV -> DataFrame)."""

    def load(name: str):
        path = VECTORS / name
        if path.suffix == ".csv":
            return pd.read_csv(path)
        return json.loads(path.read_text())

    return load


@pytest.fixture
def alaska_florida(vector):
    """SAS PROC STDRATE Alaska/Florida example as long strata and the US 2000 standard."""
    v = vector("dsr_alaska_florida_dsr_ratio_difference.json")
    inputs = v["inputs"]
    rows = [
        {"state": state, "age_band": band, "deaths": inputs[state]["deaths"][k],
         "person_years": inputs[state]["person_years"][k]}
        for state in ("Alaska", "Florida")
        for k, band in enumerate(inputs["strata"])
    ]
    standard = pd.DataFrame({"age_band": inputs["strata"], "population": inputs["stdpop_US"]})
    return pd.DataFrame(rows), standard, v


def _assert_printed(actual: float, printed: float, *, decimals: int | None = None, sig: int | None = None) -> None:
    """``actual`` rounds to the peer's ``printed`` value (``decimals`` places or ``sig`` significant digits)."""
    import math

    if decimals is not None:
        half = 0.5 * 10.0 ** (-decimals)
    else:
        half = 0.5 * 10.0 ** (math.floor(math.log10(abs(printed))) - sig + 1)
    assert abs(actual - printed) <= half * (1 + 1e-9), f"{actual!r} does not print as {printed!r}"


@pytest.fixture
def assert_printed():
    """Check a value against a peer's printed output at the printed precision."""
    return _assert_printed
