"""Counting units that need all episodes of a person together: provider spells and CIPS.

Rows that passed the row-level rules are hash-partitioned by person (:class:`Partitioner`: in memory for a
single partition, else temporary Arrow IPC files, one per partition) and each partition is turned into
*records* (provider spells or CIPS) by :func:`records`.  See :mod:`kpcompare.engine.spells` for the rules.
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

    def split(self, person: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The order that groups rows by partition (rows keep their order within one) and where each
        partition's rows start and end in it; ``(None, None)`` for a single partition (the rows as they are)."""
        if self.n_parts == 1:
            return None, None
        part = ((person.view(np.uint64) * _MIX) >> np.uint64(40)) % np.uint64(self.n_parts)
        part = part.astype(np.uint16 if self.n_parts <= 1 << 16 else np.uint32)
        order = np.argsort(part, kind="stable")  # a radix sort for 16-bit keys
        bounds = np.zeros(self.n_parts + 1, dtype=np.int64)
        np.cumsum(np.bincount(part, minlength=self.n_parts), out=bounds[1:])
        return order, bounds

    def add(self, arrays: dict[str, np.ndarray], bounds: np.ndarray | None = None) -> None:
        """Write rows to their partitions; with ``bounds`` (of :meth:`split`) the rows come in partition
        order already."""
        n = len(arrays["person"])
        if n == 0:
            return
        if self.n_parts == 1:
            self._memory.append(arrays)
            return
        if bounds is None:
            order, bounds = self.split(arrays["person"])
            arrays = {k: v[order] for k, v in arrays.items()}
        table = pa.RecordBatch.from_pydict(arrays)
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
    detail: UnitDetail | None = None  # every unit formed, for the readmissions and person-totals hooks


@dataclass
class UnitDetail:
    """Every unit of a partition (counted or not), for passes that look across a person's units
    (:mod:`kpcompare.engine.readmissions`): the partition's rows, each unit's first and last episode (row
    positions), its start and end day, person, whether it is counted (then its place in :class:`Records` is its
    rank among the counted), and the unit of each row."""

    rows: dict[str, np.ndarray]
    head: np.ndarray
    tail: np.ndarray
    start: np.ndarray
    end: np.ndarray
    person: np.ndarray
    counted: np.ndarray
    unit_of_row: np.ndarray


def _exclude(excluded: dict, reason: str, rows: np.ndarray, weight: np.ndarray) -> None:
    got = excluded.get(reason, (0, 0.0))
    excluded[reason] = (got[0] + int(rows.sum()), got[1] + float(weight[rows].sum()))


def _exclude_units(excluded: dict, reason: str, bad: np.ndarray, episodes: np.ndarray, weight: np.ndarray) -> None:
    """Exclude whole units (spells, CIPS) with all their episodes."""
    got = excluded.get(reason, (0, 0.0))
    excluded[reason] = (got[0] + int(episodes[bad].sum()), got[1] + float(weight[bad].sum()))


def _repeats(keys: np.ndarray) -> bool:
    """Whether any value occurs twice (one sort, cheaper than sorting by person and id)."""
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())


def _without_duplicates(part: dict[str, np.ndarray], excluded: dict) -> dict[str, np.ndarray]:
    """The rows whose (person, episode id) no earlier row had; the others are excluded as duplicates."""
    if not _repeats(part["episode_key"]):  # no person can repeat an id
        return part
    perm = spells.sort_keys(part["person"], part["episode_key"], row=part["row"])
    dup_sorted = ~spells.first_of_groups(part["person"][perm], part["episode_key"][perm])
    if not dup_sorted.any():
        return part
    dup = np.zeros(len(perm), dtype=bool)
    dup[perm] = dup_sorted
    _exclude(excluded, "duplicate_episode_id", dup, part["weight"])
    rows = {k: v[~dup] for k, v in part.items()}
    part.clear()
    return rows


@dataclass
class _Spells:
    """Provider spells of a partition: per spell its first and last episode (positions in the partition's
    rows), first row in the source, start, end (int64 min: unknown), episodes, summed and first weight."""

    first_rows: np.ndarray
    last_rows: np.ndarray
    first_row: np.ndarray
    start: np.ndarray
    end: np.ndarray
    episodes: np.ndarray
    weight: np.ndarray
    head_weight: np.ndarray
    perm: np.ndarray | None = None
    spell_no: np.ndarray | None = None

    def spell_of_row(self) -> np.ndarray:
        """The spell of each row (positions in the partition's rows)."""
        out = np.empty(len(self.perm), dtype=np.int64)
        out[self.perm] = self.spell_no
        return out


def _provider_spells(rows: dict[str, np.ndarray]) -> _Spells:
    # without spell ids the spell key is the admission day; without episode starts every one is 0
    # (kpcompare.engine.spell_pass.partition_rows leaves both out)
    starts = rows.get("episode_start", np.zeros(len(rows["row"]), dtype=np.int8))
    perm, spell_no = spells.provider_spells(rows["person"], rows["provider"], rows.get("spell_key", rows["start"]),
                                            rows["order"], starts, rows["row"])
    # only what spells are formed from is put in spell order; the rest is read at the spells' first rows
    heads = np.flatnonzero(spells.first_of_groups(spell_no))
    tails = np.append(heads[1:], len(spell_no)) - 1
    start = rows["start"][perm].astype(np.int64)
    end = rows["end"][perm].astype(np.int64)
    end[~rows["end_known"][perm]] = np.iinfo(np.int64).min
    weight_sorted = rows["weight"][perm]
    some = len(heads) > 0
    return _Spells(
        perm[heads], perm[tails],  # unsorted positions of each spell's first/last episode
        np.minimum.reduceat(rows["row"][perm], heads) if some else rows["row"][:0],
        np.minimum.reduceat(start, heads) if some else end[:0], np.maximum.reduceat(end, heads) if some else end[:0],
        np.diff(np.append(heads, len(spell_no))),
        np.add.reduceat(weight_sorted, heads) if some else weight_sorted[:0], weight_sorted[heads], perm, spell_no)


