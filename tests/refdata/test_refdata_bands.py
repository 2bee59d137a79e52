"""Band tables, ages to bands, and re-banding onto coarser bands (incl. the HES bands)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import (
    BandMismatchError,
    DuplicateKeyError,
    InvalidArgumentError,
    InvalidValueError,
    UnknownNameError,
)

# ------------------------------------------------------------------------------------------- band_table


def test_band_table_from_lower_bounds():
    t = kpcompare.band_table([0, 15, 60, 75])
    assert t["age_band"].tolist() == ["0-14", "15-59", "60-74", "75+"]
    assert t["age_lo"].tolist() == [0, 15, 60, 75]
    assert t["age_hi"].tolist()[:3] == [14, 59, 74] and pd.isna(t["age_hi"].iloc[3])


def test_band_table_single_year_label():
    assert kpcompare.band_table([0, 1, 5])["age_band"].tolist() == ["0", "1-4", "5+"]


def test_band_table_named():
    assert kpcompare.band_table("hes")["age_band"].tolist() == ["0-14", "15-59", "60-74", "75+"]
    assert len(kpcompare.band_table("esp2013")) == 19
    assert list(kpcompare.band_table("us2000").columns) == ["age_band", "age_lo", "age_hi"]


def test_band_table_from_frame_and_labels():
    t = kpcompare.band_table(pd.DataFrame({"age_band": ["15-64", "0-14", "65+"]}))
    assert t["age_band"].tolist() == ["0-14", "15-64", "65+"]
    assert t["age_lo"].tolist() == [0, 15, 65]


def test_band_table_unknown_name():
    with pytest.raises(UnknownNameError, match=r"'nope' is neither a standard population nor a named banding; "
                                               r"known names: esp2013"):
        kpcompare.band_table("nope")


def test_band_table_bad_bounds():
    with pytest.raises(InvalidArgumentError, match="strictly increasing"):
        kpcompare.band_table([0, 15, 15, 75])


def test_band_table_overlap_message():
    bad = pd.DataFrame({"age_band": ["0-14", "10-19"], "age_lo": [0, 10], "age_hi": [14, 19]})
    with pytest.raises(InvalidValueError, match=r"column 'age_band': rule 'bands do not overlap' broken by 1 row "
                                                r"\(e\.g\. '0-14 and 10-19'\)"):
        kpcompare.band_table(bad)


def test_band_table_duplicate_label():
    bad = pd.DataFrame({"age_band": ["0-4", "0-4"]})
    with pytest.raises(DuplicateKeyError, match=r"rule 'unique band labels' broken by 2 rows \(e\.g\. '0-4'\)"):
        kpcompare.band_table(bad)


def test_band_table_bad_label():
    with pytest.raises(InvalidValueError, match=r"age band label like '0-4', '90\+' or '0'.*'85 and over'"):
        kpcompare.band_table(pd.DataFrame({"age_band": ["0-84", "85 and over"]}))


# ------------------------------------------------------------------------------------------- age_to_band


def test_age_to_band_vectorised():
    labels = kpcompare.age_to_band(np.array([0, 14, 14.9, 15, 59, 60, 74, 75, 104]), [0, 15, 60, 75])
    assert labels.tolist() == ["0-14", "0-14", "0-14", "15-59", "15-59", "60-74", "60-74", "75+", "75+"]


def test_age_to_band_series_keeps_index():
    s = pd.Series([3, 92], index=[10, 20], name="age")
    out = kpcompare.age_to_band(s, "esp2013")
    assert out.index.tolist() == [10, 20] and out.tolist() == ["0-4", "90+"]


def test_age_to_band_outside_message():
    with pytest.raises(InvalidValueError, match=r"column 'age': rule 'age within a band \(65-74 \.\.\. 85\+\)' "
                                                r"broken by 2 rows \(e\.g\. 3\.0\)"):
        kpcompare.age_to_band(pd.Series([3, 70, 40], name="age"), [65, 75, 85])


def test_age_to_band_missing_message():
    with pytest.raises(InvalidValueError, match=r"column 'ages': rule 'a numeric age \(no missing values\)' "
                                                r"broken by 1 row"):
        kpcompare.age_to_band([1.0, np.nan], "hes")


def test_age_to_band_negative_is_outside():
    with pytest.raises(InvalidValueError, match="broken by 1 row"):
        kpcompare.age_to_band([-1, 5], "hes")


# ------------------------------------------------------------------------------------------- reband

ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
           7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]  # Eurostat 2013, 19-band layout


def test_reband_esp2013_onto_hes_bands_hand_checked():
    out = kpcompare.reband(kpcompare.standard_population("esp2013"), bands=[0, 15, 60, 75])
    assert list(out.columns) == ["age_band", "age_lo", "age_hi", "population"]
    assert out["age_band"].tolist() == ["0-14", "15-59", "60-74", "75+"]
    # by hand from the published weights: 5000+5500+5500; 5500+6000+6000+6500+7000*4+6500;
    # 6000+5500+5000; 4000+2500+1500+1000
    assert out["population"].tolist() == [16000, 58500, 16500, 9000]
    assert sum(ESP2013[0:3]) == 16000 and sum(ESP2013[3:12]) == 58500


def test_reband_21_band_esp_onto_19_bands_matches_published_19_band_table():
    out = kpcompare.reband(kpcompare.standard_population("esp2013_21"), bands="esp2013")
    pd.testing.assert_frame_equal(out, kpcompare.standard_population("esp2013"), check_like=False,
                                  check_dtype=False)


def test_reband_us2000_single_ages_onto_19_groups_matches_published_p25_1130_table():
    out = kpcompare.reband(kpcompare.standard_population("us2000_single_ages"), bands="us2000_p25_1130")
    assert out["population"].tolist() == kpcompare.standard_population("us2000_p25_1130")["population"].tolist()


def test_reband_with_by_and_extra_value_column():
    data = pd.DataFrame({
        "sex": ["F", "F", "M", "M"], "age_band": ["0-4", "5-9", "0-4", "5-9"],
        "population": [10, 20, 30, 40], "count": [1, 2, 3, 4]})
    out = kpcompare.reband(data, bands=[0, 10], by="sex", value_columns=["population", "count"])
    assert out.to_dict("list") == {"sex": ["F", "M"], "age_band": ["0-9", "0-9"],
                                   "population": [30, 70], "count": [3, 7]}


def test_reband_from_single_year_ages():
    data = pd.DataFrame({"age": [0, 14, 15, 80, 80], "count": [1, 2, 3, 4, 5]})
    out = kpcompare.reband(data, bands="hes", age="age", value_columns="count")
    assert out.to_dict("list") == {"age_band": ["0-14", "15-59", "75+"], "count": [3, 3, 9]}


def test_reband_partial_overlap_names_the_bands():
    data = pd.DataFrame({"age_band": ["0-9", "10-19", "20-59", "60-74", "75+"], "population": [1, 2, 3, 4, 5]})
    with pytest.raises(BandMismatchError, match=r"1 source band\(s\) straddle the target bands \(partial overlap\), "
                                                r"e\.g\. '10-19' overlaps '0-14', '15-59'") as info:
        kpcompare.reband(data, bands="hes")
    assert info.value.extra == ["10-19"]


def test_reband_open_target_not_covered_by_closed_sources():
    data = pd.DataFrame({"age_band": ["0-4", "5-9"], "population": [1, 2]})
    with pytest.raises(BandMismatchError, match=r"target band '0\+' is not covered exactly"):
        kpcompare.reband(data, bands=[0])


def test_reband_source_outside_target():
    data = pd.DataFrame({"age_band": ["0-64", "65-74", "75+"], "population": [1, 2, 3]})
    with pytest.raises(BandMismatchError, match=r"1 source band\(s\) lie outside every target band, "
                                                r"e\.g\. \['0-64'\]"):
        kpcompare.reband(data, bands=[65, 75])


def test_reband_gap_in_coverage():
    data = pd.DataFrame({"age_band": ["0-4", "10-14", "15-59", "60-74", "75+"], "population": [1, 2, 3, 4, 5]})
    with pytest.raises(BandMismatchError, match=r"target band '0-14' is not covered exactly by the source bands "
                                                r"\['0-4', '10-14'\]"):
        kpcompare.reband(data, bands="hes")


def test_reband_duplicate_band_within_group():
    data = pd.DataFrame({"year": [2000, 2001], "age_band": ["0+", "0+"], "population": [1, 2]})
    with pytest.raises(DuplicateKeyError, match=r"column 'age_band': rule 'one row per band within \(the table\)' "
                                                r"broken by 2 rows"):
        kpcompare.reband(data, bands=[0])


def test_reband_missing_values_rejected():
    data = pd.DataFrame({"age_band": ["0-14", "15+"], "population": [1, np.nan]})
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'no missing values' broken by 1 row"):
        kpcompare.reband(data, bands=[0])


@st.composite
def _bands_and_population(draw):
    n = draw(st.integers(2, 25))
    widths = draw(st.lists(st.integers(1, 6), min_size=n - 1, max_size=n - 1))
    lows = np.concatenate([[0], np.cumsum(widths)]).astype(int).tolist()
    labels = kpcompare.band_table(lows)["age_band"].tolist()
    pops = draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n))
    keep = sorted(set(draw(st.lists(st.sampled_from(lows[1:]), max_size=n))))
    return pd.DataFrame({"age_band": labels, "population": pops}), [0, *keep]


@given(_bands_and_population())
@settings(max_examples=60, deadline=None)
def test_property_reband_preserves_totals(case):
    data, target = case
    out = kpcompare.reband(data, bands=target)
    assert out["population"].sum() == data["population"].sum()
    assert len(out) == len(target)


# ------------------------------------------------------------------------------------------- more messages


def test_band_table_non_numeric_bounds():
    with pytest.raises(InvalidArgumentError, match=r"argument 'bands': lower bounds must be whole numbers of years"):
        kpcompare.band_table(["zero", 15])


def test_band_table_fractional_or_empty_bounds():
    with pytest.raises(InvalidArgumentError, match=r"give at least one whole-number lower bound"):
        kpcompare.band_table([0, 14.5])
    with pytest.raises(InvalidArgumentError, match=r"give at least one whole-number lower bound"):
        kpcompare.band_table([])


def test_band_table_wrong_type():
    with pytest.raises(InvalidArgumentError, match=r"expected a name, a list of lower bounds or a band table, got int"):
        kpcompare.band_table(5)


def test_band_table_inverted_band():
    bad = pd.DataFrame({"age_band": ["a", "b"], "age_lo": [0, 10], "age_hi": [9, 5]})
    with pytest.raises(InvalidValueError, match=r"column 'age_hi': rule 'age_hi >= age_lo' broken by 1 row \(e\.g\. 'b'\)"):
        kpcompare.band_table(bad)


def test_band_table_negative_lower_limit():
    bad = pd.DataFrame({"age_band": ["a"], "age_lo": [-5], "age_hi": [4]})
    with pytest.raises(InvalidValueError, match=r"column 'age_lo': rule 'non-negative' broken by 1 row \(e\.g\. -5\)"):
        kpcompare.band_table(bad)


def test_reband_age_column_also_in_by():
    data = pd.DataFrame({"age_band": ["0+"], "population": [1]})
    with pytest.raises(InvalidArgumentError, match=r"column 'age_band' cannot also be in 'by' or 'value_columns'"):
        kpcompare.reband(data, bands=[0], by="age_band")


def test_reband_non_numeric_value_column():
    data = pd.DataFrame({"age_band": ["0-14", "15+"], "population": ["10", "many"]})
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'numeric' broken by 1 row \(e\.g\. 'many'\)"):
        kpcompare.reband(data, bands=[0])


def test_reband_missing_column():
    from kpcompare.errors import MissingColumnError

    with pytest.raises(MissingColumnError, match=r"column\(s\) 'population' not found"):
        kpcompare.reband(pd.DataFrame({"age_band": ["0+"]}), bands=[0])


def test_reband_empty_table_gives_empty_result():
    out = kpcompare.reband(pd.DataFrame({"age_band": pd.Series([], dtype=str), "population": []}), bands="hes")
    assert list(out.columns) == ["age_band", "population"] and len(out) == 0


def test_reband_pyarrow_table():
    import pyarrow as pa

    table = pa.table({"age_band": ["0-14", "15-59", "60-74", "75+"], "population": [1, 2, 3, 4]})
    assert kpcompare.reband(table, bands=[0, 60])["population"].tolist() == [3, 7]


@given(st.lists(st.floats(0, 120, allow_nan=False), min_size=1, max_size=200),
       st.lists(st.integers(1, 30), min_size=0, max_size=8))
@settings(max_examples=80, deadline=None)
def test_property_age_to_band_puts_each_age_inside_its_band(ages, widths):
    bounds = np.concatenate([[0], np.cumsum(widths)]).astype(int).tolist()
    table = kpcompare.band_table(bounds).set_index("age_band")
    labels = kpcompare.age_to_band(np.array(ages), bounds)
    lo = table.loc[labels, "age_lo"].to_numpy(dtype=float)
    hi = table.loc[labels, "age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf)
    assert np.all(lo <= np.array(ages)) and np.all(np.array(ages) < hi + 1)


def test_refdata_modules_import_without_a_cycle():
    # labels is a leaf; standards imports labels only; bands imports labels and standards (no lazy imports)
    import ast
    import importlib
    from pathlib import Path

    folder = Path(importlib.import_module("kpcompare.refdata").__file__).parent
    local = {}
    for name in ("labels", "standards", "bands", "population_standards"):
        tree = ast.parse((folder / f"{name}.py").read_text())
        local[name] = {node.module for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
    assert local["labels"] == set()
    assert local["standards"] == {"labels"}
    assert local["bands"] == {"labels", "standards"}
    assert "population_standards" not in local["bands"] | local["standards"]


def test_reband_a_sex_specific_standard_within_sex():
    # ONS mid-2000 England 75+ by hand: 75-79 + 80-84 + 85-89 + 90+ per sex (data/england 5-year file)
    std = kpcompare.standard_population("england2000_sex")
    out = kpcompare.reband(std, bands="hes", by="sex").set_index(["sex", "age_band"])["population"]
    assert out[("M", "75+")] == 694_881 + 382_998 + 192_415 + 68_952
    assert out.groupby(level="sex").sum().to_dict() == {"F": 25_203_376, "M": 24_029_935}
