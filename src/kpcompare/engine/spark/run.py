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
4. Readmissions and per-person totals (:mod:`kpcompare.engine.spark.hooks`): the Arrow engine's hooks run in
   step 2's partitions; their measures and accounts come back with the groupBy, and the per-person rows are
   written by Spark (``DataFrame.write.parquet``) into the person totals' directory, the units being persisted
   so that they are formed once.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ...extract.rules import REASON_INDEX
from ...extract.spark_source import to_arrow
from ..episode_pass import measure_names
from ...errors import InvalidArgumentError
from ..person_table import PersonTotals, PersonTotalsPass
from ..plan import MISSING_ID, Plan
from ..readmissions import ReadmissionPass
from ..strata import Accumulator
from ..streaming import Tally
from .executor import ROW, Recipe, stage_batches, stage_schema, unit_batches, units_schema
from .hooks import ACCOUNTS, PERSON_ROW, hook_spec

__all__ = ["aggregate_on_spark", "recipe_of"]

_DUPLICATE = REASON_INDEX["duplicate_episode_id"]
_FILTERED = REASON_INDEX["filtered_out_by_where"]


def recipe_of(extract, options: dict[str, Any], plan: Plan | None = None) -> Recipe:
    """The picklable recipe of an extract read from a Spark DataFrame, the options of its plan and its hooks."""
    source = extract.source
    recipe = Recipe(extract.mapping, dict(extract._fields), list(source.columns), source.types(), dict(options),
                    source.description)
    if plan is not None and plan.hooks:
        recipe.hooks = hook_spec(extract, plan)
    return recipe


def aggregate_on_spark(extract, plan: Plan, options: dict[str, Any], accumulator: Accumulator,
                       tally: Tally) -> None:
    """Run the aggregation of ``plan`` on Spark and add its result to ``accumulator`` and ``tally``."""
    from pyspark.sql import functions as F

    recipe = recipe_of(extract, options, plan)
    frame = extract.source.frame
    columns = extract.source_columns(plan.columns)
    rows = frame.select(*[F.col(_quoted(c)) for c in columns], F.monotonically_increasing_id().alias(ROW))
    staged = rows.mapInArrow(functools.partial(stage_batches, recipe), stage_schema(plan, recipe.hooks))
    if plan.unit == "episode":
        _collect(to_arrow(_episode_sums(staged, plan)), plan, accumulator, tally)
        return
    units = staged.repartition("person").mapInArrow(functools.partial(unit_batches, recipe),
                                                    units_schema(plan, recipe.hooks))
    totals = next((hook for hook in plan.hooks if isinstance(hook, PersonTotalsPass)), None)
    if totals is None:
        _collect(to_arrow(_unit_sums(units, plan)), plan, accumulator, tally)
        return
    units = units.persist()  # formed once: counted, then the persons written
    try:
        written = _collect(to_arrow(_unit_sums(units, plan)), plan, accumulator, tally)
        _write_persons(units, plan, totals)
    finally:
        units.unpersist()
    _check_written(totals, written)


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


def _unit_sums(units, plan: Plan):
    """One groupBy of (reason, labels) of the units formed in the person-partitions (and the hooks' rows)."""
    from pyspark.sql import functions as F

    hooked = [F.sum(name).alias(name) for hook in plan.hooks for name in hook.measures]
    person = F.when((F.col("reason") == 0) & (F.col("person") != F.lit(MISSING_ID)), F.col("person"))
    return units.groupBy("reason", *_labels(plan)).agg(
        F.sum("admitted").alias("admitted"), F.sum("bed").alias("bed"), F.sum("episodes").alias("episodes"),
        F.sum("squares").alias("squares"), F.sum("weighted_admitted").alias("weighted_admitted"),
        F.sum("weighted_bed").alias("weighted_bed"), F.sum("weighted_episodes").alias("weighted_episodes"),
        F.countDistinct(person).alias("persons"), F.sum("rows").alias("rows"),
        F.sum("weighted_rows").alias("weighted_rows"), *hooked)


