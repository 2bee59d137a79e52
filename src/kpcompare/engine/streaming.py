"""What every pass of the engine shares: the exclusion tally, partial results, ordered worker threads,
progress bars, slices of row groups and the number of partitions by person."""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import InvalidArgumentError
from ..extract.rules import EXCLUSION_REASONS, REASON_INDEX
from .strata import Accumulator
from .units import PARTITION_ROWS

__all__ = ["Tally", "Partial", "add_partial", "ordered", "progress_bar", "release_pools", "n_partitions",
           "slices", "worker_threads", "SLICE_ROWS", "SLICE_ROWS_UNWEIGHTED", "MAX_PARTITIONS",
           "PAIR_PARTITION_FACTOR", "DEFAULT_THREADS", "N_REASONS"]

#: reason codes 0 (counted) .. len(EXCLUSION_REASONS)
N_REASONS = len(EXCLUSION_REASONS) + 1
#: rows staged at once when sums are weighted: a 1M-row row group is staged in quarters, so temporaries stay
#: small (and weighted float sums are formed in the same pieces as ever)
SLICE_ROWS = 262_144
#: rows staged at once otherwise: the temporaries are 4-byte codes, and integer sums do not depend on it
SLICE_ROWS_UNWEIGHTED = 1 << 18
#: at most this many partition files are open at once (file descriptors); beyond
#: MAX_PARTITIONS * PARTITION_ROWS rows (about 154M) partitions grow in proportion
MAX_PARTITIONS = 1024
#: the episode unit's (stratum, person) pairs take 24 bytes a row (and about 60 more while a partition is
#: sorted), against about 75 for whole rows: partitions of this many times PARTITION_ROWS rows
PAIR_PARTITION_FACTOR = 3
#: worker threads by default for unpartitioned runs (capped by the number of CPUs); each holds a row group
DEFAULT_THREADS = 2


class Tally:
    """Exclusion counts per reason (rows and weighted rows)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every count."""
        self.rows = np.zeros(N_REASONS, dtype=np.int64)
        self.weighted = np.zeros(N_REASONS)
        self.read = 0

    def add(self, reason: str, rows: int, weighted: float) -> None:
        self.rows[REASON_INDEX[reason]] += rows
        self.weighted[REASON_INDEX[reason]] += weighted

    def frame(self, weighted: bool, *, where: bool = False) -> pd.DataFrame:
        """Every reason in precedence order, zero rows too; ``filtered_out_by_where`` only with ``where``."""
        names = list(EXCLUSION_REASONS)
        rows, sums = self.rows[1:], self.weighted[1:]
        if not where:
            keep = [i for i, name in enumerate(names) if name != "filtered_out_by_where"]
            names, rows, sums = [names[i] for i in keep], rows[keep], sums[keep]
        return pd.DataFrame({
            "reason": pd.array(names, dtype="string"),
            "rows": rows.astype(np.int64),
            "weighted_rows": sums if weighted else rows.astype(float),
        })


@dataclass
class Partial:
    """What one slice adds: strata (ids, sums) and exclusions (rows and weighted rows per reason)."""

    decoded: np.ndarray
    sums: np.ndarray
    rows: np.ndarray
    weighted: np.ndarray | None
    read: int
    keys: dict[str, np.ndarray] | None = None  # rows partitioned by person (persons, duplicate episode ids)
    bounds: np.ndarray | None = None  # the partitions' bounds in ``keys`` (Partitioner.split), when split already


def add_partial(partial: Partial, accumulator: Accumulator, tally: Tally) -> None:
    accumulator.add_partial(partial.decoded, partial.sums)
    tally.rows += partial.rows
    if partial.weighted is not None:
        tally.weighted += partial.weighted
    tally.read += partial.read


def slices(table, rows: int | None = None):
    """``table`` in slices of at most ``rows`` rows (default :data:`SLICE_ROWS`)."""
    rows = rows or SLICE_ROWS
    if table.num_rows <= rows:
        yield table
        return
    for start in range(0, table.num_rows, rows):
        yield table.slice(start, rows)


def progress_bar(items: Iterable, *, total: int | None, enabled: bool | None, desc: str) -> Iterator:
    """A tqdm bar over ``items`` (None: only when stderr is a terminal)."""
    show = enabled if enabled is not None else sys.stderr.isatty()
    if not show:
        return iter(items)
    from tqdm.auto import tqdm

    return iter(tqdm(items, total=total, desc=desc, unit="batch", disable=False))


def n_partitions(extract, *, factor: int = 1) -> int:
    """Partitions of about ``factor`` x :data:`PARTITION_ROWS` rows each, at most :data:`MAX_PARTITIONS`."""
    rows = factor * PARTITION_ROWS
    total = extract.num_rows
    if total is None:  # CSV: counted only when read; plan from the file size
        total = getattr(extract.source, "estimated_rows", None) or 64 * rows
    return min(MAX_PARTITIONS, max(1, -(-total // rows)))


def ordered(jobs: Iterator[Callable[[], Any]], threads: int) -> Iterator[Any]:
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


def release_pools() -> None:
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


def worker_threads(threads: int | None, plan) -> int:
    """The worker threads of a run: ``threads``, or by default 2 (capped by the CPUs) for the episode unit and
    1 for the spell and CIPS units (paced by their partition files; a 2nd worker costs ~100 MB there)."""
    if threads is None:
        light = not plan.partitioned or plan.unit == "episode"
        return max(1, min(DEFAULT_THREADS, os.cpu_count() or 1)) if light else 1
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InvalidArgumentError(f"argument 'threads': expected a positive integer or None, got {threads!r}.")
    return threads
