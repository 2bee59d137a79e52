"""Shared input checks used at the public edge of every module.

One place for the rules every public function applies to its inputs, so error
messages have one shape (see :func:`kpcompare.errors.row_problem`) and no
module writes its own validation ladder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import (
    counted,
    InvalidArgumentError,
    InvalidValueError,
    MissingColumnError,
    UnknownNameError,
    row_problem,
)

__all__ = [
    "as_pandas",
    "as_list",
    "require_columns",
    "check_no_missing",
    "check_non_negative",
    "check_integer_valued",
    "check_confidence",
    "check_choice",
    "check_positive_number",
]


def as_pandas(data: Any, *, argument: str = "data") -> pd.DataFrame:
    """Return ``data`` as a pandas DataFrame (pyarrow Tables are converted; nothing else is).

    The frame's column names must be unique, single-level strings (see :func:`check_frame_columns`).
    """
    if isinstance(data, pd.DataFrame):
        check_frame_columns(data, argument=argument)
        return _numbers_from_categories(data)
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pa = None
    if pa is not None and isinstance(data, pa.Table):
        names = list(data.column_names)
        if len(set(names)) != len(names):
            _duplicate_names(names, argument)
        return _numbers_from_categories(data.to_pandas())
    raise InvalidArgumentError(
        f"argument {argument!r}: expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}"
        f"{_short(data)}; build one with pandas.DataFrame(...) first."
    )


def _numbers_from_categories(data: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns whose categories are numbers are read by their values (a shallow copy when any).

    A count or population held as a categorical (``astype("category")``, or a dictionary-encoded Arrow column)
    is still a count; text categoricals are kept, so an ordered ``age_band`` keeps its order.
    """
    numeric = [c for c in data.columns if isinstance(data[c].dtype, pd.CategoricalDtype)
               and pd.api.types.is_numeric_dtype(data[c].dtype.categories.dtype)
               and not pd.api.types.is_bool_dtype(data[c].dtype.categories.dtype)]
    if not numeric:
        return data
    data = data.copy(deep=False)
    for col in numeric:
        values = data[col]
        kind = values.dtype.categories.dtype
        data[col] = values.astype(kind if not values.isna().any() else "float64")
    return data


def _short(value: Any) -> str:
    """`` (value)`` for an error message, cut to 60 characters."""
    text = repr(value)
    return f" ({text[:57]}...)" if len(text) > 60 else f" ({text})"


def _duplicate_names(names: list[Any], argument: str) -> None:
    seen: set[Any] = set()
    dups = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    raise InvalidArgumentError(
        f"argument {argument!r}: column name(s) {', '.join(map(repr, dict.fromkeys(dups)))} occur more than "
        "once; give every column a distinct name.")


def check_frame_columns(data: pd.DataFrame, *, argument: str = "data") -> None:
    """Column names must be single-level, unique strings (kpcompare names columns by text)."""
    columns = data.columns
    if isinstance(columns, pd.MultiIndex):
        raise InvalidArgumentError(
            f"argument {argument!r}: has MultiIndex (several-level) column names, e.g. {columns[0]!r}; "
            "flatten them first, e.g. data.columns = ['_'.join(map(str, c)) for c in data.columns].")
    names = list(columns)
    if not columns.is_unique:
        _duplicate_names(names, argument)
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise InvalidArgumentError(
            f"argument {argument!r}: column names must be text; {counted(len(bad), 'column')} "
            f"named by {type(bad[0]).__name__} (e.g. {bad[0]!r}); rename them, e.g. data.columns = "
            "data.columns.astype(str).")


def as_list(value: str | Iterable[str] | None, *, argument: str = "by") -> list[str]:
    """Normalise a ``by=``-style argument (None, one name or several) to a list of names.

    Alias of :func:`check_columns_arg` (None gives an empty list).
    """
    return check_columns_arg(value, argument=argument, allow_none=True)


