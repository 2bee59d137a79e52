"""The Arrow engine: stream an episode extract into a stratum table and an exclusions table."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_flag
from ..errors import DataQualityWarning, InvalidValueError, KpcompareError
from ..extract.rules import DATA_QUALITY_SHARE, EXCLUSION_REASONS
from ..extract.spark_source import is_spark_dataframe
from .episode_pass import counted_names, measure_names, stream_episodes
from .person_table import PersonTotals, PersonTotalsPass, person_totals_pass
from .plan import make_plan
from .readmissions import ReadmissionPass, readmission_pass
from .spell_pass import stream_partitioned
from .strata import Accumulator
from .streaming import Tally, worker_threads

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
        :data:`kpcompare.extract.rules.EXCLUSION_REASONS` (``filtered_out_by_where`` only when ``where``
        was given).
    rows_read : int
        Rows read from the source; ``rows_read == strata["episodes"].sum() + exclusions["rows"].sum()``.
    record_level : bool
        True: built from record-level data, so disclosure control applies before the strata leave kpcompare
        (:func:`kpcompare.disclosure.for_release`; docs/disclosure.md).
    readmission_exclusions : pandas.DataFrame or None
        With ``readmissions``: ``stage, reason, units`` (:data:`kpcompare.engine.readmissions.READMISSION_REASONS`):
        every counted unit once in stage ``index``, each admission after an eligible index within the window
        once in stage ``readmission``; None otherwise.
    cips_rules : str or None
        ``unit="cips"``: the CIPS rules counted with, by :meth:`kpcompare.engine.spells.CipsRules.label` (a
        preset's name such as ``"nhs_digital"``, or ``"custom(...)"``), also in ``strata.attrs["cips_rules"]``;
        None for other units.
    person_totals : kpcompare.engine.person_table.PersonTotals or None
        With ``person_totals``: the per-person table of the same pass (``<by...>, person_id, admissions,
        emergency_admissions, bed_days, spells, episodes``, as :func:`kpcompare.person_totals`), read lazily from
        its Parquet files; ``.regroup(["system"])`` sums each person over the other strata; None otherwise.
    """

    strata: pd.DataFrame
    exclusions: pd.DataFrame
    rows_read: int
    unit: str
    bed_days: str
    by: list[str]
    period: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    record_level: bool = True
    readmission_exclusions: pd.DataFrame | None = None
    cips_rules: str | None = None
    person_totals: PersonTotals | None = None

    @property
    def rows_counted(self) -> int:
        return int(self.strata["episodes"].sum())

    @property
    def rows_excluded(self) -> int:
        return int(self.exclusions["rows"].sum())

    def __repr__(self) -> str:
        return (f"<AggregateResult unit={self.unit!r} bed_days={self.bed_days!r}: {len(self.strata)} strata; "
                f"rows read {self.rows_read:,} = counted {self.rows_counted:,} + excluded {self.rows_excluded:,}>")


