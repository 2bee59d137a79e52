"""Per-person totals over a period (high-use patients): admissions, emergency admissions, bed days, spells.

The totals come from the spell/CIPS pass (:mod:`kpcompare.engine.spell_pass`): its person-partitions hold
every unit of a person, so each partition's persons are complete and are written as one Parquet file
(``part-NNNN.parquet``) before the next is read; memory stays that of one partition however many persons
there are.  The result is read lazily (:class:`PersonTotals`, a :class:`pyarrow.dataset.Dataset` inside) and
feeds :mod:`kpcompare.concentration` through a frequency table built fragment by fragment
(:meth:`PersonTotals.frequencies`), e.g. ``kpcompare.top_share(person_totals(x), value="bed_days", top=0.1,
by="system")``:
"the top 10% of patients account for y% of bed days", by system (docs/readmissions.md#high-use-patients).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .._checks import check_choice, check_flag
from ..errors import InvalidArgumentError
from .readmissions import ReadmissionRules, _in_codes

__all__ = ["person_totals", "PersonTotals", "TOTALS"]

#: the per-person measures, after the ``by`` columns and ``person_id``
TOTALS = ("admissions", "emergency_admissions", "bed_days", "spells", "episodes")


class PersonTotalsPass:
    """Hook of the spell/CIPS pass: sums each partition's units per (stratum, person), written to Parquet."""

    measures: tuple[str, ...] = ()

    def __init__(self, extract, directory: Path, by: Sequence[str]) -> None:
        self.columns_needed = ["person_id"] + (["admission_method"] if extract.has("admission_method") else [])
        self.emergency_known = extract.has("admission_method")
        self.directory = directory
        self.by = list(by)
        self.files = 0
        self.persons = 0
        self.emergency_methods = ReadmissionRules().emergency_methods

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
        detail = recs.detail
        heads = detail.head[detail.counted]
        n = len(heads)
        if n == 0:
            return []
        rows = detail.rows
        frame = {f"_id{j}": ids for j, ids in enumerate(recs.ids)}
        frame["person_id"] = rows["person_label"][heads] if "person_label" in rows else recs.person
        frame.update(admissions=admitted, bed_days=bed, spells=np.ones(n), episodes=recs.episodes.astype(np.float64))
        frame["emergency_admissions"] = admitted * rows["emergency"][heads] if self.emergency_known else np.nan
        sums = pd.DataFrame(frame).groupby([*frame][:len(recs.ids)] + ["person_id"], sort=True).sum()
        sums = sums.reset_index()
        table = {}
        for j, name in enumerate(self.by):
            labels = np.asarray(plan.labels[j].labels + [None], dtype=object)
            table[name] = labels[sums[f"_id{j}"].to_numpy()]
        table["person_id"] = sums["person_id"].to_numpy()
        for name in TOTALS:
            table[name] = np.rint(sums[name].to_numpy()).astype(np.int64)
        if not self.emergency_known:  # no admission method: unknown, not 0
            table["emergency_admissions"] = np.full(len(sums), np.nan)
        pq.write_table(pa.table(table), self.directory / f"part-{self.files:04d}.parquet")
        self.files += 1
        self.persons += len(sums)
        return []