def check_columns_arg(value: Any, *, argument: str, allow_none: bool = True,
                      allow_empty: bool = True) -> list[str]:
    """A column-name argument: one string or a sequence of distinct, non-empty strings.

    Returns the names as a list (None gives ``[]`` when ``allow_none``).
    """
    if value is None and allow_none:
        return []
    if isinstance(value, str):
        names: list[Any] = [value]
    elif isinstance(value, (list, tuple, pd.Index)) or (
            isinstance(value, Iterable)
            and not isinstance(value, (dict, set, frozenset, bytes, pd.DataFrame, pd.Series))):
        names = list(value)
    else:
        raise InvalidArgumentError(
            f"argument {argument!r}: give a column name or a list of column names, got "
            f"{type(value).__name__}{_short(value)}.")
    bad = [n for n in names if not isinstance(n, str) or not n]
    if bad:
        raise InvalidArgumentError(
            f"argument {argument!r}: column names must be non-empty text, got {bad[0]!r} in {value!r}.")
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"argument {argument!r}: {names!r} names a column twice; give each once.")
    if not names and not allow_empty:
        raise InvalidArgumentError(f"argument {argument!r}: give at least one column name, got {value!r}.")
    return names


def require_columns(data: pd.DataFrame, columns: Iterable[str], *, argument: str = "data") -> None:
    """Raise :class:`MissingColumnError` naming every requested column absent from ``data``."""
    columns = list(columns)
    odd = [c for c in columns if not isinstance(c, str)]
    if odd:
        raise InvalidArgumentError(f"column name {odd[0]!r} ({type(odd[0]).__name__}): give column names as text.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        have = ", ".join(map(repr, list(data.columns)[:20]))
        raise MissingColumnError(
            f"{argument}: column(s) {', '.join(map(repr, missing))} not found; "
            f"available columns: {have}.",
            column=missing[0],
            rule="column present",
        )


def _first(values: pd.Series, mask: np.ndarray) -> Any:
    ex = values[mask].iloc[0]
    return ex.item() if hasattr(ex, "item") else ex


def check_not_empty(data: pd.DataFrame, *, argument: str = "data", need: str = "") -> None:
    """``data`` must have at least one row (``need`` says why, e.g. "a rate needs at least one row ...")."""
    if len(data) == 0:
        raise InvalidValueError(f"{argument}: no rows{'; ' + need if need else '.'}")


def check_no_missing(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Every value in ``columns`` must be present (no NaN/None/NA)."""
    for col in columns:
        mask = data[col].isna().to_numpy()
        n = int(mask.sum())
        if n:
            idx = data.index[mask][0]
            raise row_problem(col, "no missing values", n, f"row {idx!r} is missing",
                              hint="Fill or drop these rows explicitly before calling.")


def _object_kind(value: Any) -> str:
    """What a present cell of an object column is, in the words of an error message."""
    import datetime as _dt

    if isinstance(value, (bool, np.bool_)):
        return "booleans"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "numbers"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (complex, np.complexfloating)):
        return "complex numbers"
    if isinstance(value, (_dt.date, np.datetime64)):
        return "dates"
    if isinstance(value, (_dt.timedelta, np.timedelta64)):
        return "durations (timedelta)"
    if isinstance(value, pd.Period):
        return "periods"
    return f"other objects ({type(value).__name__})"


def not_a_measure(series: pd.Series, *, allow_text: bool = False) -> tuple[np.ndarray, str]:
    """Mask of present values that are not real numbers, and what they are (``""`` when none).

    Refused: text (unless ``allow_text``: text is then left for the caller to parse), booleans, dates and
    times, durations, periods, complex numbers and other objects.  Missing values (NaN/None/NA) are not
    flagged here.
    """
    dtype = series.dtype
    kinds = [(pd.api.types.is_bool_dtype, "booleans"), (pd.api.types.is_datetime64_any_dtype, "dates"),
             (pd.api.types.is_timedelta64_dtype, "durations (timedelta)"),
             (lambda d: isinstance(d, pd.PeriodDtype), "periods"),
             (pd.api.types.is_complex_dtype, "complex numbers")]
    for test, kind in kinds:
        if test(dtype):
            return series.notna().to_numpy(), kind
    if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return np.zeros(len(series), dtype=bool), ""
    values = series.astype(object).to_numpy() if isinstance(dtype, pd.CategoricalDtype) else series.to_numpy(object)
    present = ~pd.isna(series).to_numpy()
    accepted = ("numbers", "text") if allow_text else ("numbers",)
    found = [_object_kind(v) if p else "numbers" for v, p in zip(values, present)]
    mask = np.array([k not in accepted for k in found], dtype=bool)
    return mask, found[int(np.argmax(mask))] if mask.any() else ""


def check_real(data: pd.DataFrame, columns: Iterable[str], *, missing: str = "refuse") -> None:
    """Numeric ``columns`` that may be negative (signs, differences, log ratios) must be real and finite.

    Text, booleans, dates, durations, periods and complex values are refused, never converted;
    ``missing="allow"`` lets NaN/None through for the caller to note.
    """
    for col in columns:
        series = data[col]
        bad, kind = not_a_measure(series)
        if bad.any():
            raise row_problem(col, "numeric", int(bad.sum()), _first(series, bad),
                              hint=f"The column holds {kind}; give numbers.")
        if missing == "refuse":
            check_no_missing(data, [col])
        arr = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
        mask = np.isinf(arr)
        if mask.any():
            raise row_problem(col, "finite", int(mask.sum()), _first(series, mask))


def text_or_blank(series: pd.Series) -> pd.Series:
    """A free-text column (source, note, basis) as ``str`` cells, missing ones blank; any dtype, categoricals
    too (also all-null ones, whose ``fillna("")`` pandas refuses)."""
    values = series.astype(object)
    return values.where(values.notna(), "").astype(str)


#: largest integer float64 holds exactly; totals above it lose precision
EXACT_LIMIT = 2.0**53


def check_measure(data: pd.DataFrame, columns: Iterable[str], *, missing: str = "refuse",
                  integer: bool = False, hint: str = "") -> None:
    """Measure ``columns`` (counts, populations, bed days, variances, costs) must be real, finite, >= 0.

    ``missing="refuse"`` refuses NaN/None; ``"allow"`` lets them through for the caller to note.
    Text, booleans, dates, durations, periods and complex values are refused, never converted; so are
    totals above 2**53, which float64 cannot sum exactly.  With ``integer`` the values must be whole.
    """
    for col in columns:
        series = data[col]
        bad, kind = not_a_measure(series)
        if bad.any():
            raise row_problem(col, "numeric", int(bad.sum()), _first(series, bad),
                              hint=f"The column holds {kind}; give counts or amounts as numbers.")
        arr = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
        if missing == "refuse":
            check_no_missing(data, [col])
        mask = (arr < 0) | np.isinf(arr)
        if mask.any():
            raise row_problem(col, "non-negative and finite", int(mask.sum()), _first(series, mask), hint=hint)
        if integer:
            check_integer_valued(data, [col], hint=hint)
        total = float(np.nansum(arr))
        if total > EXACT_LIMIT:
            raise InvalidValueError(
                f"column {col!r}: rule 'total at most 2**53' broken: the values sum to {total:.6g}, beyond "
                "what float64 holds exactly; rescale the column (e.g. thousands) first.",
                column=col, rule="total at most 2**53", n_rows=len(arr), example=total)


def check_non_negative(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Numeric ``columns`` must be real numbers, >= 0 and finite (missing values pass: check them apart)."""
    check_measure(data, columns, missing="allow")


def check_integer_valued(data: pd.DataFrame, columns: Iterable[str], *, hint: str = "") -> None:
    """Numeric ``columns`` must hold whole numbers (counts of events or persons)."""
    for col in columns:
        arr = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(arr)
        mask = finite & (np.abs(arr - np.round(arr)) > 1e-9 * np.maximum(1.0, np.abs(arr)))
        n = int(mask.sum())
        if n:
            raise row_problem(col, "integer-valued count", n, _first(data[col], mask), hint=hint)


def check_confidence(confidence: float | Sequence[float]) -> list[float]:
    """Return the confidence level(s) as a list; each must lie strictly between 0 and 1."""
    if isinstance(confidence, (str, bytes, dict)) or confidence is None or not (
            np.isscalar(confidence) or isinstance(confidence, (list, tuple, np.ndarray, pd.Series))):
        raise InvalidArgumentError(
            f"argument 'confidence': {confidence!r} is not a number; give a proportion such as 0.95 "
            "or a list of them.")
    levels = [confidence] if np.isscalar(confidence) else list(confidence)  # type: ignore[arg-type]
    if not levels:
        raise InvalidArgumentError("argument 'confidence': at least one level is needed, e.g. 0.95.")
    out = []
    for level in levels:
        if isinstance(level, (bool, np.bool_, str, bytes)):
            raise InvalidArgumentError(
                f"argument 'confidence': {level!r} is not a number; give a proportion such as 0.95.")
        try:
            value = float(level)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"argument 'confidence': {level!r} is not a number; give a proportion such as 0.95."
            ) from None
        if not 0.0 < value < 1.0:  # NaN fails here too
            hint = " (a percentage? give 0.95, not 95)" if value > 1 else ""
            raise InvalidArgumentError(
                f"argument 'confidence': {level!r} must lie strictly between 0 and 1{hint}."
            )
        out.append(value)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"argument 'confidence': levels repeat in {levels!r}; give each once.")
    return out


