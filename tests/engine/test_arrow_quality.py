"""The DataQualityWarning of aggregate (issue 17): one validity rule taking more than half the rows read, or
rows read and none counted, is named with its share; the reasons asked for do not count; an empty extract
is silent.  Shares are worked by hand from the rows below."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import DataQualityWarning, KpcompareWarning
from kpcompare.extract.rules import DATA_QUALITY_SHARE


def _frame(sexes, admitted=("2020-01-01",)) -> pd.DataFrame:
    n = len(sexes)
    return pd.DataFrame({"system": ["A"] * n, "sex": list(sexes), "age": [40.0] * n,
                         "admission_date": (list(admitted) * n)[:n], "discharge_date": ["2020-01-02"] * n,
                         "primary_diagnosis": ["I21"] * n})


def _aggregate(frame, **options):
    return kpcompare.aggregate(frame, by=["system", "sex"], progress=False, **options)


def test_warning_is_a_kpcompare_warning():
    assert issubclass(DataQualityWarning, KpcompareWarning) and DATA_QUALITY_SHARE == 0.5


def test_more_than_half_under_one_reason_warns_with_the_share():
    with pytest.warns(DataQualityWarning, match=r"^aggregate: 75% of the rows read \(3 of 4\) were excluded as "
                                                r"'unknown_sex' \(.*\)\.$"):
        result = _aggregate(_frame(["9", "9", "9", "M"]))
    assert result.rows_counted == 1


def test_half_or_less_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _aggregate(_frame(["9", "9", "M", "F"]))


def test_no_row_counted_says_why():
    with pytest.warns(DataQualityWarning, match=r"100% of the rows read \(2 of 2\) .*'missing_date'.*no row could "
                                                r"be counted.*date_format="):
        _aggregate(_frame(["M", "F"], admitted=("2020-31-01",)))


def test_reasons_asked_for_do_not_warn():
    frame = _frame(["M", "F", "M"], admitted=("2019-01-01", "2019-01-01", "2020-01-01"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _aggregate(frame, period=("2020-01-01", None))  # 2 of 3 outside the period: asked for
        result = _aggregate(frame, period=("2021-01-01", None))  # all of them: still the caller's choice
        assert result.rows_counted == 0


def test_empty_extract_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = _aggregate(_frame(["M"]).iloc[:0])
    assert result.rows_read == 0 and result.strata.empty
