"""Concentration of use and cost: Gini, Lorenz curve, top-x% shares, bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare import concentration as K
from kpcompare.errors import InvalidArgumentError, InvalidValueError, MissingColumnError

# Reference: Inequality.jl (JosepER/Inequality.jl) docstring examples, as published:
#   julia> gini([8, 5, 1, 3, 5, 6, 7, 6, 3])                         -> 0.2373737373737374
#   julia> gini([8, 5, 1, 3, 5, 6, 7, 6, 3], collect(0.1:0.1:0.9))   -> 0.20652395514780775
# The unweighted value equals R ineq::Gini(x) (no small-sample correction): Σ(2i-n-1)x_(i) / (n Σx) = 94/396.
JULIA_X = [8, 5, 1, 3, 5, 6, 7, 6, 3]


def test_gini_matches_inequality_jl_unweighted():
    res = K.gini(pd.DataFrame({"x": JULIA_X}), value="x", n_boot=0)
    assert res["value"].iloc[0] == pytest.approx(0.2373737373737374, rel=1e-12)
    assert res["value"].iloc[0] == pytest.approx(94 / 396, rel=1e-12)


def test_gini_matches_inequality_jl_weighted_as_frequency_table():
    # weights 0.1..0.9 scaled by 10 to whole persons (the Gini is invariant to scaling the weights)
    data = pd.DataFrame({"x": JULIA_X, "n": np.arange(1, 10)})
    res = K.gini(data, value="x", frequency="n", n_boot=0)
    assert res["value"].iloc[0] == pytest.approx(0.20652395514780775, rel=1e-12)


@pytest.mark.parametrize("n", [2, 5, 10, 101])
def test_gini_closed_form_of_1_to_n(n):
    # textbook result: the Gini of 1, 2, ..., n is (n - 1) / (3n)
    res = K.gini(pd.DataFrame({"x": np.arange(1, n + 1)}), value="x", n_boot=0)
    assert res["value"].iloc[0] == pytest.approx((n - 1) / (3 * n), rel=1e-12)


def test_gini_correction_is_n_over_n_minus_1():
    # DescTools Gini(x, unbiased=TRUE) = ineq Gini × n/(n-1)
    res = K.gini(pd.DataFrame({"x": JULIA_X}), value="x", n_boot=0, correction=True)
    assert res["value"].iloc[0] == pytest.approx(94 / 396 * 9 / 8)


def test_one_person_holds_everything():
    x = np.zeros(1000)
    x[0] = 1
    res = K.gini(pd.DataFrame({"x": x}), value="x", n_boot=0)
    assert res["value"].iloc[0] == pytest.approx(999 / 1000)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 6)), min_size=1, max_size=15))
def test_frequency_table_equals_person_level(pairs):
    values = np.array([v for v, _ in pairs], dtype=float)
    counts = np.array([c for _, c in pairs])
    if values.sum() == 0:
        return
    persons = pd.DataFrame({"x": np.repeat(values, counts)})
    table = pd.DataFrame({"x": values, "n": counts})
    a = K.gini(persons, value="x", n_boot=0)["value"].iloc[0]
    b = K.gini(table, value="x", frequency="n", n_boot=0)["value"].iloc[0]
    assert a == pytest.approx(b, abs=1e-12)
    n = len(persons)
    xs = np.sort(persons["x"].to_numpy())
    assert a == pytest.approx(((2 * np.arange(1, n + 1) - n - 1) * xs).sum() / (n * xs.sum()), abs=1e-12)
    for top in (0.1, 0.5):
        ta = K.top_share(persons, value="x", top=top)["value"].iloc[0]
        tb = K.top_share(table, value="x", frequency="n", top=top)["value"].iloc[0]
        assert ta == pytest.approx(tb, abs=1e-12)


def test_top_share_of_1_to_100():
    # top 15 persons hold 86 + ... + 100 = 1395 of 5050
    res = K.top_share(pd.DataFrame({"x": np.arange(1, 101)}), value="x", top=0.15)
    assert res["value"].iloc[0] == pytest.approx(1395 / 5050)


def test_top_share_fractional_person():
    # 10 persons, top 15% = 1.5 persons: 10 + 0.5 × 9 of 55
    res = K.top_share(pd.DataFrame({"x": np.arange(1, 11)}), value="x", top=0.15)
    assert res["value"].iloc[0] == pytest.approx(14.5 / 55)


def test_lorenz_points():
    res = K.lorenz(pd.DataFrame({"x": [1, 1, 2]}), value="x")
    np.testing.assert_allclose(res["person_share"], [0, 2 / 3, 1])
    np.testing.assert_allclose(res["total_share"], [0, 0.5, 1])


def test_lorenz_by_groups_starts_each_group_at_zero():
    data = pd.DataFrame({"g": ["b", "a", "a", "b"], "x": [2, 1, 3, 2]})
    res = K.lorenz(data, value="x", by="g")
    assert res["g"].tolist() == ["a", "a", "a", "b", "b"]
    np.testing.assert_allclose(res["total_share"], [0, 0.25, 1, 0, 1])
    np.testing.assert_allclose(res["person_share"], [0, 0.5, 1, 0, 1])


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(2002)
    data = pd.DataFrame({"cost": rng.lognormal(7, 1.5, 3000)})
    a = K.gini(data, value="cost", random_state=11, n_boot=300, confidence=[0.9, 0.95])
    b = K.gini(data, value="cost", random_state=11, n_boot=300, confidence=[0.9, 0.95])
    pd.testing.assert_frame_equal(a, b)
    assert a["confidence"].tolist() == [0.9, 0.95]
    assert (a["lower"] < a["value"]).all() and (a["value"] < a["upper"]).all()
    # lognormal(σ = 1.5): population Gini = 2Φ(σ/√2) - 1 = 0.7112
    assert a["lower"].iloc[1] < 0.7112 < a["upper"].iloc[1]


def test_by_groups():
    data = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 3, "x": [1, 1, 1, 0, 0, 3]})
    res = K.gini(data, value="x", by="g", n_boot=0)
    assert res["g"].tolist() == ["a", "b"]
    np.testing.assert_allclose(res["value"], [0, 2 / 3])


def test_check_concentration_15_70():
    # 15 persons of 100 hold 70 of 100 units: "15% of patients account for 70% of expenditure" holds
    x = np.r_[np.full(15, 70 / 15), np.full(85, 30 / 85)]
    ok = K.check_concentration(pd.DataFrame({"c": x}), value="c", top=0.15, claimed=0.70)
    assert bool(ok["holds"].iloc[0]) and ok["computed"].iloc[0] == pytest.approx(0.70)
    flat = K.check_concentration(pd.DataFrame({"c": np.ones(100)}), value="c", top=0.15, claimed=0.70)
    assert not bool(flat["holds"].iloc[0])
    assert "does not hold" in flat["note"].iloc[0] and "15.0%" in flat["note"].iloc[0]


def test_total_zero_gives_note_not_error():
    res = K.gini(pd.DataFrame({"x": [0.0, 0.0]}), value="x", n_boot=0)
    assert res["note"].iloc[0] == "total is 0: concentration undefined; no confidence limits: n_boot=0 (no bootstrap)"


def test_error_negative_value():
    with pytest.raises(InvalidValueError, match=r"column 'x': rule 'non-negative and finite' broken by 1 row"):
        K.gini(pd.DataFrame({"x": [1.0, -2.0]}), value="x")


def test_error_fractional_frequency():
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'integer-valued count' broken by 1 row \(e\.g\. 1\.5\)\. "):
        K.gini(pd.DataFrame({"x": [1.0, 2.0], "n": [1.5, 2]}), value="x", frequency="n")


def test_error_missing_value_column():
    with pytest.raises(MissingColumnError, match=r"column\(s\) 'cost' not found"):
        K.gini(pd.DataFrame({"x": [1.0]}), value="cost")


def test_error_top_above_one():
    with pytest.raises(InvalidArgumentError, match=r"argument 'top': 15.0 must be a fraction of persons"):
        K.top_share(pd.DataFrame({"x": [1.0]}), value="x", top=15)


def test_error_bad_confidence():
    with pytest.raises(InvalidArgumentError, match=r"argument 'confidence': 95 must lie strictly between 0 and 1"):
        K.gini(pd.DataFrame({"x": [1.0, 2.0]}), value="x", confidence=95)


def test_error_negative_tolerance():
    with pytest.raises(InvalidArgumentError, match=r"argument 'tolerance': -1\.0 must be a finite number >= 0"):
        K.check_concentration(pd.DataFrame({"x": [1.0]}), value="x", top=0.1, claimed=0.5, tolerance=-1)


def test_pyarrow_table_input():
    import pyarrow as pa

    res = K.gini(pa.table({"x": JULIA_X}), value="x", n_boot=0)
    assert res["value"].iloc[0] == pytest.approx(94 / 396)


def test_registry_statement_bounds_match_check_concentration_default():
    # "15% of patients account for 70% of expenditure" is read as 70 ± 5 points in both places
    from kpcompare import figures

    row = figures.check(ids=["doh2003.top15_share_70pct"]).iloc[0]
    assert (row["lower"], row["upper"]) == (65, 75)
    x = np.r_[np.full(15, 74 / 15), np.full(85, 26 / 85)]
    assert bool(K.check_concentration(pd.DataFrame({"c": x}), value="c", top=0.15, claimed=0.70)["holds"].iloc[0])


def test_check_concentration_columns_and_bootstrap_interval():
    rng = np.random.default_rng(70)
    # lognormal sigma 1.56: the top 15% hold 1 - Phi(z_0.85 - sigma) = 1 - Phi(1.0364 - 1.56) = 0.700
    data = pd.DataFrame({"cost": rng.lognormal(6, 1.56, 20_000)})
    res = K.check_concentration(data, value="cost", top=0.15, claimed=0.70, n_boot=200, random_state=3,
                                confidence=[0.9, 0.95])
    assert list(res.columns) == ["top", "claimed", "lower", "upper", "computed", "computed_lower",
                                 "computed_upper", "confidence", "holds", "holds_throughout", "method", "note"]
    assert res["confidence"].tolist() == [0.9, 0.95]
    assert res["holds"].all() and res["holds_throughout"].all()
    assert (res["computed_lower"] < res["computed"]).all() and (res["computed"] < res["computed_upper"]).all()
    assert res["computed_lower"].iloc[1] < 0.700 < res["computed_upper"].iloc[1]
    assert "percentile bootstrap" in res["method"].iloc[0]


def test_check_concentration_holds_only_at_the_point():
    # 20 persons: the top 3 hold 30/47 = 63.8% (inside 70 ± 10), but resampling moves it outside
    x = np.r_[np.full(3, 10.0), np.full(17, 1.0)]
    res = K.check_concentration(pd.DataFrame({"c": x}), value="c", top=0.15, claimed=0.70, tolerance=0.10,
                                n_boot=300, random_state=1)
    assert res["computed"].iloc[0] == pytest.approx(30 / 47)
    assert bool(res["holds"].iloc[0]) and not bool(res["holds_throughout"].iloc[0])
    assert res["note"].iloc[0].startswith("holds at the point estimate, but the bootstrap interval")


def test_nhds_2010_bed_days_are_less_concentrated_than_70_percent():
    # CDC/NCHS NHDS 2010 public-use file (data/us; README: excluding newborns, weighted discharges
    # 35,078,560 and days 167,773,626, CDC published 35.1 and 167.7 million).  Stays, not patients, so a
    # check of the statement's shape only: the top 15% of stays hold about 47% of bed days, not 70%.
    from kpcompare import datasets

    d = datasets.nhds2010()
    d = d.loc[~d["newborn"].astype(bool), ["care_days", "weighting"]]
    res = K.check_concentration(d, value="care_days", frequency="weighting", top=0.15, claimed=0.70)
    assert res["computed"].iloc[0] == pytest.approx(_top_share_by_hand(d, 0.15), rel=1e-12)
    assert not bool(res["holds"].iloc[0])
    totals = K.top_share(d, value="care_days", frequency="weighting")
    assert (totals["persons"].iloc[0], totals["total"].iloc[0]) == (35_078_560, 167_773_626)


def _top_share_by_hand(d: pd.DataFrame, top: float) -> float:
    """Weighted top share, by hand: sort descending, take whole stays, then a fraction of the boundary one."""
    s = d.sort_values("care_days", ascending=False)
    w, x = s["weighting"].to_numpy(float), s["care_days"].to_numpy(float)
    cap = top * w.sum()
    before = np.r_[0.0, np.cumsum(w)[:-1]]
    taken = np.clip(cap - before, 0, w)
    return float((taken * x).sum() / (w * x).sum())


def test_a_categorical_group_gives_only_the_groups_present():
    # An unused category ('C') is no group, on every pandas: pandas < 3 groups categorical keys with
    # observed=False by default (a phantom group and a FutureWarning, found by the fuzz suite on pandas 2.2)
    import warnings

    data = pd.DataFrame({"system": pd.Categorical(["A", "A", "B", "B"], categories=["A", "B", "C"]),
                         "x": [1.0, 2.0, 3.0, 5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = K.gini(data, value="x", by="system", n_boot=0)
        lor = K.lorenz(data, value="x", by="system")
    # the Gini of (1, 2) is |1 - 2| / (2 * 2 * 1.5) = 1/6, of (3, 5) 2 / (4 * 4) = 1/8 (mean absolute difference)
    assert list(res["system"].astype(str)) == ["A", "B"]
    assert res["value"].tolist() == pytest.approx([1 / 6, 1 / 8], rel=1e-12)
    assert set(lor["system"].astype(str)) == {"A", "B"}