def check_choice(value: str, choices: Iterable[str], *, argument: str) -> str:
    """``value`` must be one of ``choices``; the error lists them."""
    options = list(choices)
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"argument {argument!r}: expected a name (text), got {type(value).__name__}{_short(value)}; "
            f"choose one of {', '.join(map(repr, options))}.")
    if value not in options:
        raise UnknownNameError(
            f"argument {argument!r}: unknown value {value!r}; choose one of {', '.join(map(repr, options))}."
        )
    return value


#: largest multiplier (rates per trillion); beyond it results overflow float64 in the variance
MAX_MULTIPLIER = 1e12


def check_positive_number(value: float, *, argument: str, high: float = MAX_MULTIPLIER) -> float:
    """``value`` must be a finite number in (0, ``high``] (multipliers, factors); text and booleans are refused."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or not np.isscalar(value):
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is not a number; give e.g. 1000.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is not a number.") from None
    if not np.isfinite(number) or number <= 0 or number > high:
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} must be a finite number > 0 and <= {high:g}.")
    return number


def check_values_in(data: pd.DataFrame, column: str, allowed: Iterable[Any], *, rule: str) -> None:
    """Every value of ``column`` must be one of ``allowed``."""
    allowed_set = set(allowed)
    mask = ~data[column].isin(allowed_set).to_numpy()
    n = int(mask.sum())
    if n:
        raise row_problem(column, rule, n, _first(data[column], mask), cls=InvalidValueError)


__all__.append("check_values_in")


# --- issue 17, h17files: argument checkers for read_episodes / aggregate (appended block) ---------------------


def check_positive_integer(value: Any, *, argument: str) -> int:
    """``value`` must be an integer >= 1 (not a bool, not a float): batch sizes, thread counts."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidArgumentError(f"argument {argument!r}: expected a positive integer, got {value!r}.")
    return int(value)


