"""Hypothesis properties of the rates core (issue 2, section 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kpcompare import crude_rate, dsr, poisson_ci, smr
from kpcompare.rates import DSR_METHODS

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
counts_st = st.lists(st.integers(0, 5_000), min_size=1, max_size=8)


@st.composite
def strata(draw, min_total: int = 1):
    """Counts, populations (≥ 1, ≥ counts / 1000 events per person unneeded) and a standard for k bands."""
    k = draw(st.integers(1, 8))
    counts = draw(st.lists(st.integers(0, 3_000), min_size=k, max_size=k))
    if sum(counts) < min_total:
        counts[0] = min_total
    pops = draw(st.lists(st.integers(1, 10**6), min_size=k, max_size=k))
    std = draw(st.lists(st.integers(0, 10**5), min_size=k, max_size=k))
    if sum(std) == 0:
        std[0] = 1
    bands = [f"b{i}" for i in range(k)]
    data = pd.DataFrame({"age_band": bands, "n": counts, "pop": pops})
    return data, pd.DataFrame({"age_band": bands, "population": std})


@SETTINGS
@given(strata(), st.floats(0.01, 100.0))
def test_standard_proportional_to_local_population_gives_crude_rate(s, factor):
    data, _ = s
    standard = pd.DataFrame({"age_band": data["age_band"], "population": data["pop"] * factor})
    d = dsr(data, count="n", population="pop", standard=standard, min_count=0)
    c = crude_rate(data, count="n", population="pop")
    assert d["value"].iloc[0] == pytest.approx(c["value"].iloc[0], rel=1e-12, abs=1e-12)


@SETTINGS
@given(strata(), st.integers(1, 50), st.integers(1, 1000))
def test_equal_stratum_rates_give_that_rate_for_any_standard(s, k, m):
    data, standard = s
    scale = np.arange(1, len(data) + 1)
    equal = data.assign(n=k * scale, pop=m * scale)  # every stratum rate is k/m
    d = dsr(equal, count="n", population="pop", standard=standard, min_count=0)
    assert d["value"].iloc[0] == pytest.approx(k / m * 1e5, rel=1e-12)


@SETTINGS
@given(strata(), st.sampled_from(sorted(DSR_METHODS)), st.floats(0.5, 0.999))
def test_dsr_lower_le_value_le_upper(s, method, level):
    data, standard = s
    d = dsr(data, count="n", population="pop", standard=standard, method=method, confidence=level, min_count=0)
    row = d.iloc[0]
    assert row["lower"] <= row["value"] * (1 + 1e-12) and row["value"] <= row["upper"] * (1 + 1e-12)


@SETTINGS
@given(counts_st, st.sampled_from(["exact", "byar", "midp", "normal", "lognormal", "auto"]), st.floats(0.5, 0.999))
def test_poisson_lower_le_count_le_upper(counts, method, level):
    lower, upper = poisson_ci(counts, confidence=level, method=method)
    counts = np.asarray(counts, dtype=float)
    pos = counts > 0
    assert (lower <= counts).all() and (counts[pos] <= upper[pos]).all()
    if method == "midp":
        el, eu = poisson_ci(counts, confidence=level, method="exact")
        assert (lower >= el * (1 - 1e-12)).all() and (upper <= eu * (1 + 1e-12)).all()


@SETTINGS
@given(strata(min_total=5), st.integers(2, 20), st.sampled_from(sorted(DSR_METHODS)))
def test_scaling_by_k_keeps_the_rate_and_narrows_the_interval(s, k, method):
    data, standard = s
    one = dsr(data, count="n", population="pop", standard=standard, method=method, min_count=0).iloc[0]
    assume(one["value"] > 0)  # all events in strata of standard weight 0 give a degenerate [0, 0] interval
    big = dsr(data.assign(n=data["n"] * k, pop=data["pop"] * k), count="n", population="pop", standard=standard,
              method=method, min_count=0).iloc[0]
    assert big["value"] == pytest.approx(one["value"], rel=1e-12)
    assert big["upper"] - big["lower"] < one["upper"] - one["lower"]


@SETTINGS
@given(strata(min_total=1))
def test_smr_against_own_rates_is_one(s):
    data, _ = s
    data = data.assign(n=np.maximum(data["n"], 1))
    reference = data.rename(columns={"n": "count", "pop": "population"})
    out = smr(data, count="n", population="pop", reference=reference)
    assert out["value"].iloc[0] == pytest.approx(1.0, rel=1e-12)


@SETTINGS
@given(st.integers(1, 10_000), st.integers(1, 10**7), st.floats(0.5, 0.999))
def test_one_stratum_dobson_exact_is_the_exact_poisson_interval(x, n, level):
    data = pd.DataFrame({"age_band": ["all"], "n": [x], "pop": [n]})
    standard = pd.DataFrame({"age_band": ["all"], "population": [1]})
    d = dsr(data, count="n", population="pop", standard=standard, method="dobson-exact", confidence=level,
            min_count=0).iloc[0]
    lower, upper = poisson_ci([x], confidence=level, method="exact")
    assert d["lower"] == pytest.approx(lower[0] / n * 1e5, rel=1e-10)
    assert d["upper"] == pytest.approx(upper[0] / n * 1e5, rel=1e-10)
