"""What runs on Spark's executors: the Arrow engine's own row rules and unit rules, applied to Arrow batches.

The functions here are handed to ``DataFrame.mapInArrow`` (part of the DataFrame API, so Spark Connect runs
them too).  They rebuild the aggregation plan from a picklable :class:`Recipe` and call the very code the
Arrow engine calls: the mapping's converters (:class:`kpcompare.extract.Extract`), the row stage
(:meth:`kpcompare.engine.plan.Plan.stage`: every validity rule, age bands, condition groups, bed days,
period, weights, ``where``) and the spell and CIPS rules (:func:`kpcompare.engine.units.records`).  There is
no second implementation of any rule, so the two engines cannot drift apart.  Stratum ids are local to an
executor, so stratum labels travel as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..._compat import cast_batch
from ...extract.episodes import Extract
from ...extract.mappings import Field, Mapping
from ...extract.rules import REASON_INDEX
from ...extract.sources import Source, TableSource, plain_schema
from ..plan import MISSING_ID, Plan, hash_ids, make_plan
from ..streaming import N_REASONS
from ..units import records
from .hooks import HookSpec, attach, hook_rows, row_columns, staged_hook_columns, unit_columns

__all__ = ["Recipe", "ROW", "stage_schema", "stage_batches", "units_schema", "unit_batches"]

#: the column holding each row's position in the source (``monotonically_increasing_id``)
ROW = "_kpcompare_row"
_SPELL_COLUMNS = {"person": "long", "provider": "long", "spell_key": "long", "order": "int",
                  "episode_start": "int", "start": "int", "end": "int", "end_known": "boolean",
                  "weight": "double", "episode_key": "long", "transfer_in": "boolean", "transfer_out": "boolean",
                  "selected": "boolean"}


def _spell_schema(plan: Plan) -> dict[str, str]:
    """The staged columns the spell rules read: :data:`_SPELL_COLUMNS` and those of the CIPS rules' C5 and C7
    when ``plan.cips_rules`` has them."""
    rules = plan.cips_rules
    if rules is None:
        return _SPELL_COLUMNS
    return {**_SPELL_COLUMNS,
            **({"unlinked_out": "boolean", "unlinked_in": "boolean"}
               if rules.unlinked_destinations and rules.unlinked_admissions else {}),
            **({"link_start": "int", "link_end": "int"} if rules.link_dates == "episode" else {})}


class _Columns(Source):
    """A source that only knows its columns and their types (the plan needs no more)."""

    def __init__(self, columns: list[str], types: dict[str, pa.DataType], description: str) -> None:
        self.columns = columns
        self._types = types
        self.description = description

    def types(self) -> dict[str, pa.DataType]:
        return dict(self._types)


@dataclass
class Recipe:
    """Everything an executor needs, picklable: the mapping, the resolved fields and the plan's options."""

    mapping: Mapping
    fields: dict[str, Field]
    columns: list[str]
    types: dict[str, pa.DataType]
    options: dict[str, Any]
    description: str
    hooks: HookSpec = field(default_factory=HookSpec)  # readmissions, person totals (kpcompare.engine.spark.hooks)
    _plan: Plan | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_plan"] = None  # a plan holds locks and work arrays: rebuilt where it is used
        return state

    def plan(self) -> Plan:
        if self._plan is None:
            extract = Extract(_Columns(self.columns, self.types, self.description), self.mapping, self.fields)
            plan = make_plan(extract, **self.options)
            attach(self.hooks, extract, plan)
            self._plan = plan
        return self._plan

    def canonical(self, batch: pa.RecordBatch) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        """The canonical columns of one Spark batch (the mapping's converters) and the rows' positions."""
        plan = self.plan()
        rows = batch.column(batch.schema.get_field_index(ROW)).to_numpy(zero_copy_only=False)
        names = [n for n in batch.schema.names if n != ROW]
        batch = batch.select(names)
        plain = plain_schema(batch.schema)
        if plain != batch.schema:
            batch = cast_batch(batch, plain)
        table = pa.Table.from_batches([batch], schema=batch.schema)
        extract = Extract(TableSource(table, description=self.description, batch_rows=max(len(rows), 1)),
                          self.mapping, self.fields)
        for job in extract.batch_jobs(plan.columns, narrow=True):
            for got in job():
                yield got.table, rows


def stage_schema(plan: Plan, hooks: HookSpec | None = None) -> str:
    """The Spark schema (DDL) of :func:`stage_batches`' output for ``plan`` (and its ``hooks``' row columns)."""
    parts = ["row long", "reason int", "w double"] + [f"l{j} string" for j in range(len(plan.by))]
    if plan.unit == "episode":
        parts += ["admitted int", "bed long", "weight double", "person long", "episode_key long"]
    else:
        parts += [f"{name} {kind}" for name, kind in _spell_schema(plan).items()]
        parts += [f"{name} {kind}" for name, kind in row_columns(hooks or HookSpec()).items()]
    return ", ".join(parts)


