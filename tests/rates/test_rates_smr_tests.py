"""smr/isr ``p_value`` (test = "exact" | "midp" | "chisq" | "byar") against R 4.2.2 and epiR 2.0.57 (issue 20).

Each row of SMR_P below was printed by R 4.2.2 (``digits = 15``) for an observed count O and expected E:

    exact = poisson.test(O, E)$p.value
    midp  = 2 * min(ppois(O - 1, E) + 0.5 * dpois(O, E), ppois(O, E, lower.tail = FALSE) + 0.5 * dpois(O, E))
    chisq = epi.smr(O, E, method = "chi2")$p.value        (O = 0: pchisq((O - E)^2 / E, 1, lower.tail = FALSE))
    byar  = epi.smr(O, E, method = "byar")$p.value        (O = 0: epi.smr refuses 0; the same formula,
            2 * pnorm(-abs(sqrt(9) * (1 - 1/9 - (3.3 / 1)^(1/3)))) = 0.0719001234208118)
    epiR_midp = epi.smr(O, E, method = "mid.p")$p.value   (O <= 5 only; NA otherwise)

The tests do not need R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kpcompare import isr, smr
from kpcompare.errors import InvalidValueError, UnknownNameError

# (O, E): (exact, midp, chisq, byar, epiR mid.p)
SMR_P = {
    (1, 3.3): (0.396007244151996, 0.195480787226572, 0.205474300758062, 0.314201669237051, 0.195480787226572),
    (4, 3.3): (0.578259422350521, 0.657071426851853, 0.699987516566847, 0.836790155767595, 0.657071426720537),
    (4, 10): (0.0562942978617622, 0.0395887387528868, 0.0577795711235976, 0.0584011552452251, 0.0395887387528868),
    (10, 4.2): (0.0111269881989724, 0.015195791239143, 0.00465319720901336, 0.0227948518043555, None),
    (137, 120.5): (0.13266984469527, 0.137794035940232, 0.132810986925968, 0.149323451143673, None),
    (3, 3): (1, 0.929578030090926, 1, 0.847389659686715, 0.929577781930584),
    (50, 70.2): (0.0142441930951272, 0.0118489172942303, 0.0159123350219532, 0.0141091292765487, None),
    (2, 0.01): (4.96679133402659e-05, 4.98333349930734e-05, 0, 0.00103272242407648, 4.98333349930734e-05),
    (0, 3.3): (0.0878488134308135, 0.03688316740124, 0.0692798832212019, 0.0719001234208118, None),
}
TESTS = ("exact", "midp", "chisq", "byar")


def _smr(observed, expected, **kwargs):
    """One group per (O, E): a single stratum whose standard rate is 1, so E is the population."""
    data = pd.DataFrame({"group": range(len(observed)), "age_band": "all", "obs": observed, "pop": expected})
    standard = pd.DataFrame({"age_band": ["all"], "obs": [1.0], "pop": [1.0]})
    return smr(data, count="obs", population="pop", standard=standard, by="group", **kwargs)


@pytest.mark.parametrize("test", TESTS)
def test_p_values_match_r(test):
    cases = sorted(SMR_P)
    out = _smr([o for o, _ in cases], [e for _, e in cases], test=test)
    for (o, e), got in zip(cases, out["p_value"]):
        want = SMR_P[(o, e)][TESTS.index(test)]
        # epiR's chi2 prints 0 where 1 - pchisq underflows (O = 2, E = 0.01: the true value is 4.1e-88)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-80), (o, e)
    label = {"exact": "exact (R poisson.test)", "midp": "mid-p", "chisq": "chi-square", "byar": "Byar"}[test]
    assert out["method"].str.endswith(f"; p_value: {label}").all()


def test_mid_p_agrees_with_epir_where_epir_sums_every_term():
    # epiR's mid.p takes the lower tail when O < E (an exact sum) and sums the upper tail only to 5*O
    out = _smr([1, 4, 2], [3.3, 10.0, 0.01], test="midp")
    assert out["p_value"].to_numpy() == pytest.approx([SMR_P[(1, 3.3)][4], SMR_P[(4, 10)][4],
                                                       SMR_P[(2, 0.01)][4]], rel=1e-9)
    # O = 4 > E = 3.3: epiR's truncated sum differs in the 10th digit
    assert _smr([4], [3.3], test="midp")["p_value"].item() != pytest.approx(SMR_P[(4, 3.3)][4], rel=1e-12)


def test_default_test_is_exact_and_p_value_sits_after_variance():
    out = _smr([4], [3.3])
    assert out["p_value"].item() == pytest.approx(SMR_P[(4, 3.3)][0], rel=1e-9)
    cols = list(out.columns)
    assert cols[cols.index("variance") + 1] == "p_value"


def test_p_value_is_the_same_on_every_confidence_row_and_for_isr():
    data = pd.DataFrame({"age_band": ["all"], "obs": [10], "pop": [4.2]})
    standard = pd.DataFrame({"age_band": ["all"], "obs": [1.0], "pop": [1.0]})
    out = smr(data, count="obs", population="pop", standard=standard, confidence=[0.9, 0.95, 0.99])
    assert out["p_value"].to_numpy() == pytest.approx([SMR_P[(10, 4.2)][0]] * 3, rel=1e-9)
    rate = isr(data, count="obs", population="pop", standard=standard, test="byar")
    assert rate["p_value"].item() == pytest.approx(SMR_P[(10, 4.2)][3], rel=1e-9)


def test_large_counts_exact_p_value():
    # poisson.test(10000, 9800)$p.value = 0.0438753353315881 (R 4.2.2)
    assert _smr([10000], [9800.0])["p_value"].item() == pytest.approx(0.0438753353315881, rel=1e-7)


def test_huge_counts_end_the_exact_search():
    # The fuzz suite's "huge" cells hung the exact test: with E near 2**53 the search doubles past 2**53, where
    # the bisection's midpoint can round onto an end.  The search now stops there.  O is so far from E in each
    # case that the p-value is below 1e-290 (P(X = 0) = exp(-8e15) underflows; R's poisson.test cannot run
    # these: it builds the vector ceiling(E):N).
    import signal

    def stuck(*_):
        raise TimeoutError("the exact p-value search did not end")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    try:
        for standard_count, o, pop in ((4e15, 0, 2.0), (4.4e15, 0, 2.0), (1.0, 2**52, 3.0)):
            data = pd.DataFrame({"group": [0], "age_band": "all", "obs": [o], "pop": [pop]})
            standard = pd.DataFrame({"age_band": ["all"], "obs": [standard_count], "pop": [1.0]})
            out = smr(data, count="obs", population="pop", standard=standard, by="group")
            assert out["p_value"].item() <= 1e-290
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_counts_beyond_2_53_have_no_exact_test_and_say_why():
    # E = 5 x 4e15 / 1e-100: float64 holds no whole counts there; the chi-square test still runs
    data = pd.DataFrame({"group": [0], "age_band": "all", "obs": [3], "pop": [5.0]})
    standard = pd.DataFrame({"age_band": ["all"], "obs": [4e15], "pop": [1e-100]})
    for test in ("exact", "midp"):
        out = smr(data, count="obs", population="pop", standard=standard, by="group", test=test)
        assert np.isnan(out["p_value"].item())
        assert "beyond 2**53" in out["note"].item() and "test='chisq'" in out["note"].item()
    chisq = smr(data, count="obs", population="pop", standard=standard, by="group", test="chisq")
    assert chisq["p_value"].item() == 0.0  # pchisq((3 - 2e116)^2 / 2e116, 1, lower.tail = FALSE) underflows


def test_a_standard_total_beyond_2_53_is_refused_as_the_data_s_is():
    data = pd.DataFrame({"group": [0], "age_band": "all", "obs": [3], "pop": [5.0]})
    standard = pd.DataFrame({"age_band": ["all"], "obs": [2.0**62], "pop": [1.0]})
    with pytest.raises(InvalidValueError, match=r"argument 'standard': column 'obs': rule 'total at most 2\*\*53'"):
        smr(data, count="obs", population="pop", standard=standard, by="group")


def test_weighted_counts_have_no_exact_p_value_but_a_chi_square_one():
    out = _smr([4.5], [3.3], weighted=True)
    assert np.isnan(out["p_value"].item())
    assert "no exact or mid-p test" in out["note"].item()
    chisq = _smr([4.5], [3.3], weighted=True, test="chisq")
    # pchisq((4.5 - 3.3)^2 / 3.3, 1, lower.tail = FALSE)
    assert chisq["p_value"].item() == pytest.approx(0.508882815353519, rel=1e-9)


def test_zero_expected_gives_no_p_value():
    data = pd.DataFrame({"group": ["a", "b"], "age_band": ["y", "o"], "obs": [0, 3], "pop": [10.0, 10.0]})
    standard = pd.DataFrame({"age_band": ["y", "o"], "obs": [0.0, 1.0], "pop": [10.0, 10.0]})
    out = smr(data, count="obs", population="pop", standard=standard, by="group").set_index("group")
    assert np.isnan(out.loc["a", "p_value"]) and "ratio undefined" in out.loc["a", "note"]


def test_unknown_test_is_refused():
    with pytest.raises(UnknownNameError, match=r"argument 'test': unknown value 'fisher'"):
        _smr([4], [3.3], test="fisher")


# ------------------------------------------------------------------ the exact p-value by brute force


@settings(max_examples=60, deadline=None)
@given(o=st.integers(min_value=0, max_value=300), e=st.floats(min_value=0.05, max_value=300.0))
def test_exact_p_value_is_the_sum_over_every_count_no_more_likely(o, e):
    # R's definition summed directly over 0..N (N far in the upper tail), independently of the bisection
    support = np.arange(0, int(4 * max(o, e) + 60))
    pmf = stats.poisson.pmf(support, e)
    d = stats.poisson.pmf(o, e)
    brute = 1.0 if o == e else min(1.0, pmf[pmf <= d * (1 + 1e-7)].sum() + stats.poisson.sf(support[-1], e))
    assert _smr([o], [e])["p_value"].item() == pytest.approx(brute, rel=1e-9, abs=1e-15)
