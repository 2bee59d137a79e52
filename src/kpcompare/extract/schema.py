"""The pandera view of the episode rules, and the type check of canonical batches.

Two layers, one specification (the rules themselves are :mod:`kpcompare.extract.rules`):

* **types**: :func:`batch_schema` is a pandera (pyarrow backend) schema of the canonical column types;
  :func:`check_batch_types` checks every batch the extract yields against the same types (on the batch's
  Arrow schema, so it costs microseconds and does not import pandera on the hot path).
* **rows**: :func:`row_rules` lists the rules one ``aggregate`` call applies, built from the rule functions,
  and :func:`episode_schema` turns them into pandera checks named after their reasons: the readable
  specification of the row rules (one pandera check per reason and column; the rules that read several
  columns, or other rows, are dataframe-wide checks).  :func:`first_reasons_by_schema` reads the reason of
  every row off a lazy validation; ``tests/extract/test_schema_rules.py`` shows that it agrees with the engine
  row by row.

The schema describes rows, i.e. the episode unit; the spell rules of the spell and CIPS units (a spell
without a discharge date, ending before it starts or outside the period) judge whole spells and are not part
of it, nor is ``missing_person_id``, which applies only where episodes are linked into spells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._compat import pandera_pandas, pandera_pyarrow
from ..errors import ColumnTypeError, InvalidArgumentError
from .columns import CANONICAL_COLUMNS
from .rules import (
    EXCLUSION_REASONS, REASON_INDEX, age_out_of_range, discharge_before_admission, duplicate_episode_id,
    first_reason, invalid_code, invalid_length_of_stay, invalid_weight, is_newborn, missing_date,
    Where, missing_stratum, outside_period, unfinished_episode, unknown_sex, where_filter,
)

__all__ = ["batch_schema", "check_batch_types", "RowRule", "row_rules", "episode_schema",
           "first_reasons_by_schema"]


# ----------------------------------------------------------------------------------------------- types


@lru_cache(maxsize=64)
def batch_schema(names: tuple[str, ...]):
    """A pandera (pyarrow backend) schema of the canonical types of ``names``."""
    ppa = pandera_pyarrow()

    columns = {}
    for name in names:
        arrow_type = CANONICAL_COLUMNS[name].arrow_type
        if arrow_type is None:  # identifiers keep the source type
            columns[name] = ppa.Column(nullable=True)
        elif CANONICAL_COLUMNS[name].kind == "code":  # codes may arrive dictionary-encoded
            columns[name] = ppa.Column(nullable=True)
        else:
            columns[name] = ppa.Column(arrow_type, nullable=True)
    return ppa.DataFrameSchema(columns, strict=False)


def check_batch_types(batch: pa.RecordBatch, *, location: str, narrow: bool = False) -> None:
    """Validate the types of a canonical batch against :func:`batch_schema` (on its schema only).

    The check compares Arrow types directly (the pandera schema states the same types; calling pandera per
    batch would add its import and dispatch cost to every run); rows are judged by the rules below.  With
    ``narrow`` numeric columns may also be of any integer type (see ``Extract.batch_jobs``).
    """
    for field in batch.schema:
        spec = CANONICAL_COLUMNS.get(field.name)
        if spec is None or spec.arrow_type is None or spec.kind == "code":
            continue
        if narrow and spec.kind in ("int", "float") and pa.types.is_integer(field.type):
            continue
        value_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if value_type != spec.arrow_type and not pa.types.is_null(field.type):
            raise ColumnTypeError(
                f"{location}: canonical column {field.name!r} has type {field.type}, expected {spec.arrow_type}.",
                column=field.name, rule=f"type {spec.arrow_type}")


# ----------------------------------------------------------------------------------------------- pandera


@dataclass(frozen=True)
class RowRule:
    """One named rule of :func:`row_rules`: ``broken(data)`` is True for the rows breaking it.

    A rule with a ``column`` reads that column only (a pandera column check, skipped when a frame lacks the
    column); ``column=None`` marks a rule reading several columns or other rows (a dataframe-wide check).
    """

    reason: str
    column: str | None
    broken: Callable[[Any], np.ndarray]

    def on(self, frame) -> np.ndarray:
        """The rows of ``frame`` breaking the rule."""
        if self.column is None:
            return np.asarray(self.broken(frame), dtype=bool)
        if self.column not in frame:
            return np.zeros(len(frame), dtype=bool)
        return np.asarray(self.broken(frame[self.column]), dtype=bool)


def row_rules(*, coding: str | None = None, by: Sequence[str] | str | None = None, by_sex: bool = True,
              by_age: bool = True, age_bands: Any = None, period: Any = None, weights: Any = None,
              newborns: str = "include", check_duplicates: bool | None = None,
              where: Any = None) -> list[RowRule]:
    """The row rules ``aggregate(read_episodes(frame, coding=coding), **options)`` applies (episode unit), in
    precedence order, each built from the rule functions above on canonical values.

    The options are ``aggregate``'s: ``by`` (its stratum columns: ``sex`` brings ``unknown_sex``,
    ``age_band`` brings ``age_out_of_range`` with the limits of ``age_bands``, ``condition`` brings
    ``invalid_code``, any other column ``missing_stratum``), ``period`` (``outside_period``), ``weights``
    (``"weight"``: ``invalid_weight``), ``newborns`` (``"exclude"``: ``newborn``), ``check_duplicates``
    (``duplicate_episode_id``; None, the default, and True: wherever the frame has ``episode_id``, False:
    never) and ``where`` (``filtered_out_by_where``, last: after every validity rule).  ``by=None`` keeps
    the older form: ``by_sex`` and ``by_age`` (bands 0-120) and ``invalid_code`` whenever the frame has
    ``primary_diagnosis``.  ``unfinished_episode`` applies
    whenever the frame has ``episode_status``.  The dates are ``episode_start``/``episode_end`` when the frame
    has both, else ``admission_date``/``discharge_date``; without either pair ``length_of_stay`` is judged.
    Values pass through ``read_episodes``' canonical converters first (``"9"`` is an unknown sex,
    ``"j44.1"`` the code ``J441``, an unparseable date a missing one), so a frame may be given as read or as
    ``extract.to_pandas()`` returns it.
    """
    from .._checks import as_list, check_choice

    check_choice(newborns, ("include", "exclude"), argument="newborns")
    if weights not in (None, False, True, "weight"):
        raise InvalidArgumentError(
            f"argument 'weights': give weights='weight' (the canonical weight column) or None, not {weights!r}.")
    if by is None:
        sex, age, code, strata = by_sex, by_age, True, []
    else:
        names = as_list(by)
        sex, age, code = "sex" in names, "age_band" in names, "condition" in names
        strata = [name for name in names if name not in ("sex", "age_band", "condition")]
    lowest, highest, band_lo, band_hi = _band_limits(age_bands)
    rules = [
        RowRule("missing_date", None, lambda frame: _on_dates(frame, missing_date)),
        RowRule("invalid_length_of_stay", None, _length_of_stay_broken),
        RowRule("discharge_before_admission", None, lambda frame: _on_days(frame, discharge_before_admission)),
        RowRule("unfinished_episode", "episode_status",
                lambda s: unfinished_episode(_canonical(s, "episode_status"))),
    ]
    if sex:
        rules.append(RowRule("unknown_sex", "sex", lambda s: unknown_sex(_canonical(s, "sex"))))
    if age:
        rules.append(RowRule("age_out_of_range", "age",
                             lambda s: age_out_of_range(_numbers(s, "age"), lowest, highest, band_lo=band_lo,
                                                        band_hi=band_hi)))
    if code:
        rules.append(RowRule("invalid_code", "primary_diagnosis",
                             lambda s: invalid_code(_canonical(s, "primary_diagnosis"), coding)))
    for name in strata:
        rules.append(RowRule("missing_stratum", name, lambda s, name=name: missing_stratum(_canonical(s, name))))
    if weights not in (None, False):
        rules.append(RowRule("invalid_weight", "weight", lambda s: invalid_weight(_numbers(s, "weight"))))
    if newborns == "exclude":
        rules.append(RowRule("newborn", "newborn", lambda s: is_newborn(_canonical(s, "newborn"))))
    if period is not None:
        days = _period_days(period)
        rules.append(RowRule("outside_period", None,
                             lambda frame: _on_days(frame, lambda start, end: outside_period(start, end, days))))
    if check_duplicates is not False:
        others = list(rules)
        rules.append(RowRule("duplicate_episode_id", None, lambda frame: _duplicates(frame, others)))
    rules += _where_rules(where)
    return sorted(rules, key=lambda rule: REASON_INDEX[rule.reason])


def _where_rules(where: Any) -> list[RowRule]:
    """``filtered_out_by_where``: one column rule per column of a mapping, a wide rule for an expression."""
    where = where_filter(where)
    if where is None:
        return []
    rules = [RowRule("filtered_out_by_where", name,
                     lambda s, name=name, accepted=accepted: Where({name: accepted}).not_selected(
                         {name: _canonical(s, name)}, len(s)))
             for name, accepted in where.values.items()]
    if where.expression is not None:
        only = Where({}, where.expression, where.expression_columns)
        rules.append(RowRule("filtered_out_by_where", None, lambda frame: only.not_selected(
            {c: _canonical(frame[c], c) for c in only.columns if c in frame}, len(frame))))
    return rules


def episode_schema(*, coding: str | None = None, by_sex: bool = True, by_age: bool = True, **options):
    """A pandera (pandas) schema whose checks are the row rules of :func:`row_rules`, named after their reasons.

    ``options`` are those of :func:`row_rules` (``aggregate``'s ``by``, ``age_bands``, ``period``,
    ``weights``, ``newborns``, ``check_duplicates``, ``where``).  ``schema.validate(frame, lazy=True)`` raises
    ``pandera.errors.SchemaErrors`` whose ``failure_cases`` give, per broken rule and row, the reason
    (``check``) and the row (``index``); a dataframe-wide check reports the row once per column.  Each check
    is judged on its own; :func:`first_reasons_by_schema` applies the precedence.
    """
    pdx = pandera_pandas()

    rules = row_rules(coding=coding, by_sex=by_sex, by_age=by_age, **options)
    columns: dict[str, list] = {}
    for rule in rules:
        if rule.column is not None:
            columns.setdefault(rule.column, []).append(_check(rule))
    return pdx.DataFrameSchema(
        {name: pdx.Column(nullable=True, required=False, checks=checks) for name, checks in columns.items()},
        checks=[_check(rule) for rule in rules if rule.column is None], strict=False, name="episode rows")


def first_reasons_by_schema(frame, **options):
    """The reason each row of ``frame`` is excluded for (``""``: counted), read off the failure cases of
    ``episode_schema(**options).validate(frame, lazy=True)``: the first failed check in precedence order
    (:func:`first_reason`, as the engine decides).  Returns a pandas Series of str aligned with ``frame``."""
    import pandas as pd
    import pandera.errors

    data = frame.reset_index(drop=True)
    masks: dict[str, np.ndarray] = {}
    try:
        episode_schema(**options).validate(data, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        unknown = set(cases["check"]) - set(EXCLUSION_REASONS)
        if unknown or cases["index"].isna().any():  # not a row rule (e.g. a check that raised): report it
            raise
        for reason, rows in cases.groupby("check", observed=True)["index"]:
            masks[reason] = np.zeros(len(data), dtype=bool)
            masks[reason][rows.to_numpy(dtype=np.int64)] = True
    names = np.array([""] + list(EXCLUSION_REASONS), dtype=object)
    return pd.Series(names[first_reason(list(masks.items()), len(data))], index=frame.index, name="reason",
                     dtype=object)


def _check(rule: RowRule):
    """``rule`` as a pandera check named after its reason (True = the row passes)."""
    import pandas as pd
    pdx = pandera_pandas()

    def passes(data):  # a Series (column rule) or the DataFrame (wide rule); pandera wants an aligned Series
        return pd.Series(~np.asarray(rule.broken(data), dtype=bool), index=data.index)

    return pdx.Check(passes, name=rule.reason, description=EXCLUSION_REASONS[rule.reason], ignore_na=False)


def _canonical(series, name: str) -> pa.Array:
    """A pandas column as ``read_episodes`` makes it canonical (the default converter of its kind)."""
    from .mappings import Field, canonical_mapping

    array = pa.array(series, from_pandas=True)
    if pa.types.is_null(array.type) and CANONICAL_COLUMNS[name].arrow_type is not None:
        array = pa.nulls(len(array), CANONICAL_COLUMNS[name].arrow_type)
    return canonical_mapping().converter(name, Field((name,)))([array], len(array))


def _numbers(series, name: str) -> np.ndarray:
    """A canonical numeric column as float64 (missing = NaN), as the engine reads it."""
    return _canonical(series, name).to_numpy(zero_copy_only=False).astype(np.float64)


def _date_pair(frame) -> tuple[str, str] | None:
    """The start and end columns the engine uses for the episode unit (None: judge ``length_of_stay``)."""
    for pair in (("episode_start", "episode_end"), ("admission_date", "discharge_date")):
        if set(pair) <= set(frame.columns):
            return pair
    return None


def _on_dates(frame, rule: Callable[[pa.Array, pa.Array], np.ndarray]) -> np.ndarray:
    pair = _date_pair(frame)
    if pair is None:
        return np.zeros(len(frame), dtype=bool)
    return rule(*(_canonical(frame[name], name) for name in pair))


def _on_days(frame, rule: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """``rule`` on day numbers, for the rows with both dates (a row missing one is ``missing_date``)."""
    pair = _date_pair(frame)
    if pair is None:
        return np.zeros(len(frame), dtype=bool)
    start, end = (_canonical(frame[name], name) for name in pair)
    days = [pc.fill_null(d.cast(pa.int32()), 0).to_numpy(zero_copy_only=False) for d in (start, end)]
    return rule(*days) & ~missing_date(start, end)


def _length_of_stay_broken(frame) -> np.ndarray:
    if _date_pair(frame) is not None or "length_of_stay" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return invalid_length_of_stay(_canonical(frame["length_of_stay"], "length_of_stay"))


def _duplicates(frame, others: Sequence[RowRule]) -> np.ndarray:
    if "episode_id" not in frame:
        return np.zeros(len(frame), dtype=bool)
    counted = np.ones(len(frame), dtype=bool)
    for rule in others:
        counted &= ~rule.on(frame)
    keys = ["person_id", "episode_id"] if "person_id" in frame else ["episode_id"]
    return duplicate_episode_id(frame[keys], counted)


def _band_limits(age_bands: Any) -> tuple[float, float, np.ndarray | None, np.ndarray | None]:
    """The first lower bound, the first age above the last band, and every band's lower bound and first age
    above it, as the engine takes them (None: 0, inf and no bands)."""
    if age_bands is None:
        return 0.0, np.inf, None, None
    from ..refdata import band_table

    table = band_table(age_bands)
    lower = table["age_lo"].to_numpy(dtype=float)
    upper = table["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf) + 1
    return float(lower[0]), float(upper[-1]), lower, upper


def _period_days(period: Any) -> tuple[int, int]:
    import pandas as pd

    if isinstance(period, str) or not isinstance(period, Sequence) or len(period) != 2:
        raise InvalidArgumentError(f"argument 'period': expected (first_day, last_day), got {period!r}.")
    epoch = pd.Timestamp("1970-01-01")
    first, last = (int((pd.Timestamp(value).normalize() - epoch).days) for value in period)
    return first, last
