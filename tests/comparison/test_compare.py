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
from two_systems import POP, STRATA


def _row(res, system, measure, condition="stroke"):
    sel = res[(res["system"] == system) & (res["measure"] == measure) & (res["condition"] == condition)]
    assert len(sel) == 1
    return sel.iloc[0]


@pytest.fixture(scope="module")
def result():
    # standard = A's population: weights 1000/1500 = 2/3 and 500/1500 = 1/3
    return kpcompare.compare(STRATA, population=POP, standard="A", reference="A", min_count=0, multiplier=1000)


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
                            min_count=0, multiplier=1000)
    a = _row(res, "A", "admissions", "all selected")
    # A: 2/3*(11/1000) + 1/3*(22/500), per 1000
    assert a["value"] == pytest.approx(2 / 3 * 11 + 1 / 3 * 44)
    assert list(res.loc[res["system"] == "A", "condition"]) == ["stroke", "ami", "all selected"]


def test_other_level_is_not_selected():
    with_other = pd.concat([STRATA, STRATA.assign(condition="other")])
    res = kpcompare.compare(with_other, population=POP, standard="A", reference="A", min_count=0, multiplier=1000)
    assert "other" not in set(res["condition"])
    assert _row(res, "A", "admissions", "all selected")["value"] == pytest.approx(20.0)


def test_system_against_itself_gives_ratio_one(result):
    ref = result[result["system"] == "A"]
    assert (ref["ratio"] == 1.0).all()
    assert (ref["ratio_lower"] == 1.0).all() and (ref["ratio_upper"] == 1.0).all()


def test_several_confidence_levels_are_rows():
    res = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", confidence=[0.95, 0.998],
                            min_count=0, multiplier=1000)
    assert len(res) == 24
    a = res[(res["system"] == "B") & (res["measure"] == "alos") & (res["condition"] == "stroke")]
    assert list(a["confidence"]) == [0.95, 0.998]
    assert a["upper"].iloc[1] > a["upper"].iloc[0]


def test_missing_zero_strata_are_filled():
    # B has no stroke admissions at all in 75+: the row is absent, which means zero
    res = kpcompare.compare(STRATA.drop(index=3), population=POP, standard="A", reference="A",
                            measures="admissions", min_count=0, multiplier=1000)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(2 / 3 * 2.5)


def test_weighted_strata_use_estimates_for_rates_and_sample_counts_for_variance():
    w = STRATA.assign(weighted_admissions=[np.nan, np.nan, 50.0, 80.0],
                      weighted_bed_days=[np.nan, np.nan, 300.0, 400.0])
    res = kpcompare.compare(w, population=POP, standard="A", reference="A", measures="admissions",
                            min_count=0, multiplier=1000)
    b = _row(res, "B", "admissions")
    assert b["value"] == pytest.approx(2 / 3 * 25 + 1 / 3 * 100)  # weighted: 50/2000, 80/800
    # relative variance per stratum 1/sample count: (2/3*25)^2/5 + (1/3*100)^2/8
    assert b["variance"] == pytest.approx((2 / 3 * 25) ** 2 / 5 + (100 / 3) ** 2 / 8)
    assert b["count"] == pytest.approx(130.0)


def test_sex_strata_and_registered_standard():
    by_sex = pd.concat([STRATA.assign(sex="M"), STRATA.assign(sex="F")])
    pop = pd.concat([POP.assign(sex="M"), POP.assign(sex="F")])
    res = kpcompare.compare(by_sex, population=pop, standard="A", reference="A", measures="admissions",
                            min_count=0, multiplier=1000)
    # doubling counts and populations leaves the standardised rate unchanged
    assert _row(res, "B", "admissions")["value"] == pytest.approx(5.0)
    # esp2013 collapsed onto 60-74 / 75+: 16500 and 9000 (ESP2013, Eurostat 2013)
    res2 = kpcompare.compare(STRATA, population=POP, standard="esp2013", reference="A",
                             measures="admissions", min_count=0, multiplier=1000)
    assert _row(res2, "A", "admissions")["value"] == pytest.approx((16500 * 10 + 9000 * 40) / 25500)


def test_age_range_selects_bands():
    res = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", age_range=(75, None),
                            measures="admissions", min_count=0, multiplier=1000)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(10.0)


# ----------------------------------------------------------------------------- errors

