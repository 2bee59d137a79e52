"""The Spark engine's driver side: one Spark plan per aggregation, and only its small result brought back.

1. The source's columns, with each row's position (``monotonically_increasing_id``), go through
   :func:`~kpcompare.engine.spark.executor.stage_batches` (``mapInArrow``): the Arrow engine's row rules.
2. Episode unit: duplicate episode ids are found with a window function (``row_number`` over person and
   episode id, ordered by position, among the rows passing every other rule, as
   :mod:`kpcompare.engine.duplicates` defines them); spell and CIPS units: the rows are repartitioned by
   person and each partition is turned into units by
   :func:`~kpcompare.engine.spark.executor.unit_batches`.
3. One ``groupBy`` of (reason, stratum labels) sums every measure, counts distinct persons and the rows of
   each exclusion reason; the few thousand rows come back through Arrow and fill the same
   :class:`~kpcompare.engine.strata.Accumulator` and :class:`~kpcompare.engine.streaming.Tally` as the Arrow
   engine's passes, so :func:`kpcompare.aggregate` builds the same :class:`AggregateResult` from them.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ...extract.rules import REASON_INDEX
from ...extract.spark_source import to_arrow
from ..episode_pass import measure_names
from ..plan import MISSING_ID, Plan
from ..strata import Accumulator
from ..streaming import Tally
from .executor import ROW, Recipe, stage_batches, stage_schema, unit_batches, units_schema

__all__ = ["aggregate_on_spark", "recipe_of"]

_DUPLICATE = REASON_INDEX["duplicate_episode_id"]
_FILTERED = REASON_INDEX["filtered_out_by_where"]


def recipe_of(extract, options: dict[str, Any]) -> Recipe:
    """The picklable recipe of an extract read from a Spark DataFrame and the options of its plan."""
    source = extract.source
    return Recipe(extract.mapping, dict(extract._fields), list(source.columns), source.types(), dict(options),
                  source.description)


def aggregate_on_spark(extract, plan: Plan, options: dict[str, Any], accumulator: Accumulator,
                       tally: Tally) -> None:
    """Run the aggregation of ``plan`` on Spark and add its result to ``accumulator`` and ``tally``."""
    from pyspark.sql import functions as F

    recipe = recipe_of(extract, options)
    frame = extract.source.frame
    columns = extract.source_columns(plan.columns)
    rows = frame.select(*[F.col(_quoted(c)) for c in columns], F.monotonically_increasing_id().alias(ROW))
    staged = rows.mapInArrow(functools.partial(stage_batches, recipe), stage_schema(plan))
    if plan.unit == "episode":
        grouped = _episode_sums(staged, plan)
    else:
        grouped = _unit_sums(staged, plan, recipe)
    _collect(to_arrow(grouped), plan, accumulator, tally)


def _quoted(name: str) -> str:
    """A column name as Spark's ``col`` reads it literally (dots and spaces included)."""
    return "`" + name.replace("`", "``") + "`"


def _labels(plan: Plan) -> list[str]:
    return [f"l{j}" for j in range(len(plan.by))]


def _episode_sums(staged, plan: Plan):
    """Duplicates by a window function, then one groupBy of (reason, labels)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if plan.check_duplicates:
        # candidates: the rows passing every other rule (and those only `where` drops, kpcompare.engine.duplicates)
        candidate = F.col("reason").isin(0, _FILTERED) if plan.where is not None else F.col("reason") == 0
        staged = staged.withColumn("candidate", candidate)
        window = Window.partitionBy("candidate", "person", "episode_key").orderBy("row")
        repeat = F.col("candidate") & (F.row_number().over(window) > 1)
        staged = staged.withColumn("reason", F.when(repeat, F.lit(_DUPLICATE)).otherwise(F.col("reason")))
        # a repeat was counted: its labels go, as it goes to the exclusions
        staged = staged.select(*[F.when(F.col("reason") == 0, F.col(c)).alias(c) if c.startswith("l") else c
                                 for c in staged.columns if c != "candidate"])
    counted = F.col("reason") == 0
    person = F.when(counted & (F.col("person") != F.lit(MISSING_ID)), F.col("person"))
    return staged.groupBy("reason", *_labels(plan)).agg(
        F.sum(F.col("admitted").cast("long")).alias("admitted"), F.sum("bed").alias("bed"),
        F.count(F.lit(1)).alias("episodes"), F.sum(F.col("bed") * F.col("bed")).alias("squares"),
        F.sum(F.col("weight") * F.col("admitted")).alias("weighted_admitted"),
        F.sum(F.col("weight") * F.col("bed")).alias("weighted_bed"), F.sum("weight").alias("weighted_episodes"),
        F.countDistinct(person).alias("persons"), F.count(F.lit(1)).alias("rows"),
        F.sum("w").alias("weighted_rows"))


def _unit_sums(staged, plan: Plan, recipe: Recipe):
    """Rows by person to the partitions, units formed in each, then one groupBy of (reason, labels)."""
    from pyspark.sql import functions as F

    units = staged.repartition("person").mapInArrow(functools.partial(unit_batches, recipe), units_schema(plan))
    person = F.when((F.col("reason") == 0) & (F.col("person") != F.lit(MISSING_ID)), F.col("person"))
    return units.groupBy("reason", *_labels(plan)).agg(
        F.sum("admitted").alias("admitted"), F.sum("bed").alias("bed"), F.sum("episodes").alias("episodes"),
        F.sum("squares").alias("squares"), F.sum("weighted_admitted").alias("weighted_admitted"),
        F.sum("weighted_bed").alias("weighted_bed"), F.sum("weighted_episodes").alias("weighted_episodes"),
        F.countDistinct(person).alias("persons"), F.sum("rows").alias("rows"),
        F.sum("weighted_rows").alias("weighted_rows"))


def _collect(table, plan: Plan, accumulator: Accumulator, tally: Tally) -> None:
    """The grouped rows into the Arrow engine's accumulator (strata) and tally (exclusions, rows read)."""
    frame = table.to_pandas()
    reason = frame["reason"].to_numpy(dtype=np.int64)
    counted = frame[reason == 0]
    excluded = frame[reason != 0]
    for r, rows, weighted in zip(excluded["reason"], excluded["rows"], excluded["weighted_rows"], strict=True):
        tally.rows[int(r)] += int(rows)
        tally.weighted[int(r)] += float(weighted) if plan.weighted else 0.0
    tally.read += int(excluded["rows"].sum()) + int(counted["episodes"].sum())
    if not len(counted):
        return
    ids = [plan.labels[j].ids_of([None if v is None else str(v) for v in counted[f"l{j}"]])
           for j in range(len(plan.by))]
    decoded = np.column_stack(ids) if ids else np.zeros((len(counted), 0), dtype=np.int64)
    source = {"admissions": "admitted", "bed_days": "bed", "episodes": "episodes", "persons": "persons",
              "bed_days_squared": "squares", "weighted_admissions": "weighted_admitted",
              "weighted_bed_days": "weighted_bed", "weighted_episodes": "weighted_episodes"}
    sums = np.column_stack([counted[source[m]].to_numpy(dtype=np.float64) for m in measure_names(plan)])
    accumulator.add_partial(decoded.astype(np.int64), sums)