def aggregate(extract: Any, *, by: Sequence[str] = ("system", "sex", "age_band", "condition"),
              age_bands: Any = "esp2013", conditions: Any = None, unit: str = "episode",
              bed_days: str = "midnights", period: Any = None, weights: Any = None, progress: bool | None = None,
              newborns: str = "include", admissions_by: str = "admission", persons: bool | None = None,
              check_duplicates: bool | None = None, threads: int | None = None, bed_days_squared: bool = False,
              cips_rules: Any = None, spell_diagnosis: str = "first", where: Any = None, readmissions: Any = None,
              person_totals: Any = None) -> AggregateResult:
    """Stream an episode extract into admissions, bed days and episodes per stratum, accounting for every row.

    The rules (exclusion reasons and their order, units, bed days, period, ``where``, duplicates, memory,
    threads; results do not depend on threads) are set out in docs/extracts.md (#3-exclusion-reasons on).

    Parameters
    ----------
    extract : Extract, path, pyarrow.Table, pandas.DataFrame, Arrow stream or Spark DataFrame
        From :func:`kpcompare.read_episodes`, else read with ``read_episodes(extract)``; a Spark DataFrame is
        aggregated on Spark with the same rules and result (docs/scale.md).
    by : sequence of str, default ("system", "sex", "age_band", "condition")
        Stratum columns: canonical columns plus ``age_band`` (from ``age`` and ``age_bands``) and ``condition``
        (from ``primary_diagnosis`` and ``conditions``).
    age_bands : str, list of int or DataFrame, default "esp2013"
        Anything :func:`kpcompare.band_table` accepts.
    conditions : mapping, ConditionSet, str or None
        ``{group: [codes]}``, a ConditionSet or a bundled set name; None: the primary diagnosis code itself.
    unit : {"episode", "spell", "cips"}
        An episode (a row; with ``episode_order`` only first episodes are admissions), a provider spell or a CIPS.
    bed_days : {"midnights", "same_day_as_one"}
        Discharge - admission (a same-day stay is 0, HES), or with a same-day stay counted 1 (NHDS).
    period : (first_day, last_day), optional
        Inclusive dates: bed days clipped to it, admissions counted when admitted in it (``admissions_by``),
        stays not overlapping it excluded (``outside_period``); None is an open end (docs/extracts.md#4-bed-days-length-of-stay-and-the-period).
    weights : {None, "weight"}
        Add ``weighted_*`` columns summing the canonical ``weight`` column.
    progress, threads : bool or None, int or None
        tqdm bars (None: when stderr is a terminal); worker threads (None: 2 for episodes, 1 for spells and CIPS).
    newborns, admissions_by : {"include", "exclude"}, {"admission", "discharge"}
        Exclude rows flagged ``newborn``; which date places an admission in the period.
    persons : bool or None
        Count distinct persons per stratum (None: wherever the extract has ``person_id``).
    check_duplicates : bool or None
        Exclude repeated ``episode_id`` of a person (the first kept): None (default) wherever the extract has
        ``episode_id``; False opts out; True without ``episode_id`` is an error.
    bed_days_squared : bool, default False
        Add ``bed_days_squared`` = sum of squared bed days per stratum, the compound-Poisson variance of bed
        days used by :func:`kpcompare.compare`; only where every record is one stay with its admission counted.
    cips_rules : kpcompare.engine.spells.CipsRules, optional
        With ``unit="cips"``: the rules linking spells (None: NHS Digital's; named: ``CipsRules.preset(name)``).
    spell_diagnosis : {"first", "last"}, default "first"
        With spells and CIPS: the episode whose primary diagnosis gives the ``condition``.
    where : mapping or pyarrow.compute.Expression, optional
        Count only the rows selected: ``{canonical column: value or list of values}`` (e.g.
        ``{"admission_method": ["21", "22", "23", "24", "28"]}``, emergency admissions) or an Arrow
        expression on canonical columns.  The others are excluded as ``filtered_out_by_where``, after every
        validity rule; spells and CIPS are selected by their first episode (docs/extracts.md#7-filtering-rows-where).
    readmissions : int, ReadmissionRules or None
        Spells, CIPS: add ``readmissions``, ``readmission_eligible`` (emergency readmissions within this many
        days of discharge; 30: NHS Digital's indicator; docs/readmissions.md); None (default) adds nothing.
    person_totals : bool, str, path or None
        Spells, CIPS: the per-person totals of the same pass as ``.person_totals``, written to a temporary
        directory (True) or this one (docs/readmissions.md#one-pass-strata-readmissions-and-person-totals; Spark: docs/scale.md).

    Returns
    -------
    AggregateResult
        ``.strata`` and ``.exclusions``; rows read = rows counted + rows excluded, always.

    Validated against: a plain pandas implementation on random extracts (tests/engine); CDC/NCHS's NHDS 2010
    totals (35.1 million discharges, 167.7 million days of care, average stay 4.8 days).
    """
    from ..extract import Extract, read_episodes

    progress = check_flag(progress, argument="progress", allow_none=True)
    extract = extract if isinstance(extract, Extract) else read_episodes(extract)
    options = dict(by=by, age_bands=age_bands, conditions=conditions, unit=unit, bed_days=bed_days,
                   period=period, weights=weights, newborns=newborns, admissions_by=admissions_by,
                   persons=persons, check_duplicates=check_duplicates, squares=bed_days_squared,
                   cips_rules=cips_rules, spell_diagnosis=spell_diagnosis, where=where)
    plan = make_plan(extract, **options)
    plan.hooks += _hooks(extract, plan, readmissions=readmissions, person_totals=person_totals)
    return execute(extract, plan, progress=progress, threads=threads, period=period, options=options)


def _hooks(extract, plan, *, readmissions: Any, person_totals: Any) -> list:
    """The passes over each person's units that ``readmissions`` and ``person_totals`` ask for (checked)."""
    hooks = (readmission_pass(readmissions, extract, plan), person_totals_pass(person_totals, extract, plan))
    return [hook for hook in hooks if hook is not None]


def execute(extract, plan, *, progress: bool | None, threads: int | None, period: Any,
            options: dict | None = None) -> AggregateResult:
    """Run a plan (and its hooks, whose columns are read too and whose measures come last); a Spark DataFrame
    runs on Spark with the same rules (``options``: make_plan's keywords, which the Spark engine needs)."""
    for hook in plan.hooks:
        plan.columns += [c for c in hook.columns_needed if c not in plan.columns]
    threads = worker_threads(threads, plan)
    extra = [name for hook in plan.hooks for name in hook.measures]
    accumulator = Accumulator(plan.by, plan.labels, measure_names(plan) + extra)
    tally = Tally()
    try:
        _run(extract, plan, options, accumulator, tally, progress=progress, threads=threads)
        for hook in plan.hooks:  # e.g. the person totals' last file: written before the result reads it
            getattr(hook, "finish", lambda: None)()
    except BaseException:
        for hook in plan.hooks:  # e.g. the person totals' temporary directory: removed now, not at collection
            getattr(hook, "discard", lambda: None)()
        raise
    return _result(plan, accumulator, tally, period=period)


