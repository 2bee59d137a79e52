"""Valid but odd input read as intended (issue 17): HES STARTAGE and numbers held as text, integers written
as ``1.0``, dates in dd/mm/yyyy, odd column names, list cells, all-null categoricals, uint64 person ids.
Expected values are worked by hand from the rows below (HES Data Dictionary: STARTAGE 7001-7007 = under 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import ColumnError, ColumnTypeError, DataQualityWarning, InvalidValueError

HES = pd.DataFrame({
    "HESID": ["a", "b", "c"], "STARTAGE": pd.array(["45", "7002", "unknown"], dtype="string"),
    "SEX": ["1", "2", "1"], "ADMIDATE": ["01/02/2020", "2020-02-03", "20200205"],
    "DISDATE": ["05/02/2020", "2020-02-03", "20200206"], "DIAG_4_01": ["I21X", "J44", "K35"], "EPISTAT": ["3"] * 3,
    "PROCODE": ["p", "q", "r"],
})


def _run(source, by=("system", "sex", "age_band"), **options):
    extract = kpcompare.read_episodes(source, **options)
    return kpcompare.aggregate(extract, by=list(by), progress=False)


def test_hes_startage_as_text_and_hes_date_formats():
    """STARTAGE as pandas string dtype was refused ('convertible to float'); dd/mm/yyyy ADMIDATE was
    missing_date.  Rows: 45 -> 45-49, 7002 -> 0 (0-4), 'unknown' -> age_out_of_range."""
    result = _run(HES, mapping="hes", constants={"system": "E"})
    assert result.strata[["age_band", "admissions", "bed_days"]].values.tolist() == [["0-4", 1, 0],
                                                                                      ["45-49", 1, 4]]
    excluded = result.exclusions.set_index("reason")["rows"]
    assert excluded["age_out_of_range"] == 1 and excluded["missing_date"] == 0


def test_dd_mm_yyyy_with_date_format():
    frame = pd.DataFrame({"system": ["A", "A"], "sex": ["M", "F"], "age": [30, 40],
                          "admission_date": ["01/02/2020", "28/02/2020"], "discharge_date": ["03/02/2020", "01/03/2020"],
                          "primary_diagnosis": ["I21", "J44"]})
    result = _run(frame, by=["system"], date_format="%d/%m/%Y")
    assert result.strata["bed_days"].tolist() == [2 + 2]  # 1-3 Feb, 28 Feb-1 Mar 2020 (a leap year)


def test_dd_mm_yyyy_without_date_format_warns_and_names_the_reason():
    """It used to return an empty result without a word."""
    frame = pd.DataFrame({"system": ["A"], "sex": ["M"], "age": [30], "admission_date": ["01/02/2020"],
                          "discharge_date": ["03/02/2020"], "primary_diagnosis": ["I21"]})
    with pytest.warns(DataQualityWarning, match=r"100% of the rows read \(1 of 1\) were excluded as "
                                                r"'missing_date'.*no row could be counted.*date_format="):
        result = _run(frame, by=["system"])
    assert result.rows_counted == 0 and result.rows_read == 1


def test_integers_written_as_1_point_0_read_exactly(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("system,sex,age,admission_date,discharge_date,primary_diagnosis,episode_order\n"
                    "A,M,30.0,2020-01-01,2020-01-02,I21,1.0\nA,M,31,2020-01-01,2020-01-02,I21,2.00\n"
                    "A,F,32,2020-01-01,2020-01-03,I21, 1 \n")
    result = _run(path, by=["system"])
    assert result.strata[["admissions", "episodes"]].values.tolist() == [[2, 3]]  # order 2 is no admission


def test_fractional_integer_named_by_name(tmp_path):
    """Refused before too, but naming the column only by its number ('CSV column #6')."""
    path = tmp_path / "orders.csv"
    path.write_text("system,sex,age,admission_date,discharge_date,primary_diagnosis,episode_order\n"
                    "A,M,30,2020-01-01,2020-01-02,I21,1.5\n")
    with pytest.raises(ColumnTypeError, match=r"column 'episode_order' .*'1\.5'"):
        _run(path, by=["system"])


BASE = pd.DataFrame({"person_id": ["a", "b", "c"], "system": ["X", "X", "Y"], "sex": ["M", "F", "M"],
                     "age": [30.0, 40.0, 50.0], "admission_date": ["2020-01-01", "2020-02-01", "2020-03-01"],
                     "discharge_date": ["2020-01-03", "2020-02-01", "2020-03-04"],
                     "primary_diagnosis": ["I21", "J44", "C50"], "provider": ["p", "p", "q"]})


def test_duplicate_column_names_refused_by_name():
    frame = BASE.copy()
    frame.columns = [*frame.columns[:-1], "system"]
    with pytest.raises(ColumnError, match=r"column 'system' appears more than once"):
        _run(frame)


def test_multiindex_columns_refused():
    frame = BASE.copy()
    frame.columns = pd.MultiIndex.from_tuples([(c, "x") for c in frame.columns])
    with pytest.raises(ColumnError, match=r"MultiIndex of columns"):
        _run(frame)


def test_integer_column_names_are_read_as_text():
    frame = BASE.copy()
    frame[0] = 1
    assert _run(frame).strata.equals(_run(BASE).strata)


@pytest.mark.parametrize("column", ["system", "age", "admission_date", "primary_diagnosis"])
def test_list_cells_refused_naming_the_column(column):
    frame = BASE.copy()
    frame[column] = [[v] for v in frame[column]]
    with pytest.raises(ColumnTypeError, match=rf"column '{column}'"):
        _run(frame, by=["system", "condition", "age_band"])


def test_all_null_categorical_warns():
    frame = BASE.assign(sex=pd.Categorical([None] * 3))
    with pytest.warns(DataQualityWarning, match=r"'unknown_sex'"):
        result = _run(frame)
    assert result.rows_read == result.rows_excluded == 3


def test_uint64_person_ids_above_2_63_stay_distinct():
    """2**63 cast to int64 became the missing-id sentinel (-2**63): two persons were counted as one."""
    frame = BASE.assign(person_id=np.array([2**64 - 1, 2**63, 2**63 + 1], dtype=np.uint64))
    for unit in ("episode", "spell"):
        result = kpcompare.aggregate(kpcompare.read_episodes(frame), by=["system"], unit=unit, progress=False)
        assert result.strata["persons"].tolist() == [2, 1]


def test_sums_beyond_float64_exactness_are_refused():
    """A stay of 2**62 days was summed with 3 into 4611686018427387904 (3 lost; near 2**63 the int64 cast
    wraps round); float64 sums are exact below 2**53 only, so the stratum is refused naming the measure."""
    frame = BASE.drop(columns=["admission_date", "discharge_date"]).assign(length_of_stay=[2**62, 3, 1])
    with pytest.raises(InvalidValueError, match=r"column 'bed_days': a stratum's sum \(4\.612e\+18\) exceeds "
                                                r"2\*\*53"):
        _run(frame, by=["system"])
    frame = frame.assign(length_of_stay=[2**40, 3, 1])  # 2**40 + 3 is exact: summed
    assert _run(frame, by=["system"]).strata["bed_days"].tolist() == [2**40 + 3, 1]


def test_time_zone_aware_dates_count_by_their_local_date():
    """2020-01-01 00:30 in Paris is 2019-12-31 23:30 UTC; the episode happened on 1 January there (the
    old reader took the UTC date, 31 December)."""
    admitted = pd.Series(pd.to_datetime(["2020-01-01 00:30", "2020-01-02 12:00"])).dt.tz_localize("Europe/Paris")
    frame = BASE.iloc[:2].assign(admission_date=admitted, discharge_date=admitted + pd.Timedelta(days=1))
    extract = kpcompare.read_episodes(frame)
    days = extract.to_pandas(["admission_date"])["admission_date"].astype(str).tolist()
    assert days == ["2020-01-01", "2020-01-02"]


def test_weighted_sums_beyond_float64_exactness_are_refused_like_counts():
    """Weighted sums had no such check: weights of 2**52 summed to 2**53 + 2**52 and were returned as they
    were, while the same total of counts is refused; now both meet the one rule (a stratum's sum below 2**53)."""
    frame = BASE.drop(columns=["admission_date", "discharge_date"]).assign(length_of_stay=[1, 1, 1],
                                                                            weight=[2.0**52, 2.0**53, 1.0])
    with pytest.raises(InvalidValueError, match=r"column 'weighted_admissions': a stratum's weighted sum "
                                                r"\(1\.351e\+16\) exceeds 2\*\*53.*rescale the weights"):
        kpcompare.aggregate(kpcompare.read_episodes(frame), by=["system"], weights="weight", progress=False)
    frame = frame.assign(weight=[2.0**40, 3.0, 1.0])  # well below: summed as before
    result = kpcompare.aggregate(kpcompare.read_episodes(frame), by=["system"], weights="weight", progress=False)
    assert result.strata["weighted_admissions"].tolist() == [2.0**40 + 3, 1.0]
