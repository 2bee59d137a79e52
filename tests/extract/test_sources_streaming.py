"""Issue 3: "Streams Parquet one row group at a time ... CSV is streamed in blocks".  These tests watch the
readers themselves: every Parquet row group is read once, on its own, and never the whole file; a CSV file
is read block by block through pyarrow's streaming reader, never whole.  (That memory then stays flat is
measured by benchmarks/bench_aggregate.py, docs/performance.md.)"""

from __future__ import annotations

import threading

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.extract import sources

ROWS, GROUP = 6000, 1000


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "system": ["A", "B", "C"] * (ROWS // 3),
        "sex": ["M", "F"] * (ROWS // 2),
        "age": [i % 97 for i in range(ROWS)],
        "admission_date": pd.to_datetime(18000 + pd.Series(range(ROWS)) % 300, unit="D").dt.date,
        "discharge_date": pd.to_datetime(18000 + pd.Series(range(ROWS)) % 300 + 2, unit="D").dt.date,
        "primary_diagnosis": [["I21.0", "J44.1", "S72.0", "C50.9"][i % 4] for i in range(ROWS)],
    })


def _never_whole(monkeypatch, path) -> None:
    """Reading the extract's file whole (with pyarrow or pandas) fails the test; other files (the bundled
    standard populations) may be read as usual."""
    for module, name in ((pq, "read_table"), (pq.ParquetFile, "read"), (pcsv, "read_csv"), (pd, "read_csv"),
                         (pd, "read_parquet")):
        original = getattr(module, name)

        def refuse(*args, _original=original, **kwargs):
            if any(str(a) == str(path) for a in args) or isinstance(args[0], pq.ParquetFile):
                raise AssertionError(f"{path} was read whole")
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, refuse)


@pytest.mark.parametrize("threads", [1, 2])
def test_parquet_is_read_one_row_group_at_a_time(tmp_path, monkeypatch, threads):
    path = tmp_path / "extract.parquet"
    pq.write_table(pa.Table.from_pandas(_frame(), preserve_index=False), path, row_group_size=GROUP)
    _never_whole(monkeypatch, path)
    calls, lock = [], threading.Lock()
    read = sources._RowGroupReader.read

    def counting(self, group):
        table = read(self, group)
        with lock:
            calls.append((group, table.num_rows))
        return table

    monkeypatch.setattr(sources._RowGroupReader, "read", counting)
    result = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), progress=False, threads=threads)
    assert sorted(calls) == [(g, GROUP) for g in range(ROWS // GROUP)]  # each row group once, on its own
    assert result.rows_read == ROWS == result.rows_counted + result.rows_excluded


def test_csv_is_read_in_blocks(tmp_path, monkeypatch):
    path = tmp_path / "extract.csv"
    _frame().to_csv(path, index=False)
    size = path.stat().st_size
    _never_whole(monkeypatch, path)
    monkeypatch.setitem(sources.CsvSource.__init__.__kwdefaults__, "block_bytes", 16 << 10)  # 16 KB blocks
    batches = []
    original = sources.CsvSource.pieces

    def counting(self, *args, **kwargs):
        for piece in original(self, *args, **kwargs):
            batches.append(piece.batch.num_rows)
            yield piece

    monkeypatch.setattr(sources.CsvSource, "pieces", counting)
    result = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), progress=False)
    assert len(batches) >= size // (16 << 10)  # one batch per block at least
    assert max(batches) < ROWS and sum(batches) == ROWS
    assert result.rows_read == ROWS == result.rows_counted + result.rows_excluded
