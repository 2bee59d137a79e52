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
    if method == "lognormal" and row["value"] == 0:  # all events in strata of standard weight 0: undefined, noted
        assert row["lower"] == 0 and np.isnan(row["upper"]) and row["note"] != ""
        return
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
    out = smr(data, count="n", population="pop", standard=reference)
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


# One stratum: every DSR interval reduces to the interval of one Poisson count divided by the population
# (Fay & Feuer 1997 §3: the gamma interval is then the exact Garwood interval; Fay & Kim 2017: the mid-p
# gamma interval is the mid-p Poisson interval; Tiwari's mean(W) = max(W) = W; Dobson with Byar limits is
# the Byar interval; normal and log-normal are the Poisson normal and log-normal intervals).
ONE_STRATUM = {"gamma": "exact", "tiwari": "exact", "gamma-midp": "midp", "dobson": "byar",
               "dobson-exact": "exact", "dobson-midp": "midp", "normal": "normal", "lognormal": "lognormal"}


@SETTINGS
@given(st.integers(1, 10_000), st.integers(1, 10**7), st.floats(0.5, 0.999), st.sampled_from(sorted(ONE_STRATUM)))
def test_one_stratum_dsr_is_the_poisson_interval_of_the_rate(x, n, level, method):
    data = pd.DataFrame({"age_band": ["all"], "n": [x], "pop": [n]})
    standard = pd.DataFrame({"age_band": ["all"], "population": [1]})
    d = dsr(data, count="n", population="pop", standard=standard, method=method, confidence=level,
            min_count=0).iloc[0]
    lower, upper = poisson_ci([x], confidence=level, method=ONE_STRATUM[method])
    assert d["lower"] == pytest.approx(lower[0] / n * 1e5, rel=1e-9, abs=1e-12)
    assert d["upper"] == pytest.approx(upper[0] / n * 1e5, rel=1e-9)
    c = crude_rate(data, count="n", population="pop", confidence=level, method=ONE_STRATUM[method]).iloc[0]
    assert c["lower"] == pytest.approx(d["lower"], rel=1e-9, abs=1e-12)


@SETTINGS
@given(strata(), st.sampled_from(sorted(DSR_METHODS)))
def test_higher_confidence_gives_a_wider_interval(s, method):
    data, standard = s
    d = dsr(data, count="n", population="pop", standard=standard, method=method, confidence=[0.9, 0.95, 0.998],
            min_count=0)
    assume(d["value"].iloc[0] > 0)
    lo, hi = d["lower"].to_numpy(), d["upper"].to_numpy()
    assert (np.diff(lo) <= 1e-12 * hi[-1]).all() and (np.diff(hi) >= -1e-12 * hi[-1]).all()
    assert hi[-1] - lo[-1] > hi[0] - lo[0]


@SETTINGS
@given(strata(), st.sampled_from(["exact", "byar", "midp", "normal", "lognormal", "auto"]), st.floats(0.5, 0.999))
def test_crude_and_smr_lower_le_value_le_upper(s, method, level):
    data, standard = s
    c = crude_rate(data, count="n", population="pop", method=method, confidence=level).iloc[0]
    reference = pd.DataFrame({"age_band": standard["age_band"], "count": standard["population"] + 1,
                              "population": 1000})
    r = smr(data, count="n", population="pop", standard=reference, method=method, confidence=level).iloc[0]
    for row in (c, r):
        if method == "lognormal" and row["value"] == 0:  # undefined at 0 events (noted)
            assert row["lower"] == 0 and np.isnan(row["upper"])
            continue
        assert row["lower"] <= row["value"] * (1 + 1e-12) and row["value"] <= row["upper"] * (1 + 1e-12)


@SETTINGS
@given(strata(min_total=1), st.integers(2, 20))
def test_crude_scaling_by_k_keeps_the_rate_and_narrows_the_interval(s, k):
    data, _ = s
    one = crude_rate(data, count="n", population="pop").iloc[0]
    big = crude_rate(data.assign(n=data["n"] * k, pop=data["pop"] * k), count="n", population="pop").iloc[0]
    assert big["value"] == pytest.approx(one["value"], rel=1e-12)
    assert big["upper"] - big["lower"] < one["upper"] - one["lower"]


@SETTINGS
@given(strata(min_total=1), st.sampled_from(["dobson", "dobson-exact", "dobson-midp", "normal", "lognormal"]))
def test_event_frequency_one_is_the_independent_events_dsr(s, method):
    # PHE non-independent events: with every person having exactly one event, v_adj = Σ 1²·p_i W_i² = v
    data, standard = s
    plain = dsr(data, count="n", population="pop", standard=standard, method=method, min_count=0)
    freq = dsr(data.assign(f=1), count="n", population="pop", standard=standard, method=method, min_count=0,
               event_frequency="f")
    cols = ["count", "population", "value", "lower", "upper", "variance"]
    pd.testing.assert_frame_equal(plain[cols], freq[cols], check_exact=False, rtol=1e-12)
    assert freq["method"].iloc[0] == plain["method"].iloc[0] + " with non-independent events"


@SETTINGS
@given(strata(min_total=1), st.integers(2, 5))
def test_repeat_events_widen_the_dobson_interval(s, f):
    # the same events counted as persons with f events each: same rate, variance × f (Σ f²·(x/f) W²)
    data, standard = s
    data = data.assign(n=data["n"] * f)
    plain = dsr(data, count="n", population="pop", standard=standard, min_count=0).iloc[0]
    rep = dsr(data.assign(n=data["n"] // f, f=f), count="n", population="pop", standard=standard, min_count=0,
              event_frequency="f").iloc[0]
    assert rep["value"] == pytest.approx(plain["value"], rel=1e-12)
    assert rep["variance"] == pytest.approx(plain["variance"] * f, rel=1e-12)
    if plain["value"] > 0:
        assert rep["upper"] - rep["lower"] > plain["upper"] - plain["lower"]
