"""Input handling shared by the rate functions: validation, group ids, age-band joins.

Everything here is vectorised: groups become integer ids (one pass of pandas
hashing), age bands become integer codes by matching *labels* (never
positions) against the standard or reference table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, as_pandas, check_choice, check_positive_number, require_columns
from ..errors import (
    BandMismatchError,
    DuplicateKeyError,
    InvalidArgumentError,
    InvalidValueError,
    UnknownNameError,
    row_problem,
)
from ..schemas.rates import validate_rate_input
from ._result import COMPARISON_COLUMNS, RATE_COLUMNS, RATIO_COLUMNS
from .poisson import confidence_levels

#: names a group column may not have: they are columns of the results
RESERVED = tuple(dict.fromkeys([*RATE_COLUMNS, *RATIO_COLUMNS, *COMPARISON_COLUMNS]))

__all__ = ["Groups", "RateInput", "read_rate_input", "band_codes", "Standard", "resolve_standard",
           "read_reference", "group_label"]


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
                    age: str | None = None, frequency: str | None = None,
                    extra_columns: Iterable[str] = ()) -> RateInput:
    """Validate arguments and data (in the order: arguments, columns, values); compute group ids."""
    levels = confidence_levels(confidence)
    check_choice(method, methods, argument="method")
    multiplier = check_positive_number(multiplier, argument="multiplier")
    if not isinstance(weighted, bool):
        raise InvalidArgumentError(f"argument 'weighted': expected True or False, got {weighted!r}.")
    df = as_pandas(data)
    by_cols = as_list(by)
    clash = [c for c in by_cols if c in RESERVED]
    if clash:
        raise InvalidArgumentError(
            f"argument 'by': {clash} would clash with the result's own columns ({', '.join(RESERVED)}); "
            "rename the group column(s) first.")
    keys = [*by_cols, *([age] if age else [])]
    require_columns(df, [*keys, count, population, *([frequency] if frequency else []), *extra_columns])
    if len(df) == 0:
        raise InvalidValueError("data: no rows; a rate needs at least one row of counts and populations.")
    validate_rate_input(df, count=count, population=population, keys=keys, weighted=weighted,
                        frequency=frequency)
    return RateInput(
        data=df,
        count=pd.to_numeric(df[count]).to_numpy(dtype=float),
        population=pd.to_numeric(df[population]).to_numpy(dtype=float),
        groups=group_rows(df, by_cols),
        by=by_cols,
        levels=levels,
        multiplier=multiplier,
    )


# --------------------------------------------------------------------------- age bands
def _labels_of(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(values)
    return codes, [str(u) for u in uniques]


def band_codes(values: pd.Series, labels: list[str], *, what: str, other: str,
               require_all: bool = True) -> np.ndarray:
    """Code each value of an age column by the position of its label in ``labels``.

    Raises :class:`BandMismatchError` naming the bands of ``values`` absent from
    ``labels`` (extra) and, when ``require_all``, the ``labels`` absent from
    ``values`` (missing).
    """
    codes, uniques = _labels_of(values)
    index = {label: i for i, label in enumerate(labels)}
    mapping = np.array([index.get(u, -1) for u in uniques], dtype=np.int64)
    extra = [u for u, m in zip(uniques, mapping) if m < 0]
    seen = set(uniques)
    missing = [label for label in labels if label not in seen] if require_all else []
    if extra or missing:
        parts = []
        if missing:
            parts.append(f"bands of the {other} missing from the {what}: {missing}")
        if extra:
            parts.append(f"bands of the {what} not in the {other}: {extra}")
        raise BandMismatchError(
            f"age bands do not match ({'; '.join(parts)}). Bands are joined by label; "
            "re-band one table (kpcompare.reband) or fix the labels.",
            missing=missing, extra=extra)
    return mapping[codes]


@dataclass(frozen=True)
class Standard:
    """A standard population: either a keyed table or a column of the data."""

    labels: list[str] | None
    population: np.ndarray | None
    column: str | None
    name: str


def _label_column(table: pd.DataFrame, age: str, argument: str) -> str:
    if age in table.columns:
        return age
    if "age_band" in table.columns:
        return "age_band"
    require_columns(table, [age], argument=argument)
    return age  # pragma: no cover - require_columns raised


def keyed_table(table: Any, *, age: str, value_columns: list[str], argument: str,
                weighted: bool = True) -> tuple[list[str], pd.DataFrame]:
    """Validate a table keyed by age band; return its labels (as text) and the table."""
    tbl = as_pandas(table, argument=argument)
    label_col = _label_column(tbl, age, argument)
    require_columns(tbl, value_columns, argument=argument)
    validate_rate_input(tbl, count=value_columns[:-1], population=value_columns[-1], keys=[label_col],
                        weighted=weighted, argument=argument)
    labels = [str(v) for v in tbl[label_col]]
    dup = pd.Series(labels).duplicated()
    if dup.any():
        raise row_problem(label_col, "one row per age band", int(dup.sum()), labels[int(np.argmax(dup))],
                          hint=f"({argument}) sum or drop the duplicated bands first.", cls=DuplicateKeyError)
    return labels, tbl


def resolve_standard(standard: Any, data: pd.DataFrame, *, age: str) -> Standard:
    """A registered name, a DataFrame/Table with ``age`` (or ``age_band``) and ``population``, or a column."""
    if isinstance(standard, str):
        if standard in data.columns:
            return Standard(None, None, standard, f"column {standard!r}")
        try:
            from ..refdata import standard_population
        except ImportError:  # pragma: no cover - refdata ships with the package
            raise UnknownNameError(
                f"argument 'standard': {standard!r} is neither a column of data nor an available "
                "registered standard population.") from None
        table = standard_population(standard)
        name = standard
    else:
        table = standard
        name = "given table"
    labels, tbl = keyed_table(table, age=age, value_columns=["population"], argument="standard")
    pop = pd.to_numeric(tbl["population"]).to_numpy(dtype=float)
    if not pop.sum() > 0:
        raise InvalidValueError("standard: column 'population' sums to 0; a standard needs positive weights.")
    return Standard(labels, pop, None, name)


def read_reference(reference: Any, *, age: str, count: str, population: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Reference table for indirect standardisation: labels, counts, populations.

    The count and population columns are looked up by the names given for the
    data (``count``/``population`` arguments) and otherwise as ``count`` and
    ``population``.  Reference counts may be fractional (they are treated as fixed).
    """
    tbl = as_pandas(reference, argument="reference")
    cols = [count if count in tbl.columns else "count",
            population if population in tbl.columns else "population"]
    labels, tbl = keyed_table(tbl, age=age, value_columns=cols, argument="reference")
    ref_count = pd.to_numeric(tbl[cols[0]]).to_numpy(dtype=float)
    ref_pop = pd.to_numeric(tbl[cols[1]]).to_numpy(dtype=float)
    zero = ref_pop <= 0
    if zero.any():
        raise row_problem(cols[1], "greater than zero (reference rates need a population)",
                          int(zero.sum()), f"age band {labels[int(np.argmax(zero))]!r}")
    return labels, ref_count, ref_pop
