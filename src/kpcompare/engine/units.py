"""Counting units that need all episodes of a person together: spells, CIPS, persons, duplicate ids.

Rows that passed the row-level rules are hash-partitioned by person (:class:`Partitioner`: in memory for a
single partition, else temporary Arrow IPC files, one per partition) and each partition is turned into
*records* (episodes, provider spells or CIPS) by :func:`records`.  See :mod:`kpcompare.engine.spells` for the rules.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from . import spells

__all__ = ["Partitioner", "Records", "records", "PARTITION_ROWS"]

#: target rows per partition: about 75 bytes a row, and forming CIPS takes about 240 bytes a row more (numpy
#: temporaries), so a partition adds some 50 MB at its peak; smaller ones mean more, smaller file writes
PARTITION_ROWS = 150_000
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
        part = part.astype(np.uint16 if self.n_parts <= 1 << 16 else np.uint32)
        order = np.argsort(part, kind="stable")  # a radix sort for 16-bit keys
        bounds = np.searchsorted(part[order], np.arange(self.n_parts + 1))
        table = pa.RecordBatch.from_pydict({k: v[order] for k, v in arrays.items()})
        for p in range(self.n_parts):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            if hi <= lo:
                continue
            piece = table.slice(lo, hi - lo)
            if p not in self._writers:
                self._writers[p] = ipc.new_stream(str(self._path(p)), piece.schema)
            self._writers[p].write_batch(piece)

    def __len__(self) -> int:
        """How many partitions :meth:`partitions` will yield (those that received rows)."""
        return (1 if self._memory else 0) if self.n_parts == 1 else len(self._writers)

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


def _repeats(keys: np.ndarray) -> bool:
    """Whether any value occurs twice (one sort, cheaper than sorting by person and id)."""
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())


def records(part: dict[str, np.ndarray], *, unit: str, n_by: int, period: tuple[int, int] | None,
            check_duplicates: bool, rules: spells.CipsRules | None = None,
            diagnosis: tuple[int, str] | None = None) -> Records:
    """Turn one partition of kept rows into counting units (episodes, spells or CIPS; ``rules``: the CIPS rules,
    NHS Digital's by default).

    A unit takes the stratum ids of its first episode; ``diagnosis=(j, "last")`` takes the id of ``by`` column
    ``j`` (the condition) from its last episode instead (of its last provider spell, for CIPS).
    """
    rules = spells.CIPS_RULES if rules is None else rules
    excluded: dict[str, tuple[int, float]] = {}
    n_rows = len(part["row"])
    if "weight" not in part:
        part["weight"] = np.ones(n_rows)
    weight = part["weight"]
    rows = part
    if check_duplicates and _repeats(part["episode_key"]):  # else no person can repeat an id
        perm = spells.sort_keys(part["person"], part["episode_key"], row=part["row"])
        dup_sorted = ~spells.first_of_groups(part["person"][perm], part["episode_key"][perm])
        if dup_sorted.any():
            dup = np.zeros(n_rows, dtype=bool)
            dup[perm] = dup_sorted
            _exclude(excluded, "duplicate_episode_id", dup, weight)
            rows = {k: v[~dup] for k, v in part.items()}
            part.clear()
        del perm, dup_sorted
    if unit == "episode":
        ids = [rows[f"id{j}"].astype(np.int64) for j in range(n_by)]
        ones = np.ones(len(rows["weight"]), dtype=np.int64)
        return Records(ids, rows.get("start"), rows.get("end"), rows.get("length"), rows["first"], rows["weight"],
                       ones, rows["weight"], rows["person"], excluded)
    perm, spell_no = spells.provider_spells(rows["person"], rows["provider"], rows["spell_key"], rows["order"],
                                            rows["episode_start"], rows["row"])
    # only what spells are formed from is put in spell order; the rest is read at the spells' first rows
    heads = np.flatnonzero(spells.first_of_groups(spell_no))
    tails = np.append(heads[1:], len(spell_no)) - 1
    first_rows, last_rows = perm[heads], perm[tails]  # unsorted positions of each spell's first/last episode
    start = rows["start"][perm].astype(np.int64)
    end = rows["end"][perm].astype(np.int64)
    end[~rows["end_known"][perm]] = np.iinfo(np.int64).min
    weight_sorted = rows["weight"][perm]
    first_row = np.minimum.reduceat(rows["row"][perm], heads) if len(heads) else rows["row"][:0]
    del perm
    spell_start = np.minimum.reduceat(start, heads) if len(heads) else end[:0]
    spell_end = np.maximum.reduceat(end, heads) if len(heads) else end[:0]
    n_eps = np.diff(np.append(heads, len(spell_no)))
    row_weight = np.add.reduceat(weight_sorted, heads) if len(heads) else weight_sorted[:0]
    head_weight = weight_sorted[heads]
    del start, end, weight_sorted
    person = rows["person"][first_rows]
    unit_head = np.arange(len(heads))  # per unit: the spell whose first episode it takes its attributes from
    unit_tail = unit_head  # per unit: its last spell
    if unit == "cips":
        order, cips_no = spells.link_cips(person, spell_start, spell_end, rows["transfer_out"][last_rows],
                                          rows["transfer_in"][first_rows], first_row,
                                          spell_end != np.iinfo(np.int64).min, rules)
        unit_of_spell = np.empty(len(heads), dtype=np.int64)
        unit_of_spell[order] = cips_no
        cips_heads = np.flatnonzero(spells.first_of_groups(cips_no))
        unit_head = order[cips_heads]
        unit_tail = order[np.append(cips_heads[1:], len(cips_no)) - 1]
        n_units = len(cips_heads)
        spell_start_u = np.full(n_units, np.iinfo(np.int64).max)
        np.minimum.at(spell_start_u, unit_of_spell, spell_start)
        spell_end_u = np.full(n_units, np.iinfo(np.int64).min)
        np.maximum.at(spell_end_u, unit_of_spell, spell_end)
        n_eps = np.bincount(unit_of_spell, weights=n_eps, minlength=n_units).astype(np.int64)
        row_weight = np.bincount(unit_of_spell, weights=row_weight, minlength=n_units)
        spell_start, spell_end = spell_start_u, spell_end_u
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
    unit_head = unit_head[ok]
    source_rows = [first_rows[unit_head]] * n_by
    if diagnosis is not None and diagnosis[1] == "last":
        source_rows[diagnosis[0]] = last_rows[unit_tail[ok]]
    return Records([rows[f"id{j}"][source_rows[j]].astype(np.int64) for j in range(n_by)], spell_start[ok],
                   spell_end[ok], None, np.ones(int(ok.sum()), dtype=bool), head_weight[unit_head], n_eps[ok],
                   row_weight[ok], person[unit_head], excluded)
