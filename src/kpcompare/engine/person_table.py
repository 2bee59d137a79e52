"""The per-person table of the spell/CIPS pass: its hook (:class:`PersonTotalsPass`, one Parquet file per
person-partition) and its lazy reader (:class:`PersonTotals`).

Used by :func:`kpcompare.person_totals` (:mod:`kpcompare.engine.person_totals`) and by
``kpcompare.aggregate(..., person_totals=...)`` (the strata, readmissions and per-person totals of one pass);
kept apart from :mod:`kpcompare.engine.person_totals` so that :mod:`kpcompare.engine.arrow` can use it without an
import cycle.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .._checks import check_choice, check_columns_arg
from ..errors import InvalidArgumentError
from .readmissions import ReadmissionRules, _in_codes
from .spells import first_of_groups

__all__ = ["PersonTotals", "PersonTotalsPass", "TOTALS", "person_totals_pass", "output_directory"]

#: the per-person measures, after the ``by`` columns and ``person_id``
TOTALS = ("admissions", "emergency_admissions", "bed_days", "spells", "episodes")


class PersonTotalsPass:
    """Hook of the spell/CIPS pass: sums each partition's units per (stratum, person), written to Parquet.

    A partition's file is written by a thread of its own while the next partition is formed (Arrow's Parquet
    writer releases the GIL); one file at most is in flight, and :meth:`finish` waits for the last one.
    """

    measures: tuple[str, ...] = ()

    def __init__(self, extract, directory: Path, by: Sequence[str], keep: Any = None) -> None:
        self.keep = keep  # the TemporaryDirectory of ``directory`` (None: the caller's ``out``)
        self.columns_needed = ["person_id"] + (["admission_method"] if extract.has("admission_method") else [])
        self.emergency_known = extract.has("admission_method")
        self.directory = directory
        self.by = list(by)
        self.files = 0
        self.persons = 0
        self.emergency_methods = ReadmissionRules().emergency_methods
        self._writer: ThreadPoolExecutor | None = None
        self._pending: Future | None = None

    def finish(self) -> None:
        """Wait for the last file to be written (an error in writing is raised here)."""
        pending, self._pending = self._pending, None
        try:
            if pending is not None:
                pending.result()
        finally:
            if self._writer is not None:
                self._writer.shutdown()
                self._writer = None

    def _write(self, table: pa.Table, path: Path) -> None:
        """Write ``table`` in the writer thread, once the previous file is written."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpcompare-person-totals")
        # dictionary pages for the few-valued columns, statistics for the numbers (a third less time, smaller
        # files than the defaults); the stratum columns are written from their dictionary and read back as
        # plain text (no stored Arrow schema)
        self._pending = self._writer.submit(
            pq.write_table, table, path, use_dictionary=[name for name in table.column_names if name != "person_id"],
            store_schema=False, write_statistics=["person_id", *TOTALS])

    def discard(self) -> None:
        """Remove the temporary directory of a pass that failed (explicitly, rather than at garbage collection)."""
        with contextlib.suppress(Exception):  # the pass failed already: its error is the one raised
            self.finish()
        if self.keep is not None:
            self.keep.cleanup()
            self.keep = None

    def columns(self, table) -> dict[str, np.ndarray]:
        """The person id as written (text ids; integers are their own key) and the emergency flag."""
        out: dict[str, np.ndarray] = {}
        person = table.column("person_id")
        if not (pa.types.is_integer(person.type) and not pa.types.is_uint64(person.type)):
            if pa.types.is_dictionary(person.type):
                person = person.dictionary_decode()
            out["person_label"] = np.asarray(person.cast(pa.string()).to_pylist(), dtype=object)
        if self.emergency_known:
            out["emergency"] = _in_codes(table.column("admission_method"), self.emergency_methods)
        return out

    def add(self, recs, plan, *, admitted: np.ndarray, bed: np.ndarray) -> list[np.ndarray]:
        """Sum the partition's counted units per (stratum, person) and write them as one Parquet file (a
        person's rows together, in the order the units come); no measures are added to the strata."""
        table = self.table(recs, [labels.labels for labels in plan.labels], admitted=admitted, bed=bed)
        if table is None:
            return []
        self._write(table, self.directory / f"part-{self.files:04d}.parquet")
        self.files += 1
        self.persons += table.num_rows
        return []

    def table(self, recs, labels: Sequence[Sequence], *, admitted: np.ndarray, bed: np.ndarray) -> pa.Table | None:
        """The partition's per-person rows (``<by...>, person_id, TOTALS``; None without a counted unit): the
        counted units summed per (stratum, person).  ``labels[j]``: the labels of the ids of ``by`` column ``j``
        in ``recs`` (the Arrow engine's global ones; the Spark engine's, local to its partition)."""
        detail = recs.detail
        heads = detail.head[detail.counted]
        n = len(heads)
        if n == 0:
            return None
        rows = detail.rows
        stratum = _stratum_keys(recs.ids, [len(labels[j]) + 1 for j in range(len(recs.ids))])
        person_code, persons = _person_codes(recs.person)
        group, count = _groups(person_code, persons, stratum)
        sample = np.empty(count, dtype=np.int64)
        sample[group] = np.arange(n)  # a unit of each group (they share its stratum and person)
        person = rows["person_label"][heads][sample] if "person_label" in rows else recs.person[sample]
        values = {"admissions": admitted, "emergency_admissions": admitted * rows["emergency"][heads]
                  if self.emergency_known else None, "bed_days": bed, "spells": None, "episodes": recs.episodes}
        table = {name: _labels_of(labels[j], recs.ids[j][sample]) for j, name in enumerate(self.by)}
        table["person_id"] = pa.array(person, type=pa.string() if person.dtype == object else None)
        for name, value in values.items():
            table[name] = np.rint(np.bincount(group, weights=value, minlength=count)).astype(np.int64)
        if not self.emergency_known:  # no admission method: unknown, not 0
            table["emergency_admissions"] = np.full(count, np.nan)
        return pa.table(table)


