"""The episode exclusion rules: the named reasons a row (or a spell) can be excluded for, and the rule functions.

Each rule a row can break has a name (:data:`EXCLUSION_REASONS`, in precedence order: a row breaking several
rules is counted under the first).  The rule functions below return a boolean mask per row; the engine
(:mod:`kpcompare.engine`) evaluates them per batch and tallies them in ``aggregate(...).exclusions``, so rows
read = rows counted + rows excluded.  Their pandera view (one check per reason) is
:mod:`kpcompare.extract.schema`.

Rules apply only to the columns a computation uses: ``unknown_sex`` only when ``sex`` is a stratum,
``age_out_of_range`` only when ``age_band`` is, and so on.  Duplicate episode ids are judged among the rows
that pass every other row rule (a repeat of an excluded row is no duplicate).  ``filtered_out_by_where``
(``aggregate(..., where=...)``) comes last: a row that breaks a validity rule is counted under that rule
whether or not the filter keeps it, so the data-quality counts do not depend on the filter (see
``docs/extracts.md#7-filtering-rows-where``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..conditions import RECORD_PATTERNS
from ..errors import InvalidArgumentError, UnknownNameError
from .convert import dictionary_mask, string_values

__all__ = [
    "EXCLUSION_REASONS", "REASON_INDEX", "CODE_PATTERNS", "MAX_AGE", "DATA_QUALITY_SHARE", "mask",
    "unknown_sex_values", "unfinished_values", "valid_code_values",
    "missing_date", "discharge_before_admission", "unknown_sex", "age_out_of_range",
    "unfinished_episode", "invalid_code", "invalid_length_of_stay", "missing_stratum", "invalid_weight",
    "is_newborn", "outside_period", "duplicate_episode_id", "missing_person_id", "first_reason",
    "Where", "where_filter", "HES_SENTINEL_DATES",
]

#: reason name -> what it means, in precedence order (index + 1 is the reason code; 0 = counted)
EXCLUSION_REASONS: dict[str, str] = {
    "missing_date": "admission/discharge (or episode start/end) date missing, unparseable, outside 1850-2100 or "
                    "a HES placeholder for no date (1800-01-01, 1801-01-01, 1600-01-01, 1582-10-15)",
    "invalid_length_of_stay": "length of stay missing or negative (sources without dates)",
    "discharge_before_admission": "discharge (end) date earlier than admission (start) date",
    "unknown_sex": "sex not known (not 'M' or 'F'; HES SEX 0 or 9)",
    "age_out_of_range": "age missing, negative, above 120 or outside every age band",
    "unfinished_episode": "episode not finished (HES EPISTAT other than 3)",
    "duplicate_episode_id": "episode id seen before for the same person (the first occurrence is kept; judged "
                            "among the rows passing every other row rule)",
    "invalid_code": "primary diagnosis missing or not a code of the extract's coding system",
    "missing_stratum": "a 'by' column other than sex, age band and condition is missing",
    "invalid_weight": "weight missing, negative or not finite",
    "newborn": "newborn infant record, excluded on request (newborns='exclude')",
    "outside_period": "stay (episode, spell or CIPS) does not overlap the period",
    "missing_person_id": "person id missing, so the episode cannot be linked into a spell (spell and CIPS units)",
    "filtered_out_by_where": "valid, but not selected by aggregate(..., where=...) (spell and CIPS units: by "
                             "the value of the stay's first episode); listed only when 'where' is given",
}
REASON_INDEX: dict[str, int] = {name: i + 1 for i, name in enumerate(EXCLUSION_REASONS)}

#: highest valid age in years
MAX_AGE = 120
#: an exclusion reason (other than those asked for: outside_period, newborn, filtered_out_by_where) taking
#: more than this share of the rows read issues a DataQualityWarning (docs/extracts.md#8-reading-files)
DATA_QUALITY_SHARE = 0.5

#: valid codes per coding system, after normalisation (upper case, no dots); defined with the other code
#: patterns in :mod:`kpcompare.conditions._codes`
CODE_PATTERNS: dict[str, str] = RECORD_PATTERNS


# ----------------------------------------------------------------------------------------------- rules


def mask(array: pa.Array) -> np.ndarray:
    """Boolean Arrow array -> numpy bool (null = False)."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


