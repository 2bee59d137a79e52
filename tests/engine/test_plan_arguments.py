"""aggregate checks every option before reading (issue 17); open-ended and time-zoned periods are read."""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import DataQualityWarning, InvalidArgumentError, KpcompareError

FRAME = pd.DataFrame({
    "person_id": ["a", "b", "c", "d"], "episode_id": ["1", "2", "3", "4"], "system": ["X", "X", "Y", "Y"],
    "sex": ["M", "F", "M", "F"], "age": [30.0, 40.0, 50.0, 60.0], "provider": ["p", "p", "q", "q"],
    "admission_date": ["2019-12-30", "2020-02-01", "2020-03-01", "2021-01-05"],
    "discharge_date": ["2020-01-03", "2020-02-01", "2020-03-04", "2021-01-07"],
    "primary_diagnosis": ["I21", "J44", "C50", "I21"], "weight": [1.0, 2.0, 1.5, 1.0],
})
FAULTS = [None, math.nan, "x", 123, -1, 0, True, [], ["a", "a"], {}, object(), 1.5]
OPTIONS = ["by", "age_bands", "conditions", "unit", "bed_days", "period", "weights", "newborns", "admissions_by",
           "persons", "check_duplicates", "threads", "cips_rules", "spell_diagnosis", "where", "progress",
           "bed_days_squared"]


def _aggregate(**options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return kpcompare.aggregate(FRAME, **{"by": ["system"], "progress": False, **options})


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("value", FAULTS, ids=repr)
def test_only_kpcompare_errors_escape(option, value):
    """The old code raised TypeError for by=123 and AttributeError for period=(..., None)."""
    try:
        result = _aggregate(**{option: value})
    except KpcompareError as exc:
        assert option in str(exc) or option == "by" and "column" in str(exc)
    else:
        assert result.rows_read == result.rows_counted + result.rows_excluded == len(FRAME)


@pytest.mark.parametrize("value", [123, 1.5, True, {"system": 1}, ["system", "system"], [1]])
def test_by_is_checked(value):
    with pytest.raises(InvalidArgumentError, match=r"argument 'by': "):
        _aggregate(by=value)


@pytest.mark.parametrize("value", ["yes", 1, math.nan])
def test_persons_and_progress_are_flags(value):
    with pytest.raises(InvalidArgumentError, match=r"argument 'persons': expected True, False or None"):
        _aggregate(persons=value)
    with pytest.raises(InvalidArgumentError, match=r"argument 'progress': expected True, False or None"):
        _aggregate(progress=value)


def _admissions(period):
    return int(_aggregate(period=period).strata["admissions"].sum())


@pytest.mark.parametrize("period, admissions", [
    (("2020-01-01", None), 3),           # open end: 2020-02-01, 2020-03-01, 2021-01-05 admitted
    ((None, "2020-12-31"), 3),           # open start: 2019-12-30, 2020-02-01, 2020-03-01
    ((None, None), 4),
    ((math.nan, pd.NaT), 4),
    ((dt.date(2020, 1, 1), dt.date(2020, 12, 31)), 2),
    ((np.datetime64("2020-01-01"), pd.Timestamp("2020-12-31")), 2),
])
def test_open_and_typed_periods(period, admissions):
    """period=("2020-01-01", None) was an AttributeError ('NaTType' object has no attribute 'normalize')."""
    assert _admissions(period) == admissions


def test_open_end_equals_a_far_bound():
    open_end = _aggregate(period=("2020-01-01", None))
    far = _aggregate(period=("2020-01-01", "2100-12-31"))
    assert open_end.strata.equals(far.strata) and open_end.exclusions.equals(far.exclusions)
    assert open_end.period == ("2020-01-01", None)


def test_time_zone_aware_bound_counts_by_its_local_date():
    """A tz-aware Timestamp was a TypeError; 2020-01-01 00:30 in Paris is 2020-01-01 there (UTC: 2019-12-31)."""
    aware = pd.Timestamp("2020-01-01 00:30", tz="Europe/Paris")
    assert _aggregate(period=(aware, "2020-12-31")).strata.equals(
        _aggregate(period=("2020-01-01", "2020-12-31")).strata)


@pytest.mark.parametrize("period, message", [
    (("2021-01-01", "2020-01-01"), r"argument 'period': the last day comes before the first \(last '2020-01-01', first '2021-01-01'\)"),
    (("not a date", None), r"argument 'period': 'not a date' is not a date"),
    ((True, None), r"argument 'period': True is not a date"),
    (("2020-01-01",), r"argument 'period': expected \(first_day, last_day\)"),
])
def test_bad_periods(period, message):
    with pytest.raises(InvalidArgumentError, match=message):
        _aggregate(period=period)
