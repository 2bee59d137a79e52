"""The episode unit's pass: every slice staged and summed at once, persons and duplicate episode ids found
in small partitions beside the sums.

One ``numpy.bincount`` of the row codes of a slice (:mod:`kpcompare.engine.stage`) gives its strata and its
exclusions together.  Persons and duplicate ids need each person's rows together, so the slices also write
a few small keys of their rows to partitions by person (:class:`~kpcompare.engine.units.Partitioner`):
the counted rows' stratum ids and person key for ``persons`` (:mod:`kpcompare.engine.persons`), the person
key, episode key and position for duplicate checks (:mod:`kpcompare.engine.duplicates`).  Whole rows are
never partitioned.  Without persons, integer episode ids are first only marked on a bitmap of the ids seen
(:class:`~kpcompare.engine.duplicates.SeenIds`); the partitions are written only if an id repeats.  Duplicates are rare: when a partition holds one, the extract is read a second time and
the duplicated rows are excluded as they are staged, so the sums are those of a run without them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from .duplicates import SeenIds, drop_mask, duplicates_in, integer_ids, partition_keys
from .persons import add_person_counts
from .plan import Plan
from .strata import MEASURES, Accumulator
from .streaming import (
    N_REASONS, PAIR_PARTITION_FACTOR, SLICE_ROWS, SLICE_ROWS_UNWEIGHTED, Partial, Tally, add_partial,
    n_partitions, ordered, progress_bar, release_pools, slices,
)
from .units import Partitioner

__all__ = ["stream_episodes", "episode_partial", "counted_names", "measure_names"]

#: above this many bins (strata x reason combinations) a batch is summed with numpy.unique, not bincount
_BINCOUNT_LIMIT = 4_000_000
_PACK = float(2 ** 32)
#: a row's position in the source: its piece (row group, batch) times this, plus its row in the piece
PIECE_STRIDE = 1 << 32


def counted_names(plan: Plan) -> list[str]:
    """The integer measures, in output order."""
    return list(MEASURES) + (["persons"] if plan.persons else []) + (["bed_days_squared"] if plan.squares else [])


def measure_names(plan: Plan) -> list[str]:
    names = counted_names(plan)
    if plan.weighted:
        names += [f"weighted_{m}" for m in MEASURES]
    return names


def episode_partial(plan: Plan, table, *, drop: np.ndarray | None = None, row0: int = 0,
                    keyed: str | None = None, split: Callable | None = None) -> Partial:
    """Stage one slice and sum it: one bincount of the row codes gives strata and exclusions together.

    ``drop``: rows to exclude as ``duplicate_episode_id``; ``keyed``: also return the rows' partition keys
    (``"partitions"``: persons, duplicate checks, positions numbered from ``row0``; ``"episodes"``: only the
    episode keys, for :class:`~kpcompare.engine.duplicates.SeenIds`); ``split``: the partitioner's, to put
    the keys in partition order at once (``Partial.bounds``).  Unweighted, every sum is of
    integers (exact in float64 in any order), so whether a row is an admission is folded into its code too;
    weighted, the sums are formed one pass per measure in row order, so results do not change in the last bit.
    """
    staged = plan.stage(table, admission=not plan.weighted,
                        flags=[("duplicate_episode_id", drop)] if drop is not None else ())
    codes = staged.codes
    weighted = _weighted_reasons(plan, codes.reason, staged.weight)
    bed = plan.bed_days(staged.start, staged.end, staged.length, dtype=np.float64)
    squares = bed * bed if plan.squares else None  # before _counts_and_sums may overwrite bed
    if codes.n_bins <= _BINCOUNT_LIMIT:
        keys, columns, rows = _sums_by_bincount(plan, staged, bed, squares)
    else:
        keys, columns, rows = _sums_by_unique(plan, staged, bed, squares)
    if plan.persons:  # counted by person afterwards (kpcompare.engine.persons); 0 in the sums
        columns.insert(3, np.zeros(len(keys)))
    pairs, bounds = partition_keys(table, codes, plan, row0=row0, episodes_only=keyed == "episodes",
                                   split=split) if keyed else (None, None)
    sums = np.column_stack(columns) if len(keys) else np.empty((0, len(columns)))
    return Partial(codes.decode(keys), sums, rows, weighted, len(codes.code), pairs, bounds)


def _sums_by_bincount(plan: Plan, staged, bed: np.ndarray, squares: np.ndarray | None):
    codes = staged.codes
    shape = (len(codes.combo_reason), codes.split, codes.total)
    counts, bed_sums = _counts_and_sums(codes.code, bed, codes.n_bins, pack=not plan.weighted)
    counts = counts.reshape(shape)
    rows = np.bincount(codes.combo_reason, weights=counts.sum(axis=(1, 2)), minlength=N_REASONS).astype(np.int64)
    episodes = counts[0].sum(axis=0)
    keys = np.flatnonzero(episodes)
    bed_sums = bed_sums.reshape(shape)[0]
    if plan.weighted:
        admitted = _admitted(plan, staged, len(codes.code))
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
    return keys, columns, rows


def _sums_by_unique(plan: Plan, staged, bed: np.ndarray, squares: np.ndarray | None):
    codes = staged.codes
    n = len(codes.code)
    reason = codes.reason()
    rows = np.bincount(reason, minlength=N_REASONS).astype(np.int64)
    keep = reason == 0
    admitted = _admitted(plan, staged, n) if codes.split == 1 else \
        ((codes.code // codes.total) % 2 == 0).astype(np.float64)
    keys, inverse = np.unique(codes.code[keep] % codes.total, return_inverse=True)
    values = [admitted, bed, np.ones(n)] + ([squares] if squares is not None else [])
    if plan.weighted:
        values += [staged.weight * admitted, staged.weight * bed, staged.weight]
    return keys, [np.bincount(inverse, weights=v[keep], minlength=len(keys)) for v in values], rows


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
    return np.bincount(reason(), weights=clean, minlength=N_REASONS)


class _Collected:
    """Person counts kept aside (they are added to whichever pass's sums are final)."""

    def __init__(self, measures: list[str]) -> None:
        self.measures = measures
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add_partial(self, decoded: np.ndarray, sums: np.ndarray) -> None:
        self.parts.append((decoded, sums))


def stream_episodes(extract, plan: Plan, accumulator: Accumulator, tally: Tally, progress: bool | None,
                    threads: int) -> None:
    """The episode unit: sums per slice; persons and duplicate ids from partitions of small keys."""
    keyed = plan.persons or plan.check_duplicates
    if not keyed:
        _one_pass(extract, plan, accumulator, tally, progress, threads, None)
        return
    if not plan.persons and integer_ids(extract):  # first on a bitmap of the ids seen, no partitions
        seen = SeenIds()
        _one_pass(extract, plan, accumulator, tally, progress, threads, None, seen=seen)
        if not (seen.repeated or seen.overflow):
            return
        accumulator.reset()  # an id repeats (or they span too many values): the partitions tell which rows
        tally.reset()
    n_parts = n_partitions(extract, factor=PAIR_PARTITION_FACTOR)
    collected = _Collected(accumulator.measures)
    with Partitioner(n_parts) as partitioner:
        _one_pass(extract, plan, accumulator, tally, progress, threads, partitioner)
        release_pools()  # the row groups are done: their pages go back before the partitions are sorted
        parts = progress_bar(partitioner.partitions(), total=len(partitioner), enabled=progress,
                             desc="kpcompare.aggregate: persons and duplicates")
        duplicated = _settle(parts, plan, collected)
    if len(duplicated):  # read again, excluding the repeats as they are staged: sums as if they were absent
        accumulator.reset()
        tally.reset()
        _one_pass(extract, plan, accumulator, tally, progress, threads, None, duplicated=duplicated)
    for decoded, sums in collected.parts:
        accumulator.add_partial(decoded, sums)


def _settle(parts, plan: Plan, collected: _Collected) -> np.ndarray:
    """Per partition: the duplicated rows (their positions, returned sorted) and the persons of the rest."""
    found = []
    sizes = [max(len(lab), 1) for lab in plan.labels]
    column = counted_names(plan).index("persons") if plan.persons else -1
    for part in parts:
        if plan.check_duplicates:
            dup = duplicates_in(part)
            if dup.any():
                found.append(part["row"][dup])
                part = {k: v[~dup] for k, v in part.items()}
        if plan.persons:
            if "counted" in part:
                part = {k: v[part["counted"]] for k, v in part.items()}
            add_person_counts([part], collected, sizes=sizes, column=column)
    return np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def _one_pass(extract, plan: Plan, accumulator: Accumulator, tally: Tally, progress: bool | None, threads: int,
              partitioner: Partitioner | None, *, duplicated: np.ndarray | None = None,
              seen: SeenIds | None = None) -> None:
    rows = SLICE_ROWS if plan.weighted else SLICE_ROWS_UNWEIGHTED
    lock = threading.Lock()

    def job(number: int, read: Callable[[], list]) -> list[Partial]:
        partials, offset = [], 0
        for batch in read():
            for part in slices(batch.table, rows):
                row0 = number * PIECE_STRIDE + offset
                offset += part.num_rows
                drop = drop_mask(duplicated, row0, part.num_rows) if duplicated is not None else None
                keyed = "partitions" if partitioner is not None else "episodes" if seen is not None else None
                partial = episode_partial(plan, part, drop=drop, row0=row0, keyed=keyed,
                                          split=partitioner.split if partitioner is not None else None)
                if seen is not None:
                    seen.add(partial.keys["episode_key"])
                    partial.keys = None
                if partial.keys is not None:  # written at once (what the partitions give does not depend on order)
                    with lock:
                        partitioner.add(partial.keys, partial.bounds)
                        # writing pieces leaves pages in pyarrow's default pool: give them back (about
                        # 20-35 MB of peak memory for 0.1-0.5 s per 20M rows)
                        pa.default_memory_pool().release_unused()
                    partial.keys = None
                partials.append(partial)
        return partials

    # the bitmap of episode ids needs no person ids (a repeated id alone sends the run to the partitions)
    columns = [c for c in plan.columns if c != "person_id"] if seen is not None else plan.columns
    jobs = (lambda number=number, read=read: job(number, read)
            for number, read in enumerate(extract.batch_jobs(columns, narrow=True)))
    for partials in progress_bar(ordered(jobs, threads), total=extract.num_pieces, enabled=progress,
                                 desc="kpcompare.aggregate"):
        for partial in partials:
            add_partial(partial, accumulator, tally)
