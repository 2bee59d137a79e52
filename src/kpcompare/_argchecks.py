"""Shared checkers of scalar arguments (numbers, names, flags, levels, paths) used at the public edge.

Split from :mod:`kpcompare._checks` (which re-exports every name here): that module checks tables and
columns, this one the keyword arguments beside them, so error messages have one shape.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InvalidArgumentError, UnknownNameError

__all__ = ["check_confidence", "check_choice", "check_positive_number", "check_positive_integer",
           "check_mapping_argument", "check_flag", "check_number", "check_pair", "check_distinct", "check_level",
           "check_column_name", "check_name", "check_instance", "check_path", "check_whole_number", "check_seed",
           "MAX_MULTIPLIER"]


#: largest multiplier (rates per trillion); beyond it results overflow float64 in the variance
MAX_MULTIPLIER = 1e12


def _short(value: Any) -> str:
    """`` (value)`` for an error message, cut to 60 characters."""
    text = repr(value)
    return f" ({text[:57]}...)" if len(text) > 60 else f" ({text})"


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


def check_flag(value: Any, *, argument: str, allow_none: bool = False) -> bool | None:
    """``value`` must be True or False (not 0/1, not text); with ``allow_none``, None too ("decide for me")."""
    if value is None and allow_none:
        return None
    if not isinstance(value, (bool, np.bool_)):
        choices = "True, False or None" if allow_none else "True or False"
        raise InvalidArgumentError(f"argument {argument!r}: expected {choices}, got {value!r}.")
    return bool(value)


def check_number(value: Any, *, argument: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, allow_none: bool = False,
                 finite: bool = True) -> float | None:
    """A finite real number (not bool, not text) within [low, high] (open ends when ``*_open``).

    With ``finite=False`` NaN and infinities pass unchecked (a computed value judged by the caller).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_, str, bytes)) or not isinstance(value, (int, float, np.integer,
                                                                                 np.floating)):
        raise InvalidArgumentError(f"argument {argument!r}: {_short(value)[2:-1]} is not a number.")
    if isinstance(value, int) and abs(value) > 2**1023:
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is beyond what a float holds.")
    number = float(value)
    if not finite and not np.isfinite(number):
        return number
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


def check_distinct(values: Any, *, argument: str) -> list[Any] | None:
    """An optional list of levels (systems, causes): a list of distinct, present, hashable values."""
    if values is None:
        return None
    if isinstance(values, (pd.DataFrame, dict, set, frozenset)):
        raise InvalidArgumentError(f"argument {argument!r}: give a list of levels, got {type(values).__name__}"
                                   f"{_short(values)}.")
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, pd.Index, np.ndarray, pd.Series)):
        values = [values]
    items = list(values)
    bad = [v for v in items if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA
           or not isinstance(v, Hashable) or isinstance(v, (list, dict, set, np.ndarray))]
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


def check_path(value: Any, *, argument: str = "path", what: str = "file") -> Any:
    """A path (text or ``os.PathLike``) to an existing file; returns it as a ``pathlib.Path``."""
    import os
    from pathlib import Path

    from .errors import SourceReadError

    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        path = Path(value)
        if not str(value).strip() or not path.is_file():
            why = "is a directory" if str(value).strip() and path.is_dir() else "does not exist"
            raise SourceReadError(f"{what} {str(value)!r} {why}; give the path of a file.")
        return path
    raise InvalidArgumentError(f"argument {argument!r}: give a file path (text or pathlib.Path), got "
                               f"{type(value).__name__}{_short(value)}.")


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