def check_mapping_argument(value: Any, *, argument: str, allow_none: bool = True) -> dict | None:
    """``value`` must be a mapping with string keys (``constants=``, ``columns=``); returns a plain dict."""
    from collections.abc import Mapping

    if value is None and allow_none:
        return None
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            f"argument {argument!r}: expected a mapping {{canonical column: value}}, got {type(value).__name__} "
            f"{value!r}.")
    bad = [k for k in value if not isinstance(k, str)]
    if bad:
        raise InvalidArgumentError(f"argument {argument!r}: keys must be column names (str), got {bad[0]!r}.")
    return dict(value)


__all__ += ["check_positive_integer", "check_mapping_argument"]
def check_flag(value: Any, *, argument: str, allow_none: bool = False) -> bool | None:
    """``value`` must be True or False (not 0/1, not text); with ``allow_none``, None too ("decide for me")."""
    if value is None and allow_none:
        return None
    if not isinstance(value, (bool, np.bool_)):
        choices = "True, False or None" if allow_none else "True or False"
        raise InvalidArgumentError(f"argument {argument!r}: expected {choices}, got {value!r}.")
    return bool(value)


def check_number(value: Any, *, argument: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, allow_none: bool = False) -> float | None:
    """A finite real number (not bool, not text) within [low, high] (open ends when ``*_open``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_, str, bytes)) or not isinstance(value, (int, float, np.integer,
                                                                                 np.floating)):
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is not a number.")
    number = float(value)
    below = low is not None and (number <= low if low_open else number < low)
    above = high is not None and (number >= high if high_open else number > high)
    if not np.isfinite(number) or below or above:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
        rule = " and ".join(p for p in (lo, hi) if p) or "finite"
        raise InvalidArgumentError(f"argument {argument!r}: {number!r} must be a finite number {rule}.")
    return number


def check_pair(value: Any, *, argument: str, kind: str = "number", allow_none: bool = True) -> tuple[Any, Any]:
    """A ``(low, high)`` pair of numbers; ``None`` leaves an end open; low must not exceed high."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InvalidArgumentError(f"argument {argument!r}: give a pair (low, high), got {value!r}.")
    ends = [check_number(v, argument=argument, allow_none=allow_none) for v in value]
    if ends[0] is not None and ends[1] is not None and ends[0] > ends[1]:
        raise InvalidArgumentError(f"argument {argument!r}: low {value[0]!r} exceeds high {value[1]!r}.")
    return value[0], value[1]


