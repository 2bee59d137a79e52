"""Counting units that need all episodes of a person together: spells, CIPS, persons, duplicate ids.

Rows that passed the row-level rules are hash-partitioned by person (:class:`Partitioner`: in memory for a
single partition, else temporary Arrow IPC files, one per partition) and each partition is turned into
*records* (episodes, provider spells or CIPS) by :func:`records`.  See :mod:`kpcompare.spells` for the rules.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from .. import spells

__all__ = ["Partitioner", "Records", "records", "PARTITION_ROWS"]

#: target rows per partition (about 70 bytes each, twice that while sorting)
PARTITION_ROWS = 250_000
_MIX = np.uint64(0x9E3779B97F4A7C15)


class Partitioner:
    """Rows (dicts of equal-length numpy arrays) split into ``n_parts`` partitions by person."""

    def __init__(self, n_parts: int) -> None:
        self.n_parts = max(1, int(n_parts))
        self._memory: list[dict[str, np.ndarray]] = []
        self._dir: tempfile.TemporaryDirectory | None = None
        self._writers: dict[int, ipc.RecordBatchStreamWriter] = {}

    def __enter__(self) -> Partitioner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def _path(self, part: int) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="kpcompare-partitions-")
        return Path(self._dir.name) / f"part-{part:04d}.arrows"

    def add(self, arrays: dict[str, np.ndarray]) -> None:
        n = len(arrays["person"])
        if n == 0:
            return
        if self.n_parts == 1:
            self._memory.append(arrays)
            return
        part = ((arrays["person"].view(np.uint64) * _MIX) >> np.uint64(40)) % np.uint64(self.n_parts)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(self.n_parts + 1, dtype=np.uint64))
        table = pa.RecordBatch.from_pydict({k: v[order] for k, v in arrays.items()})
        for p in range(self.n_parts):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            if hi <= lo:
                continue
            piece = table.slice(lo, hi - lo)
            if p not in self._writers:
                self._writers[p] = ipc.new_stream(str(self._path(p)), piece.schema)
            self._writers[p].write_batch(piece)

    def partitions(self) -> Iterator[dict[str, np.ndarray]]:
        if self.n_parts == 1:
            if self._memory:
                yield {k: np.concatenate([m[k] for m in self._memory]) for k in self._memory[0]}
            self._memory.clear()
            return
        for writer in self._writers.values():
            writer.close()
        written = sorted(self._writers)
        self._writers.clear()
        for p in written:
            with ipc.open_stream(str(self._path(p))) as reader:
                table = reader.read_all()
            yield {name: table.column(name).to_numpy() for name in table.column_names}
            del table
            self._path(p).unlink()


@dataclass
class Records:
    """Counting units of one partition, plus the rows excluded while forming them (reason -> rows, weight)."""

    ids: list[np.ndarray]
    start: np.ndarray | None
    end: np.ndarray | None
    length: np.ndarray | None
    first: np.ndarray
    weight: np.ndarray
    episodes: np.ndarray
    weighted_episodes: np.ndarray
    person: np.ndarray
    excluded: dict[str, tuple[int, float]]


def _exclude(excluded: dict, reason: str, rows: np.ndarray, weight: np.ndarray) -> None:
    got = excluded.get(reason, (0, 0.0))
    excluded[reason] = (got[0] + int(rows.sum()), got[1] + float(weight[rows].sum()))


def records(part: dict[str, np.ndarray], *, unit: str, n_by: int, period: tuple[int, int] | None,
            check_duplicates: bool, rules: spells.CipsRules = spells.CIPS_RULES) -> Records:
    """Turn one partition of kept rows into counting units (episodes, spells or CIPS)."""
    excluded: dict[str, tuple[int, float]] = {}
    n_rows = len(part["row"])
    if "weight" not in part:
        part["weight"] = np.ones(n_rows)
    weight = part["weight"]
    rows = part
    if check_duplicates:
        perm = np.lexsort((part["row"], part["episode_key"], part["person"]))
        dup_sorted = ~spells.first_of_groups(part["person"][perm], part["episode_key"][perm])
        del perm
        if dup_sorted.any():
            dup = np.zeros(n_rows, dtype=bool)
            dup[np.lexsort((part["row"], part["episode_key"], part["person"]))] = dup_sorted
            _exclude(excluded, "duplicate_episode_id", dup, weight)
            rows = {k: v[~dup] for k, v in part.items()}
            part.clear()
    ids = [rows[f"id{j}"].astype(np.int64) for j in range(n_by)]
    if unit == "episode":
        ones = np.ones(len(rows["weight"]), dtype=np.int64)
        return Records(ids, rows.get("start"), rows.get("end"), rows.get("length"), rows["first"], rows["weight"],
                       ones, rows["weight"], rows["person"], excluded)
    perm, spell_no = spells.provider_spells(rows["person"], rows["provider"], rows["spell_key"], rows["order"],
                                            rows["episode_start"], rows["row"])
    for key in list(rows):  # permute in place, one column at a time (bounded extra memory)
        rows[key] = rows[key][perm]
    del perm
    ids = [rows[f"id{j}"].astype(np.int64) for j in range(n_by)]
    heads = np.flatnonzero(spells.first_of_groups(spell_no))
    end = np.where(rows["end_known"], rows["end"].astype(np.int64), np.int64(np.iinfo(np.int64).min))
    spell_start = np.minimum.reduceat(rows["start"].astype(np.int64), heads) if len(heads) else end[:0]
    spell_end = np.maximum.reduceat(end, heads) if len(heads) else end[:0]
    n_eps = np.diff(np.append(heads, len(spell_no)))
    row_weight = np.add.reduceat(rows["weight"], heads) if len(heads) else rows["weight"][:0]
    unit_of_spell = np.arange(len(heads))
    head_rows = heads
    if unit == "cips":
        tails = np.append(heads[1:], len(spell_no)) - 1
        order, cips_no = spells.link_cips(rows["person"][heads], spell_start, spell_end,
                                          rows["transfer_out"][tails], rows["transfer_in"][heads],
                                          np.minimum.reduceat(rows["row"], heads),
                                          spell_end != np.iinfo(np.int64).min, rules)
        unit_of_spell = np.empty(len(heads), dtype=np.int64)
        unit_of_spell[order] = cips_no
        cips_heads = np.flatnonzero(spells.first_of_groups(cips_no))
        first_spell = order[cips_heads]
        n_units = len(cips_heads)
        spell_start_u = np.full(n_units, np.iinfo(np.int64).max)
        np.minimum.at(spell_start_u, unit_of_spell, spell_start)
        spell_end_u = np.full(n_units, np.iinfo(np.int64).min)
        np.maximum.at(spell_end_u, unit_of_spell, spell_end)
        n_eps = np.bincount(unit_of_spell, weights=n_eps, minlength=n_units).astype(np.int64)
        row_weight = np.bincount(unit_of_spell, weights=row_weight, minlength=n_units)
        spell_start, spell_end, head_rows = spell_start_u, spell_end_u, heads[first_spell]
    no_end = spell_end == np.iinfo(np.int64).min
    before = ~no_end & (spell_end < spell_start)
    outside = np.zeros(len(spell_start), dtype=bool)
    if period is not None:
        outside = ~no_end & ~before & ((spell_start > period[1]) | (spell_end < period[0]))
    for reason, bad in (("missing_date", no_end), ("discharge_before_admission", before),
                        ("outside_period", outside)):
        got = excluded.get(reason, (0, 0.0))
        excluded[reason] = (got[0] + int(n_eps[bad].sum()), got[1] + float(row_weight[bad].sum()))
    ok = ~(no_end | before | outside)
    head_rows = head_rows[ok]
    return Records([i[head_rows] for i in ids], spell_start[ok], spell_end[ok], None,
                   np.ones(int(ok.sum()), dtype=bool), rows["weight"][head_rows], n_eps[ok], row_weight[ok],
                   rows["person"][head_rows], excluded)

