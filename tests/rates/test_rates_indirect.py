"""smr / isr against epiR and PHE's funnel-plot significance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import isr, smr
from kpcompare.errors import ZeroPopulationWarning
from kpcompare.rates._result import RATIO_COLUMNS


@pytest.fixture
def dohoo(vector):
    """epiR epi.indirectadj example 2: reference stratum risks 0.025 / 0.085, overall 0.060.

    The reference is given as counts and populations with those rates: 25/1000 and 119/1400
    (overall 144/2400 = 0.060).  Observed totals per area are all that matter for O.
    """
    v = vector("epir_indirectadj_dohoo_two_strata.json")
    i = v["inputs"]
    data = pd.DataFrame([{"area": a, "age_band": s, "obs": (i["obs_total"][a] if s == "Beef" else 0),
                          "pop": i["pop"][a][s]} for a in ("A", "B") for s in ("Beef", "Dairy")])
    reference = pd.DataFrame({"age_band": ["Beef", "Dairy"], "count": [25, 119], "population": [1000, 1400]})
    return data, reference, v


def test_epir_indirect_observed_expected_ratio(dohoo, assert_printed):
    # epiR 2.0.94 epi.indirectadj example 2 (smr.strata): obs, exp and SMR (7 sig. digits).
    # epiR's SMR limits are Poisson quantiles qpois(0.025, O)/E, not exact limits (peer defect), so the
    # limits are checked against the exact (Garwood) values recorded with the vector.
    data, reference, v = dohoo
    out = smr(data, count="obs", population="pop", standard=reference, by="area", method="exact")
    assert list(out.columns) == ["area", *RATIO_COLUMNS]
    for row, area in zip(out.itertuples(), ("A", "B"), strict=True):
        expected = v["expected"]["smr.strata"][area]
        assert row.observed == expected["obs"] and row.expected == pytest.approx(expected["exp"])
        assert_printed(row.value, expected["est"], sig=7)
        exact = v["scipy_crosscheck"]["exact_poisson_smr_for_comparison"][area]
        assert (row.lower, row.upper) == pytest.approx((exact[1], exact[2]), rel=1e-9)


def test_epir_indirectly_standardised_rate(dohoo, assert_printed):
    # epiR adj.strata: SMR x overall reference risk (0.060) per 100 herds
    data, reference, v = dohoo
    out = isr(data, count="obs", population="pop", standard=reference, by="area", multiplier=100)
    for row, area in zip(out.itertuples(), ("A", "B"), strict=True):
        assert_printed(row.value, v["expected"]["adj.strata"][area]["est"], sig=7)
    assert out["statistic"].iloc[0] == "isr per 100"


def _significance(row_95, row_998) -> str:
    if row_998.lower > 1:
        return "High (0.001)"
    if row_998.upper < 1:
        return "Low (0.001)"
    if row_95.lower > 1:
        return "High (0.025)"
    if row_95.upper < 1:
        return "Low (0.025)"
    return "Not significant"


def test_phe_funnel_significance(vector):
    # PHEindicatormethods 2.1.0 testFunnels.R 'Significance for ratios': O/E against 1 with exact limits
    # below 10 events and Byar's from 10 (method 'auto'), at 95% and 99.8%.
    d = vector("phe_funnel_ratio_significance.csv")
    reference = pd.DataFrame({"age_band": ["all"], "count": [1.0], "population": [1.0]})
    data = pd.DataFrame({"unit": np.arange(len(d)), "age_band": "all", "obs": d["observed"],
                         "pop": d["expected"]})
    out = smr(data, count="obs", population="pop", standard=reference, by="unit", confidence=[0.95, 0.998])
    got = [_significance(a, b) for a, b in zip(out.iloc[0::2].itertuples(), out.iloc[1::2].itertuples())]
    assert got == d["expected_significance"].tolist()


def test_multiplier_scales_the_ratio(dohoo):
    data, reference, _ = dohoo
    one = smr(data, count="obs", population="pop", standard=reference, by="area")
    hundred = smr(data, count="obs", population="pop", standard=reference, by="area", multiplier=100)
    np.testing.assert_allclose(hundred[["value", "lower", "upper"]], 100 * one[["value", "lower", "upper"]])
    assert hundred["statistic"].iloc[0] == "smr x 100" and one["statistic"].iloc[0] == "smr"


def test_events_in_zero_population_stratum_warn_and_are_noted(dohoo):
    data, reference, _ = dohoo
    data = data.copy()
    data.loc[1, ["obs", "pop"]] = [4, 0]  # area A, Dairy: 4 events, no population
    with pytest.warns(ZeroPopulationWarning, match=r"column 'pop': 1 strata have events but zero population"):
        out = smr(data, count="obs", population="pop", standard=reference, by="area")
    assert out["observed"].iloc[0] == 62
    assert out["expected"].iloc[0] == pytest.approx(550 * 0.025)
    assert out["note"].iloc[0] == ("4 events in strata with zero population "
                                   "(counted in observed, add nothing to expected)")
    assert out["note"].iloc[1] == ""


def test_group_with_no_expected_events(dohoo):
    data, reference, _ = dohoo
    data = data.assign(pop=np.where(data["area"] == "B", 0, data["pop"]), obs=np.where(data["area"] == "B", 0,
                                                                                         data["obs"]))
    out = smr(data, count="obs", population="pop", standard=reference, by="area")
    assert np.isnan(out["value"].iloc[1]) and out["note"].iloc[1] == "expected count is 0: ratio undefined"


def test_smr_against_own_rates_is_one(dohoo):
    data, _, _ = dohoo
    a = data[data["area"] == "B"].assign(obs=[30, 100])
    own = a.rename(columns={"obs": "count", "pop": "population"})[["age_band", "count", "population"]]
    out = smr(a, count="obs", population="pop", standard=own)
    assert out["value"].iloc[0] == pytest.approx(1.0, rel=1e-15)


def test_stratum_split_over_rows_is_judged_as_a_whole(dohoo):
    # events on a row with population 0 are not orphaned when the same stratum has population on another row
    data, reference, _ = dohoo
    extra = pd.DataFrame({"area": ["A"], "age_band": ["Dairy"], "obs": [3], "pop": [0]})
    out = smr(pd.concat([data, extra], ignore_index=True), count="obs", population="pop", standard=reference,
              by="area")
    assert out["observed"].iloc[0] == 61 and out["note"].iloc[0] == ""


def test_zero_observed_is_correct_at_zero(dohoo):
    # exact (Garwood) limits at O = 0: (0, -ln(α/2)) / E; auto uses exact below 10 (PHE)
    data, reference, _ = dohoo
    out = smr(data.assign(obs=0), count="obs", population="pop", standard=reference, by="area")
    assert (out["value"] == 0).all() and (out["lower"] == 0).all()
    np.testing.assert_allclose(out["upper"], -np.log(0.025) / out["expected"], rtol=1e-12)
    assert out["method"].tolist() == ["exact (Garwood); p_value: exact (R poisson.test)"] * 2


def test_several_confidence_levels_are_rows(dohoo):
    data, reference, _ = dohoo
    out = isr(data, count="obs", population="pop", standard=reference, by="area", confidence=[0.95, 0.998])
    assert out[["area", "confidence"]].values.tolist() == [["A", 0.95], ["A", 0.998], ["B", 0.95], ["B", 0.998]]
    assert out["value"].iloc[0] == out["value"].iloc[1] and out["upper"].iloc[1] > out["upper"].iloc[0]


def test_sas_stdrate_expected_events_per_stratum(vector, assert_printed):
    # SAS/STAT PROC STDRATE Getting Started (Florida vs US skin cancer): expected events n_i x R_i per stratum
    # (3 dp) and the reference crude rates per 100,000 (4 dp); see vectors/sas_stdrate_florida_c43_strata.json.
    v = vector("sas_stdrate_florida_c43_strata.json")
    i, printed = v["inputs"], v["expected_printed"]
    data = pd.DataFrame({"age_band": i["age"], "deaths": i["event"], "py": i["pyear"]})
    reference = pd.DataFrame({"age_band": i["age"], "deaths": i["ref_event"], "py": i["ref_pyear"]})
    out = smr(data, count="deaths", population="py", standard=reference, by="age_band",
              confidence=0.95).set_index("age_band")
    ref_rates = isr(data.assign(py=100_000, deaths=0), count="deaths", population="py", standard=reference,
                    by="age_band", multiplier=1)
    for k, band in enumerate(i["age"]):
        assert_printed(out.loc[band, "expected"], printed["expected_events"][k], decimals=3)
        assert_printed(ref_rates["expected"].iloc[k], printed["reference_crude_rate"][k], decimals=4)
    assert out.loc["00-04", "note"] == "expected count is 0: ratio undefined"


def test_epir_crude_strata_and_isr_limits(dohoo, assert_printed):
    # epiR 2.0.94 epi.indirectadj example 2, crude.strata per 100 herds (exact limits, 7 sig. digits):
    # A 5.8 (4.404183, 7.497845), B 6.5 (5.430733, 7.718222).  ISR limits: epiR's adj.strata limits use Poisson
    # quantiles of O (peer defect), so the ISR limits are checked as the exact SMR limits recorded with the
    # vector times the reference crude risk 0.060 x 100.
    from kpcompare import crude_rate

    data, reference, v = dohoo
    crude = crude_rate(data, count="obs", population="pop", by="area", multiplier=100, method="exact")
    for row, area in zip(crude.itertuples(), ("A", "B"), strict=True):
        expected = v["expected"]["crude.strata"][area]
        for ours, key in (("value", "est"), ("lower", "lower"), ("upper", "upper")):
            assert_printed(getattr(row, ours), expected[key], sig=7)
    out = isr(data, count="obs", population="pop", standard=reference, by="area", multiplier=100, method="exact")
    for row, area in zip(out.itertuples(), ("A", "B"), strict=True):
        exact = v["scipy_crosscheck"]["exact_poisson_smr_for_comparison"][area]
        assert (row.lower, row.upper) == pytest.approx((exact[1] * 6.0, exact[2] * 6.0), rel=1e-9)
        epir = v["expected"]["adj.strata"][area]
        assert round(row.lower, 6) != epir["lower"]  # not epiR's Poisson-quantile limits