#: Placeholder dates HES writes where a date was not submitted or was invalid; read as missing (they fall
#: before :data:`kpcompare.extract.convert.MIN_VALID_DATE`, so the converters turn them into nulls and the
#: ``missing_date`` rule counts them).  Source: The Health Foundation's HES pipeline
#: (github.com/HFAnalyticsLab/HES_pipeline, ``src/clean.R``, ``parse_HES``), which sets exactly these four to
#: NA in every HES date column (ADMIDATE, DISDATE, EPISTART, EPIEND, ...).  A tuple of dates other engines
#: (kpcompare's Spark mirror) read too.
HES_SENTINEL_DATES: tuple[date, ...] = (date(1800, 1, 1), date(1801, 1, 1), date(1600, 1, 1), date(1582, 10, 15))


def missing_date(start: pa.Array, end: pa.Array | None = None) -> np.ndarray:
    """Start (or end) date missing; converters already turned unparseable/out-of-range dates into nulls."""
    arrays = [a for a in (start, end) if a is not None]
    with_nulls = [a for a in arrays if a.null_count]
    if not with_nulls:
        return np.zeros(len(start), dtype=bool)
    mask = pc.is_null(with_nulls[0]).to_numpy(zero_copy_only=False)  # is_null is never null itself
    for array in with_nulls[1:]:
        mask |= pc.is_null(array).to_numpy(zero_copy_only=False)
    return mask


def discharge_before_admission(start_day: np.ndarray, end_day: np.ndarray, *,
                               out: np.ndarray | None = None) -> np.ndarray:
    """End date before start date (day numbers); ``out``: a boolean array to write into."""
    return np.less(end_day, start_day, out=out)


def unknown_sex_values(values: pa.Array) -> np.ndarray:
    """Per distinct value: not 'M'/'F' (the engine applies the rules to dictionaries of distinct values)."""
    return ~mask(pc.is_in(values, pa.array(["M", "F"])))


def unknown_sex(sex: pa.Array) -> np.ndarray:
    """Sex other than 'M'/'F' (converters map HES 0/9 and blanks to null)."""
    return dictionary_mask(sex, unknown_sex_values, when_missing=True)


def age_out_of_range(age: np.ndarray, lowest: float, highest: float, *, band_lo: np.ndarray | None = None,
                     band_hi: np.ndarray | None = None) -> np.ndarray:
    """Age missing (NaN), negative, above :data:`MAX_AGE` or outside ``[lowest, highest)`` (the bands' first
    lower bound and the first age above the last band), in completed years: 120.5 is 120, a valid age.

    With the bands' lower bounds ``band_lo`` (increasing) and the first age above each band ``band_hi``, an
    age in a gap between two bands (bands 0-14 and 20-64: age 17) is out of range too.
    """
    with np.errstate(invalid="ignore"):
        years = np.floor(age)
        out = ~((years >= max(lowest, 0)) & (years < highest) & (years <= MAX_AGE))
        if band_lo is not None and band_hi is not None and len(band_lo):
            band = np.clip(np.searchsorted(band_lo, years, side="right") - 1, 0, len(band_lo) - 1)
            out |= ~(years < np.asarray(band_hi, dtype=float)[band])
        return out


def unfinished_values(values: pa.Array) -> np.ndarray:
    """Per distinct value: an episode status other than 'finished'."""
    return ~mask(pc.equal(values, "finished"))


def unfinished_episode(status: pa.Array) -> np.ndarray:
    """Episode status other than 'finished'."""
    return dictionary_mask(status, unfinished_values, when_missing=True)


def valid_code_values(values: pa.Array, coding: str | None) -> np.ndarray:
    """For distinct codes: present and (when a coding is known) matching :data:`CODE_PATTERNS`."""
    ok = mask(pc.is_valid(values))
    if coding is not None:
        ok &= mask(pc.match_substring_regex(values, CODE_PATTERNS[coding]))
    return ok


def invalid_code(codes: pa.Array, coding: str | None) -> np.ndarray:
    """Primary diagnosis missing or invalid; evaluated on the dictionary of distinct codes."""
    return dictionary_mask(codes, lambda v: ~valid_code_values(v, coding), when_missing=True)


