"""The same standard gives the same result through dsr and compare (one resolver, kpcompare.rates.standard).

Reference values: the age x sex example of SAS PROC STDRATE "Comparing Directly Standardized Rates"
(Alaska vs Florida 2000 deaths, US 2000 standard by age and sex), as printed by R dsr 0.2.2
(tests/rates/vectors/dsr_alaska_florida_dsr_ratio_difference.json): standardised rates per 1000 Alaska 8.0693,
Florida 7.7342 (gamma method; the peer's lower limits 7.7504 and 7.6959).  Elsewhere compare must equal dsr
on the same strata, standard, method and multiplier (dsr itself is checked against peers in tests/rates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare import compare, decompose, dsr
from kpcompare.errors import KeyMismatchError

VECTOR = Path(__file__).parents[1] / "rates" / "vectors" / "dsr_alaska_florida_dsr_ratio_difference.json"
COLUMNS = ["value", "lower", "upper"]


@pytest.fixture(scope="module")
def alaska_florida():
    """Strata, populations and the age x sex standard of the SAS example, in compare's layout."""
    v = json.loads(VECTOR.read_text())
    inputs = v["inputs"]
    sex = [s.split(":")[0] for s in inputs["strata"]]
    band = [s.split(":")[1] for s in inputs["strata"]]
    rows = [{"system": state, "condition": "all causes", "age_band": band[k], "sex": sex[k],
             "admissions": inputs[state]["deaths"][k], "bed_days": 3 * inputs[state]["deaths"][k],
             "population": inputs[state]["person_years"][k]}
            for state in ("Alaska", "Florida") for k in range(len(band))]
    frame = pd.DataFrame(rows)
    strata = frame.drop(columns="population")
    population = frame[["system", "age_band", "sex", "population"]]
    standard = pd.DataFrame({"age_band": band, "sex": sex, "population": inputs["stdpop_US"]})
    return strata, population, standard, v


def _compare_rows(result, measure="admissions", level="all causes"):
    rows = result[(result["measure"] == measure) & (result["condition"] == level)]
    return _by_system(rows)


def _dsr_rows(result):
    return _by_system(result)


def _by_system(frame):
    out = frame.set_index("system")[COLUMNS]
    out.index = out.index.astype(object)
    return out


def test_age_sex_dsr_through_dsr_equals_compare_and_the_peer(alaska_florida):
    strata, population, standard, v = alaska_florida
    kw = dict(method="gamma", multiplier=1000, min_count=0)
    cmp = compare(strata, population=population, standard=standard, reference="Florida", **kw)
    data = strata.merge(population, on=["system", "age_band", "sex"])
    direct = dsr(data, count="admissions", population="population", standard=standard,
                 strata=["age_band", "sex"], by="system", **kw)
    pd.testing.assert_frame_equal(_compare_rows(cmp), _dsr_rows(direct), rtol=1e-12)
    for state in ("Alaska", "Florida"):  # SAS PROC STDRATE / R dsr 0.2.2, 4 dp
        printed = v["expected"]["dsr"][state]
        assert round(_compare_rows(cmp).loc[state, "value"], 4) == printed["Std Rate (per 1000)"]
        assert round(_compare_rows(cmp).loc[state, "lower"], 4) == printed["95% LCL (Std)"]


@pytest.fixture(scope="module")
def hes_bands():
    """Two systems on the HES bands 0-14, 15-59, 60-74, 75+, by sex (made-up counts)."""
    bands = ["0-14", "15-59", "60-74", "75+"]
    rows = []
    counts = {"A": [12, 80, 95, 130, 9, 70, 88, 160], "B": [8, 60, 120, 170, 11, 52, 101, 142]}
    pops = {"A": [9000, 30000, 7000, 4000, 8600, 29500, 6400, 2900],
            "B": [8000, 26000, 8000, 5000, 7700, 25800, 7300, 3100]}
    for system in ("A", "B"):
        for k, (sex, band) in enumerate([(s, b) for s in ("F", "M") for b in bands]):
            rows.append({"system": system, "condition": "stroke", "age_band": band, "sex": sex,
                         "admissions": counts[system][k], "bed_days": 7 * counts[system][k],
                         "population": pops[system][k]})
    frame = pd.DataFrame(rows)
    return frame.drop(columns="population"), frame[["system", "age_band", "sex", "population"]], frame