def test_error_missing_population_stratum():
    with pytest.raises(MissingStratumError, match=r"population: no row for stratum .*'system': 'B'.*'75\+'"):
        kpcompare.compare(STRATA, population=POP.drop(index=3), standard="A", reference="A", multiplier=1000)


def test_error_mismatched_age_bands():
    bad = STRATA.assign(age_band=["65-74", "75+", "65-74", "75+"])
    with pytest.raises(BandMismatchError, match=r"age band\(s\) '65-74' of 'data' are not bands of the standard"):
        kpcompare.compare(bad, population=POP, standard="A", reference="A", multiplier=1000)


def test_error_population_lacks_a_band():
    pop = POP.assign(age_band=["60-74", "75-84"] * 2)
    with pytest.raises(BandMismatchError, match=r"population: age band\(s\) '75\+' are missing"):
        kpcompare.compare(STRATA, population=pop, standard=pd.DataFrame(
            {"age_band": ["60-74", "75+"], "population": [2, 1]}), reference="A", multiplier=1000)


def test_error_unknown_reference():
    with pytest.raises(UnknownNameError, match=r"reference.*'Kaiser' is not in strata column 'system' "
                                               r"\(systems present: 'A', 'B'\)"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="Kaiser", multiplier=1000)


def test_error_unknown_measure():
    with pytest.raises(UnknownNameError, match="argument 'measures': unknown value 'los'"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="A", measures=["los"], multiplier=1000)


def test_error_age_range_cuts_a_band():
    with pytest.raises(BandMismatchError, match=r"age_range' \(65, None\) cuts through age band\(s\) '60-74'"):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="A", age_range=(65, None), multiplier=1000)


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
                            event_frequency="n_adm", min_count=0, multiplier=1000)
    a = _row(res, "A", "admissions")
    assert a["value"] == pytest.approx(20.0)
    # PHE: v = sum_f f^2 sum_i p_if W_i^2 (x 1000^2); W = 1/1500 in both bands
    assert a["variance"] == pytest.approx((1 * (6 + 20) + 4 * 2) / 1500**2 * 1e6)
    plain = kpcompare.compare(STRATA, population=POP, standard="A", reference="A", measures="admissions",
                              min_count=0, multiplier=1000)
    assert a["variance"] > _row(plain, "A", "admissions")["variance"]
    assert "two persons" in _row(res, "A", "admissions", "all selected")["note"]


def test_error_event_frequency_inconsistent_with_admissions():
    bad = STRATA.assign(n_adm=1, persons=[10, 20, 5, 7])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'admissions': rule 'equal to n_adm x persons"):
        kpcompare.compare(bad, population=POP, standard="A", reference="A", event_frequency="n_adm", multiplier=1000)


def test_population_bands_outside_the_strata_are_ignored():
    young = pd.DataFrame({"system": ["A", "B"], "age_band": ["0-59", "0-59"], "population": [9000, 9000]})
    res = kpcompare.compare(STRATA, population=pd.concat([young, POP]), standard="A", reference="A",
                            measures="admissions", min_count=0, multiplier=1000)
    assert _row(res, "B", "admissions")["value"] == pytest.approx(5.0)


@settings(max_examples=25, deadline=None)
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
                            measures=["admissions", "bed_days"], multiplier=1000)
    a = res[res["system"] == "A"]
    # standardised to its own population, a DSR is the crude rate
    np.testing.assert_allclose(a["value"], a["crude"], rtol=1e-9)
    c = res[(res["system"] == "copy") & (res["value"] > 0)]
    np.testing.assert_allclose(c["ratio"], 1.0, rtol=1e-12)
    assert (c["ratio_lower"] <= 1.0).all() and (c["ratio_upper"] >= 1.0).all()


