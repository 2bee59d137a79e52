"""``by`` as one column or several for the comparisons: the first column holds the levels compared (causes,
with their "all selected" total); every further column splits the analysis into independent ones, one per
level, exactly as if the function were run on the rows of that level."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from .._checks import as_list, as_pandas, require_columns
from ..errors import InvalidArgumentError
from ._strata import strata_frame

__all__ = ["by_columns", "comparison_by", "split_levels", "run_by"]


def by_columns(by: Any, *, argument: str = "by", allow_none: bool = False) -> list[str]:
    """``by`` as a list of distinct column names (a string is one column)."""
    if by is None and allow_none:
        return []
    cols = as_list(by)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise InvalidArgumentError(f"argument {argument!r}: give a column name or a sequence of column names, "
                                   f"got {by!r}.")
    if len(set(cols)) != len(cols):
        raise InvalidArgumentError(f"argument {argument!r}: column names repeat in {cols!r}.")
    return cols


def _filter(table: Any, levels: dict[str, Any]) -> Any:
    """Rows of ``table`` at ``levels`` for the columns it has (a name or registry key passes unchanged)."""
    if isinstance(table, str) or table is None:
        return table
    frame = as_pandas(table, argument="table")
    mask = pd.Series(True, index=frame.index)
    for col, level in levels.items():
        if col in frame.columns:
            mask &= frame[col] == level
    return frame[mask.to_numpy()]


def split_levels(data: pd.DataFrame, extra: list[str]) -> Iterator[dict[str, Any]]:
    """Combinations of the ``extra`` columns' levels present in ``data``, in order of appearance."""
    combos = data[extra].drop_duplicates()
    for row in combos.itertuples(index=False, name=None):
        yield dict(zip(extra, row))


def comparison_by(by: Any) -> list[str]:
    """``by`` of compare/decompose: column names other than the stratum keys ``system``, ``age_band``."""
    cols = by_columns(by)
    keys = [c for c in cols if c in ("system", "age_band")]
    if keys:
        raise InvalidArgumentError(f"argument 'by': {keys[0]!r} is a stratum key of the comparison, not a level to "
                                   f"report by (by={cols!r}); rates are per system and standardised over age bands.")
    return cols


def run_by(data: Any, by: list[str], run: Callable[..., pd.DataFrame], *, population: Any,
           standard: Any = None, **tables: Any) -> pd.DataFrame:
    """Run ``run(data, by=by[0], population=..., standard=...)`` once per level of ``by[1:]``.

    ``data``, ``population`` and a ``standard`` table are restricted to the level (those that carry the
    column); the level is written into the result's column of that name.  Results are concatenated
    level-major; callers reorder.
    """
    frame = strata_frame(data)
    extra = by[1:]
    require_columns(frame, extra, argument="data")
    parts = []
    for levels in split_levels(frame, extra):
        sub = _filter(frame, levels)
        res = run(sub, by=by[0], population=_filter(population, levels), standard=_filter(standard, levels),
                  **tables)
        for col, level in levels.items():
            res[col] = level
        parts.append(res)
    return pd.concat(parts, ignore_index=True)