def stage_batches(recipe: Recipe, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Per source row: its first exclusion reason, its weight (0 if not finite), its stratum labels (counted
    rows) and what the unit needs (episode unit: admission, bed days, person and episode keys; spells and
    CIPS: the keys and dates the spell rules read)."""
    plan = recipe.plan()
    schema = _ddl_schema(stage_schema(plan, recipe.hooks))
    for batch in batches:
        for table, rows in recipe.canonical(batch):
            staged = plan.stage(table)
            n = table.num_rows
            reason = staged.reason.astype(np.int32)
            keep = reason == 0
            out: dict[str, Any] = {"row": rows.astype(np.int64), "reason": reason,
                                   "w": _clean(staged.weight) if plan.weighted else np.ones(n)}
            ids = staged.kept_ids(keep)
            for j, labels in enumerate(plan.labels):
                text = np.full(n, None, dtype=object)
                names = np.asarray([str(v) for v in labels.labels] + [""], dtype=object)
                text[keep] = names[ids[j]]
                out[f"l{j}"] = text
            if plan.unit == "episode":
                out.update(_episode_columns(plan, staged, table, n))
            else:
                out.update(_spell_columns(plan, staged, n))
                out.update(staged_hook_columns(plan, recipe.hooks, table, n))
            yield pa.RecordBatch.from_pydict(out, schema=schema)


def _clean(weight: np.ndarray) -> np.ndarray:
    """Weights as the exclusions table sums them: missing or infinite weights count 0."""
    return np.nan_to_num(weight, nan=0.0, posinf=0.0, neginf=0.0)


def _episode_columns(plan: Plan, staged, table: pa.RecordBatch, n: int) -> dict[str, np.ndarray]:
    admitted = plan.admitted(staged.start, staged.end, n)
    if staged.first is not None:
        admitted = admitted & staged.first
    names = table.schema.names
    episode = hash_ids(table.column(names.index("episode_id"))) if "episode_id" in names else np.zeros(n, np.int64)
    # without person ids, duplicates are judged on episode ids alone (as kpcompare.engine.duplicates does)
    person = hash_ids(table.column(names.index("person_id"))) if "person_id" in names else episode
    return {"admitted": admitted.astype(np.int32),
            "bed": np.asarray(plan.bed_days(staged.start, staged.end, staged.length), dtype=np.int64),
            "weight": staged.weight if plan.weighted else np.ones(n), "person": person, "episode_key": episode}


def _spell_columns(plan: Plan, staged, n: int) -> dict[str, np.ndarray]:
    extra = staged.extra
    out = {"start": staged.start.astype(np.int32), "end": staged.end.astype(np.int32),
           "end_known": staged.end_known, "weight": staged.weight if plan.weighted else np.ones(n)}
    for name in _spell_schema(plan):
        if name not in out:
            out[name] = extra[name] if name in extra else np.zeros(n, dtype=_SPELL_DEFAULTS.get(name, np.int64))
    return out


_SPELL_DEFAULTS = {"transfer_in": np.bool_, "transfer_out": np.bool_, "selected": np.bool_,
                   "order": np.int32, "episode_start": np.int32, "unlinked_out": np.bool_, "unlinked_in": np.bool_}


def _ddl_schema(ddl: str) -> pa.Schema:
    kinds = {"long": pa.int64(), "int": pa.int32(), "double": pa.float64(), "string": pa.string(),
             "boolean": pa.bool_()}
    return pa.schema([pa.field(name, kinds[kind]) for name, kind in (p.split() for p in ddl.split(", "))])


# ------------------------------------------------------------------------------------------------- units


def units_schema(plan: Plan, hooks: HookSpec | None = None) -> str:
    """The Spark schema (DDL) of :func:`unit_batches`' output: counted records, exclusion counts and what the
    ``hooks`` add (:mod:`kpcompare.engine.spark.hooks`)."""
    return ", ".join(["reason int"] + [f"l{j} string" for j in range(len(plan.by))] + [
        "admitted long", "bed long", "episodes long", "squares long", "weighted_admitted double",
        "weighted_bed double", "weighted_episodes double", "person long", "rows long", "weighted_rows double"]
        + [f"{name} {kind}" for name, kind in unit_columns(hooks or HookSpec()).items()])


def unit_batches(recipe: Recipe, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """One partition of staged rows (all of each of its persons' rows): the rows excluded by the row rules
    counted per reason, the others turned into spells or CIPS by :func:`kpcompare.engine.units.records` (the
    Arrow engine's rules) and written one record per unit; the units' own exclusions counted per reason; then
    the hooks' rows (readmission accounts, per-person totals)."""
    plan = recipe.plan()
    schema = _ddl_schema(units_schema(plan, recipe.hooks))
    got = list(batches)
    if not got:
        return
    table = pa.Table.from_batches(got)
    columns = {name: table.column(name).to_numpy() for name in table.column_names}
    reason, w = columns["reason"], columns["w"]
    counts = np.bincount(reason, minlength=N_REASONS)
    sums = np.bincount(reason, weights=w, minlength=N_REASONS)
    excluded = {r: (int(counts[r]), float(sums[r])) for r in range(1, N_REASONS) if counts[r]}
    keep = reason == 0
    part, uniques = {}, []
    for j in range(len(plan.by)):
        codes, values = pd.factorize(columns[f"l{j}"][keep])
        part[f"id{j}"], uniques = codes.astype(np.int64), uniques + [np.asarray(values, dtype=object)]
    part.update({name: columns[name][keep] for name in _spell_schema(plan) if name != "episode_key"
                 or plan.check_duplicates})
    part.update({name: columns[name][keep] for name in row_columns(recipe.hooks)
                 if name != "person_label" or recipe.hooks.person_type == "string"})
    part["row"] = columns["row"][keep]
    if not plan.weighted:
        del part["weight"]
    if plan.where is None:
        del part["selected"]
    recs = records(part, unit=plan.unit, n_by=len(plan.by), period=plan.period,
                   check_duplicates=plan.check_duplicates, rules=plan.cips_rules,
                   diagnosis=(plan.by.index("condition"), plan.spell_diagnosis) if "condition" in plan.by else None,
                   detail=bool(plan.hooks))
    for name, (rows, weighted) in recs.excluded.items():
        before = excluded.get(REASON_INDEX[name], (0, 0.0))
        excluded[REASON_INDEX[name]] = (before[0] + rows, before[1] + weighted)
    n = len(recs.weight)
    bed = np.asarray(plan.bed_days(recs.start, recs.end, recs.length), dtype=np.int64)
    admitted = plan.admitted(recs.start, recs.end, n) & recs.first
    extra, own = hook_rows(plan, recipe.hooks, recs, uniques, admitted.astype(np.float64), bed.astype(np.float64))
    yield _records_batch(plan, recs, uniques, admitted, bed, extra, schema)
    yield _excluded_batch(excluded, len(plan.by), schema)
    for rows in own:
        yield _filled(rows, schema)


def _records_batch(plan: Plan, recs, uniques: list[np.ndarray], admitted: np.ndarray, bed: np.ndarray,
                   extra: dict[str, np.ndarray], schema: pa.Schema) -> pa.RecordBatch:
    """One row per counted record: its labels and measures (as the Arrow engine's spell pass sums them), and
    the hooks' measures (``extra``: readmissions)."""
    n = len(recs.weight)
    out: dict[str, Any] = {"reason": np.zeros(n, dtype=np.int32)}
    for j in range(len(plan.by)):
        out[f"l{j}"] = uniques[j][recs.ids[j]] if n else np.empty(0, dtype=object)
    out.update({"admitted": admitted.astype(np.int64), "bed": bed, "episodes": recs.episodes.astype(np.int64),
                "squares": bed * bed, "weighted_admitted": recs.weight * admitted,
                "weighted_bed": recs.weight * bed, "weighted_episodes": recs.weighted_episodes.astype(np.float64),
                "person": recs.person.astype(np.int64)})
    out.update(extra)
    return _filled(out, schema)


def _excluded_batch(excluded: dict[int, tuple[int, float]], n_by: int, schema: pa.Schema) -> pa.RecordBatch:
    reasons = sorted(excluded)
    out: dict[str, Any] = {"reason": np.asarray(reasons, dtype=np.int32),
                           "person": np.full(len(reasons), MISSING_ID, dtype=np.int64)}
    out["rows"] = np.asarray([excluded[r][0] for r in reasons], dtype=np.int64)
    out["weighted_rows"] = np.asarray([excluded[r][1] for r in reasons], dtype=np.float64)
    return _filled(out, schema)


def _filled(columns: dict[str, Any], schema: pa.Schema) -> pa.RecordBatch:
    """A batch of ``schema`` from ``columns``; the columns not given: 0 (numbers) or missing (text, ids)."""
    n = len(next(iter(columns.values())))
    arrays = []
    for f in schema:
        if f.name in columns:
            arrays.append(pa.array(columns[f.name], type=f.type) if not isinstance(columns[f.name], pa.ChunkedArray)
                          else columns[f.name].combine_chunks().cast(f.type))
        elif pa.types.is_string(f.type) or f.name == "pid":
            arrays.append(pa.nulls(n, type=f.type))
        else:
            arrays.append(pa.array(np.zeros(n), type=pa.float64()).cast(f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