# --- repeat events from person ids, wired from aggregate ------------------------------------------------------
# Seven episodes of four persons in system A (ages 60-74 / 75+ with the population of POP's A: 1000 / 500):
#   p1, 65: two stroke admissions; p2, 80: one stroke; p3, 70: one AMI and two strokes; p4, 66: one pneumonia.
EPISODES = pd.DataFrame({
    "person_id": ["p1", "p1", "p2", "p3", "p3", "p3", "p4"],
    "episode_id": ["e1", "e2", "e3", "e4", "e5", "e6", "e7"],
    "system": ["A"] * 7, "sex": ["F"] * 7, "age": [65, 65, 80, 70, 70, 70, 66],
    "primary_diagnosis": ["I63.9", "I63.9", "I63.9", "I21.0", "I63.1", "I63.2", "J18.9"],
    "admission_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-01-05", "2020-02-05",
                                      "2020-03-05", "2020-04-01"]),
    "discharge_date": pd.to_datetime(["2020-01-03", "2020-02-04", "2020-03-02", "2020-01-06", "2020-02-09",
                                      "2020-03-05", "2020-04-02"]),
})
CAUSES = {"stroke": ["I60-I64"], "ami": ["I21-I22"], "pneumonia": ["J12-J18"]}
POP_A = POP[POP["system"] == "A"]


def test_repeat_events_variance_from_person_level_aggregate():
    per_person = kpcompare.aggregate(EPISODES, by=("system", "age_band", "condition", "person_id"),
                                     age_bands=[60, 75], conditions=CAUSES, progress=False).strata
    res = kpcompare.compare(per_person, population=POP_A, standard="A", reference="A", person="person_id",
                            measures="admissions", min_count=0, multiplier=1000)
    # standard weights 2/3, 1/3 over populations 1000, 500: W = 1/1500 in both bands, x 1000 per 1,000
    w2 = (1000 / 1500) ** 2
    stroke = _row(res, "A", "admissions", "stroke")
    assert stroke["count"] == 5
    assert stroke["value"] == pytest.approx(1000 * (2 / 3 * 4 / 1000 + 1 / 3 * 1 / 500))
    # stroke: 60-74 two persons with f = 2 (p1, p3), 75+ one person with f = 1 (p2): (2 x 4 + 1) W^2
    assert stroke["variance"] == pytest.approx(9 * w2)
    # all selected: p3's AMI and two strokes make f = 3 (not two persons): p1 4 + p3 9 + p4 1 + p2 1 = 15
    total = _row(res, "A", "admissions", "all selected")
    assert total["variance"] == pytest.approx(15 * w2)
    assert "two persons" not in total["note"]
    # independent events would give 7 W^2
    plain = kpcompare.compare(per_person, population=POP_A, standard="A", reference="A",
                              measures="admissions", min_count=0, multiplier=1000)
    assert _row(plain, "A", "admissions", "all selected")["variance"] == pytest.approx(7 * w2)


def test_persons_column_of_aggregate_flags_repeat_admissions():
    strata = kpcompare.aggregate(EPISODES, by=("system", "age_band", "condition"), age_bands=[60, 75],
                                 conditions=CAUSES, persons=True, progress=False).strata
    res = kpcompare.compare(strata, population=POP_A, standard="A", reference="A", min_count=0, multiplier=1000)
    stroke = _row(res, "A", "admissions", "stroke")
    assert "'persons' column shows repeat admissions (3 persons, 5 admissions" in stroke["note"]
    assert "person=" in stroke["note"]
    assert _row(res, "A", "admissions", "pneumonia")["note"] == ""  # one person, one admission
    assert "repeat admissions" in _row(res, "A", "alos", "stroke")["note"]
    assert "repeat admissions" not in _row(res, "A", "bed_days", "stroke")["note"]


def test_error_person_with_event_frequency_or_weights_or_fractions():
    per_person = STRATA.assign(person_id=["a", "b", "c", "d"], n_adm=1, persons=1)
    with pytest.raises(kpcompare.errors.InvalidArgumentError, match="give one of them"):
        kpcompare.compare(per_person, population=POP, standard="A", reference="A", person="person_id",
                          event_frequency="n_adm", multiplier=1000)
    weighted = per_person.assign(weighted_admissions=per_person["admissions"] * 2.0,
                                 weighted_bed_days=per_person["bed_days"] * 2.0)
    with pytest.raises(kpcompare.errors.InvalidArgumentError, match="cannot be combined with survey weights"):
        kpcompare.compare(weighted, population=POP, standard="A", reference="A", person="person_id", multiplier=1000)
    with pytest.raises(kpcompare.errors.MissingColumnError,
                       match=r"^data: column\(s\) 'person_id' not found; available columns: 'system', "):
        kpcompare.compare(STRATA, population=POP, standard="A", reference="A", person="person_id", multiplier=1000)
    fractional = per_person.assign(admissions=[10.5, 20, 5, 8])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match=r"column 'admissions': rule 'integer-valued count' broken by 1 row \(e\.g\. 10\.5\)"):
        kpcompare.compare(fractional, population=POP, standard="A", reference="A", person="person_id", multiplier=1000)