#: key labels that name a total of the other rows, not a stratum of its own
TOTAL_LABELS = ("total", "all", "all ages", "all_ages", "allages", "overall", "grand total")


def check_no_total_rows(data: pd.DataFrame, columns: str | Iterable[str]) -> None:
    """Rows labelled like a total ("Total", "All", "All ages") beside other labels of the same column would be
    summed twice with the rows they total: refuse, naming the column and the row.

    Only text-like columns are looked at; a column holding nothing but the total label is a constant, not a total.
    """
    for column in [columns] if isinstance(columns, str) else list(columns):
        values = data[column]
        if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
                or isinstance(values.dtype, pd.CategoricalDtype)):
            continue
        mask = np.array([isinstance(v, str) and v.strip().casefold() in TOTAL_LABELS
                         for v in values.astype(object)], dtype=bool)
        if mask.any() and not mask.all():
            raise row_problem(column, "no total rows", int(mask.sum()), _first(values, mask),
                              hint="A total row would be counted twice when rows are summed; drop it first.")


def check_distinct(values: Any, *, argument: str) -> list[Any] | None:
    """An optional list of levels (systems, causes): a list of distinct, present, hashable values."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, pd.Index, np.ndarray, pd.Series)):
        values = [values]
    items = list(values)
    bad = [v for v in items if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT
           or isinstance(v, (list, dict, set))]
    if bad:
        raise InvalidArgumentError(f"argument {argument!r}: {bad[0]!r} is not a level, in {values!r}.")
    if len(set(items)) != len(items):
        raise InvalidArgumentError(f"argument {argument!r}: values repeat in {items!r}; give each once.")
    return items


def check_level(value: Any, *, argument: str) -> Any:
    """One level of a key column (a reference system or cause): a present, scalar value."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) \
            or not np.isscalar(value) or (isinstance(value, int) and not -2**63 <= value < 2**64):
        # (an integer beyond 64 bits cannot be held by any column, and numpy cannot compare it with one)
        raise InvalidArgumentError(f"argument {argument!r}: give one level (e.g. a system name), got {value!r}.")
    return value


