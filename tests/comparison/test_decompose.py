"""kpcompare.decompose: Kitagawa / Das Gupta split of a bed-day gap (hand values, exactness, errors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import InvalidArgumentError, UnknownNameError

STRATA = pd.DataFrame({
    "system": ["A", "A", "B", "B"],
    "age_band": ["60-74", "75+", "60-74", "75+"],
    "condition": ["stroke"] * 4,
    "admissions": [10, 20, 5, 8],
    "bed_days": [100, 300, 30, 40],
})
POP = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["60-74", "75+"] * 2,
                    "population": [1000, 500, 2000, 800]})


def test_hand_computed_band_and_standardised_rows():
    res = kpcompare.decompose(STRATA, population=POP, standard="A", systems=("B", "A"))
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
    dec = kpcompare.decompose(STRATA, population=POP, standard="B", reference="A")
    cmp = kpcompare.compare(STRATA, population=POP, standard="B", reference="A", measures="bed_days",
                            min_count=0)
    for cond in ("stroke", "all selected"):
        gap = dec[(dec["condition"] == cond) & (dec["age_band"] == "standardised")]["gap"].iloc[0]
        v = cmp[cmp["condition"] == cond].set_index("system")["value"]
        assert gap == pytest.approx(v["B"] - v["A"])


def test_system_against_itself_gives_zero_gap():
    res = kpcompare.decompose(STRATA, population=POP, standard="A", systems=("A", "A"))
    assert (res[["gap", "admission_component", "los_component"]] == 0).all().all()


def test_zero_admissions_band_keeps_identity_and_says_so():
    s = STRATA.copy()
    s.loc[2, ["admissions", "bed_days"]] = 0
    res = kpcompare.decompose(s, population=POP, standard="A", systems=("B", "A"))
    band = res[(res["condition"] == "stroke") & (res["age_band"] == "60-74")].iloc[0]
    assert band["los_component"] == 0
    assert band["admission_component"] == pytest.approx(-100)
    assert "no admissions" in band["note"]


counts = st.integers(min_value=0, max_value=500)


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=8, max_size=8), st.lists(st.integers(1, 40), min_size=8, max_size=8),
       st.lists(st.integers(1, 10_000), min_size=4, max_size=4))
def test_components_sum_exactly_to_the_gap(adm, los, pops):
    strata = pd.DataFrame({
        "system": ["A", "A", "B", "B"] * 2,
        "age_band": ["60-74", "75+"] * 4,
        "condition": ["x"] * 4 + ["y"] * 4,
        "admissions": adm,
        "bed_days": [a * l for a, l in zip(adm, los)],
    })
    pop = POP.assign(population=pops)
    res = kpcompare.decompose(strata, population=pop, standard="A", reference="A")
    total = res["admission_component"] + res["los_component"]
    np.testing.assert_allclose(total, res["gap"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(res["gap"], res["bed_day_rate"] - res["reference_bed_day_rate"],
                               rtol=1e-12, atol=1e-9)


def test_error_neither_systems_nor_reference():
    with pytest.raises(InvalidArgumentError, match="give either systems=.* or reference="):
        kpcompare.decompose(STRATA, population=POP, standard="A")


def test_error_unknown_system():
    with pytest.raises(UnknownNameError, match=r"system\(s\) 'Kaiser' not found in strata column 'system'"):
        kpcompare.decompose(STRATA, population=POP, standard="A", reference="Kaiser")