def _run(extract, plan, options: dict | None, accumulator: Accumulator, tally: Tally, *, progress: bool | None,
         threads: int) -> None:
    """Stream the extract through the plan's passes, or run them on Spark for a Spark DataFrame."""
    if is_spark_dataframe(getattr(extract.source, "frame", None)):
        if options is None:  # pragma: no cover - every caller passes make_plan's keywords
            raise KpcompareError("internal error: a Spark run needs the plan's options; please report this.")
        from .spark import aggregate_on_spark  # the same rules, run on Spark (docs/scale.md)

        aggregate_on_spark(extract, plan, options, accumulator, tally)
        return
    stream = stream_partitioned if plan.partitioned else stream_episodes
    stream(extract, plan, accumulator, tally, progress, threads)


def _bound(value: Any) -> str | None:
    """A period bound as written back in the result (None: an open end)."""
    return None if value is None or pd.isna(value) else str(value)


def _result(plan, accumulator: Accumulator, tally: Tally, *, period: Any) -> AggregateResult:
    """The strata (integer measures as int64) and exclusions, checked: rows read = counted + excluded."""
    strata = accumulator.frame()
    exclusions = tally.frame(plan.weighted, where=plan.where is not None)
    hooked = [name for hook in plan.hooks for name in hook.measures]  # e.g. readmissions (counts)
    sums = {name: strata[name].to_numpy(dtype=float) for name in measure_names(plan) + hooked}
    if plan.weighted:
        sums["weighted_rows"] = exclusions["weighted_rows"].to_numpy(dtype=float)
    for name, values in sums.items():  # counts and weighted sums alike: float64 adds exactly below 2**53 only
        if len(values) and not np.nanmax(values) < 2.0 ** 53:
            what = "weighted sum" if name.startswith("weighted_") else "sum"
            raise InvalidValueError(
                f"column {name!r}: a stratum's {what} ({np.nanmax(values):.4g}) exceeds 2**53, beyond which it "
                "cannot be counted exactly; split the extract (e.g. by year) and add the results"
                + (" (or rescale the weights)" if what != "sum" else "") + ".", column=name, rule="sum below 2**53")
    for name in counted_names(plan) + hooked:
        strata[name] = np.rint(sums[name]).astype(np.int64)
    result = AggregateResult(strata, exclusions, tally.read, plan.unit, plan.bed_rule, plan.by,
                             period=None if period is None else tuple(_bound(v) for v in period))
    for hook in plan.hooks:
        if isinstance(hook, ReadmissionPass):
            result.readmission_exclusions = hook.table()
            result.notes += hook.notes(plan.unit)
        elif isinstance(hook, PersonTotalsPass):  # the files are written: read them lazily (no reference back to
            result.person_totals = PersonTotals(hook.directory, list(plan.by), None, hook.keep)  # the result: no cycle
            hook.keep = None  # the totals own the directory now
    if plan.cips_rules is not None:  # the rules counted with, recorded with the result
        result.cips_rules = strata.attrs["cips_rules"] = plan.cips_rules.label()
    if result.rows_counted + result.rows_excluded != result.rows_read:  # pragma: no cover - internal invariant
        raise KpcompareError(f"internal error: rows read {result.rows_read} != counted {result.rows_counted} + "
                             f"excluded {result.rows_excluded}; please report this.")
    _warn_data_quality(result)
    return result


def _warn_data_quality(result: AggregateResult) -> None:
    """A :class:`DataQualityWarning` when a validity rule excluded more than
    :data:`~kpcompare.extract.rules.DATA_QUALITY_SHARE` of the rows read (saying so when none was counted)."""
    read = result.rows_read
    table = result.exclusions[~result.exclusions["reason"].isin(_CHOSEN_REASONS)]
    if read == 0:  # an empty extract: nothing was excluded, and rows_read says so
        return
    top = table.loc[table["rows"].idxmax()] if len(table) else None
    if top is not None and top["rows"] > DATA_QUALITY_SHARE * read:
        share = top["rows"] / read
        message = (f"{share:.0%} of the rows read ({int(top['rows']):,} of {read:,}) were excluded as "
                   f"{top['reason']!r} ({EXCLUSION_REASONS[top['reason']]})")
        message += "; no row could be counted." if result.rows_counted == 0 else "."
        if top["reason"] == "missing_date":
            message += " Are the dates in another format? Give read_episodes(..., date_format='%d/%m/%Y')."
    else:  # the exclusions asked for (a period, where=) may take every row: the caller chose them
        return
    warnings.warn(f"aggregate: {message}", DataQualityWarning, stacklevel=4)


#: exclusions the caller asked for: not a sign of bad data
_CHOSEN_REASONS = ("outside_period", "newborn", "filtered_out_by_where")