def _write_persons(units, plan: Plan, totals: PersonTotalsPass) -> None:
    """The per-person rows, written by Spark as Parquet into the person totals' directory (appended: the
    directory was made and checked empty of ``part-*.parquet`` by the driver; one file per partition, a
    person's rows all in one file, as the Arrow engine writes them)."""
    from pyspark.sql import functions as F

    persons = units.filter(F.col("reason") == F.lit(PERSON_ROW)).select(
        *[F.col(f"l{j}").alias(name) for j, name in enumerate(plan.by)], F.col("pid").alias("person_id"),
        F.col("admitted").alias("admissions"), "emergency_admissions", F.col("bed").alias("bed_days"), "spells",
        "episodes")
    # a temporary directory is the driver's: named as a local file, so that a session whose default file
    # system is another (HDFS, DBFS) still writes it there (which its executors can reach only on one machine)
    path = totals.directory.as_uri() if totals.keep is not None else str(totals.directory)
    persons.write.mode("append").parquet(path)


def _check_written(totals: PersonTotalsPass, written: int) -> None:
    """The person rows Spark wrote can be read from the driver (else a cluster wrote them where it cannot)."""
    found = len(PersonTotals(totals.directory, list(totals.by), None))
    if found != written:
        raise InvalidArgumentError(
            f"argument 'person_totals': Spark wrote {written:,} per-person rows, but {found:,} can be read from "
            f"{str(totals.directory)!r} on this machine: the executors wrote where the driver cannot read. Give "
            "person_totals (or out) a directory that the driver and the executors share (on Databricks a Unity "
            "Catalog volume, /Volumes/<catalog>/<schema>/<volume>/...).")


def _collect(table, plan: Plan, accumulator: Accumulator, tally: Tally) -> int:
    """The grouped rows into the Arrow engine's accumulator (strata) and tally (exclusions, rows read), the
    readmission accounts into the driver's readmission hook; returns the number of per-person rows."""
    frame = table.to_pandas()
    reason = frame["reason"].to_numpy(dtype=np.int64)
    counted = frame[reason == 0]
    excluded = frame[reason > 0]
    persons = _hook_accounts(frame[reason < 0], plan)
    for r, rows, weighted in zip(excluded["reason"], excluded["rows"], excluded["weighted_rows"], strict=True):
        tally.rows[int(r)] += int(rows)
        tally.weighted[int(r)] += float(weighted) if plan.weighted else 0.0
    tally.read += int(excluded["rows"].sum()) + int(counted["episodes"].sum())
    if not len(counted):
        return persons
    ids = [plan.labels[j].ids_of([None if v is None else str(v) for v in counted[f"l{j}"]])
           for j in range(len(plan.by))]
    decoded = np.column_stack(ids) if ids else np.zeros((len(counted), 0), dtype=np.int64)
    source = {"admissions": "admitted", "bed_days": "bed", "episodes": "episodes", "persons": "persons",
              "bed_days_squared": "squares", "weighted_admissions": "weighted_admitted",
              "weighted_bed_days": "weighted_bed", "weighted_episodes": "weighted_episodes"}
    source.update({name: name for hook in plan.hooks for name in hook.measures})  # e.g. readmissions
    names = measure_names(plan) + [name for hook in plan.hooks for name in hook.measures]
    sums = np.column_stack([counted[source[m]].to_numpy(dtype=np.float64) for m in names])
    accumulator.add_partial(decoded.astype(np.int64), sums)
    return persons


def _hook_accounts(rows, plan: Plan) -> int:
    """The hooks' own rows: readmission accounts (reason ``-1 - k``) added to the driver's readmission hook;
    returns the number of per-person rows (reason ``PERSON_ROW``)."""
    reason = rows["reason"].to_numpy(dtype=np.int64)
    for hook in plan.hooks:
        if isinstance(hook, ReadmissionPass):
            for k, key in enumerate(ACCOUNTS):
                hook.accounts[key] += int(rows["rows"][reason == -1 - k].sum())
    return int(rows["rows"][reason == PERSON_ROW].sum())
