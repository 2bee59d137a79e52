"""kpcompare.decompose: Kitagawa / Das Gupta split of a bed-day gap (hand values, exactness, errors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import InvalidArgumentError, UnknownNameError

# System A: 60-74 pop 1000, 10 admissions, 100 bed days; 75+ pop 500, 20 adm, 300 bed days.
# System B: 60-74 pop 2000,  5 admissions,  30 bed days; 75+ pop 800,  8 adm,  40 bed days.
from two_systems import POP, STRATA


def test_hand_computed_band_and_standardised_rows():
    res = kpcompare.decompose(STRATA, population=POP, standard="A", systems=("B", "A"), multiplier=1000)
    band = res[(res["condition"] == "stroke") & (res["age_band"] == "60-74")].iloc[0]
    # B: A=5/2000*1000=2.5, L=6; A: A=10, L=10
    assert band["admission_component"] == pytest.approx((6 + 10) / 2 * (2.5 - 10))  # -60
    assert band["los_component"] == pytest.approx((2.5 + 10) / 2 * (6 - 10))  # -25
    assert band["gap"] == pytest.approx(15 - 100)
    std = res[(res["condition"] == "stroke") & (res["age_band"] == "standardised")].iloc[0]
    # 75+: B A=10, L=5; A A=40, L=15: adm (5+15)/2*(10-40) = -300, los (10+40)/2*(5-15) = -250
    assert std["admission_component"] == pytest.approx(2 / 3 * -60 + 1 / 3 * -300)
    assert std["los_component"] == pytest.approx(2 / 3 * -25 + 1 / 3 * -250)
    # standardised gap = difference of the directly standardised bed-day rates (26.67 - 266.67)
    assert std["gap"] == pytest.approx((2 / 3 * 15 + 1 / 3 * 50) - (2 / 3 * 100 + 1 / 3 * 600))
    assert std["alos"] == pytest.approx((80 / 3) / 5)


def test_standardised_gap_equals_compare_dsr_difference():
    dec = kpcompare.decompose(STRATA, population=POP, standard="B", reference="A", multiplier=1000)
    cmp = kpcompare.compare(STRATA, population=POP, standard="B", reference="A", measures="bed_days",
                            min_count=0, multiplier=1000)
    for cond in ("stroke", "all selected"):
        gap = dec[(dec["condition"] == cond) & (dec["age_band"] == "standardised")]["gap"].iloc[0]
        v = cmp[cmp["condition"] == cond].set_index("system")["value"]
        assert gap == pytest.approx(v["B"] - v["A"])


def test_system_against_itself_gives_zero_gap():
    res = kpcompare.decompose(STRATA, population=POP, standard="A", systems=("A", "A"), multiplier=1000)
    assert (res[["gap", "admission_component", "los_component"]] == 0).all().all()


def test_zero_admissions_band_keeps_identity_and_says_so():
    s = STRATA.copy()
    s.loc[2, ["admissions", "bed_days"]] = 0
    res = kpcompare.decompose(s, population=POP, standard="A", systems=("B", "A"), multiplier=1000)
    band = res[(res["condition"] == "stroke") & (res["age_band"] == "60-74")].iloc[0]
    assert band["los_component"] == 0
    assert band["admission_component"] == pytest.approx(-100)
    assert "no admissions" in band["note"]


def test_bed_days_without_admissions_go_to_length_of_stay():
    # B, 60-74: no admissions but 30 bed days (e.g. stays admitted before the period); A: 10 adm, 100 days
    s = STRATA.copy()
    s.loc[2, "admissions"] = 0
    res = kpcompare.decompose(s, population=POP, standard="A", systems=("B", "A"), multiplier=1000)
    band = res[(res["condition"] == "stroke") & (res["age_band"] == "60-74")].iloc[0]
    # rates per 1,000: B bed days 30/2000*1000 = 15, A 100; gap -85. ALOS of B set to A's (10):
    # admissions: (10+10)/2 * (0-10) = -100; the 15 bed days of B go to length of stay: 0 + 15
    assert band["gap"] == pytest.approx(-85)
    assert band["admission_component"] == pytest.approx(-100)
    assert band["los_component"] == pytest.approx(15)
    assert "bed days without admissions" in band["note"]


counts = st.integers(min_value=0, max_value=500)


@settings(max_examples=30, deadline=None)
@given(st.lists(counts, min_size=12, max_size=12), st.lists(st.integers(0, 5000), min_size=12, max_size=12),
       st.lists(st.integers(1, 10_000), min_size=6, max_size=6))
# components of 8.4 million per 1,000 that cancel to a gap of -2,389 (a population of 1 beside 53)
@example(adm=[0, 0, 1, 0, 0, 0, 132, 0, 0, 0, 0, 0], bed=[0, 0, 129, 0, 0, 0, 0, 0, 0, 0, 0, 0],
         pops=[53, 1, 1, 1, 1, 1])
def test_components_sum_exactly_per_cause_and_total_for_any_counts(adm, bed, pops):
    # three systems x two causes x two bands; bed days independent of admissions (zeros on either side)
    systems = ["A", "B", "C"]
    strata = pd.DataFrame({
        "system": [s for s in systems for _ in range(4)],
        "age_band": ["60-74", "75+"] * 6,
        "condition": (["x", "x", "y", "y"]) * 3,
        "admissions": adm,
        "bed_days": bed,
    })
    pop = pd.DataFrame({"system": [s for s in systems for _ in range(2)], "age_band": ["60-74", "75+"] * 3,
                        "population": pops})
    res = kpcompare.decompose(strata, population=pop, standard="A", reference="A", multiplier=1000)
    # exact up to rounding: a few units in the last place of the components, which can be far larger than
    # the gap they cancel to
    adm_c, los_c, gap = (res[c].to_numpy(float) for c in ("admission_component", "los_component", "gap"))
    scale = np.abs(adm_c) + np.abs(los_c) + np.abs(gap)
    assert np.all(np.abs(adm_c + los_c - gap) <= 1e-14 * scale + 1e-9)
    # the standardised gap, recomputed in plain numpy: weights = A's population shares
    w = np.array(pops[:2], float) / sum(pops[:2])
    table = strata.assign(population=[pops[2 * (i // 4) + i % 2] for i in range(12)])
    for cond in ("x", "y", "all selected"):
        rows = table if cond == "all selected" else table[table["condition"] == cond]
        rate = (rows.groupby(["system", "age_band"])["bed_days"].sum()
                / rows.groupby(["system", "age_band"])["population"].first() * 1000)
        dsr = {s: float((w * rate[s].to_numpy()).sum()) for s in systems}
        got = res[(res["condition"] == cond) & (res["age_band"] == "standardised")].set_index("system")
        for s in ("B", "C"):
            assert got.loc[s, "gap"] == pytest.approx(dsr[s] - dsr["A"], rel=1e-9, abs=1e-9)
            assert got.loc[s, "admission_component"] + got.loc[s, "los_component"] == \
                pytest.approx(dsr[s] - dsr["A"], rel=1e-9, abs=1e-9)


def test_error_neither_systems_nor_reference():
    with pytest.raises(InvalidArgumentError, match="give either systems=.* or reference="):
        kpcompare.decompose(STRATA, population=POP, standard="A", multiplier=1000)


def test_error_unknown_system():
    with pytest.raises(UnknownNameError, match=r"system\(s\) 'Kaiser' not found in strata column 'system'"):
        kpcompare.decompose(STRATA, population=POP, standard="A", reference="Kaiser", multiplier=1000)


@settings(max_examples=12, deadline=None)
@given(st.lists(counts, min_size=4, max_size=4), st.lists(st.integers(0, 5000), min_size=4, max_size=4),
       st.lists(st.integers(1, 10_000), min_size=2, max_size=2))
def test_a_system_against_its_copy_has_zero_gap_and_ratio_one(adm, bed, pops):
    base = pd.DataFrame({"system": "A", "age_band": ["60-74", "75+"] * 2, "condition": ["x", "x", "y", "y"],
                         "admissions": adm, "bed_days": bed})
    strata = pd.concat([base, base.assign(system="copy")])
    pop = pd.DataFrame({"system": ["A", "A", "copy", "copy"], "age_band": ["60-74", "75+"] * 2,
                        "population": pops * 2})
    dec = kpcompare.decompose(strata, population=pop, standard="A", reference="A", multiplier=1000)
    assert (dec[["gap", "admission_component", "los_component"]] == 0).all().all()
    cmp = kpcompare.compare(strata, population=pop, standard="A", reference="A", min_count=0, multiplier=1000)
    copy = cmp[(cmp["system"] == "copy") & (cmp["value"] > 0)]
    np.testing.assert_allclose(copy["ratio"], 1.0, rtol=1e-12)  # admissions, bed days and ALOS alike
    np.testing.assert_allclose(copy["p_value"], 1.0, rtol=1e-9)
