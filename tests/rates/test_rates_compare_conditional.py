"""compare_rates(method="exact" | "midp" | "score") against R 4.2.2 and epitools 0.5-10 (issue 20).

Every expected value was printed by R 4.2.2 (Debian r-base-core, r-cran-epitools) with ``digits = 15``
by the calls below, for x1 events in t1 (the level) and x2 in t2 (the reference); the tests do not need R.

    r  <- poisson.test(c(x1, x2), c(t1, t2), conf.level = cl)   # exact: r$conf.int, r$p.value
    w  <- prop.test(x1, x1 + x2, correct = FALSE, conf.level = cl)$conf.int
    score limits = w / (1 - w) * t2 / t1
    score p = prop.test(x1, x1 + x2, p = t1 / (t1 + t2), correct = FALSE)$p.value
            = rate2by2.test(matrix(c(x2, t2, x1, t1), 2, byrow = TRUE))$p.value[2, "wald"]
    z = (x1 - n * s) / sqrt(n * s * (1 - s)),  n = x1 + x2, s = t1 / (t1 + t2)
    mid-p p = rate2by2.test(...)$p.value[2, "midp.exact"]
    mid-p limits: the equations of epitools::rateratio.midp (its function midprob) solved by uniroot with
        tol = 1e-14 (rateratio.midp itself uses uniroot's default tolerance, 1.2e-4 on the binomial
        scale: its 95% limits for (23, 1500, 11, 1000) print as 0.68650672284009, 2.96980420955028).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare import compare_rates, crude_rate, dsr, smr
from kpcompare.errors import InvalidArgumentError, UnknownNameError

inf = np.inf

# (x1, t1, x2, t2, confidence): exact/midp/score = (lower, upper, p), z = the score statistic
R_VALUES = {
    (23, 1500, 11, 1000, 0.95): dict(exact=(0.652772181560482, 3.16731956350453, 0.388110022634961),
        midp=(0.686503966088545, 2.96945922546326, 0.371395781934649),
        score=(0.689529271152019, 2.81796163740776, 0.362726506485098), z=0.910182054618207),
    (23, 1500, 11, 1000, 0.9): dict(exact=(0.727478165038898, 2.78408257728838, 0.388110022634961),
        midp=(0.766588145246901, 2.60946909655873, 0.371395781934649),
        score=(0.769456612040627, 2.52524574299653, 0.362726506485098), z=0.910182054618207),
    (23, 1500, 11, 1000, 0.99): dict(exact=(0.528548170469435, 4.11244182441793, 0.388110022634961),
        midp=(0.553960756336475, 3.8571657253183, 0.371395781934649),
        score=(0.559804360398866, 3.47097516816709, 0.362726506485098), z=0.910182054618207),
    (0, 800, 11, 1000, 0.95): dict(exact=(0, 0.498041868121228, 0.00168963156950868),
        midp=(0, 0.391290543109855, 0.00155597438736569),
        score=(0, 0.436529411442514, 0.00301230545074549), z=-2.96647939483827),
    (0, 800, 11, 1000, 0.9): dict(exact=(0, 0.391290543109855, 0.00168963156950868),
        midp=(0, 0.291058424302583, 0.00155597438736569),
        score=(0, 0.307448119783569, 0.00301230545074549), z=-2.96647939483827),
    (0, 800, 11, 1000, 0.99): dict(exact=(0, 0.773459694550082, 0.00168963156950868),
        midp=(0, 0.649888853691167, 0.00155597438736569),
        score=(0, 0.753965522843319, 0.00301230545074549), z=-2.96647939483827),
    (5, 300, 11, 1000, 0.95): dict(exact=(0.412700362655934, 4.7302848035723, 0.388924180147623),
        midp=(0.474458872413849, 4.29778768309595, 0.444008782301113),
        score=(0.550070293132588, 4.17343772700807, 0.437784242252714), z=0.775940289798985),
    (5, 300, 11, 1000, 0.9): dict(exact=(0.507403444995395, 4.04696510378812, 0.388924180147623),
        midp=(0.583540524690916, 3.65880742511156, 0.444008782301113),
        score=(0.640908763105047, 3.58192030757062, 0.437784242252714), z=0.775940289798985),
    (5, 300, 11, 1000, 0.99): dict(exact=(0.268477875028111, 6.42731798796141, 0.388924180147623),
        midp=(0.308518042434836, 5.88684286443789, 0.444008782301113),
        score=(0.414351729471481, 5.54042363186018, 0.437784242252714), z=0.775940289798985),
    (7, 1000, 0, 900, 0.95): dict(exact=(1.29717766695171, inf, 0.0165381322118296),
        midp=(1.68499124401986, inf, 0.0111872873519721),
        score=(1.64000196125014, inf, 0.0120737972431229), z=2.50998007960223),
    (7, 1000, 0, 900, 0.9): dict(exact=(1.68499124401986, inf, 0.0165381322118296),
        midp=(2.31068141480938, inf, 0.0111872873519721),
        score=(2.32855250964963, inf, 0.0120737972431229), z=2.50998007960223),
    (7, 1000, 0, 900, 0.99): dict(exact=(0.795289681929902, inf, 0.0165381322118296),
        midp=(0.967016435164095, inf, 0.0111872873519721),
        score=(0.949524970597181, inf, 0.0120737972431229), z=2.50998007960223),
    (100, 20000.5, 80, 15000, 0.95): dict(exact=(0.691690195191233, 1.27408198632856, 0.706633233563296),
        midp=(0.69886064114526, 1.26057964042742, 0.665721503415316),
        score=(0.699416054004079, 1.25656581844813, 0.666833250836662), z=-0.430498234310804),
    (100, 20000.5, 80, 15000, 0.9): dict(exact=(0.724931337320519, 1.21444012880682, 0.706633233563296),
        midp=(0.732544824457356, 1.20146733937116, 0.665721503415316),
        score=(0.732955711600837, 1.19906604509007, 0.666833250836662), z=-0.430498234310804),
    (100, 20000.5, 80, 15000, 0.99): dict(exact=(0.631045994744837, 1.39994126805464, 0.706633233563296),
        midp=(0.637428179498999, 1.38532496336933, 0.665721503415316),
        score=(0.638538011497863, 1.37636646606799, 0.666833250836662), z=-0.430498234310804),
}


def _crude(x1, t1, x2, t2):
    data = pd.DataFrame({"system": ["level", "ref"], "n": [x1, x2], "pop": [t1, t2]})
    return crude_rate(data, count="n", population="pop", by="system")


@pytest.mark.parametrize("case", sorted(R_VALUES))
@pytest.mark.parametrize("method", ["exact", "midp", "score"])
def test_conditional_limits_and_p_match_r(case, method):
    x1, t1, x2, t2, conf = case
    out = compare_rates(_crude(x1, t1, x2, t2), between="system", reference="ref", method=method,
                        confidence=conf).set_index("system")
    lo, hi, p = R_VALUES[case][method]
    row = out.loc["level"]
    assert row["value"] == pytest.approx((x1 / t1) / (x2 / t2) if x2 else inf, rel=1e-12)
    assert row["lower"] == pytest.approx(lo, rel=1e-9, abs=1e-300)
    assert row["upper"] == pytest.approx(hi, rel=1e-9)
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    if method == "score":
        assert row["z"] == pytest.approx(R_VALUES[case]["z"], rel=1e-9)
    else:
        assert np.isnan(row["z"])
    ref = out.loc["ref"]
    assert (ref["value"], ref["lower"], ref["upper"], ref["z"], ref["p_value"]) == (1.0, 1.0, 1.0, 0.0, 1.0)


def test_several_confidence_levels_are_rows_in_order():
    out = compare_rates(_crude(23, 1500, 11, 1000), between="system", reference="ref", method="exact",
                        confidence=[0.9, 0.95, 0.99])
    level = out[out["system"] == "level"]
    assert list(level["confidence"]) == [0.9, 0.95, 0.99]
    for conf, (_, row) in zip((0.9, 0.95, 0.99), level.iterrows()):
        assert (row["lower"], row["upper"]) == pytest.approx(R_VALUES[(23, 1500, 11, 1000, conf)]["exact"][:2],
                                                             rel=1e-9)
    assert level["method"].unique().tolist() == ["rate ratio, exact conditional (binomial; R poisson.test)"]


def test_ratio_of_smrs_is_poisson_test_on_observed_and_expected():
    # one stratum, standard rate 1/100: E = 5 (A) and 12 (B).
    # poisson.test(c(7, 9), c(12, 5)): estimate 0.324074074074074, conf.int 0.102566222497298
    # 0.977907907021072, p.value 0.026357598944248
    data = pd.DataFrame({"system": ["A", "B"], "age_band": "all", "deaths": [9, 7], "pop": [500, 1200]})
    standard = pd.DataFrame({"age_band": ["all"], "deaths": [1], "pop": [100]})
    ratios = smr(data, count="deaths", population="pop", standard=standard, by="system")
    out = compare_rates(ratios, between="system", reference="A", method="exact").set_index("system")
    b = out.loc["B"]
    assert (b["value"], b["lower"], b["upper"], b["p_value"]) == pytest.approx(
        (0.324074074074074, 0.102566222497298, 0.977907907021072, 0.026357598944248), rel=1e-9)
    assert "weighted by its own population" in b["note"]


def test_no_events_in_either_group_is_nan_with_a_note():
    out = compare_rates(_crude(0, 100, 0, 200), between="system", reference="ref", method="exact")
    row = out.set_index("system").loc["level"]
    assert np.isnan(row["lower"]) and np.isnan(row["upper"]) and np.isnan(row["p_value"])
    assert "no events in either group" in row["note"]


def test_weighted_counts_have_no_exact_test_but_a_score_test():
    data = pd.DataFrame({"system": ["level", "ref"], "n": [10.5, 7.25], "pop": [100.0, 120.0]})
    rates = crude_rate(data, count="n", population="pop", by="system", weighted=True)
    exact = compare_rates(rates, between="system", reference="ref", method="exact").set_index("system")
    assert np.isnan(exact.loc["level", "p_value"])
    assert "counts not whole numbers" in exact.loc["level", "note"]
    score = compare_rates(rates, between="system", reference="ref", method="score").set_index("system")
    n, s = 17.75, 100 / 220
    assert score.loc["level", "z"] == pytest.approx((10.5 - n * s) / np.sqrt(n * s * (1 - s)), rel=1e-12)


def test_by_groups_are_compared_within_each_group():
    data = pd.DataFrame({"sex": ["F", "F", "M", "M"], "system": ["level", "ref"] * 2, "n": [23, 11, 5, 11],
                         "pop": [1500, 1000, 300, 1000]})
    out = compare_rates(crude_rate(data, count="n", population="pop", by=["sex", "system"]), between="system",
                        reference="ref", method="midp").set_index(["sex", "system"])
    assert out.loc[("F", "level"), "p_value"] == pytest.approx(R_VALUES[(23, 1500, 11, 1000, 0.95)]["midp"][2])
    assert out.loc[("M", "level"), "p_value"] == pytest.approx(R_VALUES[(5, 300, 11, 1000, 0.95)]["midp"][2])


def test_default_method_is_unchanged():
    rates = _crude(23, 1500, 11, 1000)
    default = compare_rates(rates, between="system", reference="ref")
    wald = compare_rates(rates, between="system", reference="ref", method="wald")
    pd.testing.assert_frame_equal(default, wald)
    # the log method by hand: exp(log RR +/- 1.959964 sqrt(1/23 + 1/11))
    rr = (23 / 1500) / (11 / 1000)
    half = 1.959963984540054 * np.sqrt(1 / 23 + 1 / 11)
    row = default.set_index("system").loc["level"]
    assert (row["lower"], row["upper"]) == pytest.approx((rr * np.exp(-half), rr * np.exp(half)), rel=1e-12)


def test_conditional_methods_are_refused_where_they_do_not_apply():
    rates = _crude(23, 1500, 11, 1000)
    with pytest.raises(InvalidArgumentError, match=r"a rate difference takes method='wald'"):
        compare_rates(rates, between="system", reference="ref", kind="difference", method="exact")
    with pytest.raises(UnknownNameError, match=r"argument 'method': unknown value 'fisher'"):
        compare_rates(rates, between="system", reference="ref", method="fisher")
    data = pd.DataFrame({"system": ["level", "ref"], "age_band": "all", "n": [23, 11], "pop": [1500, 1000]})
    standard = pd.DataFrame({"age_band": ["all"], "population": [1000]})
    direct = dsr(data, count="n", population="pop", standard=standard, by="system")
    with pytest.raises(InvalidArgumentError, match=r"give a crude_rate, smr or isr result"):
        compare_rates(direct, between="system", reference="ref", method="exact")


# ------------------------------------------------------------------ properties (hypothesis)

_counts = st.integers(min_value=0, max_value=400)
_times = st.floats(min_value=1.0, max_value=1e5, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(x1=_counts, t1=_times, x2=_counts, t2=_times, method=st.sampled_from(["exact", "midp", "score"]))
def test_swapping_the_groups_inverts_the_interval_and_keeps_the_p_value(x1, t1, x2, t2, method):
    if x1 + x2 == 0:
        return
    one = compare_rates(_crude(x1, t1, x2, t2), between="system", reference="ref", method=method)
    data = pd.DataFrame({"system": ["level", "ref"], "n": [x2, x1], "pop": [t2, t1]})
    two = compare_rates(crude_rate(data, count="n", population="pop", by="system"), between="system",
                        reference="ref", method=method)
    a, b = one.set_index("system").loc["level"], two.set_index("system").loc["level"]
    with np.errstate(divide="ignore"):
        assert a["lower"] == pytest.approx(1.0 / b["upper"], rel=1e-6, abs=1e-12)
        assert a["upper"] == pytest.approx(1.0 / b["lower"], rel=1e-6)
    assert a["p_value"] == pytest.approx(b["p_value"], rel=1e-6, abs=1e-12)
    assert 0.0 <= a["p_value"] <= 1.0
    assert a["lower"] <= a["value"] <= a["upper"]