def invalid_length_of_stay(length: pa.Array) -> np.ndarray:
    """Length of stay missing or negative."""
    return ~mask(pc.greater_equal(length, 0))


def missing_person_id(values: pa.Array) -> np.ndarray:
    """A person id missing (spell and CIPS units: such an episode cannot be linked to the rest of its stay)."""
    return mask(pc.is_null(values))


def missing_stratum(values: pa.Array) -> np.ndarray:
    """A stratum column value missing."""
    return mask(pc.is_null(values))


def invalid_weight(weight: np.ndarray) -> np.ndarray:
    """Weight missing, negative or not finite."""
    with np.errstate(invalid="ignore"):
        return ~(np.isfinite(weight) & (weight >= 0))


def is_newborn(flag: pa.Array) -> np.ndarray:
    """Newborn flag true."""
    return mask(flag)


def outside_period(start_day: np.ndarray, end_day: np.ndarray, period: tuple[int, int]) -> np.ndarray:
    """Stay [start, end] does not overlap the period [first, last] (day numbers, inclusive)."""
    return (start_day > period[1]) | (end_day < period[0])


def duplicate_episode_id(keys, counted: np.ndarray) -> np.ndarray:
    """Rows whose key (a pandas frame of ``person_id`` and ``episode_id``, or ``episode_id`` alone) an earlier
    row had, among the ``counted`` rows (those passing every other row rule); the first occurrence is kept and
    missing ids equal one another.  The engine finds the same rows by sorting hashed ids within each partition
    of persons (:mod:`kpcompare.engine.duplicates`); this is the rule as written, for small frames."""
    out = np.zeros(len(keys), dtype=bool)
    rows = np.flatnonzero(counted)
    out[rows] = keys.iloc[rows].duplicated(keep="first").to_numpy()
    return out


