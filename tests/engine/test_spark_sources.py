"""Spark sources of read_episodes (issue 19): Spark DataFrames recognised by duck typing (classic and Connect),
table names and paths read by the active session with ``engine="spark"``."""

from __future__ import annotations

import pandas as pd
import pytest
from spark_frames import to_spark

import kpcompare
from kpcompare.errors import InvalidArgumentError, MissingColumnError
from kpcompare.extract.spark_source import SparkSource, is_spark_dataframe

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

ROWS = pd.DataFrame({"system": ["A", "A", "B"], "sex": ["F", "M", None], "age": [70, 30, 50],
                     "admission_date": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"]).date,
                     "discharge_date": pd.to_datetime(["2020-01-04", "2020-01-02", "2020-01-05"]).date,
                     "primary_diagnosis": ["J44.1", "I64", "K35"]})


def test_duck_typing_tells_spark_frames_from_others(spark):
    frame = to_spark(spark, ROWS)
    assert is_spark_dataframe(frame)
    assert not is_spark_dataframe(ROWS) and not is_spark_dataframe(object())
    assert isinstance(kpcompare.read_episodes(frame).source, SparkSource)


def test_table_name_and_parquet_path_with_engine_spark(spark_classic, tmp_path):
    frame = to_spark(spark_classic, ROWS)
    frame.createOrReplaceGlobalTempView("kpcompare_test_episodes")  # whichever session is the active one
    want = kpcompare.aggregate(ROWS, by=("system",), progress=False)
    by_name = kpcompare.aggregate(kpcompare.read_episodes("global_temp.kpcompare_test_episodes", engine="spark"),
                                  by=("system",), progress=False)
    path = tmp_path / "episodes.parquet"
    ROWS.to_parquet(path)
    by_path = kpcompare.aggregate(kpcompare.read_episodes(str(path), engine="spark"), by=("system",),
                                  progress=False)
    for got in (by_name, by_path):
        pd.testing.assert_frame_equal(got.strata, want.strata)
        pd.testing.assert_frame_equal(got.exclusions, want.exclusions)


def test_mapping_errors_name_the_column_before_spark_runs(spark):
    frame = to_spark(spark, ROWS.drop(columns=["age"]))
    with pytest.raises(MissingColumnError, match="canonical column 'age'"):
        kpcompare.aggregate(frame, by=("age_band",), progress=False)


def test_a_spark_frame_is_not_read_by_the_arrow_engine(spark_classic):
    frame = to_spark(spark_classic, ROWS)
    with pytest.raises(InvalidArgumentError, match="a Spark DataFrame is aggregated on Spark"):
        kpcompare.read_episodes(frame, engine="arrow")
    extract = kpcompare.read_episodes(frame)
    with pytest.raises(InvalidArgumentError, match="is aggregated on Spark"):
        list(extract.batches(["sex"]))


def test_user_mapping_and_constants_travel_to_the_executors(spark_classic):
    renamed = ROWS.rename(columns={"system": "REGION", "primary_diagnosis": "DIAG"})
    options = dict(mapping={"sex": "sex", "age": "age", "admission_date": "admission_date",
                            "discharge_date": "discharge_date", "primary_diagnosis": "DIAG", "provider": "REGION"},
                   constants={"system": "NHS England"}, coding="icd10")
    want = kpcompare.aggregate(kpcompare.read_episodes(renamed, **options), by=("system", "provider"),
                               progress=False)
    got = kpcompare.aggregate(kpcompare.read_episodes(to_spark(spark_classic, renamed), **options),
                              by=("system", "provider"), progress=False)
    pd.testing.assert_frame_equal(got.strata, want.strata)
    assert list(got.strata["system"]) == ["NHS England", "NHS England"]


def test_an_empty_spark_frame_gives_empty_tables(spark_classic):
    frame = to_spark(spark_classic, ROWS).limit(0)
    got = kpcompare.aggregate(frame, by=("system",), progress=False)
    want = kpcompare.aggregate(ROWS.iloc[:0], by=("system",), progress=False)
    assert got.rows_read == 0 and len(got.strata) == 0
    pd.testing.assert_frame_equal(got.exclusions, want.exclusions)
