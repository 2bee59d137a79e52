"""Spark DataFrames as episode sources (``read_episodes(..., engine="spark")``), without importing PySpark.

A Spark DataFrame is recognised by duck typing (:func:`is_spark_dataframe`), so both classic DataFrames and
Spark Connect DataFrames are taken (in PySpark 3.5 a Connect DataFrame is not a subclass of
``pyspark.sql.DataFrame``).  Only the DataFrame API is used (never RDDs, ``SparkContext`` or ``_jvm``), so
the same code runs on a local session, a cluster, Databricks shared clusters, serverless and Databricks
Connect.  The rows stay on Spark: :func:`kpcompare.aggregate` runs the aggregation there
(:mod:`kpcompare.engine.spark`) and brings back only the stratum and exclusions tables.  See docs/scale.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import InvalidArgumentError, SourceReadError
from .sources import Source, plain_schema

__all__ = ["SparkSource", "is_spark_dataframe", "spark_frame", "to_arrow", "ENGINES"]

#: the engines of read_episodes: None (Spark DataFrames on Spark, the rest on Arrow), "arrow" or "spark"
ENGINES = ("arrow", "spark")


def is_spark_dataframe(obj: Any) -> bool:
    """Whether ``obj`` is a PySpark DataFrame, classic or Spark Connect (duck typing: no PySpark import)."""
    module = type(obj).__module__ or ""
    return module.startswith("pyspark.sql") and all(
        hasattr(obj, name) for name in ("schema", "columns", "mapInArrow", "groupBy", "sparkSession"))


def to_arrow(frame) -> pa.Table:
    """A small Spark DataFrame as a pyarrow Table: ``toArrow`` (PySpark 4) or ``toPandas`` with Arrow (3.5)."""
    if hasattr(frame, "toArrow"):
        return frame.toArrow()
    session = frame.sparkSession
    try:  # a Connect session may refuse to set a static conf; Arrow is on by default there
        session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    except Exception:  # noqa: BLE001 - any refusal leaves the default, which still works
        pass
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


class SparkSource(Source):
    """A Spark DataFrame: columns and types from its schema; its rows are read only by the Spark engine."""

    def __init__(self, frame, *, description: str | None = None) -> None:
        self.frame = frame
        self.description = description or "the Spark DataFrame"
        self.columns = list(frame.columns)
        self.num_rows = None
        self.num_pieces = None
        self._head: pa.Table | None = None

    def head(self, columns: Sequence[str], rows: int = 1000) -> pa.Table | None:
        if self._head is None:  # one small Spark job: the mapping's converters are checked on these rows
            self._head = _arrow_names(to_arrow(self.frame.limit(rows)))
        return self._head.select(list(columns))

    def types(self) -> dict[str, pa.DataType]:
        return {f.name: f.type for f in self.head(self.columns).schema}

    def pieces(self, columns, *, dictionary=(), types=None):
        raise InvalidArgumentError(
            f"{self.description} is aggregated on Spark: give the extract to kpcompare.aggregate, which runs "
            "there; to read it on this machine, convert a small frame with frame.toArrow() first.")


def _arrow_names(table: pa.Table) -> pa.Table:
    """Large string types (PySpark 4 may send them) as plain strings, as the other sources give them."""
    return table.cast(plain_schema(table.schema))


def spark_frame(source: Any):
    """A Spark DataFrame for ``read_episodes(source, engine="spark")``: a DataFrame as it is, a table name
    (Unity Catalog ``catalog.schema.table`` too) or a path (a Delta table directory, Parquet, CSV)."""
    if is_spark_dataframe(source):
        return source
    if not isinstance(source, (str, Path)):
        raise InvalidArgumentError(
            "argument 'source': with engine='spark', give a Spark DataFrame, a table name or a path, got "
            f"{type(source).__name__}.")
    session = _active_session()
    text = str(source)
    looks_like_path = "/" in text or "\\" in text or text.endswith((".parquet", ".csv", ".csv.gz"))
    try:
        if not looks_like_path:
            return session.table(text)
        if text.lower().endswith((".csv", ".csv.gz")):
            return session.read.csv(text, header=True)
        if text.lower().endswith((".parquet", ".pq")) or (Path(text).is_dir() and not (Path(text) / "_delta_log").is_dir()):
            return session.read.parquet(text)
        return session.read.format("delta").load(text)  # a Delta table's directory (Databricks' default format)
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException classes differ between versions
        raise SourceReadError(f"Spark cannot read {text!r}: {str(exc).splitlines()[0]}") from exc


def _active_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidArgumentError(
            "argument 'engine': engine='spark' needs PySpark: pip install 'kpcompare[spark]' (on Databricks "
            "PySpark is already there).") from None
    session = SparkSession.getActiveSession()
    if session is None:
        raise InvalidArgumentError(
            "argument 'engine': engine='spark' with a table name or path needs an active Spark session; start "
            "one first (SparkSession.builder.getOrCreate()) or give a Spark DataFrame.")
    return session