def _link_cips(rows: dict[str, np.ndarray], s: _Spells, person: np.ndarray, rules: spells.CipsRules):
    """CIPS of the spells: per CIPS its first and last spell, start, end, episodes and summed weight."""
    if rules.link_dates == "episode":  # rule C7 (CHE York's super-spells): on episode dates
        spell_of_row = s.spell_of_row()
        order, cips_no = spells.link_episodes(
            rows["person"], spell_of_row, s.start[spell_of_row], rows["link_start"], rows["link_end"],
            rows["transfer_out"], rows["transfer_in"], rows["row"], rules,
            (rows["unlinked_out"], rows["unlinked_in"]) if "unlinked_out" in rows else None)
    else:
        unlinked = (rows["unlinked_out"][s.last_rows], rows["unlinked_in"][s.first_rows]) \
            if "unlinked_out" in rows else None
        order, cips_no = spells.link_cips(person, s.start, s.end, rows["transfer_out"][s.last_rows],
                                          rows["transfer_in"][s.first_rows], s.first_row,
                                          s.end != np.iinfo(np.int64).min, rules, unlinked)
    unit_of_spell = np.empty(len(s.start), dtype=np.int64)
    unit_of_spell[order] = cips_no
    cips_heads = np.flatnonzero(spells.first_of_groups(cips_no))
    n_units = len(cips_heads)
    start = np.full(n_units, np.iinfo(np.int64).max)
    np.minimum.at(start, unit_of_spell, s.start)
    end = np.full(n_units, np.iinfo(np.int64).min)
    np.maximum.at(end, unit_of_spell, s.end)
    return (order[cips_heads], order[np.append(cips_heads[1:], len(cips_no)) - 1], start, end,
            np.bincount(unit_of_spell, weights=s.episodes, minlength=n_units).astype(np.int64),
            np.bincount(unit_of_spell, weights=s.weight, minlength=n_units), unit_of_spell)


def records(part: dict[str, np.ndarray], *, unit: str, n_by: int, period: tuple[int, int] | None,
            check_duplicates: bool, rules: spells.CipsRules | None = None,
            diagnosis: tuple[int, str] | None = None, detail: bool = False) -> Records:
    """Turn one partition of kept rows into counting units (spells or CIPS; ``rules``: the CIPS rules, NHS
    Digital's by default).

    A unit takes the stratum ids of its first episode; ``diagnosis=(j, "last")`` takes the id of ``by`` column
    ``j`` (the condition) from its last episode instead (of its last provider spell, for CIPS).  Rules in
    order: duplicate episode ids, the spell rules (no end, ending before it starts, outside the period), then
    ``where`` (a ``selected`` column): a unit whose first episode the filter does not select is excluded as
    ``filtered_out_by_where`` with all its episodes.  ``detail``: also describe every unit formed
    (:class:`UnitDetail`).
    """
    rules = spells.CIPS_RULES if rules is None else rules
    excluded: dict[str, tuple[int, float]] = {}
    if "weight" not in part:
        part["weight"] = np.ones(len(part["row"]))
    rows = _without_duplicates(part, excluded) if check_duplicates else part
    s = _provider_spells(rows)
    person = rows["person"][s.first_rows]
    unit_head = np.arange(len(s.start))  # per unit: the spell whose first episode it takes its attributes from
    unit_tail = unit_head  # per unit: its last spell
    start, end, n_eps, row_weight = s.start, s.end, s.episodes, s.weight
    unit_of_spell = None
    if unit == "cips":
        unit_head, unit_tail, start, end, n_eps, row_weight, unit_of_spell = _link_cips(rows, s, person, rules)
    no_end = end == np.iinfo(np.int64).min
    before = ~no_end & (end < start)
    outside = np.zeros(len(start), dtype=bool)
    if period is not None:
        outside = ~no_end & ~before & ((start > period[1]) | (end < period[0]))
    for reason, bad in (("missing_date", no_end), ("discharge_before_admission", before),
                        ("outside_period", outside)):
        _exclude_units(excluded, reason, bad, n_eps, row_weight)
    ok = ~(no_end | before | outside)
    if "selected" in rows:
        dropped = ok & ~rows["selected"][s.first_rows[unit_head]]
        _exclude_units(excluded, "filtered_out_by_where", dropped, n_eps, row_weight)
        ok &= ~dropped
    described = None
    if detail:
        spell_of_row = s.spell_of_row()
        described = UnitDetail(rows, s.first_rows[unit_head], s.last_rows[unit_tail], start, end, person[unit_head],
                               ok, spell_of_row if unit_of_spell is None else unit_of_spell[spell_of_row])
    unit_head = unit_head[ok]
    source_rows = [s.first_rows[unit_head]] * n_by
    if diagnosis is not None and diagnosis[1] == "last":
        source_rows[diagnosis[0]] = s.last_rows[unit_tail[ok]]
    return Records([rows[f"id{j}"][source_rows[j]].astype(np.int64) for j in range(n_by)], start[ok],
                   end[ok], None, np.ones(int(ok.sum()), dtype=bool), s.head_weight[unit_head], n_eps[ok],
                   row_weight[ok], person[unit_head], excluded, described)
