"""aggregate called from two threads at once, on different files and on the same file, gives the serial
results exactly (issue 17): no state is shared between calls (memos are per value and locked)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpcompare

UNITS = ["episode", "spell", "cips"]


def _frame(seed: int, rows: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 300, rows), unit="D")
    return pd.DataFrame({
        "person_id": rng.integers(0, 400, rows).astype(str), "episode_id": np.arange(rows).astype(str),
        "provider": rng.choice(["p", "q"], rows), "system": rng.choice(["A", "B"], rows),
        "sex": rng.choice(["M", "F", "9"], rows), "age": rng.integers(0, 100, rows).astype(float),
        "admission_date": start, "discharge_date": start + pd.to_timedelta(rng.integers(0, 9, rows), unit="D"),
        "primary_diagnosis": rng.choice(["I21", "J44", "C50", "K35", "XX"], rows),
    })


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrent")
    paths = []
    for seed, name in ((1, "a.parquet"), (2, "b.csv")):
        path = folder / name
        frame = _frame(seed)
        if name.endswith(".parquet"):
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=500)
        else:
            frame.to_csv(path, index=False)
        paths.append(path)
    return paths


def _run(path, unit):
    result = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), by=["system", "sex", "age_band"],
                                 unit=unit, period=("2020-03-01", None), progress=False)
    assert result.rows_read == result.rows_counted + result.rows_excluded
    return result


def _same(a, b):
    pd.testing.assert_frame_equal(a.strata, b.strata, check_exact=True)
    pd.testing.assert_frame_equal(a.exclusions, b.exclusions, check_exact=True)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("same_file", [True, False])
def test_two_threads_give_the_serial_results(files, unit, same_file):
    jobs = [files[0], files[0]] if same_file else list(files)
    serial = [_run(path, unit) for path in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        concurrent = list(pool.map(lambda path: _run(path, unit), jobs * 2))
    for got, expected in zip(concurrent, serial * 2, strict=True):
        _same(got, expected)
