"""crude_rate against epiR and R dsr (SAS PROC STDRATE example)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare import crude_rate
from kpcompare.rates._result import RATE_COLUMNS


def test_epir_crude_rates(vector, assert_printed):
    # epiR 2.0.94 epi.directadj example 1: 'crude' (per cell) and 'crude.strata', exact limits, 7 sig. digits
    v = vector("epir_directadj_thrusfield_two_strata.json")
    i = v["inputs"]
    data = pd.DataFrame([{"area": a, "sex": s, "obs": i["obs"][a][s], "tar": i["tar"][a][s]}
                         for a in ("ED", "GL") for s in ("M", "F")])
    cells = crude_rate(data, count="obs", population="tar", by=["area", "sex"], multiplier=1,
                       method="exact").set_index(["area", "sex"])
    for expected in v["expected"]["crude"]:
        row = cells.loc[(expected["strata"], expected["cov"])]
        for key in ("est", "lower", "upper"):
            assert_printed(row[{"est": "value"}.get(key, key)], expected[key], sig=7)
    areas = crude_rate(data, count="obs", population="tar", by="area", multiplier=1, method="exact")
    for row, expected in zip(areas.itertuples(), v["expected"]["crude.strata"], strict=True):
        assert (row.area, row.count, row.population) == (expected["strata"], expected["obs"], expected["tar"])
        for key in ("est", "lower", "upper"):
            assert_printed(getattr(row, {"est": "value"}.get(key, key)), expected[key], sig=7)


def test_sas_stdrate_crude_rates(alaska_florida, assert_printed):
    # R dsr 0.2.2 vignette (SAS PROC STDRATE Alaska/Florida), 4 decimals, exact limits
    data, _, v = alaska_florida
    out = crude_rate(data, count="deaths", population="person_years", by="state", multiplier=1000,
                     method="exact").set_index("state")
    for state in ("Alaska", "Florida"):
        printed = v["expected"]["dsr"][state]
        assert_printed(out.loc[state, "value"], printed["Crude Rate (per 1000)"], decimals=4)
        assert_printed(out.loc[state, "lower"], printed["95% LCL (Crude)"], decimals=4)
        assert_printed(out.loc[state, "upper"], printed["95% UCL (Crude)"], decimals=4)


def test_auto_method_labels_each_row(alaska_florida):
    data, _, _ = alaska_florida
    small = pd.DataFrame({"g": ["a", "b"], "n": [9, 10], "pop": [1000, 1000]})
    out = crude_rate(small, count="n", population="pop", by="g")
    assert out["method"].tolist() == ["exact (Garwood)", "Byar"]
    assert list(out.columns) == ["g", *RATE_COLUMNS]
    assert out["variance"].tolist() == pytest.approx([9 / 1000**2 * 1e10, 10 / 1000**2 * 1e10])


def test_no_by_gives_one_row():
    out = crude_rate(pd.DataFrame({"n": [3, 4], "pop": [100, 200]}), count="n", population="pop",
                     confidence=[0.9, 0.95])
    assert list(out.columns) == RATE_COLUMNS
    assert out["count"].tolist() == [7, 7] and out["value"].iloc[0] == pytest.approx(7 / 300 * 1e5)


def test_lognormal_at_zero_events_is_noted():
    out = crude_rate(pd.DataFrame({"g": ["a", "b"], "n": [0, 4], "pop": [100, 100]}), count="n", population="pop",
                     by="g", method="lognormal")
    assert out["note"].tolist() == ["log-normal limits undefined at 0 events", ""]
    assert out["lower"].iloc[0] == 0 and pd.isna(out["upper"].iloc[0])


def test_weighted_counts_may_be_fractional():
    out = crude_rate(pd.DataFrame({"n": [2.5, 4.25], "pop": [100, 100]}), count="n", population="pop",
                     weighted=True)
    assert out["count"].iloc[0] == 6.75 and out["value"].iloc[0] == pytest.approx(6.75 / 200 * 1e5)
    assert out["note"].iloc[0] == "weighted counts: limits treat the weighted total as a Poisson count (approximate)"


def test_confidence_level_is_honoured_for_every_row(vector):
    # epiR 2.0.94 hard-codes conf.level = 0.95 in its per-cell 'crude' table (a peer bug recorded in the vector):
    # kpcompare's per-cell limits at 90% are the exact 90% limits, not epiR's printed 95% ones.
    from kpcompare import poisson_ci

    v = vector("epir_directadj_thrusfield_two_strata.json")
    i = v["inputs"]
    data = pd.DataFrame([{"area": a, "sex": s, "obs": i["obs"][a][s], "tar": i["tar"][a][s]}
                         for a in ("ED", "GL") for s in ("M", "F")])
    cells = crude_rate(data, count="obs", population="tar", by=["area", "sex"], multiplier=1, method="exact",
                       confidence=0.9).set_index(["area", "sex"])
    for expected in v["expected"]["crude"]:
        row = cells.loc[(expected["strata"], expected["cov"])]
        lower, upper = poisson_ci([expected["obs"]], confidence=0.9)
        assert row["lower"] == pytest.approx(lower[0] / expected["tar"], rel=1e-12)
        assert row["lower"] > expected["lower"] and row["upper"] < expected["upper"]


def test_sas_stdrate_stratum_normal_limits(vector, assert_printed):
    # SAS/STAT PROC STDRATE Getting Started (Florida skin cancer), 'Indirectly Standardized Strata Statistics':
    # per-stratum crude rate, standard error and 95% normal limits per 100,000 (4 dp; SE 5 dp), two strata with
    # 0 deaths giving (0, 0).  Source and provenance: vectors/sas_stdrate_florida_c43_strata.json.
    v = vector("sas_stdrate_florida_c43_strata.json")
    i, printed = v["inputs"], v["expected_printed"]
    data = pd.DataFrame({"age_band": i["age"], "deaths": i["event"], "py": i["pyear"]})
    out = crude_rate(data, count="deaths", population="py", by="age_band", method="normal").set_index("age_band")
    for k, band in enumerate(i["age"]):
        row = out.loc[band]
        assert_printed(row["value"], printed["crude_rate"][k], decimals=4)
        assert_printed(row["variance"] ** 0.5, printed["standard_error"][k], decimals=5)
        assert_printed(row["lower"], printed["lower_normal_95"][k], decimals=4)
        assert_printed(row["upper"], printed["upper_normal_95"][k], decimals=4)
    assert out.loc["00-04", "method"] == "normal"
