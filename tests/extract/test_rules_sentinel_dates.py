"""HES placeholder dates read as missing: each meets the ``missing_date`` exclusion.

Source of the four dates: The Health Foundation's HES pipeline (github.com/HFAnalyticsLab/HES_pipeline,
``src/clean.R``, ``parse_HES``), which converts 1800-01-01, 1801-01-01, 1600-01-01 and 1582-10-15 to NA in
every HES date column.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.extract.convert import MIN_VALID_DATE
from kpcompare.extract.rules import EXCLUSION_REASONS, HES_SENTINEL_DATES

GOOD = dt.date(2020, 1, 1)


def test_the_sentinels_are_the_four_hes_placeholders_and_all_fall_before_the_valid_range():
    assert HES_SENTINEL_DATES == (dt.date(1800, 1, 1), dt.date(1801, 1, 1), dt.date(1600, 1, 1),
                                  dt.date(1582, 10, 15))
    assert all(d < MIN_VALID_DATE for d in HES_SENTINEL_DATES)
    assert all(d.isoformat() in EXCLUSION_REASONS["missing_date"] for d in HES_SENTINEL_DATES)


def _frame(dates, column):
    n = len(dates)
    frame = pd.DataFrame({"person_id": range(n), "provider": "P", "system": "NHS", "sex": "F", "age": 70.0,
                          "admission_date": [GOOD] * n, "discharge_date": [dt.date(2020, 1, 3)] * n,
                          "primary_diagnosis": "J44.1"})
    frame[column] = dates
    return frame


def _missing(extract, unit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # most rows excluded: a DataQualityWarning, expected here
        result = kpcompare.aggregate(extract, by=("system",), unit=unit, progress=False)
    assert result.rows_read == result.rows_counted + result.rows_excluded
    return int(result.exclusions.set_index("reason").loc["missing_date", "rows"]), result.rows_counted


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@pytest.mark.parametrize("column", ["admission_date", "discharge_date"])
def test_native_sentinel_dates_are_missing(tmp_path, unit, column):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pandas(_frame(list(HES_SENTINEL_DATES) + [GOOD], column)), path)
    # a spell's end is its latest known discharge: with a placeholder discharge it has none (rule S4), so the
    # spell is excluded as missing_date too; only the row with real dates counts
    assert _missing(path, unit) == (4, 1)


@pytest.mark.parametrize(("date_format", "texts"), [
    ("hes", ["1800-01-01", "1801-01-01", "1600-01-01", "1582-10-15"]),
    ("hes", ["18000101", "18010101", "16000101", "15821015"]),
    ("%d/%m/%Y", ["01/01/1800", "01/01/1801", "01/01/1600", "15/10/1582"]),
])
def test_sentinel_dates_written_as_text_are_missing(tmp_path, date_format, texts):
    good = {"hes": GOOD.isoformat() if "-" in texts[0] else GOOD.strftime("%Y%m%d"),
            "%d/%m/%Y": GOOD.strftime("%d/%m/%Y")}[date_format]
    frame = _frame(texts + [good], "admission_date")
    frame["discharge_date"] = good
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    extract = kpcompare.read_episodes(path, date_format=date_format)
    assert _missing(extract, "episode") == (4, 1)
