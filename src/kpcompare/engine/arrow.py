"""The Arrow engine: stream an episode extract into a stratum table and an exclusions table."""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import InvalidArgumentError, KpcompareError
from ..extract.rules import EXCLUSION_REASONS, REASON_INDEX
from .persons import add_person_counts, first_person, slice_pairs
from .plan import Plan, make_plan
from .strata import MEASURES, Accumulator
from .units import PARTITION_ROWS, Partitioner, records

__all__ = ["aggregate", "AggregateResult"]


@dataclass
class AggregateResult:
    """Result of :func:`aggregate`.

    Attributes
    ----------
    strata : pandas.DataFrame
        The ``by`` columns, then ``admissions``, ``bed_days``, ``episodes`` (int64), ``persons`` when person ids
        were counted, ``bed_days_squared`` (int64) when asked for, and ``weighted_admissions``,
        ``weighted_bed_days``, ``weighted_episodes`` (float) when weights were given.  One row per non-empty
        stratum.
    exclusions : pandas.DataFrame
        ``reason, rows, weighted_rows``: every exclusion reason in precedence order, zero rows included
        (``weighted_rows`` equals ``rows`` without weights); the meaning of each reason is in
        :data:`kpcompare.extract.rules.EXCLUSION_REASONS`.
    rows_read : int
        Rows read from the source; ``rows_read == strata["episodes"].sum() + exclusions["rows"].sum()``.
    """

    strata: pd.DataFrame
    exclusions: pd.DataFrame
    rows_read: int
    unit: str
    bed_days: str
    by: list[str]
    period: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows_counted(self) -> int:
        return int(self.strata["episodes"].sum())

    @property
    def rows_excluded(self) -> int:
        return int(self.exclusions["rows"].sum())

    def __repr__(self) -> str:
        return (f"<AggregateResult unit={self.unit!r} bed_days={self.bed_days!r}: {len(self.strata)} strata; "
                f"rows read {self.rows_read:,} = counted {self.rows_counted:,} + excluded {self.rows_excluded:,}>")


def _progress(items: Iterable, *, total: int | None, enabled: bool | None, desc: str) -> Iterator:
    show = enabled if enabled is not None else sys.stderr.isatty()
    if not show:
        return iter(items)
    from tqdm.auto import tqdm

    return iter(tqdm(items, total=total, desc=desc, unit="batch", disable=False))


class _Tally:
    """Exclusion counts per reason (rows and weighted rows)."""

    def __init__(self) -> None:
        size = len(EXCLUSION_REASONS) + 1
        self.rows = np.zeros(size, dtype=np.int64)
        self.weighted = np.zeros(size)
        self.read = 0

    def add(self, reason: str, rows: int, weighted: float) -> None:
        self.rows[REASON_INDEX[reason]] += rows
        self.weighted[REASON_INDEX[reason]] += weighted

    def frame(self, weighted: bool) -> pd.DataFrame:
        names = list(EXCLUSION_REASONS)
        rows = self.rows[1:]
        return pd.DataFrame({
            "reason": pd.array(names, dtype="string"),
            "rows": rows.astype(np.int64),
            "weighted_rows": self.weighted[1:] if weighted else rows.astype(float),
        })


def _counted_names(plan: Plan) -> list[str]:
    """The integer measures, in output order."""
    return list(MEASURES) + (["persons"] if plan.persons else []) + (["bed_days_squared"] if plan.squares else [])


def _measure_names(plan: Plan) -> list[str]:
    names = _counted_names(plan)
    if plan.weighted:
        names += [f"weighted_{m}" for m in MEASURES]
    return names


def _admitted_and_bed(plan: Plan, start, end, length, first, n) -> tuple[np.ndarray, np.ndarray]:
    bed = plan.bed_days(start, end, length).astype(np.float64)
    admitted = plan.admitted(start, end, n)
    return (admitted if first is None else first & admitted).astype(np.float64), bed


