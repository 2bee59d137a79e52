"""compare_rates against the SAS PROC STDRATE example (via R dsr 0.2.2), and its edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import compare_rates, crude_rate, dsr, isr
from kpcompare.errors import DuplicateKeyError, InvalidValueError, MissingColumnError, UnknownNameError
from kpcompare.rates._result import COMPARISON_COLUMNS


@pytest.fixture
def af_dsr(alaska_florida):
    data, standard, v = alaska_florida
    out = dsr(data, count="deaths", population="person_years", standard=standard, by="state",
              method="gamma", multiplier=1000)
    return out, v


def test_ratio_alaska_vs_florida(af_dsr, assert_printed):
    # R dsr 0.2.2 dsrr(estimate='ratio'), 4 dp: RR 1.0433.  The peer's interval (1.0031, 1.0835) is a Wald
    # interval on the ratio scale (peer bug 2); SAS's log method gives the vector's corrected limits.
    out, v = af_dsr
    rr = compare_rates(out, between="state", reference="Florida").set_index("state")
    assert list(rr.reset_index().columns) == ["state", *COMPARISON_COLUMNS]
    assert_printed(rr.loc["Alaska", "value"], v["expected"]["rate_ratio"]["Alaska_vs_Florida"]["Rate Ratio (RR)"],
                   decimals=4)
    correct = v["scipy_reference_values_correct_methods"]["rate_ratio_lognormal_ci"]
    assert rr.loc["Alaska", "lower"] == pytest.approx(correct["lower"], rel=1e-9)
    assert rr.loc["Alaska", "upper"] == pytest.approx(correct["upper"], rel=1e-9)
    assert rr.loc["Alaska", "method"] == "rate ratio, log method (SAS PROC STDRATE)"
    # and not the peer's Wald interval on the ratio scale (peer bug 2: RR ± z·SE(log RR))
    wald = v["expected"]["rate_ratio"]["Alaska_vs_Florida"]
    assert round(rr.loc["Alaska", "lower"], 4) != wald["95% LCL (RR)"]
    assert round(rr.loc["Alaska", "upper"], 4) != wald["95% UCL (RR)"]


def test_reference_against_itself_is_exactly_one(af_dsr):
    # the peer prints 1.0 (0.993, 1.007) - adding the variance twice (peer bug 3); the same data are not
    # two independent samples
    out, _ = af_dsr
    rr = compare_rates(out, between="state", reference="Florida").set_index("state").loc["Florida"]
    assert (rr["value"], rr["lower"], rr["upper"], rr["z"], rr["p_value"]) == (1.0, 1.0, 1.0, 0.0, 1.0)
    assert rr["note"] == "reference level"
    rd = compare_rates(out, between="state", reference="Florida", kind="difference").set_index("state")
    assert (rd.loc["Florida", "value"], rd.loc["Florida", "lower"], rd.loc["Florida", "upper"]) == (0.0, 0.0, 0.0)


def test_difference_alaska_vs_florida(af_dsr, assert_printed):
    # R dsr 0.2.2 dsrr(estimate='difference'), 4 dp: 0.3351 (0.0108, 0.6594)
    out, v = af_dsr
    rd = compare_rates(out, between="state", reference="Florida", kind="difference").set_index("state")
    printed = v["expected"]["rate_difference"]["Alaska_vs_Florida"]
    assert_printed(rd.loc["Alaska", "value"], printed["Rate Difference (RD)"], decimals=4)
    assert_printed(rd.loc["Alaska", "lower"], printed["95% LCL (RD)"], decimals=4)
    assert_printed(rd.loc["Alaska", "upper"], printed["95% UCL (RD)"], decimals=4)


@pytest.mark.parametrize("kind", ["ratio", "difference"])
def test_p_value_matches_the_interval(af_dsr, kind):
    # the (1 - p) interval just touches the null value
    out, _ = af_dsr
    first = compare_rates(out, between="state", reference="Florida", kind=kind).set_index("state")
    p = first.loc["Alaska", "p_value"]
    at_p = compare_rates(out, between="state", reference="Florida", kind=kind, confidence=1 - p)
    null = 1.0 if kind == "ratio" else 0.0
    assert at_p.set_index("state").loc["Alaska", "lower"] == pytest.approx(null, abs=1e-12)


def test_within_remaining_groups_and_several_levels(alaska_florida):
    data, standard, _ = alaska_florida
    data = data.assign(sex=data["age_band"].str[0], band=data["age_band"].str[2:])
    std = standard.assign(band=standard["age_band"].str[2:]).groupby("band", as_index=False)["population"].sum()
    out = dsr(data, count="deaths", population="person_years", standard=std, age="band", by=["sex", "state"],
              confidence=[0.95, 0.99])
    rr = compare_rates(out, between="state", reference="Florida", confidence=[0.95, 0.99])
    assert rr[["sex", "state", "confidence"]].values.tolist() == [
        ["f", "Alaska", 0.95], ["f", "Alaska", 0.99], ["f", "Florida", 0.95], ["f", "Florida", 0.99],
        ["m", "Alaska", 0.95], ["m", "Alaska", 0.99], ["m", "Florida", 0.95], ["m", "Florida", 0.99]]
    f_out = out[(out["sex"] == "f") & (out["confidence"] == 0.95)].set_index("state")
    assert rr["value"].iloc[0] == pytest.approx(f_out.loc["Alaska", "value"] / f_out.loc["Florida", "value"])


def test_suppressed_rates_and_absent_reference():
    data = pd.DataFrame({"area": ["x", "x", "y", "y", "z"], "sys": ["A", "B", "A", "B", "A"],
                         "n": [50, 5, 40, 60, 30], "pop": [1000] * 5, "age_band": ["all"] * 5})
    std = pd.DataFrame({"age_band": ["all"], "population": [1]})
    out = dsr(data, count="n", population="pop", standard=std, by=["area", "sys"])
    cmp = compare_rates(out, between="sys", reference="B").set_index(["area", "sys"])
    assert np.isnan(cmp.loc[("x", "A"), "value"]) and cmp.loc[("x", "A"), "note"] == (
        "rate missing in the result (see its note)")
    assert cmp.loc[("y", "A"), "value"] == pytest.approx(40 / 60)
    assert np.isnan(cmp.loc[("z", "A"), "value"])
    assert cmp.loc[("z", "A"), "note"] == "reference level absent from this group"


def test_zero_rate_ratio_has_no_log_limits():
    data = pd.DataFrame({"sys": ["A", "B"], "n": [0, 20], "pop": [1000, 1000]})
    cmp = compare_rates(crude_rate(data, count="n", population="pop", by="sys"), between="sys", reference="B")
    assert cmp["value"].iloc[0] == 0 and np.isnan(cmp["lower"].iloc[0])
    assert cmp["note"].iloc[0] == "log-ratio limits undefined when a rate is 0"


def test_isr_results_compare_with_a_note():
    data = pd.DataFrame({"sys": ["A", "A", "B", "B"], "age_band": ["y", "o"] * 2, "n": [10, 40, 30, 90],
                         "pop": [1000, 500, 3000, 900]})
    ref = pd.DataFrame({"age_band": ["y", "o"], "count": [40, 130], "population": [4000, 1400]})
    res = isr(data, count="n", population="pop", standard=ref, by="sys")
    cmp = compare_rates(res, between="sys", reference="B").set_index("sys")
    # SE(log RR) = sqrt(1/O_A + 1/O_B) for ratios of SMRs
    se = np.sqrt(1 / 50 + 1 / 120)
    rr = cmp.loc["A", "value"]
    assert cmp.loc["A", "upper"] == pytest.approx(rr * np.exp(1.959963984540054 * se))
    assert cmp.loc["A", "note"].startswith("indirectly standardised")
    assert cmp.loc["B", "note"] == "reference level"


def test_z_and_p_value_two_sided(af_dsr):
    # SAS PROC STDRATE: Z = log(RR)/SE(log RR) for the ratio, D/SE(D) for the difference, p = 2(1 - Φ(|Z|)).
    # Checked against the vector's recomputed log-normal limits: SE(log RR) = log(upper/lower)/(2 z).
    from scipy.stats import norm

    out, v = af_dsr
    correct = v["scipy_reference_values_correct_methods"]["rate_ratio_lognormal_ci"]
    z95 = norm.ppf(0.975)
    se = np.log(correct["upper"] / correct["lower"]) / (2 * z95)
    rr = compare_rates(out, between="state", reference="Florida").set_index("state").loc["Alaska"]
    assert rr["z"] == pytest.approx(np.log(correct["ratio"]) / se, rel=1e-9)
    assert rr["p_value"] == pytest.approx(2 * norm.sf(abs(rr["z"])), rel=1e-12)
    # difference: SE from the printed 4-dp limits of R dsr (half-width / z), so z to ~3 significant digits
    printed = v["expected"]["rate_difference"]["Alaska_vs_Florida"]
    se_d = (printed["95% UCL (RD)"] - printed["95% LCL (RD)"]) / (2 * z95)
    rd = compare_rates(out, between="state", reference="Florida", kind="difference").set_index("state")
    assert rd.loc["Alaska", "z"] == pytest.approx(printed["Rate Difference (RD)"] / se_d, rel=1e-3)
    assert rd.loc["Alaska", "method"] == "rate difference, normal method (SAS PROC STDRATE)"


def test_reference_row_is_exact_at_every_confidence_level(af_dsr):
    out, _ = af_dsr
    for kind, identity in (("ratio", 1.0), ("difference", 0.0)):
        cmp = compare_rates(out, between="state", reference="Florida", kind=kind, confidence=[0.9, 0.95, 0.998])
        ref = cmp[cmp["state"] == "Florida"]
        assert len(ref) == 3 and ref["confidence"].tolist() == [0.9, 0.95, 0.998]
        assert (ref[["value", "lower", "upper"]] == identity).all(axis=None)
        assert (ref["z"] == 0.0).all() and (ref["p_value"] == 1.0).all()


def test_unknown_reference_level(af_dsr):
    out, _ = af_dsr
    with pytest.raises(InvalidValueError, match="argument 'reference': level 'Texas' does not occur in column 'state'"):
        compare_rates(out, between="state", reference="Texas")


def test_between_must_be_a_group_column(af_dsr):
    out, _ = af_dsr
    with pytest.raises(InvalidValueError, match="argument 'between': 'method' is not a group column"):
        compare_rates(out, between="method", reference="x")


def test_unknown_kind(af_dsr):
    out, _ = af_dsr
    with pytest.raises(UnknownNameError, match="argument 'kind': unknown value 'odds'"):
        compare_rates(out, between="state", reference="Florida", kind="odds")


def test_result_lacking_columns_is_refused(af_dsr):
    out, _ = af_dsr
    with pytest.raises(MissingColumnError, match=r"result: column\(s\) 'variance' not found"):
        compare_rates(out.drop(columns="variance"), between="state", reference="Florida")


def test_two_results_for_one_group_are_refused(af_dsr, alaska_florida):
    # same statistic, different standard: compare_rates must not pick one of the two values silently
    out, _ = af_dsr
    data, standard, _ = alaska_florida
    other = dsr(data, count="deaths", population="person_years", standard=standard.assign(population=1), by="state",
                method="gamma", multiplier=1000)
    with pytest.raises(DuplicateKeyError, match=r"column 'value': rule 'one value and variance per group \(rows may "
                                                r"differ only by confidence level\)' broken by 4 rows \(e.g. "
                                                r"\"state='Alaska'\"\)"):
        compare_rates(pd.concat([out, other]), between="state", reference="Florida")


def test_mixed_statistics_are_refused(af_dsr, alaska_florida):
    out, _ = af_dsr
    data, _, _ = alaska_florida
    crude = crude_rate(data, count="deaths", population="person_years", by="state", multiplier=1000)
    with pytest.raises(InvalidValueError, match="result: column 'statistic' mixes"):
        compare_rates(pd.concat([out, crude]), between="state", reference="Florida")
