"""Duplicate episode ids in the episode unit, found in partitions of small keys (24-41 bytes a row).

The rule (:func:`kpcompare.extract.rules.duplicate_episode_id`): a row whose (person id, episode id) an
earlier row had is excluded, among the rows passing every other row rule; missing ids equal one another;
without a ``person_id`` column the episode id alone is the key.  Rows that ``where`` filters out are still
candidates (the rule is a validity rule, whose counts do not depend on the filter), so an excluded
duplicate is a duplicate whichever row the filter keeps.

Each slice writes, for its candidate rows, the person key (the partition key), the episode key and the
row's position in the source (:func:`partition_keys`); a person's rows fall in one partition, where
:func:`duplicates_in` finds the repeats after the first in source order.  The spell and CIPS units, which
partition whole rows by person anyway, find them in :func:`kpcompare.engine.units.records`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from ..extract.rules import REASON_INDEX
from . import spells
from .plan import MISSING_ID, Plan, hash_ids
from .stage import Codes

__all__ = ["partition_keys", "duplicates_in", "all_distinct", "drop_mask", "SeenIds", "integer_ids",
           "BITMAP_SPAN", "SEEN_LIMIT"]

_FILTERED = REASON_INDEX["filtered_out_by_where"]


def partition_keys(table, codes: Codes, plan: Plan, *, row0: int, episodes_only: bool = False,
                   split: Callable | None = None) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The keys of a slice's rows that the partitions need: ``id0`` ... and ``person`` of the counted rows
    with a person id (``persons``); with duplicate checks, of every candidate row, with ``episode_key``,
    ``row`` (``row0`` + its position in the slice) and, where some candidates are not counted (filtered out
    by ``where``) and persons are counted, ``counted``.  ``episodes_only``: the candidates' episode keys.

    With ``split`` (:meth:`kpcompare.engine.units.Partitioner.split`) the rows come in partition order,
    gathered once, and the partitions' bounds are returned beside them (else None).
    """
    counted = codes.code < codes.total * codes.split
    names = table.schema.names
    if episodes_only:
        candidate = counted | (codes.reason() == _FILTERED) if plan.where is not None else counted
        return {"episode_key": hash_ids(table.column(names.index("episode_id")))[np.flatnonzero(candidate)]}, None
    person = hash_ids(table.column(names.index("person_id"))) if "person_id" in names else None
    episode = None
    if plan.check_duplicates:
        candidate = counted | (codes.reason() == _FILTERED) if plan.where is not None else counted
        rows = np.flatnonzero(candidate)
        episode = hash_ids(table.column(names.index("episode_id")))
    else:
        rows = np.flatnonzero(counted & (person != MISSING_ID))
    # without person ids, duplicates are judged on episode ids alone (partitioned by them)
    key = person[rows] if person is not None else episode[rows]
    bounds = None
    if split is not None:
        order, bounds = split(key)
        if order is not None:
            rows, key = rows[order], key[order]
    out: dict[str, np.ndarray] = {}
    if plan.persons:
        out.update({f"id{j}": ids for j, ids in enumerate(codes.ids_at(rows))})
    out["person"] = key
    if plan.check_duplicates:
        out["episode_key"] = episode[rows]
        out["row"] = row0 + rows.astype(np.int64)
        if plan.persons and plan.where is not None:
            out["counted"] = counted[rows]
    return out, bounds


def duplicates_in(part: dict[str, np.ndarray]) -> np.ndarray:
    """True for the rows of one partition whose (person, episode) key an earlier row (by ``row``) had."""
    key = part["episode_key"]
    if all_distinct(key):  # no episode key repeats, so no (person, key) does
        return np.zeros(len(key), dtype=bool)
    perm = spells.sort_keys(part["person"], key, row=part["row"])
    out = np.zeros(len(key), dtype=bool)
    out[perm] = ~spells.first_of_groups(part["person"][perm], key[perm])
    return out


#: keys spanning at most this many values per key are checked on a bitmap of their span (1 byte a value)
BITMAP_SPAN = 64


def all_distinct(key: np.ndarray) -> bool:
    """Whether no value of ``key`` (int64) occurs twice: on a bitmap of the values' span when it is at most
    :data:`BITMAP_SPAN` times the number of keys (integer ids, as most extracts number their episodes: a
    few ms for 450,000 keys), else with one hash pass (``pandas.unique``, hashed string ids)."""
    n = len(key)
    if n < 2:
        return True
    lo, hi = int(key.min()), int(key.max())
    span = hi - lo + 1
    if span < n:  # more keys than values: some repeat
        return False
    if span <= BITMAP_SPAN * n + 4096:
        seen = np.zeros(span, dtype=bool)
        seen[key - lo] = True
        return int(np.count_nonzero(seen)) == n
    return len(pd.unique(key)) == n


def drop_mask(duplicated: np.ndarray, row0: int, n: int) -> np.ndarray | None:
    """The rows of the slice at ``row0`` (``n`` rows) that are in ``duplicated`` (sorted positions); None if none."""
    lo, hi = np.searchsorted(duplicated, [row0, row0 + n])
    if hi <= lo:
        return None
    mask = np.zeros(n, dtype=bool)
    mask[duplicated[lo:hi] - row0] = True
    return mask


#: at most this many id values (1 byte each) are marked by :class:`SeenIds` (64 MB)
SEEN_LIMIT = 64 << 20


def integer_ids(extract) -> bool:
    """Whether the extract's episode ids are integers as the source stores them (Parquet, frames)."""
    kind = extract.source_type("episode_id")
    return kind is not None and pa.types.is_integer(kind)


class SeenIds:
    """Integer episode keys marked on a bitmap (one byte a value) of their span, in any order and from any
    thread: ``repeated`` when a key comes twice, ``overflow`` when the keys span more than
    :data:`SEEN_LIMIT` values (the bitmap is then dropped).  The check of a clean extract of integer ids,
    as most number their episodes, with no partition written; either flag sends the run to the partitions."""

    def __init__(self, limit: int = SEEN_LIMIT) -> None:
        self.limit = limit
        self.repeated = False
        self.overflow = False
        self._seen: np.ndarray | None = None
        self._base = 0
        self._lock = threading.Lock()

    def add(self, keys: np.ndarray) -> None:
        if self.repeated or self.overflow or not len(keys):
            return
        lo, hi = int(keys.min()), int(keys.max())
        with self._lock:
            if self.repeated or self.overflow or not self._cover(lo, hi):
                return
            window = self._seen[lo - self._base: hi - self._base + 1]
            index = keys - lo
            before = int(np.count_nonzero(window))
            if window[index].any():
                self.repeated = True
                return
            window[index] = True
            # a key twice within ``keys`` marks fewer values than there are keys
            self.repeated = int(np.count_nonzero(window)) - before != len(keys)

    def _cover(self, lo: int, hi: int) -> bool:
        """Grow the bitmap to cover [lo, hi] (with room above: ids mostly grow); False when it cannot."""
        if self._seen is None:
            size = hi - lo + 1
            if size > self.limit:
                self.overflow = True
                return False
            self._seen, self._base = np.zeros(min(self.limit, max(size, 2 * size)), dtype=bool), lo
            return True
        end = self._base + len(self._seen)
        if lo >= self._base and hi < end:
            return True
        base = min(lo, self._base)
        span = max(hi + 1, end) - base
        if span > self.limit:
            self.overflow, self._seen = True, None
            return False
        grown = np.zeros(min(self.limit, max(span, 2 * len(self._seen))), dtype=bool)
        grown[self._base - base: self._base - base + len(self._seen)] = self._seen
        self._seen, self._base = grown, base
        return True