class PersonTotals:
    """The per-person table, read lazily from its Parquet files.

    Attributes
    ----------
    path : pathlib.Path
        The directory of the ``part-NNNN.parquet`` files (a temporary one, removed with this object, when
        :func:`person_totals` had no ``out``).
    by : list of str
        The stratum columns before ``person_id``.
    result : AggregateResult
        The strata and exclusions of the same pass (rows read = counted + excluded).
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

    def frequencies(self, value: str = "bed_days") -> pd.DataFrame:
        """``<by...>, <value>, persons``: how many persons have each value, built fragment by fragment
        (memory: the distinct values), the input :mod:`kpcompare.concentration` takes with ``frequency="persons"``."""
        check_choice(value, TOTALS, argument="value")
        parts = []
        for batch in self.dataset.to_batches(columns=[*self.by, value]):
            frame = batch.to_pandas()
            if len(frame):
                parts.append(frame.groupby([*self.by, value], dropna=False).size().rename("persons").reset_index())
            if len(parts) > 64:
                parts = [_combine(parts, self.by, value)]
        if not parts:
            return pd.DataFrame({**{b: pd.Series(dtype=object) for b in self.by}, value: pd.Series(dtype="int64"),
                                 "persons": pd.Series(dtype="int64")})
        return _combine(parts, self.by, value)


def _combine(parts: list[pd.DataFrame], by: list[str], value: str) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby([*by, value], dropna=False, sort=True)["persons"].sum().reset_index()


def person_totals(extract: Any, *, period: Any = None, out: Any = None, by: Sequence[str] = ("system",),
                  unit: str = "cips", cips_rules: Any = None, where: Any = None,
                  progress: bool | None = None) -> PersonTotals:
    """Per-person totals over a period: ``<by...>, person_id, admissions, emergency_admissions, bed_days, spells,
    episodes``, one row per (stratum, person) with a counted stay, written as Parquet partitions.

    Parameters
    ----------
    extract : Extract, path, pyarrow.Table or pandas.DataFrame
        With ``person_id``, ``provider``, ``admission_date``, ``discharge_date`` (spells need them).
    period : (first_day, last_day), optional
        As :func:`kpcompare.aggregate`: stays overlapping it, bed days clipped to it, admissions admitted in it.
    out : str or path, optional
        A directory (created; it must hold no ``part-*.parquet`` files yet) for the files; None: a temporary one.
    by : sequence of str, default ("system",)
        Stratum columns of a person's row (a stay is placed by its first episode, as in ``aggregate``).
    unit : {"cips", "spell"}
        What ``spells`` counts (and what an admission is): continuous inpatient spells or provider spells.
    cips_rules, where, progress
        As :func:`kpcompare.aggregate`; bed days are midnights, newborns included and repeated episode ids
        excluded as there by default.

    Returns
    -------
    PersonTotals
        ``.dataset`` (lazy), ``.to_pandas()``, ``.to_table()``, ``.frequencies(value)``; taken as it is by
        :func:`kpcompare.top_share`, :func:`kpcompare.gini` and :func:`kpcompare.lorenz` (through
        ``frequencies``, in bounded memory); and ``.result``, the strata and exclusions of the same pass (rows read = counted + excluded).  ``emergency_admissions``
        are admissions whose first episode's admission method is an emergency (HES 21-25, 2A-2D, 28); NaN
        without an ``admission_method`` column.

    Validated against: a plain pandas implementation on hand-built and random extracts (tests/engine).
    """
    from ..extract import Extract, read_episodes
    from .arrow import execute
    from .plan import make_plan

    check_choice(unit, ("cips", "spell"), argument="unit")
    progress = check_flag(progress, argument="progress", allow_none=True)
    if not isinstance(extract, Extract):
        extract = read_episodes(extract)
    directory, keep = _directory(out)
    plan = make_plan(extract, by=by, age_bands="esp2013", conditions=None, unit=unit, bed_days="midnights",
                     period=period, weights=None, newborns="include", admissions_by="admission", persons=None,
                     check_duplicates=None, cips_rules=cips_rules, where=where)
    extract.require(["person_id"], purpose="person_totals")
    plan.hooks.append(PersonTotalsPass(extract, directory, plan.by))
    result = execute(extract, plan, progress=progress, threads=None, period=period)
    return PersonTotals(directory, list(plan.by), result, keep)


def _directory(out: Any) -> tuple[Path, Any]:
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="kpcompare-person-totals-")
        return Path(keep.name), keep
    if not isinstance(out, (str, Path)):
        raise InvalidArgumentError(f"argument 'out': expected a directory path or None, got {type(out).__name__}.")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InvalidArgumentError(f"argument 'out': {str(path)!r} exists and is not a directory.")
    path.mkdir(parents=True, exist_ok=True)
    if any(path.glob("part-*.parquet")):
        raise InvalidArgumentError(
            f"argument 'out': {str(path)!r} already holds part-*.parquet files (an earlier run?); give an empty "
            "or new directory so that the persons of two runs are not mixed.")
    return path, None
