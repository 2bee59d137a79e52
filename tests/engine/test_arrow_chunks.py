"""Chunk invariance: any row-group size, split into files, CSV block size or partition count gives identical
strata and exclusions (and every run reconciles: rows read = counted + excluded)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from episode_strategies import BOUNDS, ENGINE_GROUPS, extracts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.engine import streaming as engine_streaming
from kpcompare.engine import strata
from kpcompare.extract import sources

# random extracts exclude most of their rows by design: the DataQualityWarning that follows is tested in
# tests/engine/test_arrow_quality.py; here only the counts are compared
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(source, unit="episode", **options):
    result = kpcompare.aggregate(kpcompare.read_episodes(source, coding="icd10", **options), age_bands=BOUNDS,
                                 conditions=ENGINE_GROUPS, unit=unit, weights="weight",
                                 period=("2020-01-03", "2020-01-20"), progress=False)
    assert result.rows_read == result.rows_counted + result.rows_excluded
    return result


def same(a, b):
    pd.testing.assert_frame_equal(a.strata, b.strata)
    pd.testing.assert_frame_equal(a.exclusions, b.exclusions)
    assert a.rows_read == b.rows_read


def write_splits(table: pa.Table, folder: Path, *, files: int, row_group: int) -> None:
    step = max(1, -(-table.num_rows // files))
    for i, start in enumerate(range(0, max(table.num_rows, 1), step)):
        pq.write_table(table.slice(start, step), folder / f"part-{i:03d}.parquet", row_group_size=row_group)


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts)
def test_row_groups_and_file_splits_do_not_change_results(frame, unit):
    table = pa.Table.from_pandas(frame, preserve_index=False)
    expected = run(frame, unit)
    with tempfile.TemporaryDirectory() as tmp:
        for files, row_group in [(1, 1), (1, 7), (3, 2), (5, 1000)]:
            folder = Path(tmp) / f"f{files}-{row_group}"
            folder.mkdir()
            write_splits(table, folder, files=files, row_group=row_group)
            same(run(folder, unit), expected)
            if files == 1:
                same(run(folder / "part-000.parquet", unit), expected)


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts, data=st.data())
def test_any_row_group_size_and_uneven_file_split(frame, unit, data):
    """Drawn row-group sizes and cut points (files of unequal sizes, empty files included)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    cuts = sorted(data.draw(st.lists(st.integers(0, table.num_rows), max_size=4), label="cuts"))
    row_group = data.draw(st.integers(1, 40), label="row_group")
    expected = run(frame, unit)
    with tempfile.TemporaryDirectory() as tmp:
        bounds = [0, *cuts, table.num_rows]
        for i, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            pq.write_table(table.slice(lo, hi - lo), Path(tmp) / f"part-{i:03d}.parquet", row_group_size=row_group)
        same(run(Path(tmp), unit), expected)


@pytest.mark.parametrize("unit", ["episode", "cips"])
@SETTINGS
@given(frame=extracts)
def test_batch_rows_and_partitions_do_not_change_results(frame, unit):
    expected = run(frame, unit)
    for rows in (1, 3, 16):
        same(run(frame, unit, batch_rows=rows), expected)
    original = engine_streaming.PARTITION_ROWS
    try:
        engine_streaming.PARTITION_ROWS = 4  # many partitions, written to temporary Arrow files
        same(run(frame, unit, batch_rows=5), expected)
    finally:
        engine_streaming.PARTITION_ROWS = original


@SETTINGS
@given(frame=extracts)
def test_csv_blocks_do_not_change_results(frame):
    expected = run(frame)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "episodes.csv"
        frame.to_csv(path, index=False)
        defaults = sources.CsvSource.__init__.__kwdefaults__
        try:
            for block in (256, 1 << 20):
                sources.CsvSource.__init__.__kwdefaults__ = {"block_bytes": block}
                same(run(path), expected)
        finally:
            sources.CsvSource.__init__.__kwdefaults__ = defaults


@pytest.mark.parametrize("unit", ["episode", "spell"])
@SETTINGS
@given(frame=extracts)
def test_summing_partials_early_does_not_change_results(frame, unit):
    """Partial sums are folded into one every PARTS_KEPT batches (memory stays flat on long extracts)."""
    expected = run(frame, unit, batch_rows=2)
    kept, rows = strata.PARTS_KEPT, engine_streaming.PARTITION_ROWS
    try:
        strata.PARTS_KEPT = 2
        same(run(frame, unit, batch_rows=2), expected)
        engine_streaming.PARTITION_ROWS = 3  # spells: one partial per partition
        same(run(frame, unit, batch_rows=2), expected)
    finally:
        strata.PARTS_KEPT, engine_streaming.PARTITION_ROWS = kept, rows


def test_summing_partials_early_adds_the_same_stratum_across_batches():
    """A hand case: 30 admissions of one stratum read one row per batch, folded every 2 batches."""
    frame = pd.DataFrame({"system": ["A"] * 30, "sex": ["F"] * 30, "age": [70.0] * 30,
                          "primary_diagnosis": ["J44.1"] * 30, "weight": [2.5] * 30,
                          "admission_date": [pd.Timestamp("2020-01-05").date()] * 30,
                          "discharge_date": [pd.Timestamp("2020-01-08").date()] * 30})
    kept = strata.PARTS_KEPT
    try:
        strata.PARTS_KEPT = 2
        result = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10", batch_rows=1),
                                     age_bands=BOUNDS, conditions=ENGINE_GROUPS, weights="weight", progress=False)
    finally:
        strata.PARTS_KEPT = kept
    row = result.strata.iloc[0]
    assert len(result.strata) == 1
    assert (row["admissions"], row["bed_days"], row["episodes"]) == (30, 90, 30)
    assert (row["weighted_admissions"], row["weighted_bed_days"]) == (75.0, 225.0)
