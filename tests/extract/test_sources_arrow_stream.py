"""Sources that export an Arrow C stream (``__arrow_c_stream__``) and pyarrow datasets (issue 19): read batch
by batch, with the same result as the same rows given as a pyarrow Table."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, SourceReadError
from kpcompare.extract.sources import ArrowStreamSource

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate_extract import chunk, code_list  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def table():
    extract = chunk(6000, 5, 0, code_list(), 0)
    repeats = extract.slice(0, 40)  # repeated episode ids: the episode unit reads the source twice
    return pa.concat_tables([extract, repeats])


@pytest.fixture(scope="module")
def expected(table):
    return {unit: kpcompare.aggregate(table, unit=unit, progress=False) for unit in ("episode", "cips")}


def _polars(table):
    polars = pytest.importorskip("polars")
    return polars.from_arrow(table)


def _duckdb(table):
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.register("episodes", table)
    return connection.sql("select * from episodes")


def _reader(table):
    return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1000))


MAKERS = {"polars": _polars, "duckdb": _duckdb, "dataset": ds.dataset}


@pytest.mark.parametrize("maker", list(MAKERS))
@pytest.mark.parametrize("unit", ["episode", "cips"])
def test_arrow_stream_gives_the_tables_result(table, expected, maker, unit):
    source = MAKERS[maker](table)
    got = kpcompare.aggregate(source, unit=unit, progress=False)
    want = expected[unit]
    assert got.rows_read == len(table) == got.rows_counted + got.rows_excluded
    assert want.exclusions.set_index("reason").loc["duplicate_episode_id", "rows"] >= 35  # 40 repeats, a few of them excluded otherwise
    pd.testing.assert_frame_equal(got.strata, want.strata)
    pd.testing.assert_frame_equal(got.exclusions, want.exclusions)


def test_polars_strings_and_categoricals_are_read_as_text(table):
    polars = pytest.importorskip("polars")
    frame = polars.from_arrow(table).with_columns(polars.col("system").cast(polars.Categorical))
    extract = kpcompare.read_episodes(frame)
    assert isinstance(extract.source, ArrowStreamSource)
    kind = extract.source.types()["system"]  # a Polars categorical: dictionary of string views, as plain strings
    assert pa.types.is_dictionary(kind) and kind.value_type == pa.string()
    got = kpcompare.aggregate(extract, by=("system",), progress=False, check_duplicates=False)
    assert list(got.strata["system"]) == ["Kaiser", "Medicare", "NHS England"]


def test_record_batch_reader_is_read_once(table):
    once = table.slice(0, 5000)  # no repeated id: one pass
    got = kpcompare.aggregate(_reader(once), unit="episode", progress=False)
    assert got.rows_read == 5000
    with pytest.raises(SourceReadError, match="can be read once"):  # a repeat needs a second pass
        kpcompare.aggregate(_reader(table), unit="episode", progress=False)


def test_big_batches_are_sliced_to_batch_rows(table):
    extract = kpcompare.read_episodes(_polars(table), batch_rows=1000)
    sizes = [b.num_rows for b in extract.batches(["sex"])]
    assert max(sizes) <= 1000 and sum(sizes) == len(table)


def test_engine_must_be_a_known_name(table):
    with pytest.raises(kpcompare.errors.UnknownNameError, match="argument 'engine': unknown value 'dask'"):
        kpcompare.read_episodes(table, engine="dask")
    with pytest.raises(InvalidArgumentError, match="with engine='spark', give a Spark DataFrame"):
        kpcompare.read_episodes(table, engine="spark")
