"""Bad options of aggregate (kpcompare.engine.plan.make_plan), columns a computation needs, empty extracts.
One test per error message (the message is matched)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, KpcompareError, MissingColumnError

ROWS = pd.DataFrame({
    "system": ["A", "B", "A"], "sex": ["M", "F", "F"], "age": [70.0, 3.0, 45.0],
    "admission_date": [dt.date(2020, 1, 1)] * 3, "discharge_date": [dt.date(2020, 1, 2)] * 3,
    "primary_diagnosis": ["J44.1", "I64", "K35"],
})


def test_column_needed_by_aggregate_is_named():
    with pytest.raises(MissingColumnError, match=r"needs the canonical column 'system'"):
        kpcompare.aggregate(ROWS.drop(columns="system"), progress=False)


def test_bed_days_need_dates_or_length_of_stay():
    with pytest.raises(MissingColumnError, match=r"bed days \(or map 'length_of_stay'.*'admission_date'"):
        kpcompare.aggregate(ROWS.drop(columns=["admission_date", "discharge_date"]), progress=False)


def test_spells_need_person_and_provider():
    with pytest.raises(MissingColumnError, match=r"unit='spell' needs the canonical column 'person_id'"):
        kpcompare.aggregate(ROWS, unit="spell", progress=False)


@pytest.mark.parametrize("option, value, message", [
    ("unit", "stay", r"argument 'unit': unknown value 'stay'"),
    ("bed_days", "nights", r"argument 'bed_days': unknown value 'nights'"),
    ("newborns", "drop", r"argument 'newborns': unknown value 'drop'"),
    ("weights", "w", r"argument 'weights': give weights='weight'"),
    ("period", ("2020-02-01", "2020-01-01"), r"argument 'period': the last day comes before the first"),
    ("period", "2020", r"argument 'period': expected \(first_day, last_day\)"),
    ("by", ("sex", "sex"), r"argument 'by': .* names a column twice"),
    ("by", ("region",), r"argument 'by': 'region' is neither"),
])
def test_bad_options(option, value, message):
    with pytest.raises(KpcompareError, match=message):
        kpcompare.aggregate(ROWS, progress=False, **{option: value})


def test_period_needs_dates():
    frame = pd.DataFrame({"sex": ["M"], "length_of_stay": [2]})
    with pytest.raises(InvalidArgumentError, match=r"clipping stays to a period needs admission and discharge"):
        kpcompare.aggregate(frame, by=("sex",), period=("2020-01-01", "2020-12-31"), progress=False)


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
def test_empty_extract_gives_a_valid_empty_result(unit):
    frame = ROWS.iloc[:0].assign(person_id=pd.Series([], dtype="int64"), provider=pd.Series([], dtype=object))
    result = kpcompare.aggregate(frame, unit=unit, progress=False)
    assert result.rows_read == 0 == result.rows_counted + result.rows_excluded
    assert list(result.strata.columns[:7]) == ["system", "sex", "age_band", "condition", "admissions",
                                               "bed_days", "episodes"]
    assert len(result.strata) == 0


def test_conditions_of_the_wrong_type():
    with pytest.raises(InvalidArgumentError, match=r"argument 'conditions': expected None, a mapping"):
        kpcompare.aggregate(ROWS, conditions=["J44"], progress=False)


def _stays(order: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"person_id": [1, 2], "provider": ["P", "P"], "system": ["A", "A"], "sex": ["F", "M"],
                          "age": [70, 80], "primary_diagnosis": ["I63", "J44"],
                          "admission_date": [dt.date(2020, 1, 1)] * 2, "discharge_date": [dt.date(2020, 1, 4)] * 2})
    return frame.assign(episode_order=[1, 1]) if order else frame


@pytest.mark.parametrize(("options", "order", "message"), [
    ({"period": ("2020-01-01", "2020-12-31")}, False,
     r"argument 'bed_days_squared': not available with 'period': a stay that began before the period adds bed days "
     r"but no admission"),
    ({"unit": "episode"}, True, r"argument 'bed_days_squared': with unit='episode' and an 'episode_order' column, "
                                r"later episodes .* use unit='spell'"),
    ({"unit": "episode", "bed_days_squared": "yes"}, False,
     r"argument 'bed_days_squared': expected True or False, got 'yes'"),
])
def test_bed_days_squared_where_it_is_not_a_variance(options, order, message):
    options = {"bed_days_squared": True, **options}
    with pytest.raises(InvalidArgumentError, match=message):
        kpcompare.aggregate(_stays(order), progress=False, **options)


def test_bed_days_squared_where_each_row_is_a_stay():
    result = kpcompare.aggregate(_stays(False), by=("system",), bed_days_squared=True, progress=False)
    assert result.strata[["admissions", "bed_days", "bed_days_squared"]].values.tolist() == [[2, 6, 18]]
