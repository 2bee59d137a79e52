"""Parquet row groups are read into kpcompare's reading pool (jemalloc where pyarrow has it), with the same
values as ``ParquetFile.read_row_group``; without the pooled reader, reading falls back to ``ParquetFile``."""

from __future__ import annotations

import pyarrow as pa
import pyarrow._parquet
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.extract import sources

COLUMNS = ["system", "sex", "age", "admission_date", "discharge_date", "primary_diagnosis"]


def _extract_file(tmp_path, rows=3000, group=1000):
    table = pa.table({
        "system": pa.array(["A", "B", "C"] * (rows // 3)),
        "sex": pa.array(["M", "F", None] * (rows // 3)),
        "age": pa.array([i % 97 for i in range(rows)], pa.int16()),
        "admission_date": pa.array([18000 + i % 300 for i in range(rows)], pa.int32()).cast(pa.date32()),
        "discharge_date": pa.array([18000 + i % 300 + i % 5 for i in range(rows)], pa.int32()).cast(pa.date32()),
        "primary_diagnosis": pa.array([["I21.0", "J44.1", "S72.0", "C50.9"][i % 4] for i in range(rows)]),
    })
    path = tmp_path / "extract.parquet"
    pq.write_table(table, path, row_group_size=group)
    return path


def test_row_groups_read_by_the_pooled_reader_equal_parquetfile(tmp_path):
    path = _extract_file(tmp_path)
    reader = sources._RowGroupReader(path, COLUMNS, ["primary_diagnosis", "system", "sex"])
    plain = pq.ParquetFile(path, read_dictionary=["primary_diagnosis", "system", "sex"])
    for group in range(plain.metadata.num_row_groups):
        assert reader.read(group).equals(plain.read_row_group(group, columns=COLUMNS))


@pytest.mark.skipif("jemalloc" not in pa.supported_memory_backends(), reason="this pyarrow has no jemalloc")
def test_row_groups_live_in_the_reading_pool_not_the_default_pool(tmp_path):
    if pa.default_memory_pool().backend_name != "mimalloc":
        pytest.skip("the default pool is not mimalloc, so it is the reading pool")
    path = _extract_file(tmp_path, rows=300_000, group=300_000)
    pool = sources.reading_pool()
    assert pool.backend_name == "jemalloc"
    default = pa.default_memory_pool()
    before, before_default = pool.bytes_allocated(), default.bytes_allocated()
    reader = sources._RowGroupReader(path, COLUMNS, ["primary_diagnosis"])
    if reader._file is not None:
        pytest.skip(f"pyarrow {pa.__version__}'s Parquet reader takes no memory pool with these options: "
                    "the ParquetFile fallback reads into the default pool")
    table = reader.read(0)
    # 300,000 rows of int16 ages, int32 dates and int32 dictionary indices: at least 4.2 MB, all in jemalloc
    assert table.nbytes > 4_000_000
    assert pool.bytes_allocated() - before > 4_000_000
    assert default.bytes_allocated() - before_default < 1_000_000


def test_a_pool_the_user_set_is_kept(monkeypatch):
    system = pa.system_memory_pool()
    monkeypatch.setattr(sources.pa, "default_memory_pool", lambda: system)
    assert sources.reading_pool() is system


def test_without_the_pooled_reader_reading_falls_back_to_parquetfile(tmp_path, monkeypatch):
    path = _extract_file(tmp_path)
    groups = {"x": ["I21-I22"], "copd": ["J40-J44"]}
    expected = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), conditions=groups,
                                   progress=False)

    def missing(*args, **kwargs):
        raise TypeError("no memory_pool argument in this pyarrow")

    monkeypatch.setattr(pyarrow._parquet, "ParquetReader", missing)
    reader = sources._RowGroupReader(path, COLUMNS, [])
    assert reader._file is not None  # the fallback is in use
    got = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), conditions=groups, progress=False)
    assert got.rows_read == 3000
    assert got.strata.equals(expected.strata)
    assert got.exclusions.equals(expected.exclusions)


def test_nested_columns_are_read_whole(tmp_path):
    """A list column (``diagnoses`` as a list of codes) and a struct column have one Parquet leaf per nested
    field; the pooled reader reads every leaf of the columns asked for, as ``ParquetFile`` does."""
    table = pa.table({
        "person_id": pa.array([1, 2, 3], pa.int64()),
        "diagnoses": pa.array([["I21.0", "J44.1"], None, []], pa.list_(pa.string())),
        "extra": pa.array([{"x": 1, "y": "a"}, {"x": 2, "y": None}, None]),
        "primary_diagnosis": pa.array(["I21.0", None, "S72.0"]),
    })
    path = tmp_path / "nested.parquet"
    pq.write_table(table, path)
    columns = ["diagnoses", "primary_diagnosis", "extra"]
    got = sources._RowGroupReader(path, columns, ["primary_diagnosis"]).read(0)
    expected = pq.ParquetFile(path, read_dictionary=["primary_diagnosis"]).read_row_group(0, columns=columns)
    assert got.column_names == ["diagnoses", "primary_diagnosis", "extra"]
    assert got.equals(expected)
    assert got.column("diagnoses").to_pylist() == [["I21.0", "J44.1"], None, []]


@pytest.mark.skipif(not (hasattr(pa, "uuid") and hasattr(pa, "json_")),
                    reason="this pyarrow has no uuid and json extension types (pyarrow 14: Databricks 15.4 LTS)")
def test_extension_types_are_read_as_parquetfile_reads_them(tmp_path):
    import uuid

    ids = [uuid.UUID(int=i).bytes for i in (1, 2, 3)]
    table = pa.table({"person_id": pa.array(ids, pa.uuid()), "note": pa.array(['{"a": 1}', None, "[]"], pa.json_())})
    path = tmp_path / "extension.parquet"
    pq.write_table(table, path, store_schema=False)  # as other writers (Spark) do: the logical types only
    plain = pq.ParquetFile(path)
    got = sources._RowGroupReader(path, ["person_id", "note"], []).read(0)
    assert got.schema == plain.schema_arrow
    assert got.equals(plain.read_row_group(0, columns=["person_id", "note"]))
