"""Sensitivity over contested lines and factors (the tornado chart: tests/plots/test_plots_costs.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import costs
from kpcompare.errors import MissingColumnError, UnknownNameError

NHS, KP = "NHS", "Kaiser California"


@pytest.fixture(scope="module")
def a() -> costs.CostAssumptions:
    return costs.assumptions("feachem2002")


@pytest.fixture(scope="module")
def sens(a) -> pd.DataFrame:
    ranges = pd.DataFrame({"system": [NHS, NHS], "item": ["Administrative costs", "age_need"],
                           "low": [0, 0.8], "high": [1900, 1.0]})
    return costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS,
                             reference=KP, ranges=ranges)


def test_columns_and_scenarios(sens, a):
    assert list(sens.columns) == ["assumption_set", "system", "item", "kind", "setting", "input_value",
                                  "baseline_input", "statistic", "value", "baseline", "change", "currency", "note"]
    contested = a.lines.loc[a.lines["contested"]]
    assert (sens["setting"].eq("off") & sens["kind"].eq("line")).sum() == len(contested)
    assert set(sens.loc[sens["kind"].eq("factor") & sens["setting"].eq("off"), "item"]) == {"cost_environment",
                                                                                           "age_need"}


def test_line_off_matches_a_recomputed_cascade(sens, a):
    # one-at-a-time closed form == the full cascade with that line switched off
    for item in ["Long-term psychiatric care", "Indirect service obligations"]:
        res = costs.cascade(costs.toggle(a.lines, on=False, items=[item], systems=NHS), factors=a.factors)
        final = res.groupby("system").tail(1).set_index("system")["value"]
        hit = sens.loc[sens["item"].eq(item) & sens["system"].eq(NHS) & sens["setting"].eq("off"), "value"]
        assert hit.iloc[0] == pytest.approx(final[KP] - final[NHS])


def test_ppp_off_gives_talbot_smith_difference(sens):
    # removing the cost-environment step is Talbot-Smith's correction: $1,951 - $1,161 ≈ $790 per head
    ts = costs.assumptions("talbot_smith2004")
    cmp = costs.compare_assumptions(ts.lines, factors=ts.factors, reference=KP).set_index("system")
    hit = sens.loc[sens["item"].eq("cost_environment") & sens["setting"].eq("off"), "value"].iloc[0]
    assert hit == pytest.approx(cmp.loc[NHS, "difference"])


def test_range_admin_deduction(sens, a):
    # Talbot-Smith: £1.9 billion of NHS administration should be deducted (England alone)
    high = sens.loc[sens["item"].eq("Administrative costs") & sens["setting"].eq("high") & sens["system"].eq(NHS)]
    per_head_usd = 1900e6 / 59_478_311 * 1.6005 * 1.519 * 0.828
    assert high["change"].iloc[0] == pytest.approx(per_head_usd)


def test_switched_off_line_gets_an_on_scenario_and_ranges_start_from_zero(a):
    # a contested line switched off in the lines is evaluated "on" (at its declared amount), and a range
    # over it is measured from its baseline contribution 0 (regression: it was measured from the amount)
    off = costs.toggle(a.lines, on=False, items=["Dental care"], systems=NHS)
    ranges = pd.DataFrame({"system": [NHS], "item": ["Dental care"], "low": [0], "high": [1190]})
    s = costs.sensitivity(off, factors=a.factors, assumption_set="feachem2002", system=NHS, kind="value",
                          ranges=ranges)
    hit = s.loc[s["system"].eq(NHS) & s["item"].eq("Dental care")].set_index("setting")
    assert set(hit.index) == {"on", "low", "high"}
    full = costs.cascade(a.lines, factors=a.factors)
    full_nhs = full.loc[full["system"].eq(NHS), "value"].iloc[-1]
    assert hit.loc["on", "value"] == pytest.approx(full_nhs)
    assert hit.loc["high", "value"] == pytest.approx(full_nhs)
    assert hit.loc["low", "change"] == pytest.approx(0.0, abs=1e-9)
    assert hit.loc["on", "baseline_input"] == 0.0 and hit.loc["on", "input_value"] == 1190


def test_every_off_scenario_matches_a_recomputed_cascade(a):
    s = costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS, reference=KP)
    lines_only = s.loc[s["kind"].eq("line")]
    assert len(lines_only) >= 5  # one scenario per cost line of the NHS and Kaiser columns
    for _, row in lines_only.iterrows():
        lines = costs.toggle(a.lines, on=False, items=[row["item"]], systems=row["system"])
        final = costs.cascade(lines, factors=a.factors).groupby("system").tail(1).set_index("system")["value"]
        assert row["value"] == pytest.approx(final[KP] - final[NHS], rel=1e-12)


def test_ratio_outcome_baseline(a):
    s = costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS, reference=KP,
                          kind="ratio")
    # Feachem et al 2002 print $1,764 (NHS, adjusted) and $1,951 (Kaiser): 0.904 to the printed precision;
    # exactly, the ratio of the two cascades' final values (test_costs_cascade: $1,763.39, a hand calculation)
    assert s["baseline"].iloc[0] == pytest.approx(1764 / 1951, abs=0.0006)
    full = costs.cascade(a.lines, factors=a.factors).groupby("system").tail(1).set_index("system")["value"]
    assert s["baseline"].iloc[0] == pytest.approx(full[NHS] / full[KP], rel=1e-12)




def test_error_reference_needed(a):
    with pytest.raises(UnknownNameError, match=r"argument 'reference': needed for kind='difference'"):
        costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS)


def test_error_unknown_range_item(a):
    ranges = pd.DataFrame({"system": [NHS], "item": ["Parking"], "low": [0], "high": [1]})
    with pytest.raises(UnknownNameError, match=r"ranges: item 'Parking' of system 'NHS' is neither a line"):
        costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS, reference=KP,
                          ranges=ranges)


def test_error_ranges_missing_column(a):
    with pytest.raises(MissingColumnError, match=r"ranges: column\(s\) 'high' not found"):
        costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS, reference=KP,
                          ranges=pd.DataFrame({"system": [NHS], "item": ["age_need"], "low": [1]}))


def test_error_unknown_assumption_set(a):
    with pytest.raises(UnknownNameError, match=r"argument 'assumption_set': unknown value 'x'"):
        costs.sensitivity(a.lines, factors=a.factors, assumption_set="x", system=NHS, reference=KP)



def test_no_python_rounding_of_results(sens):
    assert not np.allclose(sens["value"], sens["value"].round(2))


def test_outcome_is_a_deprecated_alias_of_kind(a):
    kw = dict(factors=a.factors, assumption_set="feachem2002", system=NHS, reference=KP)
    with pytest.warns(DeprecationWarning, match=r"sensitivity\(outcome=...\) is deprecated.*sensitivity\(kind=...\)"):
        old = costs.sensitivity(a.lines, outcome="ratio", **kw)
    new = costs.sensitivity(a.lines, kind="ratio", **kw)
    pd.testing.assert_frame_equal(old, new)
    assert new["statistic"].iloc[0] == f"{NHS} / {KP}"
