"""The input checks every figure applies (through :mod:`kpcompare._checks`), and the choice of rows it draws.

A figure takes a result table: :func:`prepare` checks its columns (keys: one present label per cell; numbers:
real, finite, drawable) and returns a copy with keys as text and numbers as float; :func:`at_confidence` picks
the rows of one confidence level.  Rows a figure cannot draw (a missing estimate) are counted and said on the
figure (:func:`missing_note`), never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_pandas,
    check_column_name,
    check_confidence,
    check_drawable,
    check_keys,
    check_no_missing,
    require_columns,
)
from ..errors import InvalidArgumentError, row_problem

__all__ = ["prepare", "at_confidence", "missing_note", "check_names", "check_one_name"]


def prepare(data: Any, *, argument: str, keys: Sequence[str], numbers: Sequence[str],
            positive: Iterable[str] = (), optional: Sequence[str] = ()) -> pd.DataFrame:
    """``data`` checked and copied: ``keys`` as text (present, one label per cell), ``numbers`` as float64
    (real, finite, drawable; those in ``positive`` > 0); ``optional`` columns kept when present (text)."""
    frame = as_pandas(data, argument=argument)
    require_columns(frame, [*keys, *numbers], argument=argument)
    if frame.empty:
        raise InvalidArgumentError(f"argument {argument!r}: the table has no rows; there is nothing to draw.")
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    keyed = frame[list(keys)].copy()
    for col in keys:
        if isinstance(keyed[col].dtype, pd.CategoricalDtype):
            keyed[col] = keyed[col].astype(object)
    check_keys(keyed, keys, labels=True)
    check_no_missing(keyed, keys)
    for col in keys:
        out[col] = keyed[col].astype(str).to_numpy(object)
    positive = set(positive)
    check_drawable(frame, [c for c in numbers if c not in positive])
    check_drawable(frame, [c for c in numbers if c in positive], positive=True)
    for col in numbers:
        values = frame[col].astype(object) if isinstance(frame[col].dtype, pd.CategoricalDtype) else frame[col]
        out[col] = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
    for col in optional:
        if col in frame.columns and col not in out.columns:
            out[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str).to_numpy(object)
    return out


def at_confidence(frame: pd.DataFrame, confidence: Any, *, argument: str = "confidence") -> pd.DataFrame:
    """The rows of one confidence level (default: the first level in the table)."""
    if "confidence" not in frame.columns:
        return frame
    levels = frame["confidence"].dropna()
    if levels.empty:
        raise InvalidArgumentError(f"argument {argument!r}: the table's 'confidence' column is empty.")
    table_levels = levels.to_numpy(dtype=float)
    bad = ~((table_levels > 0) & (table_levels < 1))
    if bad.any():
        raise row_problem("confidence", "a confidence level strictly between 0 and 1", int(bad.sum()),
                          float(table_levels[int(np.argmax(bad))]))
    if confidence is not None and (isinstance(confidence, bool | np.bool_)
                                   or not isinstance(confidence, float | int | np.floating | np.integer)):
        raise InvalidArgumentError(f"argument {argument!r}: give one confidence level (e.g. 0.95), got "
                                   f"{confidence!r:.60}.")
    level = float(levels.iloc[0]) if confidence is None else check_confidence(confidence)[0]
    rows = frame[np.isclose(frame["confidence"].to_numpy(float), level)]
    if rows.empty:
        have = ", ".join(f"{v:g}" for v in pd.unique(levels))
        raise InvalidArgumentError(f"argument {argument!r}: no rows at confidence {level:g}; the table has {have}.")
    return rows.reset_index(drop=True)


def missing_note(frame: pd.DataFrame, columns: Sequence[str], *, what: str = "rows") -> list[str]:
    """``["2 rows with no estimate are not drawn."]`` when some of ``columns`` are missing, else ``[]``."""
    n = int(frame[list(columns)].isna().any(axis=1).sum())
    if not n:
        return []
    return [f"{n} {what[:-1] if n == 1 and what.endswith('s') else what} with no estimate "
            f"{'is' if n == 1 else 'are'} not drawn."]


def check_one_name(value: Any, *, argument: str) -> str:
    """One name (a column, a measure): non-empty text."""
    return check_column_name(value, argument=argument)


def check_names(value: Any, *, argument: str) -> list[str]:
    """One name or a sequence of distinct names (measures drawn, in order)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise InvalidArgumentError(f"argument {argument!r}: give a name or a list of names, got {value!r:.60}.")
    bad = [v for v in value if not isinstance(v, str) or not v]
    if bad:
        raise InvalidArgumentError(f"argument {argument!r}: names must be non-empty text, got {bad[0]!r}.")
    if len(set(value)) != len(value):
        raise InvalidArgumentError(f"argument {argument!r}: {list(value)!r} names one twice; give each once.")
    return list(value)