def check_column_name(value: Any, *, argument: str) -> str:
    """One column name (non-empty text)."""
    return check_name(value, argument=argument, what="column name")


def check_name(value: Any, *, argument: str, what: str = "name") -> str:
    """One name (non-empty text): a column, an assumption set, a label."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"argument {argument!r}: give one {what} (text), got {_short(value)[2:-1]}.")
    return value


def check_instance(value: Any, kind: type | tuple[type, ...], *, argument: str, hint: str = "") -> Any:
    """``value`` must be an instance of ``kind`` (an object the library made, e.g. ``CostAssumptions``)."""
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise InvalidArgumentError(f"argument {argument!r}: expected {names}, got {type(value).__name__}"
                                   f"{_short(value)}.{' ' + hint if hint else ''}")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "booleans"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "numbers"
    return type(value).__name__


def check_keys(data: pd.DataFrame, columns: Iterable[str], *, labels: bool = False) -> None:
    """Key ``columns`` must hold one scalar value per cell, all of one kind (text, or numbers ...).

    Lists, dicts, sets and complex values cannot be grouped on; a column mixing text and numbers cannot be
    sorted.  With ``labels`` (keys joined across tables, e.g. ``system``, ``age_band``) dates, durations
    and periods are refused too.
    """
    for col in columns:
        values = data[col]
        dtype = values.dtype
        refused = pd.api.types.is_complex_dtype(dtype) or (labels and (
            pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype)))
        if refused:
            raise row_problem(col, "a label (text or whole number)", len(values), _first(values, np.ones(len(values), bool)),
                              hint=f"The key column holds {dtype}; give labels.")
        if not pd.api.types.is_object_dtype(dtype):
            continue
        mask = np.array([isinstance(v, (list, dict, set, tuple, np.ndarray, complex)) for v in values], dtype=bool)
        if mask.any():
            raise row_problem(col, "one value per cell", int(mask.sum()), _first(values, mask),
                              hint="Key columns hold one label per row; explode or join list cells first.")
        present = values[values.notna()]
        kinds = present.map(_kind)
        if kinds.nunique() > 1:
            main = kinds.mode().iloc[0]
            odd = (kinds != main).reindex(values.index, fill_value=False).to_numpy()
            raise row_problem(col, f"one kind of value ({main})", int(odd.sum()), _first(values, odd),
                              hint="Mixed kinds cannot be sorted or matched; convert the column first.")


def check_whole_number(value: Any, *, argument: str, low: int = 0, high: int | None = None) -> int:
    """A whole number >= ``low`` (and <= ``high``: replicates, sizes): not bool, not text, no fraction."""
    whole = isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and bool(np.isfinite(value)) and value == int(value))
    if isinstance(value, (bool, np.bool_)) or not whole or value < low:
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} must be a whole number >= {low}.")
    if high is not None and value > high:
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is more than {high:,}; give at most {high:,}.")
    return int(value)


def check_seed(value: Any, *, argument: str = "random_state") -> int | None:
    """A random seed: None or a whole number >= 0."""
    return None if value is None else check_whole_number(value, argument=argument, low=0)


__all__ += ["check_whole_number", "check_seed", "check_keys", "check_level", "check_column_name", "check_distinct",
            "check_columns_arg", "check_frame_columns", "check_measure", "not_a_measure", "check_flag",
            "check_number", "check_pair", "check_no_total_rows", "TOTAL_LABELS", "EXACT_LIMIT", "check_real",
            "text_or_blank", "check_name", "check_instance", "check_not_empty"]