def _stratum_keys(ids: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """The stratum ids packed into one int64 (mixed radix: ordered as the tuples of ids); a missing id (< 0)
    takes the last slot of its column."""
    key = np.zeros(len(ids[0]) if ids else 0, dtype=np.int64)
    for column, size in zip(ids, sizes):
        key = key * size + np.where(column < 0, size - 1, column)
    return key


def _person_codes(person: np.ndarray) -> tuple[np.ndarray, int]:
    """A code per unit for its person (0, 1, ...) and the number of persons.  The units of a partition come
    sorted by person key (:func:`kpcompare.engine.spells.sort_keys` ranks them in order), so a new person
    starts where the key changes; otherwise (never, by construction) by hashing."""
    if len(person) < 2 or bool((person[1:] >= person[:-1]).all()):
        code = np.cumsum(first_of_groups(person)) - 1
        return code, int(code[-1]) + 1 if len(code) else 0
    codes, uniques = pd.factorize(person)
    return codes, len(uniques)


def _groups(person_code: np.ndarray, persons: int, stratum: np.ndarray) -> tuple[np.ndarray, int]:
    """A number per unit for its (stratum, person) pair, numbered in order of first appearance (as
    ``pandas.factorize``), and the number of pairs.

    The units come by person (``person_code`` non-decreasing), so one stable sort of ``(person, stratum)``
    packed into an int64 is close to sorted already (timsort: runs); the pairs' first units, in the order of
    the pairs, are then put back in the units' order by a second stable sort, close to sorted too.  About half
    the time of hashing the pairs."""
    n = len(person_code)
    size = int(stratum.max()) + 1 if n else 1
    if persons * size >= 1 << 62:
        group, first = pd.factorize(stratum * persons + person_code)
        return group, len(first)
    key = person_code * size + stratum
    order = np.argsort(key, kind="stable")
    new = first_of_groups(key[order])
    sorted_group = np.cumsum(new) - 1
    firsts = order[new]  # each pair's first unit, pairs in key order
    rank = np.empty(len(firsts), dtype=np.int64)
    rank[np.argsort(firsts, kind="stable")] = np.arange(len(firsts))
    group = np.empty(n, dtype=np.int64)
    group[order] = rank[sorted_group]
    return group, len(firsts)


def _labels_of(labels: list, ids: np.ndarray) -> pa.Array:
    """The labels of stratum ids as a dictionary-encoded Arrow column (a missing id: null): no Python object
    and no copy of a label per row."""
    return pa.DictionaryArray.from_arrays(pa.array(ids.astype(np.int32), mask=ids < 0), pa.array(list(labels)))


class PersonTotals:
    """The per-person table, read lazily from its Parquet files.

    Attributes
    ----------
    path : pathlib.Path
        The directory of the ``part-NNNN.parquet`` files (a temporary one, removed with this object, when
        :func:`person_totals` had no ``out``).
    by : list of str
        The stratum columns before ``person_id``.
    result : AggregateResult or None
        From :func:`kpcompare.person_totals`: the strata and exclusions of the same pass (rows read = counted +
        excluded); None from ``aggregate(..., person_totals=...)``, whose result holds these totals instead.
    """

    def __init__(self, path: Path, by: list[str], result, keep: Any = None) -> None:
        self.path = Path(path)
        self.by = by
        self.result = result
        self._keep = keep  # a TemporaryDirectory that lives as long as this object

    @property
    def dataset(self) -> ds.Dataset:
        """A :class:`pyarrow.dataset.Dataset` over the files (scan it, filter it, stream it)."""
        return ds.dataset(sorted(str(p) for p in self.path.glob("part-*.parquet")), format="parquet",
                          schema=self._schema())

    def _schema(self) -> pa.Schema:
        files = sorted(self.path.glob("part-*.parquet"))
        if files:
            return pq.read_schema(files[0])
        return pa.schema([(name, pa.string()) for name in self.by] + [("person_id", pa.string())]
                         + [(name, pa.int64()) for name in TOTALS])

    def to_table(self) -> pa.Table:
        """Every person (all in memory: for case-finding on a subset, filter :attr:`dataset` instead)."""
        return self.dataset.to_table()

    def to_pandas(self) -> pd.DataFrame:
        return self.to_table().to_pandas()

    def __len__(self) -> int:
        return self.dataset.count_rows()

    def __repr__(self) -> str:
        return f"<PersonTotals by={self.by!r}: {len(self):,} persons in {self.path}>"

    def regroup(self, by: Sequence[str], *, out: Any = None) -> PersonTotals:
        """The totals of each person within coarser strata: a person's rows summed over the ``by`` columns left
        out (``by`` a subset of :attr:`by`, e.g. ``["system"]`` from aggregate's default strata), written file
        by file (a person's rows are all in one file) as new Parquet files under ``out`` (None: a temporary
        directory); ``.result`` is kept."""
        by = check_columns_arg(by, argument="by")
        unknown = [name for name in by if name not in self.by]
        if unknown:
            raise InvalidArgumentError(f"argument 'by': {unknown[0]!r} is not a stratum column of these totals "
                                       f"({', '.join(self.by)}); regroup by a subset of them.")
        directory, keep = output_directory(out)
        for number, path in enumerate(sorted(self.path.glob("part-*.parquet"))):
            frame = pq.read_table(path).to_pandas()
            sums = frame.groupby([*by, "person_id"], sort=True, dropna=False,
                                 observed=True)[list(TOTALS)].sum(min_count=1)
            table = pa.Table.from_pandas(sums.reset_index(), preserve_index=False)
            pq.write_table(table, directory / f"part-{number:04d}.parquet")
        return PersonTotals(directory, list(by), self.result, keep)

    def frequencies(self, value: str = "bed_days") -> pd.DataFrame:
        """``<by...>, <value>, persons``: how many persons have each value, the input :mod:`kpcompare.concentration`
        takes with ``frequency="persons"``.  Counted batch by batch with Arrow and merged whenever the counts not yet
        merged outnumber the merged ones (memory: a few times the distinct values, not the persons)."""
        check_choice(value, TOTALS, argument="value")
        keys = [*self.by, value]
        merged: pa.Table | None = None
        pending: list[pa.Table] = []
        waiting = 0
        # one batch read ahead: pyarrow's default read-ahead (16 batches of 4 files) held 1 GB at 20M rows
        for batch in self.dataset.to_batches(columns=keys, batch_readahead=1, fragment_readahead=1):
            if not batch.num_rows:
                continue
            counts = pa.Table.from_batches([batch]).group_by(keys, use_threads=False).aggregate([([], "count_all")])
            pending.append(counts.select([*keys, "count_all"]).rename_columns([*keys, "persons"]))
            waiting += pending[-1].num_rows
            if waiting > max(_MERGE_ROWS, 0 if merged is None else merged.num_rows):
                merged, pending, waiting = _merge([t for t in (merged, *pending) if t is not None], keys), [], 0
        tables = [t for t in (merged, *pending) if t is not None]
        if not tables:
            return pd.DataFrame({**{b: pd.Series(dtype=object) for b in self.by}, value: pd.Series(dtype="int64"),
                                 "persons": pd.Series(dtype="int64")})
        return _combine([_merge(tables, keys).to_pandas()], self.by, value)


#: counts not yet merged that :meth:`PersonTotals.frequencies` lets wait (at least)
_MERGE_ROWS = 1 << 17


def _merge(tables: list[pa.Table], keys: list[str]) -> pa.Table:
    """The counts of ``tables`` summed per key (Arrow groups a missing value, and NaN, as one key each, as
    pandas' ``groupby(dropna=False)`` does)."""
    total = pa.concat_tables(tables).group_by(keys, use_threads=False).aggregate([("persons", "sum")])
    return total.select([*keys, "persons_sum"]).rename_columns([*keys, "persons"])


def _combine(parts: list[pd.DataFrame], by: list[str], value: str) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby([*by, value], dropna=False, sort=True, observed=True)["persons"].sum().reset_index()


def person_totals_pass(person_totals: Any, extract, plan) -> PersonTotalsPass | None:
    """The pass of ``aggregate(..., person_totals=...)``: None (or False) none; True into a temporary directory;
    a path: that directory (as ``person_totals(out=...)``).  Spells and CIPS, unweighted, with person ids."""
    if person_totals is None or person_totals is False:
        return None
    if plan.unit == "episode":
        raise InvalidArgumentError(
            "argument 'person_totals': per-person totals add up a person's stays, so they need unit='cips' or "
            "unit='spell', not unit='episode'.")
    if plan.weighted:
        raise InvalidArgumentError(
            "argument 'person_totals': not available with weights (survey records cannot be linked into a "
            "person's stays); aggregate without 'weights'.")
    extract.require(["person_id"], purpose="person_totals")
    directory, keep = output_directory(None if person_totals is True else person_totals, argument="person_totals",
                                 allowed="True, None or a directory path")
    return PersonTotalsPass(extract, directory, plan.by, keep)


def output_directory(out: Any, *, argument: str = "out", allowed: str = "a directory path or None") -> tuple[Path, Any]:
    """The directory the per-person files go to (made; refused if it holds such files already) and the
    TemporaryDirectory keeping it when ``out`` is None."""
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="kpcompare-person-totals-")
        return Path(keep.name), keep
    if not isinstance(out, (str, Path)):
        raise InvalidArgumentError(f"argument {argument!r}: expected {allowed}, got {type(out).__name__}.")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InvalidArgumentError(f"argument {argument!r}: {str(path)!r} exists and is not a directory.")
    path.mkdir(parents=True, exist_ok=True)
    if any(path.glob("part-*.parquet")):
        raise InvalidArgumentError(
            f"argument {argument!r}: {str(path)!r} already holds part-*.parquet files (an earlier run?); give an "
            "empty or new directory so that the persons of two runs are not mixed.")
    return path, None