def test_aggregate_result_is_accepted_as_strata():
    agg = kpcompare.aggregate(EPISODES, by=("system", "age_band", "condition"), age_bands=[60, 75],
                              conditions=CAUSES, progress=False)
    kw = dict(population=POP_A, standard="A", multiplier=1000)
    a = kpcompare.compare(agg, reference="A", min_count=0, **kw)
    b = kpcompare.compare(agg.strata, reference="A", min_count=0, **kw)
    pd.testing.assert_frame_equal(a, b)
    # 60-74: 4 stroke admissions / 1000; 75+: 1 / 500 -> 2/3 x 4 + 1/3 x 2 = 3.333 per 1,000
    assert _row(a, "A", "admissions")["value"] == pytest.approx(10 / 3)
    dec = kpcompare.decompose(agg, reference="A", **kw)
    assert (dec["gap"] == 0).all()
    with pytest.raises(kpcompare.errors.InvalidArgumentError, match="argument 'data': expected a pandas"):
        kpcompare.compare([1, 2], reference="A", **kw)


def test_given_variances_replace_the_poisson_variance():
    # A's bed days with a given variance per stratum: 60-74 V = 2500, 75+ V = 9000 (e.g. sum of squared stays);
    # B gives none (Poisson on its counts). Standard = A: weights 2/3, 1/3; populations 1000, 500 (x 1000).
    strata = STRATA.assign(bed_days_variance=[2500.0, 9000.0, np.nan, np.nan])
    res = kpcompare.compare(strata, population=POP, standard="A", reference="A", min_count=0, multiplier=1000)
    a, b = _row(res, "A", "bed_days"), _row(res, "B", "bed_days")
    # rate unchanged: 2/3 x 100/1000 + 1/3 x 300/500, per 1,000 = 66.67 + 200 = 266.67
    assert a["value"] == pytest.approx(800 / 3)
    # variance = sum_i (w_i / n_i)^2 V_i x 1000^2 = (2/3/1000)^2 2500 + (1/3/500)^2 9000, x 1e6 = 1111.1 + 4000
    assert a["variance"] == pytest.approx(((2 / 3 / 1000) ** 2 * 2500 + (1 / 3 / 500) ** 2 * 9000) * 1e6)
    assert "variance of each stratum's total from column 'bed_days_variance'" in a["note"]
    # B keeps the Poisson variance: (2/3/2000)^2 30 + (1/3/800)^2 40, x 1e6
    assert b["variance"] == pytest.approx(((2 / 3 / 2000) ** 2 * 30 + (1 / 3 / 800) ** 2 * 40) * 1e6)
    # admissions are untouched: A's admission variance is the Poisson one, (2/3/1000)^2 10 + (1/3/500)^2 20
    assert _row(res, "A", "admissions")["variance"] == pytest.approx(
        ((2 / 3 / 1000) ** 2 * 10 + (1 / 3 / 500) ** 2 * 20) * 1e6)
    # the ALOS interval uses the given bed-day variance: SE^2 = v_B / y_B^2 + v_A / y_A^2
    alos = _row(res, "A", "alos")
    v_adm = ((2 / 3 / 1000) ** 2 * 10 + (1 / 3 / 500) ** 2 * 20) * 1e6
    se = math.sqrt(a["variance"] / a["value"] ** 2 + v_adm / 20.0 ** 2)
    assert alos["upper"] == pytest.approx(a["value"] / 20.0 * math.exp(norm.ppf(0.975) * se))


def test_error_given_variances_partial_or_zero():
    partial = STRATA.assign(admissions_variance=[10.0, np.nan, np.nan, np.nan])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'admissions_variance': rule 'given for every row of a system or for none'"):
        kpcompare.compare(partial, population=POP, standard="A", reference="A", multiplier=1000)
    zero = STRATA.assign(admissions_variance=[10.0, 0.0, 5.0, 8.0])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'admissions_variance': rule 'positive where admissions are positive'"):
        kpcompare.compare(zero, population=POP, standard="A", reference="A", multiplier=1000)