def _values(plan: Plan, start, end, length, first, weight, episodes, weighted_episodes, n) -> list[np.ndarray]:
    admitted, bed = _admitted_and_bed(plan, start, end, length, first, n)
    out = [admitted, bed, episodes.astype(np.float64)] + ([bed * bed] if plan.squares else [])
    if plan.weighted:
        out += [weight * admitted, weight * bed, weighted_episodes]
    return out


#: rows staged at once when sums are weighted: a 1M-row row group is staged in quarters, so temporaries stay
#: small (and weighted float sums are formed in the same pieces as ever)
SLICE_ROWS = 262_144
#: rows staged at once otherwise: the temporaries are 4-byte codes, and integer sums do not depend on it
SLICE_ROWS_UNWEIGHTED = 1 << 18
#: above this many bins (strata x reason combinations) a batch is summed with numpy.unique, not bincount
_BINCOUNT_LIMIT = 4_000_000


def _slices(table, rows: int | None = None):
    rows = rows or SLICE_ROWS
    if table.num_rows <= rows:
        yield table
        return
    for start in range(0, table.num_rows, rows):
        yield table.slice(start, rows)


@dataclass
class _Partial:
    """What one slice adds: strata (ids, sums) and exclusions (rows and weighted rows per reason)."""

    decoded: np.ndarray
    sums: np.ndarray
    rows: np.ndarray
    weighted: np.ndarray | None
    read: int
    pairs: dict[str, np.ndarray] | None = None  # persons: the counted rows' stratum ids and person keys


