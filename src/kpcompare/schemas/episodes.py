"""pandera schemas for canonical episode batches, and the named reasons a row can be excluded.

Two layers, one specification:

* **types**: :func:`batch_schema` is a pandera (pyarrow backend) schema of the
  canonical column types; :func:`check_batch_types` checks every batch the
  extract yields against the same types (on the batch's Arrow schema, so it
  costs microseconds and does not import pandera on the hot path).
* **rows**: each rule a row can break has a name (:data:`EXCLUSION_REASONS`,
  in precedence order: a row breaking several rules is counted under the
  first).  The rule functions below return a boolean mask per row; the engine
  evaluates them per batch and tallies them in ``aggregate(...).exclusions``,
  so rows read = rows counted + rows excluded.  :func:`episode_schema` wraps
  the same functions as named pandera checks, to validate a small pandas frame
  of canonical columns (e.g. before publishing it).

Rules apply only to the columns a computation uses: ``unknown_sex`` only when
``sex`` is a stratum, ``age_out_of_range`` only when ``age_band`` is, and so on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..conditions._codes import RECORD_PATTERNS
from ..errors import ColumnTypeError

__all__ = [
    "EXCLUSION_REASONS", "REASON_INDEX", "CODE_PATTERNS", "batch_schema", "check_batch_types",
    "unknown_sex_values", "unfinished_values", "valid_code_values",
    "episode_schema", "missing_date", "discharge_before_admission", "unknown_sex", "age_out_of_range",
    "unfinished_episode", "invalid_code", "invalid_length_of_stay", "missing_stratum", "invalid_weight",
    "is_newborn", "outside_period", "first_reason", "MAX_AGE",
]

#: reason name -> what it means, in precedence order (index + 1 is the reason code; 0 = counted)
EXCLUSION_REASONS: dict[str, str] = {
    "missing_date": "admission/discharge (or episode start/end) date missing, unparseable or outside 1850-2100",
    "invalid_length_of_stay": "length of stay missing or negative (sources without dates)",
    "discharge_before_admission": "discharge (end) date earlier than admission (start) date",
    "unknown_sex": "sex not known (not 'M' or 'F'; HES SEX 0 or 9)",
    "age_out_of_range": "age missing, negative, above 120 or outside every age band",
    "unfinished_episode": "episode not finished (HES EPISTAT other than 3)",
    "duplicate_episode_id": "episode id seen before for the same person (the first occurrence is kept)",
    "invalid_code": "primary diagnosis missing or not a code of the extract's coding system",
    "missing_stratum": "a 'by' column other than sex, age band and condition is missing",
    "invalid_weight": "weight missing, negative or not finite",
    "newborn": "newborn infant record, excluded on request (newborns='exclude')",
    "outside_period": "stay (episode, spell or CIPS) does not overlap the period",
}
REASON_INDEX: dict[str, int] = {name: i + 1 for i, name in enumerate(EXCLUSION_REASONS)}

#: highest valid age in years
MAX_AGE = 120

#: valid codes per coding system, after normalisation (upper case, no dots); defined with the other code
#: patterns in :mod:`kpcompare.conditions._codes`
CODE_PATTERNS: dict[str, str] = RECORD_PATTERNS


# ----------------------------------------------------------------------------------------------- types


@lru_cache(maxsize=64)
def batch_schema(names: tuple[str, ...]):
    """A pandera (pyarrow backend) schema of the canonical types of ``names``."""
    import pandera.pyarrow as ppa

    from ..extract.columns import CANONICAL_COLUMNS

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
    from ..extract.columns import CANONICAL_COLUMNS

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


# ----------------------------------------------------------------------------------------------- rules


def _mask(array: pa.Array) -> np.ndarray:
    """Boolean Arrow array -> numpy bool (null = False)."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


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


def discharge_before_admission(start_day: np.ndarray, end_day: np.ndarray) -> np.ndarray:
    """End date before start date (day numbers)."""
    return end_day < start_day


def unknown_sex_values(values: pa.Array) -> np.ndarray:
    """Per distinct value: not 'M'/'F' (the engine applies the rules to dictionaries of distinct values)."""
    return ~_mask(pc.is_in(values, pa.array(["M", "F"])))


def unknown_sex(sex: pa.Array) -> np.ndarray:
    """Sex other than 'M'/'F' (converters map HES 0/9 and blanks to null)."""
    from ..extract.convert import dictionary_mask

    return dictionary_mask(sex, unknown_sex_values, when_missing=True)


def age_out_of_range(age: np.ndarray, lowest: float, highest: float) -> np.ndarray:
    """Age (years, NaN = missing) missing, negative, above :data:`MAX_AGE` or outside the bands."""
    with np.errstate(invalid="ignore"):
        return ~((age >= max(lowest, 0)) & (age < highest) & (age <= MAX_AGE))


def unfinished_values(values: pa.Array) -> np.ndarray:
    """Per distinct value: an episode status other than 'finished'."""
    return ~_mask(pc.equal(values, "finished"))


