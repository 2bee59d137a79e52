"""dsr against dsrTest, R dsr / SAS PROC STDRATE and epiR, and its options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kpcompare import dsr, poisson_ci
from kpcompare.rates._result import RATE_COLUMNS


@pytest.fixture
def downs(vector):
    """Fay & Feuer 1997 Table II (dsrTest vignette): birth order 5+, stratum '<20' has 0 cases."""
    v = vector("dsrtest_fleiss_birthorder5_zero_stratum.json")
    i = v["inputs"]
    data = pd.DataFrame({"age_band": i["age"], "cases": i["count"], "births": i["pop"]})
    standard = pd.DataFrame({"age_band": i["age"], "population": i["stdpop"]})
    return data, standard, v


# dsrTest's printed htest output (7 significant digits) -> kpcompare method
PRINTED_7SIG = {
    "gamma [wmtype=max] (Fay-Feuer 1997)": "gamma",
    "dobson [exact, central]": "dobson-exact",
    "dobson [midp=TRUE]": "dobson-midp",
    "asymptotic [trans=none]": "normal",
    "asymptotic [trans=log]": "lognormal",
}


@pytest.mark.parametrize("peer, method", PRINTED_7SIG.items())
def test_dsrtest_printed_methods(downs, assert_printed, peer, method):
    data, standard, v = downs
    expected = v["expected_printed_htest_7sig"][peer]
    out = dsr(data, count="cases", population="births", standard=standard, method=method)
    for ours, key in (("value", "estimate"), ("lower", "lower"), ("upper", "upper")):
        assert_printed(out[ours].iloc[0], expected[key], sig=7)


def test_dsrtest_gamma_midp(downs):
    # Fay & Kim 2017 mid-p gamma; asht::wspoissonTest solves with uniroot tol 1e-6 x quantile, so the
    # printed value is only good to ~1e-6 relative (see the vector's printed_7sig_note).
    data, standard, v = downs
    expected = v["expected_printed_htest_7sig"]["gamma [midp=TRUE] (Fay-Kim 2017)"]
    out = dsr(data, count="cases", population="births", standard=standard, method="gamma-midp")
    np.testing.assert_allclose(out[["lower", "upper"]].iloc[0], [expected["lower"], expected["upper"]], rtol=1e-6)


def test_dsrtest_tiwari(downs, assert_printed):
    # dsrTest kable (3 dp): gamma [wmtype=tcz] is Tiwari, Clegg & Zou 2006
    data, standard, v = downs
    expected = v["expected_kable_3dp"]["gamma [wmtype=tcz]"]
    out = dsr(data, count="cases", population="births", standard=standard, method="tiwari")
    for key in ("estimate", "lower", "upper"):
        assert_printed(out[{"estimate": "value"}.get(key, key)].iloc[0], expected[key], decimals=3)


def test_dobson_byar_agrees_with_dobson_exact_at_3dp(downs, assert_printed):
    # PHE's Dobson uses Byar limits for X; at X = 740 they match the exact limits to the kable's 3 dp
    data, standard, v = downs
    expected = v["expected_kable_3dp"]["dobson [Exact CI]"]
    out = dsr(data, count="cases", population="births", standard=standard)
    assert out["method"].iloc[0] == "Dobson (Byar)"
    assert_printed(out["lower"].iloc[0], expected["lower"], decimals=3)
    assert_printed(out["upper"].iloc[0], expected["upper"], decimals=3)


def test_zero_count_stratum_drives_gamma_upper_limit(downs):
    # the 0-case stratum with 327 births has the largest weight: Fay-Feuer upper 188.3 vs Dobson 83.9
    data, standard, _ = downs
    gamma = dsr(data, count="cases", population="births", standard=standard, method="gamma")
    dobson = dsr(data, count="cases", population="births", standard=standard, method="dobson-exact")
    assert gamma["upper"].iloc[0] > 2 * dobson["upper"].iloc[0]


def test_sas_stdrate_alaska_florida(alaska_florida, assert_printed):
    # R dsr 0.2.2 vignette (SAS PROC STDRATE example), 4 decimals.  The peer's gamma upper limit is wrong
    # (shape 1 + y²/v); the correct Fay-Feuer upper limits are the vector's scipy_reference_values.
    data, standard, v = alaska_florida
    out = dsr(data, count="deaths", population="person_years", standard=standard, by="state",
              method="gamma", multiplier=1000).set_index("state")
    for state in ("Alaska", "Florida"):
        printed = v["expected"]["dsr"][state]
        assert out.loc[state, "count"] == printed["Numerator"]
        assert out.loc[state, "population"] == printed["Denominator"]
        assert_printed(out.loc[state, "value"], printed["Std Rate (per 1000)"], decimals=4)
        assert_printed(out.loc[state, "lower"], printed["95% LCL (Std)"], decimals=4)
        correct = v["scipy_reference_values_correct_methods"]["fay_feuer_gamma_per_1000"][state]
        assert out.loc[state, "upper"] == pytest.approx(correct[2], rel=1e-9)
    assert out.loc["Alaska", "upper"] > v["expected"]["dsr"]["Alaska"]["95% UCL (Std)"]


def test_epir_directadj(vector, assert_printed):
    # epiR 2.0.94 epi.directadj example 1 (adj.strata, 7 significant digits): Fay-Feuer gamma
    v = vector("epir_directadj_thrusfield_two_strata.json")
    i = v["inputs"]
    data = pd.DataFrame([{"area": a, "sex": s, "obs": i["obs"][a][s], "tar": i["tar"][a][s]}
                         for a in ("ED", "GL") for s in ("M", "F")])
    standard = pd.DataFrame({"sex": ["M", "F"], "population": [i["std"]["M"], i["std"]["F"]]})
    out = dsr(data, count="obs", population="tar", standard=standard, age="sex", by="area",
              method="gamma", multiplier=1)
    for row, expected in zip(out.itertuples(), v["expected"]["adj.strata"], strict=True):
        assert row.area == expected["strata"] and row.count == expected["obs"]
        assert_printed(row.value, expected["est"], sig=7)
        assert_printed(row.lower, expected["lower"], sig=7)
        assert_printed(row.upper, expected["upper"], sig=7)


def test_columns_are_fixed_and_confidence_levels_are_rows(alaska_florida):
    data, standard, _ = alaska_florida
    out = dsr(data, count="deaths", population="person_years", standard=standard, by="state",
              confidence=[0.95, 0.998])
    assert list(out.columns) == ["state", *RATE_COLUMNS]
    assert out["state"].tolist() == ["Alaska", "Alaska", "Florida", "Florida"]
    assert out["confidence"].tolist() == [0.95, 0.998, 0.95, 0.998]
    assert (out["lower"].iloc[1] < out["lower"].iloc[0]) and (out["upper"].iloc[1] > out["upper"].iloc[0])
    assert out["statistic"].iloc[0] == "dsr per 100000"
    assert (out["note"] == "").all()


def test_min_count_suppresses_with_a_note(downs):
    data, standard, _ = downs
    small = data.assign(cases=[0, 1, 2, 3, 2, 1])  # 9 events
    out = dsr(small, count="cases", population="births", standard=standard)
    assert out[["value", "lower", "upper", "variance"]].isna().all(axis=None)
    assert out["note"].iloc[0] == "suppressed: total count below min_count (10)"
    assert out["count"].iloc[0] == 9
    kept = dsr(small, count="cases", population="births", standard=standard, min_count=0)
    assert kept["note"].iloc[0] == "" and np.isfinite(kept["value"].iloc[0])


def test_zero_events_without_suppression(downs):
    data, standard, _ = downs
    zero = data.assign(cases=0)
    dob = dsr(zero, count="cases", population="births", standard=standard, min_count=0)
    assert dob["value"].iloc[0] == 0 and np.isnan(dob["lower"].iloc[0])
    assert dob["note"].iloc[0] == "Dobson limits undefined at 0 events"
    gam = dsr(zero, count="cases", population="births", standard=standard, min_count=0, method="gamma")
    # Fay-Feuer at y = 0: L = 0, U = G⁻¹(0.975; 1, w_M) = -ln(0.025)·w_M
    w_max = (standard["population"] / standard["population"].sum() / data["births"]).max() * 1e5
    assert gam["lower"].iloc[0] == 0 and gam["upper"].iloc[0] == pytest.approx(-np.log(0.025) * w_max)


def test_standard_by_registered_name():
    bands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
             "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    # equal stratum rates (1 per 1000): any standard gives exactly that rate
    data = pd.DataFrame({"age_band": bands[::-1], "events": [20] * 19, "pop": [20_000] * 19})
    out = dsr(data, count="events", population="pop", standard="esp2013")
    assert out["value"].iloc[0] == pytest.approx(100.0)


def test_standard_as_a_column_of_data(alaska_florida):
    data, standard, _ = alaska_florida
    with_column = data.merge(standard.rename(columns={"population": "us2000"}), on="age_band")
    a = dsr(with_column, count="deaths", population="person_years", standard="us2000", by="state")
    b = dsr(data, count="deaths", population="person_years", standard=standard, by="state")
    pd.testing.assert_frame_equal(a, b)


def test_join_is_by_label_not_position(alaska_florida):
    data, standard, _ = alaska_florida
    shuffled = standard.iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        dsr(data.sample(frac=1, random_state=1), count="deaths", population="person_years", standard=shuffled,
            by="state"),
        dsr(data, count="deaths", population="person_years", standard=standard, by="state"))


def test_pyarrow_table_input(alaska_florida):
    data, standard, _ = alaska_florida
    a = dsr(pa.Table.from_pandas(data), count="deaths", population="person_years",
            standard=pa.Table.from_pandas(standard), by="state")
    b = dsr(data, count="deaths", population="person_years", standard=standard, by="state")
    pd.testing.assert_frame_equal(a, b)


def test_event_frequency_variance_adjustment():
    # PHE non-independent events (Fingertips technical guidance): two bands, standard 1:1.
    # Band A: population 1000, 10 persons with 1 event, 5 persons with 2 events -> x_A = 20 events.
    # Band B: population 2000, 20 persons with 1 event, 0 with 2 -> x_B = 20 events.
    # W_A = 0.5/1000, W_B = 0.5/2000.  y = 0.5*20/1000 + 0.5*20/2000 = 0.015 -> 1500 per 100000.
    # v_adj = 1²(10 W_A² + 20 W_B²) + 2²(5 W_A²) = W_A²(10 + 20) + 20 W_B² = 7.5e-6 + 1.25e-6 = 8.75e-6
    # (the independent-events variance would be 20 W_A² + 20 W_B² = 6.25e-6).
    data = pd.DataFrame({"age_band": ["A", "A", "B", "B"], "freq": [1, 2, 1, 2],
                         "persons": [10, 5, 20, 0], "pop": [1000, 1000, 2000, 2000]})
    standard = pd.DataFrame({"age_band": ["A", "B"], "population": [1, 1]})
    out = dsr(data, count="persons", population="pop", standard=standard, event_frequency="freq")
    assert out["count"].iloc[0] == 40 and out["population"].iloc[0] == 3000
    assert out["value"].iloc[0] == pytest.approx(1500.0)
    assert out["variance"].iloc[0] == pytest.approx(8.75e-6 * 1e10)
    assert out["method"].iloc[0] == "Dobson (Byar) with non-independent events"
    x_lo, x_hi = poisson_ci([40], method="byar")
    slope = np.sqrt(8.75e-6 / 40) * 1e5
    assert out["lower"].iloc[0] == pytest.approx(1500 + slope * (x_lo[0] - 40))
    assert out["upper"].iloc[0] == pytest.approx(1500 + slope * (x_hi[0] - 40))


def test_weighted_counts_are_allowed_and_noted(downs):
    data, standard, _ = downs
    out = dsr(data.assign(cases=data["cases"] * 1.5), count="cases", population="births", standard=standard,
              weighted=True)
    assert out["count"].iloc[0] == pytest.approx(1110.0)
    assert out["note"].iloc[0].startswith("weighted counts")


def test_zero_events_every_method(downs):
    # X = 0 (all strata 0 events, one stratum of 327 births) with suppression off, per the references:
    # Fay & Feuer 1997 (and asht::wspoissonTest): L = 0, U = G⁻¹(1 - α/2; 1, w_M) = -ln(α/2)·w_M;
    # Fay & Kim 2017 mid-p (asht, y = 0 branch): L = 0, U = G⁻¹(1 - α; 1, w_M) = -ln(α)·w_M;
    # Tiwari et al 2006 (asht wmtype='tcz'): L = 0, U = G⁻¹(1 - α/2; mean(W)²/mean(W²), mean(W²)/mean(W));
    # Dobson (dsrTest: y + sqrt(v/X)(X_L - X)): 0/0, undefined; normal: (0, 0); log-normal: undefined.
    from scipy.stats import gamma as gamma_dist

    data, standard, _ = downs
    zero = data.assign(cases=0)
    W = (standard["population"] / standard["population"].sum() / data["births"]).to_numpy() * 1e5
    out = pd.concat([dsr(zero, count="cases", population="births", standard=standard, method=m, min_count=0)
                     .assign(m=m) for m in ["dobson", "dobson-exact", "dobson-midp", "gamma", "gamma-midp", "tiwari",
                                            "normal", "lognormal"]]).set_index("m")
    assert (out["value"] == 0).all() and (out["count"] == 0).all()
    assert out.loc["gamma", "lower"] == 0 and out.loc["gamma", "upper"] == pytest.approx(-np.log(0.025) * W.max())
    assert out.loc["gamma-midp", "lower"] == 0
    assert out.loc["gamma-midp", "upper"] == pytest.approx(-np.log(0.05) * W.max())
    m1, m2 = W.mean(), (W**2).mean()
    assert out.loc["tiwari", "lower"] == 0
    assert out.loc["tiwari", "upper"] == pytest.approx(gamma_dist.ppf(0.975, m1**2 / m2, scale=m2 / m1), rel=1e-12)
    for m in ("dobson", "dobson-exact", "dobson-midp"):
        limits = out.loc[m, ["lower", "upper"]].astype(float)  # a row of mixed columns is object in pandas 1.5
        assert np.isnan(limits).all() and out.loc[m, "note"] == "Dobson limits undefined at 0 events"
    assert out.loc["normal", ["lower", "upper"]].tolist() == [0.0, 0.0]
    assert out.loc["lognormal", "lower"] == 0 and np.isnan(out.loc["lognormal", "upper"])
    assert out.loc["lognormal", "note"] == "log-normal limits undefined at a rate of 0"


def test_normal_interval_is_not_truncated():
    # dsrTest asymptotic [trans=none]: qnorm(c(α/2, 1 - α/2), y, sqrt(v)) - no truncation at 0
    data = pd.DataFrame({"age_band": ["a", "b"], "n": [1, 0], "pop": [100, 100]})
    std = pd.DataFrame({"age_band": ["a", "b"], "population": [1, 1]})
    out = dsr(data, count="n", population="pop", standard=std, method="normal", min_count=0, multiplier=1)
    y, v = 0.5 * 1 / 100, 0.25 * 1 / 100**2
    assert out["lower"].item() == pytest.approx(y - 1.959963984540054 * np.sqrt(v)) and out["lower"].item() < 0


def test_min_count_boundary_and_every_confidence_row(downs):
    # PHE: no DSR when the total count is below 10; exactly 10 is published
    data, standard, _ = downs
    ten = data.assign(cases=[0, 1, 2, 3, 2, 2])
    nine = data.assign(cases=[0, 1, 2, 3, 2, 1])
    kept = dsr(ten, count="cases", population="births", standard=standard, confidence=[0.95, 0.998])
    gone = dsr(nine, count="cases", population="births", standard=standard, confidence=[0.95, 0.998])
    assert kept[["value", "lower", "upper"]].notna().all(axis=None) and (kept["note"] == "").all()
    assert gone[["value", "lower", "upper", "variance"]].isna().all(axis=None)
    assert gone["note"].tolist() == ["suppressed: total count below min_count (10)"] * 2
    custom = dsr(ten, count="cases", population="births", standard=standard, min_count=11)
    assert custom["note"].item() == "suppressed: total count below min_count (11)"


def test_tiny_populations_and_zero_count_strata_need_no_special_case():
    # a stratum of 0.5 person-years with no events: finite weights, the gamma upper limit follows w_M
    data = pd.DataFrame({"age_band": ["a", "b"], "n": [0, 30], "pop": [0.5, 1000.0]})
    std = pd.DataFrame({"age_band": ["a", "b"], "population": [1, 1]})
    out = dsr(data, count="n", population="pop", standard=std, method="gamma", min_count=0, multiplier=1)
    y, v, wm = 0.5 * 30 / 1000, 0.25 * 30 / 1000**2, 0.5 / 0.5
    from scipy.stats import gamma as gamma_dist

    assert out["value"].item() == pytest.approx(y)
    assert out["upper"].item() == pytest.approx(
        gamma_dist.ppf(0.975, (y + wm) ** 2 / (v + wm**2), scale=(v + wm**2) / (y + wm)), rel=1e-12)


def test_events_only_in_strata_of_standard_weight_zero():
    # y = 0 and v = 0 although X > 0: Dobson's slope √(v/X) is 0, so (0, 0); gamma family keeps its w_M upper
    # limit; log-normal is undefined (noted)
    data = pd.DataFrame({"age_band": ["a", "b"], "n": [5, 0], "pop": [100, 100]})
    std = pd.DataFrame({"age_band": ["a", "b"], "population": [0, 1]})
    dob = dsr(data, count="n", population="pop", standard=std, min_count=0, multiplier=1)
    assert dob[["value", "lower", "upper"]].values.tolist() == [[0.0, 0.0, 0.0]]
    gam = dsr(data, count="n", population="pop", standard=std, method="gamma", min_count=0, multiplier=1)
    assert gam["upper"].item() == pytest.approx(-np.log(0.025) * 1 / 100)
    log = dsr(data, count="n", population="pop", standard=std, method="lognormal", min_count=0)
    assert log["lower"].item() == 0 and np.isnan(log["upper"].item())
