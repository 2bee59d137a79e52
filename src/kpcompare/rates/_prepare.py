"""Input handling shared by the rate functions: validation and group ids.

Everything here is vectorised: groups become integer ids (one pass of pandas
hashing).  Standards and their joins by key live in :mod:`kpcompare.rates.standard`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_list,
    as_pandas,
    check_choice,
    check_not_empty,
    check_flag,
    check_keys,
    check_measure,
    check_no_missing,
    check_no_total_rows,
    check_positive_number,
    require_columns,
)
from ..errors import InvalidArgumentError, ZeroPopulationWarning
from ..schemas.rates import validate_rate_input
from ._result import COMPARISON_COLUMNS, RATE_COLUMNS, RATIO_COLUMNS
from .poisson import confidence_levels

#: names a group column may not have: they are columns of the results
RESERVED = tuple(dict.fromkeys([*RATE_COLUMNS, *RATIO_COLUMNS, *COMPARISON_COLUMNS]))

__all__ = ["Groups", "RateInput", "read_rate_input", "group_label", "zero_population_notes"]


@dataclass(frozen=True)
class Groups:
    """Row -> group id, and one row of key values per group (sorted by key)."""

    ids: np.ndarray
    keys: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class RateInput:
    """Validated input of a rate function."""

    data: pd.DataFrame
    count: np.ndarray
    population: np.ndarray
    groups: Groups
    by: list[str]
    levels: list[float]
    multiplier: float


def group_rows(data: pd.DataFrame, by: list[str]) -> Groups:
    """Integer group ids (sorted by the key values) and the key table."""
    if not by:
        return Groups(np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=range(1)))
    ids = data.groupby(by, sort=True, observed=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    first = pd.Series(ids).drop_duplicates()
    first_rows = first.index.to_numpy()[np.argsort(first.to_numpy(), kind="stable")]
    keys = data[by].iloc[first_rows].reset_index(drop=True)
    return Groups(ids, keys)


def group_label(keys: pd.DataFrame, group: int) -> str:
    """Human-readable key of one group, for error messages."""
    if not len(keys.columns):
        return "all rows"
    row = keys.iloc[group]
    return ", ".join(f"{col}={row[col]!r}" for col in keys.columns)


def read_rate_input(data: Any, *, count: str, population: str, by: Any, confidence: Any,
                    multiplier: float, weighted: bool, method: str, methods: Iterable[str],
                    strata: Sequence[str] = (), frequency: str | None = None,
                    extra_columns: Iterable[str] = ()) -> RateInput:
    """Validate arguments and data (in the order: arguments, columns, values); compute group ids."""
    levels = confidence_levels(confidence)
    check_choice(method, methods, argument="method")
    multiplier = check_positive_number(multiplier, argument="multiplier")
    check_flag(weighted, argument="weighted")
    df = as_pandas(data)
    by_cols = as_list(by, argument="by")
    clash = [c for c in by_cols if c in RESERVED]
    if clash:
        raise InvalidArgumentError(
            f"argument 'by': {clash} would clash with the result's own columns ({', '.join(RESERVED)}); "
            "rename the group column(s) first.")
    keys = [*by_cols, *strata]
    require_columns(df, [*keys, count, population, *([frequency] if frequency else []), *extra_columns])
    check_keys(df, keys)
    check_not_empty(df, argument="data", need="a rate needs at least one row of counts and populations.")
    check_no_missing(df, keys)
    check_measure(df, [count, population])  # what each value is, and totals beyond 2**53
    validate_rate_input(df, count=count, population=population, keys=keys, weighted=weighted,
                        frequency=frequency)
    # rows summed into one result must not include their own total (any text column but the groups)
    check_no_total_rows(df, [c for c in df.columns if c not in (*by_cols, count, population)])
    return RateInput(
        data=df,
        count=pd.to_numeric(df[count]).to_numpy(dtype=float),
        population=pd.to_numeric(df[population]).to_numpy(dtype=float),
        groups=group_rows(df, by_cols),
        by=by_cols,
        levels=levels,
        multiplier=multiplier,
    )


def zero_population_notes(events: np.ndarray, pop: np.ndarray, group: np.ndarray, n_groups: int, *,
                          population: str, where: str, effect: str, consequence: str,
                          stacklevel: int = 6) -> np.ndarray:
    """Per-group note, and one :class:`ZeroPopulationWarning`, for cells with events but zero population.

    ``events``/``pop``/``group`` are per cell (a stratum, or a row); the same rule in every rate function.
    """
    note = np.full(n_groups, "", dtype=object)
    orphan = (pop <= 0) & (events > 0)
    if orphan.any():
        orphan_events = np.bincount(group, weights=np.where(orphan, events, 0.0), minlength=n_groups)
        hit = orphan_events > 0
        note[hit] = [f"{e:g} events in {where} with zero population ({effect})" for e in orphan_events[hit]]
        warnings.warn(
            f"column {population!r}: {int(orphan.sum())} {where} have events but zero population "
            f"({orphan_events.sum():g} events in {int(hit.sum())} groups); {consequence}. See the 'note' column.",
            ZeroPopulationWarning, stacklevel=stacklevel)
    return note
