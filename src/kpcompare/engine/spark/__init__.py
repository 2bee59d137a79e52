"""The Spark engine: :func:`kpcompare.aggregate` of a Spark DataFrame, run on Spark with the Arrow engine's rules.

Modules: ``executor`` (what runs on Spark's executors: the Arrow engine's row and unit rules on Arrow batches),
``run`` (the driver: one Spark plan, a window for duplicate ids, one groupBy, the small result back through
Arrow), ``hooks`` (readmissions and per-person totals: the Arrow engine's passes in the person-partitions, the
persons written by Spark's Parquet writer).  PySpark is imported only here, and only when a Spark DataFrame is aggregated (docs/scale.md).
"""

from __future__ import annotations

from .run import aggregate_on_spark

__all__ = ["aggregate_on_spark"]