@pytest.mark.parametrize("method", ["dobson", "gamma"])
def test_age_only_registered_standard_same_through_dsr_and_compare(hes_bands, method):
    # esp2013 re-banded onto the HES bands by both; strata without sex
    strata, population, frame = hes_bands
    summed = frame.groupby(["system", "condition", "age_band"], sort=False)[
        ["admissions", "bed_days", "population"]].sum().reset_index()
    cmp = compare(summed.drop(columns="population"), population=summed[["system", "age_band", "population"]],
                  standard="esp2013", reference="A", method=method, multiplier=1000, min_count=0)
    direct = dsr(summed, count="admissions", population="population", standard="esp2013", by="system",
                 method=method, multiplier=1000, min_count=0)
    pd.testing.assert_frame_equal(_compare_rows(cmp, level="stroke"), _dsr_rows(direct), rtol=1e-12)
    beds = dsr(summed, count="bed_days", population="population", standard="esp2013", by="system",
               method=method, multiplier=1000, min_count=0)
    pd.testing.assert_frame_equal(_compare_rows(cmp, "bed_days", "stroke"), _dsr_rows(beds), rtol=1e-12)


def test_sex_specific_registered_standard_same_through_dsr_and_compare(hes_bands):
    strata, population, frame = hes_bands
    cmp = compare(strata, population=population, standard="england2000_sex", reference="A", multiplier=1000,
                  min_count=0)
    direct = dsr(frame, count="admissions", population="population", standard="england2000_sex",
                 strata=["age_band", "sex"], by="system", multiplier=1000, min_count=0)
    pd.testing.assert_frame_equal(_compare_rows(cmp, level="stroke"), _dsr_rows(direct), rtol=1e-12)
    # and equal to a standard built from the bundled ONS mid-2000 population with standard_from_population
    from kpcompare.datasets import england_population

    built = kpcompare.standard_from_population(england_population(year=2000), bands="hes")
    again = dsr(frame, count="admissions", population="population", standard=built,
                strata=["age_band", "sex"], by="system", multiplier=1000, min_count=0)
    pd.testing.assert_frame_equal(_dsr_rows(again), _dsr_rows(direct), rtol=1e-12)


def test_age_only_standard_with_sexed_strata_compare_notes_dsr_refuses(hes_bands):
    strata, population, frame = hes_bands
    cmp = compare(strata, population=population, standard="esp2013", reference="A", multiplier=1000,
                  min_count=0)
    note = "the standard has no sex split, so strata were summed over sex (age-only standardisation)"
    assert cmp["note"].str.contains(note, regex=False).all()
    # what compare computes: age-only standardisation of the sex-summed strata
    summed = frame.groupby(["system", "age_band"], sort=False)[["admissions", "population"]].sum().reset_index()
    direct = dsr(summed, count="admissions", population="population", standard="esp2013", by="system",
                 multiplier=1000, min_count=0)
    pd.testing.assert_frame_equal(_compare_rows(cmp, level="stroke"), _dsr_rows(direct), rtol=1e-12)
    # dsr does not collapse silently: it refuses and says what to do
    with pytest.raises(KeyMismatchError, match=r"drop 'sex' from 'strata'"):
        dsr(frame, count="admissions", population="population", standard="esp2013",
            strata=["age_band", "sex"], by="system")
    # decompose carries the same note
    dec = decompose(strata, population=population, standard="esp2013", reference="A")
    assert dec["note"].str.contains(note, regex=False).all()


def test_decompose_standardised_gap_equals_dsr_difference_with_a_sexed_standard(hes_bands):
    strata, population, frame = hes_bands
    dec = decompose(strata, population=population, standard="england2000_sex", reference="A", multiplier=1000)
    std = dec[(dec["age_band"] == "standardised") & (dec["condition"] == "stroke")].iloc[0]
    beds = dsr(frame, count="bed_days", population="population", standard="england2000_sex",
               strata=["age_band", "sex"], by="system", multiplier=1000, min_count=0).set_index("system")
    assert std["gap"] == pytest.approx(beds.loc["B", "value"] - beds.loc["A", "value"], rel=1e-10)
    assert np.isclose(std["admission_component"] + std["los_component"], std["gap"])
