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
    for row, expected in zip(areas.itertuples(), v["expected"]["crude.strata"]):
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