def first_reason(masks: Sequence[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """Reason code per row (0 = counted): the first rule in precedence order that the row breaks."""
    codes = np.zeros(n, dtype=np.uint8)
    ordered = sorted(masks, key=lambda item: REASON_INDEX[item[0]], reverse=True)
    for name, mask in ordered:  # later (lower-precedence) rules are overwritten by earlier ones
        codes[mask] = REASON_INDEX[name]
    return codes




# ----------------------------------------------------------------------------------------------- where


@dataclass(frozen=True)
class Where:
    """The row filter of ``aggregate(..., where=...)``: rows are kept where every column's value is one of its
    accepted values (canonical values: codes normalised, ``sex`` "M"/"F", dates as dates), and where the
    optional pyarrow ``expression`` is true.  Build it with :func:`where_filter`."""

    values: dict[str, tuple] = field(default_factory=dict)
    expression: Any = None
    expression_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """The canonical columns the filter reads."""
        return list(dict.fromkeys([*self.values, *self.expression_columns]))

    def selected(self, columns: MappingABC[str, pa.Array], n: int) -> np.ndarray:
        """True for the rows the filter keeps (a missing value is kept only when ``None`` is accepted)."""
        keep = np.ones(n, dtype=bool)
        for name, accepted in self.values.items():
            keep &= _accepted(columns[name], name, accepted)
        if self.expression is not None:
            keep &= _evaluate(self.expression, {c: columns[c] for c in self.columns if c in columns}, n)
        return keep

    def not_selected(self, columns: MappingABC[str, pa.Array], n: int) -> np.ndarray:
        """The rule ``filtered_out_by_where``: the rows the filter drops."""
        return ~self.selected(columns, n)


def where_filter(where: Any, *, available: Sequence[str] | None = None) -> Where | None:
    """Check ``where`` and make it a :class:`Where` (None stays None).

    ``where`` is a mapping ``{canonical column: value or list of values}`` or a
    ``pyarrow.compute.Expression`` on canonical columns (or a :class:`Where`).  With ``available`` (the
    extract's canonical columns) an expression reads those of them its text names.
    """
    from .columns import CANONICAL_COLUMNS

    if where is None or isinstance(where, Where):
        return where
    if isinstance(where, pc.Expression):
        names = [c for c in (available if available is not None else CANONICAL_COLUMNS)
                 if re.search(rf"\b{re.escape(c)}\b", str(where))]
        return Where({}, where, tuple(names))
    if not isinstance(where, MappingABC) or not where:
        raise InvalidArgumentError(
            "argument 'where': expected a mapping {canonical column: value or list of values} such as "
            f"{{'admission_method': ['21', '22']}}, or a pyarrow.compute.Expression; got {where!r}.")
    values: dict[str, tuple] = {}
    for name, accepted in where.items():
        if name not in CANONICAL_COLUMNS:
            raise UnknownNameError(
                f"argument 'where': {name!r} is not a canonical episode column; choose from "
                f"{', '.join(map(repr, CANONICAL_COLUMNS))}.")
        kind = CANONICAL_COLUMNS[name].kind
        if kind == "list":
            raise InvalidArgumentError(
                f"argument 'where': {name!r} holds lists of codes; filter on a column of one value per row "
                "(e.g. 'primary_diagnosis').")
        if isinstance(accepted, (str, bytes)) or not isinstance(accepted, (Sequence, set, frozenset)):
            accepted = [accepted]
        if not len(accepted):
            raise InvalidArgumentError(f"argument 'where': no value given for {name!r}; give at least one.")
        values[name] = tuple(_canonical_value(value, name, kind) for value in accepted)
    return Where(values)


def _canonical_value(value: Any, name: str, kind: str) -> Any:
    """A value as the canonical column holds it (what read_episodes' default converter makes of it)."""
    if value is None:
        return None
    try:
        if kind == "code":
            return re.sub(r"[.\s]", "", _text(value)).upper()
        if name == "sex":
            return {"1": "M", "2": "F", "MALE": "M", "FEMALE": "F"}.get(_text(value).upper(), _text(value).upper())
        if kind in ("string", "id"):
            return _text(value)
        if kind == "date":
            import pandas as pd

            return pd.Timestamp(value).date()
        if kind in ("int", "float"):
            return float(value)
        if kind == "bool":
            return bool(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"argument 'where': {value!r} is not a value of the {kind} column {name!r} ({exc}).") from None
    return value  # pragma: no cover - every kind is handled above


def _text(value: Any) -> str:
    """A value as text; a whole float (81.0) as "81", as the converters read numbers into code columns."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _accepted(array: pa.Array, name: str, accepted: tuple) -> np.ndarray:
    from .columns import CANONICAL_COLUMNS

    kind = CANONICAL_COLUMNS[name].kind
    with_missing = None in accepted
    present = [v for v in accepted if v is not None]
    if kind in ("code", "string", "id"):
        def per_value(values: pa.Array) -> np.ndarray:
            if not pa.types.is_string(values.type):
                values = string_values(values)
            return mask(pc.is_in(values, pa.array(present, pa.string())))

        return dictionary_mask(array, per_value, when_missing=with_missing)
    if kind in ("int", "float"):
        array, value_set = array.cast(pa.float64()), pa.array(present, pa.float64())
    elif kind == "date":
        value_set = pa.array(present, pa.date32())
    else:
        value_set = pa.array(present, pa.bool_())
    out = mask(pc.is_in(array, value_set))
    if with_missing and array.null_count:
        out |= mask(pc.is_null(array))
    return out


def _evaluate(expression: Any, columns: MappingABC[str, pa.Array], n: int) -> np.ndarray:
    """A boolean expression on canonical columns (dictionaries decoded), per row; null counts as false."""
    import pyarrow.dataset as ds

    arrays = {k: pc.dictionary_decode(v) if pa.types.is_dictionary(v.type) else v for k, v in columns.items()}
    table = pa.table(arrays) if arrays else pa.table({"_rows": pa.nulls(n)})
    try:
        result = ds.dataset(table).to_table(columns={"keep": expression}).column("keep")
    except (pa.ArrowException, TypeError) as exc:
        raise InvalidArgumentError(
            f"argument 'where': the expression {expression} cannot be evaluated on the canonical columns "
            f"{', '.join(arrays) or '(none)'}: {exc}") from None
    if not pa.types.is_boolean(result.type):
        raise InvalidArgumentError(f"argument 'where': the expression {expression} gives {result.type}, not "
                                   "booleans.")
    return mask(result.combine_chunks())
