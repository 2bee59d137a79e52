"""Shared input checks used at the public edge of every module.

One place for the rules every public function applies to its inputs, so error
messages have one shape (see :func:`kpcompare.errors.row_problem`) and no
module writes its own validation ladder.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ._argchecks import (  # noqa: F401 - the argument checkers, re-exported: one place to import checkers from
    MAX_MULTIPLIER,
    _short,
    check_choice,
    check_column_name,
    check_confidence,
    check_distinct,
    check_flag,
    check_instance,
    check_level,
    check_mapping_argument,
    check_name,
    check_number,
    check_pair,
    check_path,
    check_positive_integer,
    check_positive_number,
    check_seed,
    check_whole_number,
)
from .errors import (
    counted,
    InvalidArgumentError,
    InvalidValueError,
    MissingColumnError,
    missing_row,
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
            raise row_problem(col, "no missing values", n, missing_row(data.index[mask][0]),
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
        arr = _numbers(series, col, want="give numbers")
        if missing == "refuse":
            check_no_missing(data, [col])
        mask = np.isinf(arr)
        if mask.any():
            raise row_problem(col, "finite", int(mask.sum()), _first(series, mask))


def text_or_blank(series: pd.Series) -> pd.Series:
    """A free-text column (source, note, basis) as ``str`` cells, missing ones blank; any dtype, categoricals
    too (also all-null ones, whose ``fillna("")`` pandas refuses)."""
    values = series.astype(object)
    return values.where(values.notna(), "").astype(str)


def _numbers(series: pd.Series, col: str, *, want: str) -> np.ndarray:
    """``series`` as float64 (missing values NaN), refused naming what it holds when it is not numbers
    ("The column holds dates; <want>.")."""
    bad, kind = not_a_measure(series)
    if bad.any():
        raise row_problem(col, "numeric", int(bad.sum()), _first(series, bad),
                          hint=f"The column holds {kind}; {want}.")
    values = series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series
    return pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)


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
        arr = _numbers(series, col, want="give counts or amounts as numbers")
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


def check_values_in(data: pd.DataFrame, column: str, allowed: Iterable[Any], *, rule: str) -> None:
    """Every value of ``column`` must be one of ``allowed``."""
    allowed_set = set(allowed)
    mask = ~data[column].isin(allowed_set).to_numpy()
    n = int(mask.sum())
    if n:
        raise row_problem(column, rule, n, _first(data[column], mask), cls=InvalidValueError)


__all__.append("check_values_in")

__all__ += ["check_positive_integer", "check_mapping_argument"]


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


__all__ += ["check_whole_number", "check_seed", "check_keys", "check_level", "check_column_name", "check_distinct",
            "check_columns_arg", "check_frame_columns", "check_measure", "not_a_measure", "check_flag",
            "check_number", "check_pair", "check_no_total_rows", "TOTAL_LABELS", "EXACT_LIMIT", "check_real",
            "text_or_blank", "check_name", "check_instance", "check_not_empty", "check_path",
           "check_drawable", "check_text", "check_output_path", "DRAWABLE_LIMIT"]


# --- issue 18, h18report: numbers a figure can draw (appended block) --------------------------------------------

#: the largest size of a number a figure draws (beyond it matplotlib's transforms overflow)
DRAWABLE_LIMIT = 1e15


def check_drawable(data: pd.DataFrame, columns: Iterable[str], *, positive: bool = False) -> None:
    """Numbers a figure draws: real, finite and at most :data:`DRAWABLE_LIMIT` in size (and > 0 with
    ``positive``, for a log axis); missing values pass (the figure says how many it could not draw)."""
    for col in columns:
        series = data[col]
        arr = _numbers(series, col, want="a figure draws numbers")
        size = np.abs(np.where(np.isnan(arr), 0.0, arr))
        mask = np.isinf(arr) | (size > DRAWABLE_LIMIT)
        if mask.any():
            raise row_problem(col, f"finite and at most {DRAWABLE_LIMIT:g} in size (drawable)", int(mask.sum()),
                              _first(series, mask))
        if positive:
            mask = ~np.isnan(arr) & (arr <= 0)
            if mask.any():
                raise row_problem(col, "> 0 (drawn on a log axis)", int(mask.sum()), _first(series, mask))


__all__ += ["check_drawable", "DRAWABLE_LIMIT"]


def check_text(value: Any, *, argument: str, allow_none: bool = True) -> str | None:
    """A text option (a title, caption, source line): a str (or None with ``allow_none``)."""
    if (value is None and allow_none) or isinstance(value, str):
        return value
    raise InvalidArgumentError(f"argument {argument!r}: give text (a str){' or None' if allow_none else ''}, got "
                               f"{type(value).__name__} ({str(value)[:60]!r}).")


def check_output_path(value: Any, *, argument: str = "path", allow_none: bool = True) -> Any:
    """A file to write: a non-empty str or os.PathLike (returned as a pathlib.Path), or None with
    ``allow_none``."""
    import os
    from pathlib import Path

    if value is None and allow_none:
        return None
    if isinstance(value, str | os.PathLike) and str(os.fspath(value)):
        return Path(value)
    raise InvalidArgumentError(f"argument {argument!r}: give a file name (str or pathlib.Path)"
                               f"{' or None' if allow_none else ''}, got {type(value).__name__} ({str(value)[:60]!r}).")


__all__ += ["check_text", "check_path"]
