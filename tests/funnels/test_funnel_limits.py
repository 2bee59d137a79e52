"""Funnel limits (kpcompare.funnel_limits; kpcompare.funnels.limits) against FunnelPlotR, PHEindicatormethods
and R.  The source of every expected value is beside it; the data files are described in data/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import kpcompare
from kpcompare.errors import InvalidArgumentError, InvalidValueError, KpcompareError, UnknownNameError

DATA = Path(__file__).parent / "data"


def _wide(grid: pd.DataFrame) -> pd.DataFrame:
    return grid.pivot(index="denominator", columns="confidence", values=["lower", "upper"])


def test_garwood_limits_are_funnelplotr_poisson_limits():
    # FunnelPlotR 0.6.0 (nhs-r-community/FunnelPlotR @9020d497) tests/testthat/test-poisson_limits.R:
    # calculate_limits(data.frame(number_seq = c(15, 20, 30)), target = 1, draw_adjusted = FALSE)
    w = _wide(kpcompare.funnel_limits([15, 20, 30], kind="ratio", target=1, method="garwood"))
    assert np.round(w[("lower", 0.95)].to_numpy(), 7).tolist() == [0.5596924, 0.6108260, 0.6746958]
    assert np.round(w[("upper", 0.95)].to_numpy(), 6).tolist() == [1.649348, 1.544419, 1.427562]
    assert np.round(w[("lower", 0.998)].to_numpy(), 7).tolist() == [0.3862650, 0.4479107, 0.5289724]
    assert np.round(w[("upper", 0.998)].to_numpy(), 6).tolist() == [2.082907, 1.902094, 1.702771]


# R 4.2.2: lo = uniroot(function(k) pgamma(E, k + 1, lower.tail = FALSE) - a/2, c(-0.999, 10*E + 50),
# tol = 1e-13)$root / E; hi = uniroot(function(s) pgamma(E, s) - a/2, c(1e-9, 10*E + 50), tol = 1e-13)$root / E
# (the counts at which P(X <= lo) = a/2 and P(X >= hi) = a/2 for X ~ Poisson(E), continuous in the count)
EXACT_POISSON = {  # E: (lower 95%, upper 95%, lower 99.8%, upper 99.8%)
    15: (0.495252403109258, 1.568498034494472, 0.274794985990349, 1.919096378756974),
    20: (0.562382904634438, 1.485316186753062, 0.362120671852069, 1.782514335404384),
    30: (0.642330147312396, 1.389393306173349, 0.470207160808467, 1.625718102442041),
}


def test_exact_limits_are_the_exact_poisson_prediction_limits_from_r():
    w = _wide(kpcompare.funnel_limits([15, 20, 30], kind="ratio", target=1))
    got = np.column_stack([w[("lower", 0.95)], w[("upper", 0.95)], w[("lower", 0.998)], w[("upper", 0.998)]])
    np.testing.assert_allclose(got, np.array(list(EXACT_POISSON.values())), rtol=1e-9)


# R 4.2.2, X ~ Binomial(n, 0.3): lo = uniroot(function(k) pbeta(1 - t, n - k, k + 1) - a/2, c(1e-9, n - 1e-9),
# tol = 1e-13)$root / n; hi = (uniroot(... - (1 - a/2) ...)$root + 1) / n
EXACT_BINOMIAL = {  # n: (lower 95%, upper 95%, lower 99.8%, upper 99.8%)
    20: (0.0870222446981935, 0.5326189691818104, 0.00405108759844857, 0.65817937451897734),
    100: (0.207360925698837, 0.396456331139038, 0.160378477207773, 0.451196581793740),
    500: (0.259236130978781, 0.341522738017874, 0.236918510058336, 0.365368164831967),
}


def test_exact_binomial_limits_from_r():
    w = _wide(kpcompare.funnel_limits([20, 100, 500], kind="proportion", target=0.3))
    got = np.column_stack([w[("lower", 0.95)], w[("upper", 0.95)], w[("lower", 0.998)], w[("upper", 0.998)]])
    np.testing.assert_allclose(got, np.array(list(EXACT_BINOMIAL.values())), rtol=1e-8)


@pytest.mark.parametrize(("sigma", "confidence"), [("2s", 0.95), ("3s", 0.998)])
@pytest.mark.parametrize("side", ["lower", "upper"])
def test_exact_limits_pass_through_phe_funnel_points(sigma, confidence, side):
    """PHEindicatormethods 2.1.0 (@093fd288, testdata_funnel_ratio_outputs.csv): O lies on the <side> limit at
    the expected count <side>_<sigma>_exp_events.  PHE finds that E by bisection stopped at 1e-7 on E/(1 + E),
    so its E carry a relative error up to ~5e-6 (the file's own check); rtol 1e-5 allows for it."""
    phe = pd.read_csv(DATA / "phe_funnel_ratio_limits.csv")
    at = phe[f"{side}_{sigma}_exp_events"].to_numpy()
    limit = kpcompare.funnel_limits(at, kind="ratio", confidence=confidence)[side].to_numpy()
    np.testing.assert_allclose(limit * at, phe["Observed_events"].to_numpy(float), rtol=1e-5)
    # and PHE's printed ISR (100 x O / E) at that point
    np.testing.assert_allclose(100 * limit, phe[f"{side}_{sigma}_isr"].to_numpy(), rtol=1e-5)


def test_wilson_limits_are_phe_proportion_funnel():
    # PHEindicatormethods 2.1.0 testdata_funnel_prop_outputs.csv (percent, 6 dp; baseline printed to 6 dp)
    phe = pd.read_csv(DATA / "phe_funnel_prop_outputs.csv")
    w = _wide(kpcompare.funnel_limits(phe["Population"], kind="proportion", method="wilson",
                                      target=phe["Baseline"].iloc[0], multiplier=100))
    for col, key in (("Lower2s0025limit", ("lower", 0.95)), ("Upper2s0025limit", ("upper", 0.95)),
                     ("Lower3s0001limit", ("lower", 0.998)), ("Upper3s0001limit", ("upper", 0.998))):
        np.testing.assert_allclose(w[key].to_numpy(), phe[col].to_numpy(), atol=1.5e-6)


@settings(max_examples=60, deadline=None)
@given(observed=st.integers(0, 400), expected=st.floats(1e-4, 400), confidence=st.sampled_from([0.9, 0.95, 0.998]))
def test_exact_position_is_the_exact_poisson_test(observed, expected, confidence):
    """Above the exact limit exactly when P(X >= O; E) < alpha/2 (scipy.stats.poisson), below when P(X <= O) < alpha/2."""
    a = (1 - confidence) / 2
    lim = kpcompare.funnel_limits([expected], kind="ratio", confidence=confidence).iloc[0]
    value = observed / expected
    p_high, p_low = stats.poisson.sf(observed - 1, expected), stats.poisson.cdf(observed, expected)
    if min(abs(p_high - a), abs(p_low - a)) > 1e-9 * a:  # not on the limit itself
        assert (value > lim["upper"]) == (p_high < a)
        assert (value < lim["lower"]) == (p_low < a)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), share=st.floats(0, 1), target=st.floats(0.001, 0.999),
       confidence=st.sampled_from([0.9, 0.95, 0.998]))
