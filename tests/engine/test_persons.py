"""``persons``: the distinct persons of each stratum, counted in partitions by person (kpcompare.engine.persons).

The expected counts are a plain pandas ``groupby(...).nunique()`` of the person ids of the counted rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

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
        monkeypatch.setattr(units.Partitioner, "add", lambda self, arrays: (written.append(self.n_parts),
                                                                              add(self, arrays))[1])
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
