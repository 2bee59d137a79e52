"""The spell and CIPS units' pass: rows that pass the row rules are partitioned by person, in the source's
order, then each partition is turned into spells or CIPS (:func:`kpcompare.engine.units.records`)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from .persons import first_person
from .plan import Plan
from .stage import keep_freed_memory
from .strata import Accumulator
from .streaming import (
    N_REASONS, Partial, Tally, add_partial, n_partitions, ordered, progress_bar, release_pools, slices,
)
from .units import Partitioner, records

__all__ = ["stream_partitioned", "partition_rows"]


def partition_rows(plan: Plan, table, split: Callable | None = None,
                   ) -> tuple[dict[str, np.ndarray], Partial, np.ndarray | None]:
    """Row rules, then only what units need, in small types (about 60 bytes a row), for the rows that passed.

    Returns the kept rows (``row`` numbered from 0 within the slice), the slice's exclusion tally and, with
    ``split`` (:meth:`~kpcompare.engine.units.Partitioner.split`), the bounds of each partition: the rows then
    come in partition order, gathered once.  Left out, as :func:`kpcompare.engine.units.records` needs them not:
    ``spell_key`` without ``spell_id`` (it is the admission day, ``start``), ``episode_start`` without that
    column (all 0), ``episode_key`` without duplicate checks.
    """
    staged = plan.stage(table)
    reason = staged.reason
    weighted = None
    if plan.weighted:
        clean = np.nan_to_num(staged.weight, nan=0.0, posinf=0.0, neginf=0.0)
        weighted = np.bincount(reason, weights=clean, minlength=N_REASONS)
    tally = Partial(np.empty((0, len(plan.by)), dtype=np.int64), np.empty((0, 0)),
                    np.bincount(reason, minlength=N_REASONS).astype(np.int64), weighted, len(reason))
    kept = np.flatnonzero(reason == 0)
    bounds = None
    if split is not None:
        order, bounds = split(staged.extra["person"][kept])
        if order is not None:
            kept = kept[order]
    arrays = {f"id{j}": ids for j, ids in enumerate(staged.codes.ids_at(kept))}
    arrays.update({k: v[kept] for k, v in staged.extra.items() if k not in _left_out(plan)})
    arrays["row"] = kept.astype(np.int64)
    if plan.weighted:
        arrays["weight"] = staged.weight[kept]
    for hook in plan.hooks:  # readmissions, person totals: their columns of the kept rows
        arrays.update({k: v[kept] for k, v in hook.columns(table).items()})
    for name in ("start", "end", "end_known", "length"):
        value = getattr(staged, name)
        if value is not None:
            arrays[name] = value[kept].astype(np.int32) if value.dtype == np.int64 else value[kept]
    return arrays, tally, bounds


def _left_out(plan: Plan) -> tuple[str, ...]:
    """The staged columns :func:`partition_rows` leaves out (see there)."""
    return tuple(name for name, needed in (("spell_key", "spell_id" in plan.columns),
                                           ("episode_start", "episode_start" in plan.columns),
                                           ("episode_key", plan.check_duplicates)) if not needed)


class _Turns:
    """Lets jobs numbered 0, 1, 2, ... do one step each in their number's order (a turnstile)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0

    def wait(self, number: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._next == number)

    def done(self) -> None:
        with self._cond:
            self._next += 1
            self._cond.notify_all()


def stream_partitioned(extract, plan: Plan, accumulator: Accumulator, tally: Tally,
                       progress: bool | None, threads: int, units: Callable | None = None) -> None:
    """Partition the kept rows by person, then ``units(partition, plan, accumulator, tally)`` each partition
    (default: count its spells or CIPS into ``accumulator``; :mod:`kpcompare.engine.spell_diagnostics` passes
    its own)."""
    units = _add_units if units is None else units
    keep_freed_memory()  # each partition's temporaries reuse the last one's pages
    turns = _Turns()
    offset = [0]

    def job(number: int, read: Callable[[], list], partitioner: Partitioner) -> None:
        """Stage a row group slice by slice; write the slices to the partitions in the source's order.

        The first slice waits for the previous row group to be written; the job then keeps the turn until
        its last slice is written, so a worker holds one row group and one staged slice at a time.
        """
        waited = False
        try:
            for batch in read():
                for part in slices(batch.table):
                    arrays, counted, bounds = partition_rows(plan, part, partitioner.split)
                    if not waited:
                        turns.wait(number)
                        waited = True
                    arrays["row"] += offset[0]
                    offset[0] += counted.read
                    add_partial(counted, accumulator, tally)
                    partitioner.add(arrays, bounds)
                    del arrays
        finally:  # pass the turn on even after an error, or the next row group's worker would wait forever
            if not waited:
                turns.wait(number)
            turns.done()
        release_pools()

    with Partitioner(n_partitions(extract)) as partitioner:
        jobs = (lambda number=number, read=read: job(number, read, partitioner)
                for number, read in enumerate(extract.batch_jobs(plan.columns, narrow=True)))
        for _ in progress_bar(ordered(jobs, threads), total=extract.num_pieces, enabled=progress,
                              desc="kpcompare.aggregate"):
            pass
        # the second half of a spell or CIPS run (sorting each partition into units) has its own bar
        for part in progress_bar(partitioner.partitions(), total=len(partitioner), enabled=progress,
                                 desc="kpcompare.aggregate: units by person"):
            units(part, plan, accumulator, tally)


def _add_units(part: dict[str, np.ndarray], plan: Plan, accumulator: Accumulator, tally: Tally) -> None:
    recs = records(part, unit=plan.unit, n_by=len(plan.by), period=plan.period,
                   check_duplicates=plan.check_duplicates, rules=plan.cips_rules,
                   diagnosis=(plan.by.index("condition"), plan.spell_diagnosis) if "condition" in plan.by else None,
                   detail=bool(plan.hooks))
    for reason, (rows, weighted) in recs.excluded.items():
        tally.add(reason, rows, weighted)
    n = len(recs.weight)
    bed = plan.bed_days(recs.start, recs.end, recs.length).astype(np.float64)
    admitted = (plan.admitted(recs.start, recs.end, n) & recs.first).astype(np.float64)
    values = [admitted, bed, recs.episodes.astype(np.float64)] + ([bed * bed] if plan.squares else [])
    if plan.weighted:
        values += [recs.weight * admitted, recs.weight * bed, recs.weighted_episodes]
    if plan.persons:  # after episodes, before bed_days_squared (see episode_pass.counted_names)
        sizes = [max(len(lab), 1) for lab in plan.labels]
        values.insert(3, first_person(recs.ids, recs.person, sizes).astype(np.float64))
    for hook in plan.hooks:  # their measures come last (kpcompare.engine.arrow)
        values += hook.add(recs, plan, admitted=admitted, bed=bed)
    accumulator.add(recs.ids, values)