def _episode_partial(plan: Plan, table) -> _Partial:
    """Stage one slice and sum it: one bincount of the row codes gives strata and exclusions together.

    Unweighted, every sum is of integers (exact in float64 in any order), so whether a row is an admission
    is folded into its code too; weighted, the sums are formed exactly as before (one pass per measure in
    row order), so results do not change in the last bit either.
    """
    staged = plan.stage(table, admission=not plan.weighted)
    codes = staged.codes
    n = len(codes.code)
    size = len(EXCLUSION_REASONS) + 1
    weighted = _weighted_reasons(plan, codes.reason, staged.weight)
    bed = plan.bed_days(staged.start, staged.end, staged.length, dtype=np.float64)
    squares = bed * bed if plan.squares else None  # before _counts_and_sums may overwrite bed
    if codes.n_bins <= _BINCOUNT_LIMIT:
        shape = (len(codes.combo_reason), codes.split, codes.total)
        counts, bed_sums = _counts_and_sums(codes.code, bed, codes.n_bins, pack=not plan.weighted)
        counts = counts.reshape(shape)
        rows = np.bincount(codes.combo_reason, weights=counts.sum(axis=(1, 2)), minlength=size).astype(np.int64)
        episodes = counts[0].sum(axis=0)
        keys = np.flatnonzero(episodes)
        bed_sums = bed_sums.reshape(shape)[0]
        if plan.weighted:
            admitted = _admitted(plan, staged, n)
            columns = [np.bincount(codes.code, weights=admitted, minlength=codes.n_bins)[keys], bed_sums[0][keys],
                       episodes[keys].astype(np.float64)]
        else:
            columns = [counts[0, 0][keys].astype(np.float64), bed_sums.sum(axis=0)[keys],
                       episodes[keys].astype(np.float64)]
        if squares is not None:
            columns.append(np.bincount(codes.code, weights=squares, minlength=codes.n_bins).reshape(shape)[0]
                           .sum(axis=0)[keys])
        if plan.weighted:
            # an infinite weight times 0 is NaN; such rows are excluded (invalid_weight), their bins unread
            with np.errstate(invalid="ignore"):
                products = (staged.weight * admitted, staged.weight * bed, staged.weight)
            columns += [np.bincount(codes.code, weights=v, minlength=codes.n_bins)[keys] for v in products]
    else:
        reason = codes.reason()
        rows = np.bincount(reason, minlength=size).astype(np.int64)
        keep = reason == 0
        admitted = _admitted(plan, staged, n) if codes.split == 1 else \
            ((codes.code // codes.total) % 2 == 0).astype(np.float64)
        keys, inverse = np.unique(codes.code[keep] % codes.total, return_inverse=True)
        values = [admitted, bed, np.ones(n)] + ([squares] if squares is not None else [])
        if plan.weighted:
            values += [staged.weight * admitted, staged.weight * bed, staged.weight]
        columns = [np.bincount(inverse, weights=v[keep], minlength=len(keys)) for v in values]
    pairs = None
    if plan.persons:  # counted by person afterwards (kpcompare.engine.persons); 0 in the sums
        columns.insert(3, np.zeros(len(keys)))
        pairs = slice_pairs(table.column(table.schema.get_field_index("person_id")), codes, len(plan.by))
    sums = np.column_stack(columns) if len(keys) else np.empty((0, len(columns)))
    return _Partial(codes.decode(keys), sums, rows, weighted, n, pairs)


_PACK = float(2 ** 32)


def _counts_and_sums(code: np.ndarray, bed: np.ndarray, n_bins: int, *,
                     pack: bool) -> tuple[np.ndarray, np.ndarray]:
    """Rows and bed days per bin.  When it is exact, one weighted bincount gives both: summing
    ``2**32 + bed`` gives ``S = rows * 2**32 + B`` with ``|B| < 2**31`` (at most n rows, each ``|bed| <
    2**31 / n``) and every partial sum an integer below 2**53, so float64 adds it exactly and
    ``rows = rint(S / 2**32)``, ``B = S - rows * 2**32`` recover both.  Otherwise two bincounts.

    With ``pack`` True, ``bed`` may be overwritten.
    """
    n = len(code)
    if pack and n and n < 2 ** 20 and max(-float(bed.min()), float(bed.max())) < 2 ** 31 / n:
        bed += _PACK
        packed = np.bincount(code, weights=bed, minlength=n_bins)
        rows = np.rint(packed / _PACK)
        return rows.astype(np.int64), packed - rows * _PACK
    return np.bincount(code, minlength=n_bins), np.bincount(code, weights=bed, minlength=n_bins)


def _admitted(plan: Plan, staged, n: int) -> np.ndarray:
    admitted = plan.admitted(staged.start, staged.end, n)
    return (admitted if staged.first is None else staged.first & admitted).astype(np.float64)


def _weighted_reasons(plan: Plan, reason: Callable[[], np.ndarray], weight: np.ndarray | None) -> np.ndarray | None:
    """Weights summed per exclusion reason, in row order (missing or infinite weights count 0); None unweighted."""
    if not plan.weighted:
        return None
    clean = np.nan_to_num(weight, nan=0.0, posinf=0.0, neginf=0.0)
    return np.bincount(reason(), weights=clean, minlength=len(EXCLUSION_REASONS) + 1)


def _add_partial(partial: _Partial, accumulator: Accumulator, tally: _Tally) -> None:
    accumulator.add_partial(partial.decoded, partial.sums)
    tally.rows += partial.rows
    if partial.weighted is not None:
        tally.weighted += partial.weighted
    tally.read += partial.read


#: at most this many partition files are open at once (file descriptors); beyond
#: MAX_PARTITIONS * PARTITION_ROWS rows (about 154M) partitions grow in proportion
MAX_PARTITIONS = 1024


#: the episode unit's (stratum, person) pairs take 24 bytes a row (and about 60 more while a partition is
#: sorted), against about 75 for whole rows: partitions of this many times PARTITION_ROWS rows
PAIR_PARTITION_FACTOR = 3


def _n_partitions(extract, rows: int | None = None) -> int:
    """Partitions of about ``rows`` rows each (default :data:`PARTITION_ROWS`), at most :data:`MAX_PARTITIONS`."""
    rows = rows or PARTITION_ROWS
    total = extract.num_rows
    if total is None:  # CSV: counted only when read; plan from the file size
        total = getattr(extract.source, "estimated_rows", None) or 64 * rows
    return min(MAX_PARTITIONS, max(1, -(-total // rows)))


def _partition_rows(plan: Plan, table) -> tuple[dict[str, np.ndarray], _Partial]:
    """Row rules, then only what units need, in small types (about 70 bytes a row), for the rows that passed.

    Returns the kept rows (``row`` numbered from 0 within the slice) and the slice's exclusion tally.
    """
    staged = plan.stage(table)
    reason = staged.reason
    size = len(EXCLUSION_REASONS) + 1
    weighted = _weighted_reasons(plan, lambda: reason, staged.weight)
    tally = _Partial(np.empty((0, len(plan.by)), dtype=np.int64), np.empty((0, 0)),
                     np.bincount(reason, minlength=size).astype(np.int64), weighted, len(reason))
    keep = reason == 0
    n = len(keep)
    arrays = {f"id{j}": ids.astype(np.int32) for j, ids in enumerate(staged.kept_ids(keep))}
    arrays.update({k: v[keep] for k, v in staged.extra.items()})
    arrays["row"] = np.flatnonzero(keep).astype(np.int64)
    if plan.weighted:
        arrays["weight"] = staged.weight[keep]
    arrays["first"] = staged.first[keep] if staged.first is not None else np.ones(int(keep.sum()), dtype=bool)
    for name in ("start", "end", "end_known", "length"):
        value = getattr(staged, name)
        if value is not None:
            arrays[name] = value[keep].astype(np.int32) if value.dtype == np.int64 else value[keep]
    return arrays, tally


def _ordered(jobs: Iterator[Callable[[], Any]], threads: int) -> Iterator[Any]:
    """Run ``jobs`` on ``threads`` threads and yield their results in order, with at most ``threads`` jobs
    started and not yet consumed (so at most that many row groups are in memory)."""
    if threads <= 1:
        for job in jobs:
            yield job()
        return
    from concurrent.futures import ThreadPoolExecutor

    pending: deque = deque()
    with ThreadPoolExecutor(threads, thread_name_prefix="kpcompare") as pool:
        try:
            for job in jobs:
                if len(pending) >= threads:
                    yield pending.popleft().result()
                pending.append(pool.submit(job))
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _release() -> None:
    """Return the memory pyarrow's pools kept from the row group just read (about 30-50 MB a worker, which
    their allocators would otherwise hold on to): the pool the row group was read into
    (:func:`kpcompare.extract.sources.reading_pool`) and the default pool of the compute functions.

    Called only where memory is tight (partitioned runs, which also hold partition buffers): the episode unit
    keeps the pool's pages, because returning them makes the next row group fault them in again (about 0.25 s
    of system time per 20M rows); its peak stays flat all the same, the pool reusing its pages.
    """
    from ..extract.sources import reading_pool

    reading_pool().release_unused()
    pa.default_memory_pool().release_unused()


def _threads(threads: int | None, plan: Plan) -> int:
    if threads is None:
        # spell and CIPS runs are paced by their partition files, and a 2nd worker costs ~100 MB beside the
        # partitions' temporaries; the episode unit's partitions (persons) are light: 2 workers, 15% faster
        light = not plan.partitioned or plan.unit == "episode"
        return max(1, min(DEFAULT_THREADS, os.cpu_count() or 1)) if light else 1
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InvalidArgumentError(f"argument 'threads': expected a positive integer or None, got {threads!r}.")
    return threads


#: worker threads by default for unpartitioned runs (capped by the number of CPUs); each holds a row group
DEFAULT_THREADS = 2


def _stream_episodes(extract, plan: Plan, accumulator: Accumulator, tally: _Tally, progress: bool | None,
                     threads: int) -> None:
    rows = SLICE_ROWS if plan.weighted else SLICE_ROWS_UNWEIGHTED
    n_parts = _n_partitions(extract, PAIR_PARTITION_FACTOR * PARTITION_ROWS) if plan.persons else 1
    lock = threading.Lock()

    with Partitioner(n_parts) as pairs:
        def job(read: Callable[[], list]) -> list[_Partial]:
            partials = []
            for batch in read():
                for part in _slices(batch.table, rows):
                    partial = _episode_partial(plan, part)
                    if partial.pairs is not None:  # written at once (distinct pairs do not depend on order)
                        with lock:
                            pairs.add(partial.pairs)
                            # writing pieces leaves pages in pyarrow's default pool: give them back (about
                            # 20-35 MB of peak memory for 0.1-0.5 s per 20M rows)
                            pa.default_memory_pool().release_unused()
                        partial.pairs = None
                    partials.append(partial)
            return partials

        jobs = (lambda read=read: job(read) for read in extract.batch_jobs(plan.columns, narrow=True))
        results = _ordered(jobs, threads)
        for partials in _progress(results, total=extract.num_pieces, enabled=progress, desc="kpcompare.aggregate"):
            for partial in partials:
                _add_partial(partial, accumulator, tally)
        if plan.persons:
            _release()  # the row groups are done: their pages go back before the partitions are sorted
            add_person_counts(pairs.partitions(), accumulator, sizes=[max(len(lab), 1) for lab in plan.labels],
                              column=_counted_names(plan).index("persons"),
                              progress=lambda items: _progress(items, total=len(pairs), enabled=progress,
                                                               desc="kpcompare.aggregate: persons"))


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


def _stream_partitioned(extract, plan: Plan, accumulator: Accumulator, tally: _Tally,
                        progress: bool | None, threads: int) -> None:
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
                for part in _slices(batch.table):
                    arrays, counted = _partition_rows(plan, part)
                    if not waited:
                        turns.wait(number)
                        waited = True
                    arrays["row"] += offset[0]
                    offset[0] += counted.read
                    _add_partial(counted, accumulator, tally)
                    partitioner.add(arrays)
                    del arrays
        finally:  # pass the turn on even after an error, or the next row group's worker would wait forever
            if not waited:
                turns.wait(number)
            turns.done()
        _release()

    with Partitioner(_n_partitions(extract)) as partitioner:
        jobs = (lambda number=number, read=read: job(number, read, partitioner)
                for number, read in enumerate(extract.batch_jobs(plan.columns, narrow=True)))
        for _ in _progress(_ordered(jobs, threads), total=extract.num_pieces, enabled=progress,
                           desc="kpcompare.aggregate"):
            pass
        sizes = [max(len(lab), 1) for lab in plan.labels]
        # the second half of a spell or CIPS run (sorting each partition into units) has its own bar
        for part in _progress(partitioner.partitions(), total=len(partitioner), enabled=progress,
                              desc="kpcompare.aggregate: units by person"):
            recs = records(part, unit=plan.unit, n_by=len(plan.by), period=plan.period,
                           check_duplicates=plan.check_duplicates, rules=plan.cips_rules,
                           diagnosis=(plan.by.index("condition"), plan.spell_diagnosis)
                           if "condition" in plan.by else None)
            for reason, (rows, weighted) in recs.excluded.items():
                tally.add(reason, rows, weighted)
            n = len(recs.weight)
            values = _values(plan, recs.start, recs.end, recs.length, recs.first, recs.weight, recs.episodes,
                             recs.weighted_episodes, n)
            if plan.persons:  # after episodes, before bed_days_squared (see _counted_names)
                values.insert(3, first_person(recs.ids, recs.person, sizes).astype(np.float64))
            accumulator.add(recs.ids, values)


def aggregate(extract: Any, *, by: Sequence[str] = ("system", "sex", "age_band", "condition"),
              age_bands: Any = "esp2013", conditions: Any = None, unit: str = "episode",
              bed_days: str = "midnights", period: Any = None, weights: Any = None, progress: bool | None = None,
              newborns: str = "include", admissions_by: str = "admission", persons: bool | None = None,
              check_duplicates: bool | None = None, threads: int | None = None,
              bed_days_squared: bool = False, cips_rules: Any = None,
              spell_diagnosis: str = "first") -> AggregateResult:
    """Stream an episode extract into admissions, bed days and episodes per stratum, accounting for every row.

    Parameters
    ----------
    extract : Extract, path, pyarrow.Table or pandas.DataFrame
        From :func:`kpcompare.read_episodes`; anything else is read with ``read_episodes(extract)`` (canonical
        column names).
    by : sequence of str, default ("system", "sex", "age_band", "condition")
        Stratum columns: canonical columns plus ``age_band`` (from ``age`` and ``age_bands``) and ``condition``
        (from ``primary_diagnosis`` and ``conditions``).
    age_bands : str, list of int or DataFrame, default "esp2013"
        Anything :func:`kpcompare.band_table` accepts: a standard population name, lower bounds such as
        ``[0, 15, 60, 75]`` or a band table.
    conditions : mapping, ConditionSet, str or None
        ``{group: [codes, prefixes, ranges]}``, a :class:`kpcompare.conditions.ConditionSet` or a bundled set
        name; codes no group covers are ``"other"``.  None: the normalised primary diagnosis code itself.
    unit : {"episode", "spell", "cips"}
        What one admission is: an episode (a row; with ``episode_order`` only first episodes count as
        admissions), a provider spell or a continuous inpatient spell (see :mod:`kpcompare.engine.spells`).
    bed_days : {"midnights", "same_day_as_one"}
        ``midnights``: discharge - admission, a same-day stay is 0 (HES). ``same_day_as_one``: a same-day stay
        counts 1 (NHDS days of care).  A ``length_of_stay`` column counts midnights, so the two rules give
        ``length_of_stay`` and ``max(length_of_stay, 1)``.
    period : (first_day, last_day), optional
        Inclusive dates.  Bed days are clipped to the period (nights from ``max(start, first)`` to
        ``min(end, last + 1)``); admissions are counted when the admission date (``admissions_by="discharge"``:
        the discharge date) lies in it; stays not overlapping it are excluded (``outside_period``).
    weights : {None, "weight"}
        ``"weight"`` adds ``weighted_*`` columns summing the canonical ``weight`` column.
    progress : bool or None
        A tqdm bar over batches (and, for runs partitioned by person, a second one over the partitions);
        None shows them only when stderr is a terminal.
    newborns : {"include", "exclude"}
        ``"exclude"`` excludes rows flagged ``newborn`` (reason ``newborn``).
    admissions_by : {"admission", "discharge"}
        Which date places an admission in the period.
    persons : bool or None
        Count distinct persons per stratum (the ``persons`` column).  None: wherever the extract has
        ``person_id``, in every unit.  Counting them partitions records by person (in the episode unit only
        each counted row's stratum and person, :mod:`kpcompare.engine.persons`), which costs about four times
        the plain episode pass (``docs/performance.md``), so ``persons=False`` skips it when only admissions
        and bed days are wanted.
    check_duplicates : bool or None
        Exclude repeated ``episode_id`` of a person (the first occurrence is kept); None = yes for spell and CIPS
        units.  Both options partition the rows by person (bounded memory, see :mod:`kpcompare.engine.spells`).
    threads : int or None
        Worker threads reading and staging row groups.  None: 2 (1 on a one-CPU machine) for the episode unit
        (also when it partitions rows by person for ``persons`` or ``check_duplicates``); 1 for the spell and
        CIPS units, whose pace is set by the partition files.  Each worker holds one row group (about 100 MB
        for 1M rows), so memory grows with it; results do not depend on it (partial results are combined in
        the order of the source).
    bed_days_squared : bool, default False
        Add ``bed_days_squared``, the sum over the stratum's records of the squared bed days of each record,
        :math:`S = \\sum_j d_j^2`.  For stays arriving as a Poisson process it is the compound-Poisson variance
        of the stratum's bed days (and the covariance of admissions and bed days is the bed days), which
        :func:`kpcompare.compare` uses for bed-day and length-of-stay intervals.  Defined where every record
        is one stay with its admission counted: unit ``spell`` or ``cips``, or ``episode`` for sources without
        ``episode_order`` (one row per stay, as the NHDS); not with ``period`` (a stay begun before the period
        adds bed days but no admission).  Unweighted (compare scales the sample's relative variance).
    cips_rules : kpcompare.engine.spells.CipsRules, optional
        With ``unit="cips"``: the gap in days and the transfer codes that link provider spells; None = NHS
        Digital's rules (:data:`kpcompare.engine.spells.CIPS_RULES`).  For example ``CipsRules(gap_days=0)`` links
        only spells admitted by the previous discharge day (what UKHSA's epidm ``cip_spells`` does in effect).
    spell_diagnosis : {"first", "last"}, default "first"
        With ``unit="spell"`` or ``"cips"``: the episode whose primary diagnosis gives the ``condition``.
        ``"first"`` is the admitting episode (HES "first episode of spell"; rule S5 of :mod:`kpcompare.engine.spells`).
        ``"last"`` is the discharge episode (of the last provider spell, for CIPS), the one a discharge
        abstract such as the NHDS records, for comparisons with such data or as a sensitivity analysis.  The
        other stratum columns (sex, age, system) and the weight always come from the first episode.  Episodes
        excluded by a row rule (an invalid code, for example) are not part of the spell, so "first" and
        "last" are of the episodes kept.

    Returns
    -------
    AggregateResult
        ``.strata`` and ``.exclusions``; rows read = rows counted + rows excluded, always.

    Notes
    -----
    Rules are applied in this order: row rules (:data:`kpcompare.extract.rules.EXCLUSION_REASONS`, first
    broken rule wins), then duplicate ids, then spell-level rules (a spell with no discharge date, ending
    before it starts, or outside the period is excluded with all its episodes).  Parquet is read one row group
    at a time, the diagnosis column as a dictionary whose values are validated and classified once per
    distinct code (remembered across row groups); partial sums are combined at the end, so memory does not
    grow with the number of rows.

    Validated against: a plain pandas implementation on random extracts (tests/engine) and CDC/NCHS's published
    NHDS 2010 totals (35.1 million discharges, 167.7 million days of care, average stay 4.8 days).
    """
    from ..extract import Extract, read_episodes

    if not isinstance(extract, Extract):
        extract = read_episodes(extract)
    plan = make_plan(extract, by=by, age_bands=age_bands, conditions=conditions, unit=unit, bed_days=bed_days,
                     period=period, weights=weights, newborns=newborns, admissions_by=admissions_by,
                     persons=persons, check_duplicates=check_duplicates, squares=bed_days_squared,
                     cips_rules=cips_rules, spell_diagnosis=spell_diagnosis)
    threads = _threads(threads, plan)
    accumulator = Accumulator(plan.by, plan.labels, _measure_names(plan))
    tally = _Tally()
    if plan.partitioned:
        _stream_partitioned(extract, plan, accumulator, tally, progress, threads)
    else:
        _stream_episodes(extract, plan, accumulator, tally, progress, threads)
    strata = accumulator.frame()
    for name in _counted_names(plan):
        strata[name] = np.rint(strata[name].to_numpy()).astype(np.int64)
    exclusions = tally.frame(plan.weighted)
    result = AggregateResult(strata, exclusions, tally.read, unit, bed_days, plan.by,
                             period=None if period is None else (str(period[0]), str(period[1])))
    if result.rows_counted + result.rows_excluded != result.rows_read:  # pragma: no cover - internal invariant
        raise KpcompareError(f"internal error: rows read {result.rows_read} != counted {result.rows_counted} + "
                             f"excluded {result.rows_excluded}; please report this.")
    return result
