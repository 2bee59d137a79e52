"""Overdispersion (kpcompare.funnels.overdispersion) against FunnelPlotR 0.6.0's own functions.

data/funnelplotr_reference.csv is the output of data/funnelplotr_reference.R, which sources FunnelPlotR
(nhs-r-community/FunnelPlotR @9020d497) R/od_adjustment.R and R/calculate_limits.R and runs
transformed_zscore, truncation / winsorisation, phi_func, tau_func and calculate_limits(draw_adjusted = TRUE)
on data/units_sr.csv and data/units_pr.csv.  FunnelPlotR writes z as 1.959964 and 3.090232, so limits agree
to about 1e-7 (rtol 1e-6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.funnels.overdispersion import truncated, winsorised

DATA = Path(__file__).parent / "data"
GRID = [5, 20, 50, 150]


def _reference(method: str) -> pd.DataFrame:
    ref = pd.read_csv(DATA / "funnelplotr_reference.csv", skipinitialspace=True)
    return ref[ref["overdispersion"] == method].reset_index(drop=True)


def _table(method: str) -> pd.DataFrame:
    if method == "spiegelhalter":
        units = pd.read_csv(DATA / "units_pr.csv")
        return kpcompare.funnel(units, kind="proportion", by="unit", observed="observed", denominator="denominator",
                                overdispersion=method)
    units = pd.read_csv(DATA / "units_sr.csv")
    return kpcompare.funnel(units, kind="ratio", by="unit", observed="observed", expected="expected",
                            overdispersion=method)


@pytest.mark.parametrize("method", ["shmi", "shmi-unrounded", "cqc", "spiegelhalter"])
def test_phi_and_tau2_are_funnelplotrs(method):
    ref, table = _reference(method), _table(method)
    assert table["phi"].iloc[0] == pytest.approx(ref["phi"].iloc[0], rel=1e-12)
    assert table["tau2"].iloc[0] == pytest.approx(ref["tau2"].iloc[0], rel=1e-12)
    assert f"from {ref['n'].iloc[0]} units" in table["note"].iloc[0]
    assert "overdispersion detected: limits widened by tau2" in table["note"].iloc[0]
    assert set(table["overdispersion"]) == {method}


@pytest.mark.parametrize("method", ["shmi", "shmi-unrounded", "spiegelhalter"])
def test_adjusted_limits_are_funnelplotrs(method):
    ref, table = _reference(method), _table(method)
    kind = "proportion" if method == "spiegelhalter" else "ratio"
    target = float(table["target"].iloc[0])
    assert target == pytest.approx(ref["target"].iloc[0], rel=1e-13)
    grid = kpcompare.funnel_limits(GRID, kind=kind, target=target, overdispersion=table)
    w = grid.pivot(index="denominator", columns="confidence", values=["lower", "upper"])
    if method == "spiegelhalter":
        # at n = 5 the 99.8% angle arcsin(sqrt(t)) - w is below 0 and sin^2 folds back up (0.0026); FunnelPlotR
        # then sets a lower limit that is not monotone to 0 on its drawing grid (calculate_limits, "PR");
        # kpcompare cuts the angle at 0, so its limit is 0 there
        assert np.arcsin(np.sqrt(ref["target"].iloc[0])) - 3.090232 * np.sqrt(1 / 20 + ref["tau2"].iloc[0]) < 0
        ref.loc[0, "odll998"] = 0.0
    for col, key in (("odll95", ("lower", 0.95)), ("odul95", ("upper", 0.95)), ("odll998", ("lower", 0.998)),
                     ("odul998", ("upper", 0.998))):
        np.testing.assert_allclose(w[key].to_numpy(), ref[col].to_numpy(), rtol=1e-6)


def test_cqc_limits_are_funnelplotrs_back_transformed():
    """FunnelPlotR's CQC limits stay on the square-root scale (1 -/+ z sqrt(s^2 + tau2)); kpcompare squares them
    back to the ratio's scale (Spiegelhalter 2005; FunnelPlotR issue #33 reports the missing square)."""
    ref, table = _reference("cqc"), _table("cqc")
    w = kpcompare.funnel_limits(GRID, kind="ratio", overdispersion=table).pivot(
        index="denominator", columns="confidence", values=["lower", "upper"])
    np.testing.assert_allclose(w[("lower", 0.95)].to_numpy(), ref["odll95"].to_numpy() ** 2, rtol=1e-6)
    np.testing.assert_allclose(w[("upper", 0.998)].to_numpy(), ref["odul998"].to_numpy() ** 2, rtol=1e-6)


