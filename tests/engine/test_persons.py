"""``persons``: the distinct persons of each stratum, counted in partitions by person (kpcompare.engine.persons).

The expected counts are a plain pandas ``groupby(...).nunique()`` of the person ids of the counted rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.engine import streaming as engine_streaming
from kpcompare.engine import units


def _frame(rows: int = 600, persons: int = 90, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    admit = [dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 200, rows)]
    frame = pd.DataFrame({
        "person_id": pd.array(rng.integers(0, persons, rows), dtype="Int64"),
        "system": rng.choice(["A", "B"], rows), "sex": rng.choice(["F", "M", "9"], rows),
        "age": rng.integers(0, 100, rows), "primary_diagnosis": rng.choice(["J44.1", "I21.0", "XYZ"], rows),
        "admission_date": admit, "discharge_date": [d + dt.timedelta(days=2) for d in admit],
    })
    frame.loc[rng.random(rows) < 0.05, "person_id"] = pd.NA
    return frame


def _expected(frame: pd.DataFrame) -> pd.Series:
    counted = frame[frame["sex"] != "9"]  # (codes are judged only when condition is a stratum)
    return counted.groupby(["system", "sex"])["person_id"].nunique()  # NA ids are not persons


@pytest.mark.parametrize("partition_rows", [None, 10])
def test_persons_are_distinct_ids_per_stratum_across_partitions(monkeypatch, partition_rows):
    frame = _frame()
    written = []
    if partition_rows is not None:  # pairs partitions of 30 rows: about 20 partition files
        monkeypatch.setattr(engine_streaming, "PARTITION_ROWS", partition_rows)
        add = units.Partitioner.add
        monkeypatch.setattr(units.Partitioner, "add", lambda self, arrays, bounds=None: (
            written.append(self.n_parts), add(self, arrays, bounds))[1])
    extract = kpcompare.read_episodes(frame, coding="icd10", batch_rows=37)
    result = kpcompare.aggregate(extract, by=("system", "sex"), progress=False)
    got = result.strata.set_index(["system", "sex"])["persons"]
    want = _expected(frame)
    assert list(got.index) == list(want.index)
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
    assert result.rows_read == result.rows_counted + result.rows_excluded
    if partition_rows is not None:
        assert min(written) >= 15  # the pairs really were spread over many partitions


def test_the_partitioned_path_counts_the_same_persons():
    """With duplicate checks the rows themselves are partitioned (kpcompare.engine.units): the same persons."""
    frame = _frame().assign(episode_id=range(600))
    fast = kpcompare.aggregate(frame, by=("system", "sex"), progress=False)
    rows = kpcompare.aggregate(frame, by=("system", "sex"), check_duplicates=True, progress=False)
    pd.testing.assert_frame_equal(fast.strata, rows.strata)


def _persons(kind: int, n: int, rng: np.random.Generator) -> np.ndarray:
    from kpcompare.engine.plan import MISSING_ID

    if kind == 0:  # integer ids of a narrow span: offset, no hashing
        return rng.integers(0, 3 * n + 1, n)
    if kind == 1:  # integer ids of a wide span (2**45): numbered by hashing
        return rng.integers(0, 1 << 45, max(1, n // 4))[rng.integers(0, max(1, n // 4), n)]
    pool = rng.integers(np.iinfo(np.int64).min + 1, np.iinfo(np.int64).max, max(1, n // 4))  # hashed text ids
    person = pool[rng.integers(0, len(pool), n)]
    person[rng.random(n) < 0.1] = MISSING_ID  # no person id
    return person


@settings(max_examples=120, deadline=None)
@given(n=st.integers(0, 3000), kind=st.integers(0, 2), strata=st.sampled_from([1, 7, 1200, 1 << 40]),
       seed=st.integers(0, 2**32 - 1))
def test_first_of_pairs_and_pair_counts_match_pandas(n, kind, strata, seed):
    """The first row of each (stratum key, person) pair and the distinct persons per key, against pandas'
    ``duplicated(keep="first")`` and ``groupby(...).nunique()`` (rows without a person id count no person);
    a key span of 2**40 sends the pairs to the sorting fallback."""
    from kpcompare.engine.persons import _first_of_pairs, _pair_counts
    from kpcompare.engine.plan import MISSING_ID

    rng = np.random.default_rng(seed)
    person = _persons(kind, n, rng)
    key = rng.integers(0, strata, n)
    frame = pd.DataFrame({"key": key, "person": person})
    want_first = ~frame.duplicated(["key", "person"], keep="first").to_numpy() & (person != MISSING_ID)
    np.testing.assert_array_equal(_first_of_pairs(key, person), want_first)
    valid = frame[frame["person"] != MISSING_ID]
    want = valid.groupby("key")["person"].nunique()
    keys, counts = _pair_counts(valid["key"].to_numpy(), valid["person"].to_numpy())
    np.testing.assert_array_equal(keys, want.index.to_numpy())
    np.testing.assert_array_equal(counts, want.to_numpy())
