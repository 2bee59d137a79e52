"""Thread invariance: the number of worker threads never changes a number (strata, exclusions, rows read).

Row groups are read and staged on ``threads`` workers; their partial sums are combined in the order of the
source, so float sums (fractional weights) are formed in the same order whatever the thread count.  The
expected values are the single-threaded run's, compared exactly (not within a tolerance).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from episode_strategies import BOUNDS, ENGINE_GROUPS, extracts
from hypothesis import HealthCheck, given, settings

import kpcompare
from kpcompare.errors import InvalidArgumentError

# random extracts exclude most of their rows by design: the DataQualityWarning that follows is tested in
# tests/engine/test_arrow_quality.py; here only the counts are compared
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(path, *, threads: int, unit: str = "episode", weights="weight", period=("2020-01-03", "2020-01-20")):
    result = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), age_bands=BOUNDS,
                                 conditions=ENGINE_GROUPS, unit=unit, weights=weights, period=period,
                                 progress=False, threads=threads)
    assert result.rows_read == result.rows_counted + result.rows_excluded
    return result


def identical(a, b) -> None:
    pd.testing.assert_frame_equal(a.strata, b.strata, check_exact=True)
    pd.testing.assert_frame_equal(a.exclusions, b.exclusions, check_exact=True)
    assert a.rows_read == b.rows_read


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts)
def test_thread_count_does_not_change_results(frame, unit):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "episodes.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=3)
        expected = run(path, threads=1, unit=unit)
        for threads in (2, 3):
            identical(run(path, threads=threads, unit=unit), expected)


def _random_extract(n: int, seed: int) -> pd.DataFrame:
    """Many row groups with fractional weights: float sums would show any change of summation order."""
    rng = np.random.default_rng(seed)
    admission = np.datetime64("2020-01-01") + rng.integers(0, 30, n).astype("timedelta64[D]")
    stay = np.where(rng.random(n) < 0.4, 0, rng.integers(-1, 9, n)).astype("timedelta64[D]")
    frame = pd.DataFrame({
        "person_id": rng.integers(0, n // 3, n), "episode_id": np.arange(n), "provider": rng.choice(["P1", "P2"], n),
        "system": rng.choice(["A", "B", "C"], n), "sex": rng.choice(["M", "F", "9"], n, p=[0.49, 0.49, 0.02]),
        "age": rng.integers(-1, 110, n).astype(float), "episode_order": rng.choice([1, 1, 1, 2], n),
        "primary_diagnosis": rng.choice(["J44.1", "I64X", "I61.9", "K35", "XYZ", "C50.9", "S72.0"], n),
        "episode_status": rng.choice(["finished"] * 20 + ["unfinished"], n),
        "weight": rng.random(n) * 97.3, "admission_date": admission.astype("datetime64[s]").astype(object),
        "discharge_date": (admission + stay).astype("datetime64[s]").astype(object),
        "admission_source": rng.choice(["19", "51"], n), "admission_method": rng.choice(["11", "81"], n),
        "discharge_destination": rng.choice(["19", "49"], n),
    })
    frame["admission_date"] = pd.to_datetime(frame["admission_date"]).dt.date
    frame["discharge_date"] = pd.to_datetime(frame["discharge_date"]).dt.date
    return frame


@pytest.mark.parametrize("unit", ["episode", "cips"])
def test_thread_count_does_not_change_weighted_sums(tmp_path, unit):
    path = tmp_path / "episodes.parquet"
    pq.write_table(pa.Table.from_pandas(_random_extract(20_000, seed=7), preserve_index=False), path,
                   row_group_size=1_500)
    expected = run(path, threads=1, unit=unit)
    assert expected.rows_read == 20_000 and expected.rows_counted > 5_000
    assert (expected.exclusions.set_index("reason")["rows"][["unknown_sex", "age_out_of_range",
                                                             "discharge_before_admission"]] > 0).all()
    for threads in (2, 4):
        identical(run(path, threads=threads, unit=unit), expected)
    unweighted = run(path, threads=1, unit=unit, weights=None, period=None)
    identical(run(path, threads=2, unit=unit, weights=None, period=None), unweighted)


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "2"])
def test_threads_must_be_a_positive_integer(threads):
    frame = _random_extract(10, seed=1)
    with pytest.raises(InvalidArgumentError, match="threads"):
        kpcompare.aggregate(frame, progress=False, threads=threads)


@pytest.mark.parametrize("unit", ["episode", "spell"])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_corrupt_row_group_stops_a_threaded_run_with_its_name(tmp_path, unit, threads):
    """A worker's read error reaches the caller (naming file and row group); the other workers do not hang."""
    from kpcompare.errors import SourceReadError

    path = tmp_path / "rg.parquet"
    frame = _random_extract(3_000, seed=5)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=500,
                   compression="none")
    meta = pq.ParquetFile(path).metadata
    column = meta.row_group(2).column(frame.columns.get_loc("primary_diagnosis"))
    offset = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[offset:offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(SourceReadError, match=r"rg\.parquet' row group 2 cannot be read"):
        kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), unit=unit, progress=False,
                            threads=threads)