def test_a_unit_with_no_events_is_left_out_of_shmi_phi_and_said_so():
    table = _table("shmi")
    assert "1 unit(s) with 0 observed left out of phi (log of 0)" in table["note"].iloc[0]
    assert table.loc[table["unit"] == "u21", "position"].iloc[0] != "not assessed"


def test_truncation_drops_the_lowest_and_highest_tenth():
    # rank r of n kept when 0 < floor(10 r / (n + 1)) < 9 (FunnelPlotR truncation(), NHS Digital SHMI)
    z = np.arange(20.0)
    kept = truncated(z)
    assert kept.sum() == 16 and not kept[[0, 1, 18, 19]].any()
    assert truncated(np.arange(8.0)).all()  # fewer than 9 units: none truncated
    assert truncated(np.arange(9.0)).tolist() == [True] * 8 + [False]


def test_winsorisation_uses_r_quantile_type_7():
    # R: quantile(0:10, c(0.1, 0.9)) gives 1 and 9
    assert winsorised(np.arange(11.0)).tolist() == [1.0, *range(1, 10), 9.0]


def test_no_overdispersion_gives_tau2_zero_and_says_so():
    units = pd.DataFrame({"unit": list("abcdefghijkl"), "o": [20] * 12, "e": [20.0] * 12})
    table = kpcompare.funnel(units, kind="ratio", by="unit", observed="o", expected="e", overdispersion="cqc")
    assert (table["tau2"] == 0).all() and (table["phi"] == 0).all()
    assert "no overdispersion detected: tau2 = 0" in table["note"].iloc[0]


def test_one_unit_is_not_estimable():
    units = pd.DataFrame({"unit": ["a"], "o": [30], "e": [20.0]})
    table = kpcompare.funnel(units, kind="ratio", by="unit", observed="o", expected="e", overdispersion="shmi")
    assert (table["tau2"] == 0).all()
    assert "fewer than 2 units: overdispersion not estimable" in table["note"].iloc[0]
    plain = kpcompare.funnel(units, kind="ratio", by="unit", observed="o", expected="e")
    assert plain["position"].tolist() == ["above 95%"] * 2  # P(X >= 30; 20) = 0.0218 (R: ppois(29, 20, FALSE))


def test_fewer_than_ten_units_are_not_truncated_and_the_note_says_so():
    units = pd.read_csv(DATA / "units_sr.csv").head(8)
    table = kpcompare.funnel(units, kind="ratio", by="unit", observed="observed", expected="expected",
                             overdispersion="shmi")
    assert "from 8 units (0 truncated; fewer than 10 units, so truncation leaves out few or none)" in \
        table["note"].iloc[0]


def test_shmi_is_not_for_proportions():
    units = pd.read_csv(DATA / "units_pr.csv")
    with pytest.raises(kpcompare.errors.InvalidArgumentError, match="SHMI method is for ratios and rates"):
        kpcompare.funnel(units, kind="proportion", by="unit", observed="observed", denominator="denominator",
                         overdispersion="shmi")


@pytest.mark.parametrize("method", [None, "shmi-unrounded", "cqc"])
def test_a_rate_funnel_is_the_ratio_funnel_with_expected_at_the_target(method):
    units = pd.read_csv(DATA / "units_sr.csv").assign(population=lambda d: d["expected"] * 1000)
    rate = kpcompare.funnel(units, kind="rate", by="unit", observed="observed", denominator="population",
                            overdispersion=method, multiplier=1)
    target = rate["target"].iloc[0]
    ratio = kpcompare.funnel(units.assign(e=units["population"] * target), kind="ratio", by="unit",
                             observed="observed", expected="e", overdispersion=method)
    np.testing.assert_allclose(rate["lower"] / target, ratio["lower"], rtol=1e-12)
    np.testing.assert_allclose(rate["upper"] / target, ratio["upper"], rtol=1e-12)
    assert rate["position"].tolist() == ratio["position"].tolist()
