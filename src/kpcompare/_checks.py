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
    """Return ``data`` as a pandas DataFrame (pyarrow Tables are converted; nothing else is)."""
    if isinstance(data, pd.DataFrame):
        return data
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pa = None
    if pa is not None and isinstance(data, pa.Table):
        return data.to_pandas()
    raise InvalidArgumentError(
        f"argument {argument!r}: expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}."
    )


def as_list(value: str | Iterable[str] | None) -> list[str]:
    """Normalise a ``by=``-style argument (None, one name or several) to a list of names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def require_columns(data: pd.DataFrame, columns: Iterable[str], *, argument: str = "data") -> None:
    """Raise :class:`MissingColumnError` naming every requested column absent from ``data``."""
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


def check_no_missing(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Every value in ``columns`` must be present (no NaN/None/NA)."""
    for col in columns:
        mask = data[col].isna().to_numpy()
        n = int(mask.sum())
        if n:
            idx = data.index[mask][0]
            raise row_problem(col, "no missing values", n, f"row {idx!r} is missing",
                              hint="Fill or drop these rows explicitly before calling.")


def check_non_negative(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Numeric ``columns`` must be >= 0 and finite."""
    for col in columns:
        values = pd.to_numeric(data[col], errors="coerce")
        bad_type = values.isna() & data[col].notna()
        if bad_type.any():
            raise row_problem(col, "numeric", int(bad_type.sum()), _first(data[col], bad_type.to_numpy()))
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        mask = (arr < 0) | np.isinf(arr)
        n = int(mask.sum())
        if n:
            raise row_problem(col, "non-negative and finite", n, _first(data[col], mask))


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
    levels = [confidence] if np.isscalar(confidence) else list(confidence)  # type: ignore[arg-type]
    if not levels:
        raise InvalidArgumentError("argument 'confidence': at least one level is needed, e.g. 0.95.")
    out = []
    for level in levels:
        try:
            value = float(level)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"argument 'confidence': {level!r} is not a number; give a proportion such as 0.95."
            ) from None
        if not 0.0 < value < 1.0:
            hint = " (a percentage? give 0.95, not 95)" if value > 1 else ""
            raise InvalidArgumentError(
                f"argument 'confidence': {level!r} must lie strictly between 0 and 1{hint}."
            )
        out.append(value)
    return out


def check_choice(value: str, choices: Iterable[str], *, argument: str) -> str:
    """``value`` must be one of ``choices``; the error lists them."""
    options = list(choices)
    if value not in options:
        raise UnknownNameError(
            f"argument {argument!r}: unknown value {value!r}; choose one of {', '.join(map(repr, options))}."
        )
    return value


def check_positive_number(value: float, *, argument: str) -> float:
    """``value`` must be a finite number > 0 (multipliers, factors)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is not a number.") from None
    if not np.isfinite(number) or number <= 0:
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} must be a finite number > 0.")
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


def check_flag(value: Any, *, argument: str, allow_none: bool = True) -> bool | None:
    """``value`` must be True or False (or None where None means "decide for me")."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    choices = "True, False or None" if allow_none else "True or False"
    raise InvalidArgumentError(f"argument {argument!r}: expected {choices}, got {value!r}.")


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


def check_names(value: Any, *, argument: str) -> list[str]:
    """A ``by=``-style argument: None, one name or a sequence of distinct names (str)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (Mapping_, set, frozenset)) or not isinstance(value, Iterable):
        raise InvalidArgumentError(
            f"argument {argument!r}: expected a column name or a list of column names, got {value!r}.")
    names = list(value)
    bad = [v for v in names if not isinstance(v, str)]
    if bad:
        raise InvalidArgumentError(f"argument {argument!r}: {bad[0]!r} is not a column name (str).")
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"argument {argument!r}: {names!r} names a column twice.")
    return names


from collections.abc import Mapping as Mapping_  # noqa: E402  (kept inside this appended block)

__all__ += ["check_positive_integer", "check_flag", "check_mapping_argument", "check_names"]
