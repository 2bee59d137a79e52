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

from collections.abc import Sequence
from typing import Any

from .._checks import check_choice, check_flag
from .person_table import TOTALS, PersonTotals, PersonTotalsPass, output_directory

__all__ = ["person_totals", "PersonTotals", "TOTALS"]


def person_totals(extract: Any, *, period: Any = None, out: Any = None, by: Sequence[str] = ("system",),
                  unit: str = "cips", cips_rules: Any = None, where: Any = None,
                  progress: bool | None = None) -> PersonTotals:
    """Per-person totals over a period: ``<by...>, person_id, admissions, emergency_admissions, bed_days, spells,
    episodes``, one row per (stratum, person) with a counted stay, written as Parquet partitions.

    Parameters
    ----------
    extract : Extract, path, pyarrow.Table, pandas.DataFrame or Spark DataFrame
        With ``person_id``, ``provider``, ``admission_date``, ``discharge_date`` (spells need them).  A Spark
        DataFrame runs on Spark, whose Parquet writer writes the files (docs/scale.md, "Readmissions and
        per-person totals on Spark": ``out`` must be a directory Spark and this process both see).
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
    directory, keep = output_directory(out)
    options = dict(by=by, age_bands="esp2013", conditions=None, unit=unit, bed_days="midnights", period=period,
                   weights=None, newborns="include", admissions_by="admission", persons=None, check_duplicates=None,
                   cips_rules=cips_rules, where=where)
    plan = make_plan(extract, **options)
    extract.require(["person_id"], purpose="person_totals")
    plan.hooks.append(PersonTotalsPass(extract, directory, plan.by, keep))
    result = execute(extract, plan, progress=progress, threads=None, period=period, options=options)
    totals, result.person_totals = result.person_totals, None  # the totals hold the result, not both ways
    totals.result = result
    return totals
