"""kpcompare.compare: hand-computed two-band comparisons, self-comparison and input errors.

Every expected number below is worked out by hand from the formulas in
METHODS.md (sections 2, 4, 5) and written as arithmetic next to the assertion.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import kpcompare
from kpcompare.errors import BandMismatchError, MissingStratumError, UnknownNameError

# System A: 60-74 pop 1000, 10 admissions, 100 bed days; 75+ pop 500, 20 adm, 300 bed days.
# System B: 60-74 pop 2000,  5 admissions,  30 bed days; 75+ pop 800,  8 adm,  40 bed days.
STRATA = pd.DataFrame({
    "system": ["A", "A", "B", "B"],
    "age_band": ["60-74", "75+", "60-74", "75+"],
    "condition": ["stroke"] * 4,
    "admissions": [10, 20, 5, 8],
    "bed_days": [100, 300, 30, 40],
})
POP = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["60-74", "75+"] * 2,
                    "population": [1000, 500, 2000, 800]})


def _row(res, system, measure, condition="stroke"):
    sel = res[(res["system"] == system) & (res["measure"] == measure) & (res["condition"] == condition)]
    assert len(sel) == 1
    return sel.iloc[0]


@pytest.fixture(scope="module")
def result():
    # standard = A's population: weights 1000/1500 = 2/3 and 500/1500 = 1/3
    return kpcompare.compare(STRATA, population=POP, standard="A", reference="A", min_count=0)


def test_fixed_columns(result):
    assert list(result.columns) == [
        "system", "condition", "measure", "count", "population", "crude", "value", "lower", "upper",
        "variance", "ratio", "ratio_lower", "ratio_upper", "z", "p_value", "confidence", "method",
        "statistic", "note"]
    # 2 systems x (stroke, all selected) x 3 measures
    assert len(result) == 12
    assert set(result["condition"]) == {"stroke", "all selected"}


def test_standardised_admission_rates_by_hand(result):
    a, b = _row(result, "A", "admissions"), _row(result, "B", "admissions")
    # A: (2/3 * 10/1000 + 1/3 * 20/500) * 1000 = 6.667 + 13.333 = 20
    assert a["value"] == pytest.approx(20.0)
    # B: 2/3 * 2.5 + 1/3 * 10 = 5
    assert b["value"] == pytest.approx(5.0)
    # variance A: ((2/3)/1000)^2*10*1e6 + ((1/3)/500)^2*20*1e6 = 4.444 + 8.889
    assert a["variance"] == pytest.approx(40 / 3)
    # variance B: (1/3000)^2*5*1e6 + (1/2400)^2*8*1e6
    assert b["variance"] == pytest.approx(5e6 / 3000**2 + 8e6 / 2400**2)
    # crude: B 13/2800*1000
    assert b["crude"] == pytest.approx(13 / 2800 * 1000)
    assert a["count"] == 30 and a["population"] == 1500


def test_dobson_interval_by_hand(result):
    a = _row(result, "A", "admissions")
    z = norm.ppf(0.975)
    x = 30.0  # total count, Byar limits (Breslow & Day 1987 vol II p 69)
    x_lo = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    x_hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    slope = math.sqrt((40 / 3) / x)
    assert a["lower"] == pytest.approx(20 + slope * (x_lo - x))
    assert a["upper"] == pytest.approx(20 + slope * (x_hi - x))


def test_ratio_to_reference_by_hand(result):
    b = _row(result, "B", "admissions")
    se = math.sqrt((40 / 3) / 20**2 + (5e6 / 3000**2 + 8e6 / 2400**2) / 5**2)  # = 1/3
    assert se == pytest.approx(1 / 3)
    z = norm.ppf(0.975)
    assert b["ratio"] == pytest.approx(0.25)
    assert b["ratio_lower"] == pytest.approx(0.25 * math.exp(-z * se))
    assert b["ratio_upper"] == pytest.approx(0.25 * math.exp(z * se))
    assert b["z"] == pytest.approx(math.log(0.25) / se)
    assert b["p_value"] == pytest.approx(2 * norm.sf(abs(math.log(0.25) / se)))


def test_bed_days_and_alos_by_hand(result):
    a_bed, b_bed = _row(result, "A", "bed_days"), _row(result, "B", "bed_days")
    assert a_bed["value"] == pytest.approx(2 / 3 * 100 + 1 / 3 * 600)  # 266.67 per 1000
    assert b_bed["value"] == pytest.approx(2 / 3 * 15 + 1 / 3 * 50)  # 26.67
    v_bed_a = (1 / 1500) ** 2 * 100 * 1e6 + (1 / 1500) ** 2 * 300 * 1e6
    assert a_bed["variance"] == pytest.approx(v_bed_a)
    a = _row(result, "A", "alos")
    assert a["value"] == pytest.approx((800 / 3) / 20)  # 13.33 days
    assert a["crude"] == pytest.approx(400 / 30)
    var_log = v_bed_a / (800 / 3) ** 2 + (40 / 3) / 20**2  # covariance 0
    z = norm.ppf(0.975)
    assert a["lower"] == pytest.approx(a["value"] * math.exp(-z * math.sqrt(var_log)))
    assert a["upper"] == pytest.approx(a["value"] * math.exp(z * math.sqrt(var_log)))
    assert a["variance"] == pytest.approx(a["value"] ** 2 * var_log)
    b = _row(result, "B", "alos")
    assert b["value"] == pytest.approx((80 / 3) / 5)
    assert b["ratio"] == pytest.approx(((80 / 3) / 5) / ((800 / 3) / 20))
    assert "delta method" in b["method"]


def test_all_selected_is_the_sum_over_causes():
    two = pd.concat([STRATA, STRATA.assign(condition="ami", admissions=[1, 2, 3, 4], bed_days=[5, 6, 7, 8])])
    res = kpcompare.compare(two, population=POP, standard="A", reference="A", measures="admissions",
                            min_count=0)
    a = _row(res, "A", "admissions", "all selected")
    # A: 2/3*(11/1000) + 1/3*(22/500), per 1000
    assert a["value"] == pytest.approx(2 / 3 * 11 + 1 / 3 * 44)
    assert list(res.loc[res["system"] == "A", "condition"]) == ["stroke", "ami", "all selected"]


def test_other_level_is_not_selected():
    with_other = pd.concat([STRATA, STRATA.assign(condition="other")])
    res = kpcompare.compare(with_other, population=POP, standard="A", reference="A", min_count=0)
    assert "other" not in set(res["condition"])
    assert _row(res, "A", "admissions", "all selected")["value"] == pytest.approx(20.0)


def test_system_against_itself_gives_ratio_one(result):
    ref = result[result["system"] == "A"]
    assert (ref["ratio"] == 1.0).all()
    assert (ref["ratio_lower"] == 1.0).all() and (ref["ratio_upper"] == 1.0).all()


def test_several_confidence_levels_are_rows():
    res = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", confidence=[0.95, 0.998],
                            min_count=0)
    assert len(res) == 24
    a = res[(res["system"] == "B") & (res["measure"] == "alos") & (res["condition"] == "stroke")]
    assert list(a["confidence"]) == [0.95, 0.998]
    assert a["upper"].iloc[1] > a["upper"].iloc[0]


def test_missing_zero_strata_are_filled():
    # B has no stroke admissions at all in 75+: the row is absent, which means zero
    res = kpcompare.compare(STRATA.drop(index=3), population=POP, standard="A", reference="A",
                            measures="admissions", min_count=0)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(2 / 3 * 2.5)


def test_weighted_strata_use_estimates_for_rates_and_sample_counts_for_variance():
    w = STRATA.assign(weighted_admissions=[np.nan, np.nan, 50.0, 80.0],
                      weighted_bed_days=[np.nan, np.nan, 300.0, 400.0])
    res = kpcompare.compare(w, population=POP, standard="A", reference="A", measures="admissions",
                            min_count=0)
    b = _row(res, "B", "admissions")
    assert b["value"] == pytest.approx(2 / 3 * 25 + 1 / 3 * 100)  # weighted: 50/2000, 80/800
    # relative variance per stratum 1/sample count: (2/3*25)^2/5 + (1/3*100)^2/8
    assert b["variance"] == pytest.approx((2 / 3 * 25) ** 2 / 5 + (100 / 3) ** 2 / 8)
    assert b["count"] == pytest.approx(130.0)


def test_sex_strata_and_registered_standard():
    by_sex = pd.concat([STRATA.assign(sex="M"), STRATA.assign(sex="F")])
    pop = pd.concat([POP.assign(sex="M"), POP.assign(sex="F")])
    res = kpcompare.compare(by_sex, population=pop, standard="A", reference="A", measures="admissions",
                            min_count=0)
    # doubling counts and populations leaves the standardised rate unchanged
    assert _row(res, "B", "admissions")["value"] == pytest.approx(5.0)
    # esp2013 collapsed onto 60-74 / 75+: 16500 and 9000 (ESP2013, Eurostat 2013)
    res2 = kpcompare.compare(STRATA, population=POP, standard="esp2013", reference="A",
                             measures="admissions", min_count=0)
    assert _row(res2, "A", "admissions")["value"] == pytest.approx((16500 * 10 + 9000 * 40) / 25500)


def test_age_range_selects_bands():
    res = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", age_range=(75, None),
                            measures="admissions", min_count=0)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(10.0)


# ----------------------------------------------------------------------------- errors

def test_error_missing_population_stratum():
    with pytest.raises(MissingStratumError, match=r"population: no row for stratum .*'system': 'B'.*'75\+'"):
        kpcompare.compare(STRATA, population=POP.drop(index=3), standard="A", reference="A")


def test_error_mismatched_age_bands():
    bad = STRATA.assign(age_band=["65-74", "75+", "65-74", "75+"])
    with pytest.raises(BandMismatchError, match=r"age band\(s\) '65-74' of 'strata' are not bands of the standard"):
        kpcompare.compare(bad, population=POP, standard="A", reference="A")


def test_error_population_lacks_a_band():
    pop = POP.assign(age_band=["60-74", "75-84"] * 2)
    with pytest.raises(BandMismatchError, match=r"population: age band\(s\) '75\+' are missing"):
        kpcompare.compare(STRATA, population=pop, standard=pd.DataFrame(
            {"age_band": ["60-74", "75+"], "population": [2, 1]}), reference="A")


def test_error_unknown_reference():
    with pytest.raises(UnknownNameError, match=r"reference.*'Kaiser' is not in strata column 'system' "
                                               r"\(systems present: 'A', 'B'\)"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="Kaiser")


def test_error_unknown_measure():
    with pytest.raises(UnknownNameError, match="argument 'measures': unknown value 'los'"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="A", measures=["los"])


def test_error_age_range_cuts_a_band():
    with pytest.raises(BandMismatchError, match=r"age_range' \(65, None\) cuts through age band\(s\) '60-74'"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="A", age_range=(65, None))


def test_repeat_events_variance_from_event_frequencies():
    # A, 60-74: 10 admissions = 6 persons x 1 + 2 persons x 2; 75+: 20 = 20 persons x 1.
    # B as in STRATA, all persons admitted once.
    freq = pd.DataFrame({
        "system": ["A", "A", "A", "B", "B"],
        "age_band": ["60-74", "60-74", "75+", "60-74", "75+"],
        "condition": ["stroke"] * 5,
        "n_adm": [1, 2, 1, 1, 1],
        "persons": [6, 2, 20, 5, 8],
        "admissions": [6, 4, 20, 5, 8],
        "bed_days": [60, 40, 300, 30, 40],
    })
    res = kpcompare.compare(freq, population=POP, standard="A", reference="A", measures="admissions",
                            event_frequency="n_adm", min_count=0)
    a = _row(res, "A", "admissions")
    assert a["value"] == pytest.approx(20.0)
    # PHE: v = sum_f f^2 sum_i p_if W_i^2 (x 1000^2); W = 1/1500 in both bands
    assert a["variance"] == pytest.approx((1 * (6 + 20) + 4 * 2) / 1500**2 * 1e6)
    plain = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", measures="admissions",
                              min_count=0)
    assert a["variance"] > _row(plain, "A", "admissions")["variance"]
    assert "two persons" in _row(res, "A", "admissions", "all selected")["note"]


def test_error_event_frequency_inconsistent_with_admissions():
    bad = STRATA.assign(n_adm=1, persons=[10, 20, 5, 7])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'admissions': rule 'equal to n_adm x persons"):
        kpcompare.compare(bad, population=POP, standard="A", reference="A", event_frequency="n_adm")


def test_population_bands_outside_the_strata_are_ignored():
    young = pd.DataFrame({"system": ["A", "B"], "age_band": ["0-59", "0-59"], "population": [9000, 9000]})
    res = kpcompare.compare(STRATA, population=pd.concat([young, POP]), standard="A", reference="A",
                            measures="admissions", min_count=0)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(5.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=4, max_size=4), st.lists(st.integers(0, 20), min_size=4, max_size=4),
       st.lists(st.integers(1, 50_000), min_size=2, max_size=2))
def test_properties_own_standard_gives_crude_and_copy_gives_ratio_one(adm, los, pops):
    base = pd.DataFrame({"system": "A", "age_band": ["60-74", "75+", "60-74", "75+"],
                         "condition": ["x", "x", "y", "y"], "admissions": adm,
                         "bed_days": [a * l for a, l in zip(adm, los)]})
    strata = pd.concat([base, base.assign(system="copy")])
    pop = pd.DataFrame({"system": ["A", "A", "copy", "copy"], "age_band": ["60-74", "75+"] * 2,
                        "population": pops * 2})
    res = kpcompare.compare(strata, population=pop, standard="A", reference="A", min_count=0,
                            measures=["admissions", "bed_days"])
    a = res[res["system"] == "A"]
    # standardised to its own population, a DSR is the crude rate
    np.testing.assert_allclose(a["value"], a["crude"], rtol=1e-9)
    c = res[(res["system"] == "copy") & (res["value"] > 0)]
    np.testing.assert_allclose(c["ratio"], 1.0, rtol=1e-12)
    assert (c["ratio_lower"] <= 1.0).all() and (c["ratio_upper"] >= 1.0).all()