def test_exact_proportion_position_is_the_exact_binomial_test(n, share, target, confidence):
    """As above for X ~ Binomial(n, target) (scipy.stats.binom)."""
    observed, a = int(round(share * n)), (1 - confidence) / 2
    lim = kpcompare.funnel_limits([n], kind="proportion", target=target, confidence=confidence).iloc[0]
    p_high, p_low = stats.binom.sf(observed - 1, n, target), stats.binom.cdf(observed, n, target)
    if min(abs(p_high - a), abs(p_low - a)) > 1e-7 * a:
        assert (observed / n > lim["upper"]) == (p_high < a)
        assert (observed / n < lim["lower"]) == (p_low < a)


def test_limits_widen_with_confidence_and_narrow_with_precision():
    grid = kpcompare.funnel_limits([2, 10, 100, 1000], kind="rate", target=250.0)
    w = _wide(grid)
    assert (w[("upper", 0.998)] >= w[("upper", 0.95)]).all() and (w[("lower", 0.998)] <= w[("lower", 0.95)]).all()
    assert np.all(np.diff(w[("upper", 0.95)].to_numpy()) < 0)
    assert set(grid["target"]) == {250.0} and set(grid["statistic"]) == {"crude rate per 100000"}


def test_tiny_denominators_give_finite_limits_cut_at_zero_and_one():
    w = _wide(kpcompare.funnel_limits([1e-6, 0.5, 1, 2], kind="proportion", target=0.8, method="wilson"))
    assert (w[("lower", 0.95)] >= 0).all() and (w[("upper", 0.95)] <= 1).all()
    r = _wide(kpcompare.funnel_limits([1e-6, 0.01], kind="ratio"))
    assert (r[("lower", 0.95)] == 0).all() and np.isfinite(r[("upper", 0.95)]).all()


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"precision": [10, 0], "kind": "ratio"}, InvalidValueError, "rule 'finite and greater than 0' broken by 1 row"),
    ({"precision": ["a"], "kind": "ratio"}, InvalidArgumentError, "argument 'precision': expected numbers"),
    ({"precision": [[1, 2], [3, 4]], "kind": "ratio"}, InvalidArgumentError, "argument 'precision': give one number"),
    ({"precision": [10], "kind": "rates"}, UnknownNameError, "argument 'kind': unknown value 'rates'"),
    ({"precision": [10], "kind": "rate"}, InvalidArgumentError, "argument 'target': required for kind 'rate'"),
    ({"precision": [10], "kind": "proportion", "target": 1.5}, InvalidArgumentError, "argument 'target'"),
    ({"precision": [10], "kind": "ratio", "method": "wilson"}, UnknownNameError, "argument 'method'"),
    ({"precision": [10], "kind": "ratio", "overdispersion": "shmi"}, InvalidArgumentError, "funnel()'s output"),
    ({"precision": [10], "kind": "ratio", "overdispersion": {"method": "shmi"}}, InvalidArgumentError, "keys"),
    ({"precision": [10], "kind": "ratio", "confidence": 1.2}, KpcompareError, "confidence"),
])
def test_bad_input_is_refused(kwargs, error, message):
    precision = kwargs.pop("precision")
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        kpcompare.funnel_limits(precision, **kwargs)