def unfinished_episode(status: pa.Array) -> np.ndarray:
    """Episode status other than 'finished'."""
    from ..extract.convert import dictionary_mask

    return dictionary_mask(status, unfinished_values, when_missing=True)


def valid_code_values(values: pa.Array, coding: str | None) -> np.ndarray:
    """For distinct codes: present and (when a coding is known) matching :data:`CODE_PATTERNS`."""
    ok = _mask(pc.is_valid(values))
    if coding is not None:
        ok &= _mask(pc.match_substring_regex(values, CODE_PATTERNS[coding]))
    return ok


def invalid_code(codes: pa.Array, coding: str | None) -> np.ndarray:
    """Primary diagnosis missing or invalid; evaluated on the dictionary of distinct codes."""
    from ..extract.convert import dictionary_mask

    return dictionary_mask(codes, lambda v: ~valid_code_values(v, coding), when_missing=True)


def invalid_length_of_stay(length: pa.Array) -> np.ndarray:
    """Length of stay missing or negative."""
    return ~_mask(pc.greater_equal(length, 0))


def missing_stratum(values: pa.Array) -> np.ndarray:
    """A stratum column value missing."""
    return _mask(pc.is_null(values))


def invalid_weight(weight: np.ndarray) -> np.ndarray:
    """Weight missing, negative or not finite."""
    with np.errstate(invalid="ignore"):
        return ~(np.isfinite(weight) & (weight >= 0))


def is_newborn(flag: pa.Array) -> np.ndarray:
    """Newborn flag true."""
    return _mask(flag)


def outside_period(start_day: np.ndarray, end_day: np.ndarray, period: tuple[int, int]) -> np.ndarray:
    """Stay [start, end] does not overlap the period [first, last] (day numbers, inclusive)."""
    return (start_day > period[1]) | (end_day < period[0])


def first_reason(masks: Sequence[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """Reason code per row (0 = counted): the first rule in precedence order that the row breaks."""
    codes = np.zeros(n, dtype=np.uint8)
    ordered = sorted(masks, key=lambda item: REASON_INDEX[item[0]], reverse=True)
    for name, mask in ordered:  # later (lower-precedence) rules are overwritten by earlier ones
        codes[mask] = REASON_INDEX[name]
    return codes


# ----------------------------------------------------------------------------------------------- pandera


def episode_schema(*, coding: str | None = None, by_sex: bool = True, by_age: bool = True):
    """A pandera (pandas) schema whose named checks are the exclusion rules, for small canonical frames.

    ``schema.validate(frame, lazy=True)`` raises ``pandera.errors.SchemaErrors`` whose ``failure_cases``
    name the broken rule (``check``) per row; the engine uses the same rule functions per batch.
    """
    import pandera.pandas as pdx

    import pandas as pd

    def check(name: str, function):
        def as_series(data):  # pandera wants a boolean Series aligned with the data
            return pd.Series(np.asarray(function(data), dtype=bool), index=data.index)
        return pdx.Check(as_series, name=name, error=f"{name}: {EXCLUSION_REASONS[name]}", ignore_na=False)

    columns = {
        "admission_date": pdx.Column(nullable=True, required=False, checks=[check(
            "missing_date", lambda s: ~missing_date(pa.array(s, from_pandas=True)))]),
        "primary_diagnosis": pdx.Column(nullable=True, required=False, checks=[check(
            "invalid_code", lambda s: ~invalid_code(_codes(s), coding))]),
        "episode_status": pdx.Column(nullable=True, required=False, checks=[check(
            "unfinished_episode", lambda s: ~unfinished_episode(pa.array(s.astype(object), from_pandas=True)))]),
    }
    if by_sex:
        columns["sex"] = pdx.Column(nullable=True, required=False, checks=[check(
            "unknown_sex", lambda s: ~unknown_sex(pa.array(s.astype(object), from_pandas=True)))])
    if by_age:
        columns["age"] = pdx.Column(nullable=True, required=False, checks=[check(
            "age_out_of_range", lambda s: ~age_out_of_range(s.to_numpy(dtype=float, na_value=np.nan), 0, np.inf))])
    frame_checks = [check("discharge_before_admission", lambda df: ~discharge_before_admission(*_days(df))
                          if {"admission_date", "discharge_date"} <= set(df) else np.ones(len(df), dtype=bool))]
    return pdx.DataFrameSchema(columns, checks=frame_checks, strict=False)


def _codes(series) -> pa.Array:
    from ..extract.convert import normalise_codes

    return normalise_codes(pa.array(series.astype(object), type=pa.string(), from_pandas=True))


def _days(frame) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    start = pd.to_datetime(frame["admission_date"], errors="coerce").to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(frame["discharge_date"], errors="coerce").to_numpy(dtype="datetime64[D]")
    valid = ~(np.isnat(start) | np.isnat(end))
    out_start = np.zeros(len(frame), dtype=np.int64)
    out_end = np.zeros(len(frame), dtype=np.int64)
    out_start[valid] = start[valid].astype(np.int64)
    out_end[valid] = end[valid].astype(np.int64)
    return out_start, out_end

