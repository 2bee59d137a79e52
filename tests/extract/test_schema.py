"""The pandera episode schema names each broken rule by its exclusion reason; type checks per batch."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.errors
import pyarrow as pa
import pytest

from kpcompare.errors import ColumnTypeError
from kpcompare.extract.schema import batch_schema, check_batch_types, episode_schema

FRAME = pd.DataFrame({
    "sex": ["M", "9", "F"], "age": [40.0, 50.0, 130.0],
    "admission_date": [dt.date(2020, 1, 2), dt.date(2020, 1, 2), dt.date(2020, 1, 2)],
    "discharge_date": [dt.date(2020, 1, 3), dt.date(2020, 1, 1), dt.date(2020, 1, 2)],
    "primary_diagnosis": ["J44.1", "J441", "ZZZZ9"], "episode_status": ["finished", "finished", "unfinished"],
})


def test_episode_schema_names_the_broken_rules():
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        episode_schema(coding="icd10").validate(FRAME, lazy=True)
    failed = {text.split(":")[0] for text in info.value.failure_cases["check"].astype(str)}
    assert {"unknown_sex", "age_out_of_range", "discharge_before_admission", "invalid_code",
            "unfinished_episode"} <= failed


def test_episode_schema_accepts_valid_rows():
    episode_schema(coding="icd10").validate(FRAME.iloc[:1])


def test_batch_schema_and_type_check():
    good = pa.RecordBatch.from_pydict({"age": pa.array([1.0]), "sex": pa.array(["M"])})
    try:
        import pandera.pyarrow  # noqa: F401  (pandera >= 0.34)
    except ImportError:  # pandera 0.22 (pandas 1.5, Databricks 15.4/16.4 LTS) has no pyarrow backend: say so
        with pytest.raises(ImportError, match=r"pandera 0\.22\.\d+ has no pyarrow backend"):
            batch_schema(("age", "sex"))
    else:
        batch_schema(("age", "sex")).validate(pa.Table.from_batches([good]))
    check_batch_types(good, location="test")
    bad = pa.RecordBatch.from_pydict({"age": pa.array(["1"])})
    with pytest.raises(ColumnTypeError, match=r"test: canonical column 'age' has type string, expected double"):
        check_batch_types(bad, location="test")
