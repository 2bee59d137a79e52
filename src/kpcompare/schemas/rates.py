"""pandera schemas for the inputs of the rate functions (crude_rate, dsr, smr, isr).

The schemas are the specification; :func:`validate_rate_input` runs one lazily
and turns the first failure into kpcompare's standard error (column, rule, how
many rows broke it, one example; see :func:`kpcompare.errors.row_problem`).

Rules
-----
* key columns (``by`` and the age column): no missing values;
* ``count``: numeric, non-negative and finite, no missing values, integer-valued
  unless ``weighted=True`` (weighted counts, e.g. survey-weighted admissions, may
  be fractional);
* ``population``: numeric, non-negative and finite, no missing values (zero
  populations are judged by each rate function, which knows whether a stratum
  rate is needed);
* ``event_frequency`` (optional): numeric, integer-valued, ≥ 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .._checks import not_a_measure, require_columns
from .._compat import pandera_pandas
from ..errors import InvalidValueError, missing_row, row_problem

__all__ = ["RULES", "rate_input_schema", "validate_rate_input", "rate_result_schema", "comparison_result_schema"]

#: rule names used in error messages (shared with kpcompare._checks)
RULES = {
    "missing": "no missing values",
    "numeric": "numeric",
    "non_negative": "non-negative and finite",
    "integer": "integer-valued count",
    "frequency": "integer >= 1",
}

_WEIGHTED_HINT = ("If these are weighted counts (e.g. survey-weighted admissions), "
                  "pass weighted=True.")


def _numeric(series: pd.Series) -> pd.Series:
    if not_a_measure(series)[0].any():
        return pd.Series(np.nan, index=series.index)  # refused by the numeric check, not converted
    return pd.to_numeric(series, errors="coerce")


def _is_numeric(series: pd.Series) -> pd.Series:
    """Real numbers (or missing): text, booleans, dates, durations, periods and complex values fail."""
    bad, _ = not_a_measure(series)
    return pd.Series(~bad, index=series.index)


def _non_negative(series: pd.Series) -> pd.Series:
    values = _numeric(series).astype(float)
    return ~((values < 0) | np.isinf(values))


def _integer(series: pd.Series) -> pd.Series:
    values = _numeric(series).astype(float)
    bad = np.isfinite(values) & (np.abs(values - np.round(values)) > 1e-9 * np.maximum(1.0, np.abs(values)))
    return ~bad


def _frequency(series: pd.Series) -> pd.Series:
    values = _numeric(series).astype(float)
    return _integer(series) & ~(values < 1)


def rate_input_schema(*, count: Sequence[str] | str, population: str | None, keys: Iterable[str] = (),
                      weighted: bool = False, frequency: str | None = None):
    """The pandera ``DataFrameSchema`` for a table of counts and populations.

    Parameters
    ----------
    count : str or list of str
        Count column(s).
    population : str or None
        Population column (None when the table has none).
    keys : iterable of str
        Key columns (``by`` and the age column): no missing values.
    weighted : bool, default False
        When True counts may be fractional.
    frequency : str, optional
        Event-frequency column (persons with exactly f events).
    """
    pa = pandera_pandas()

    def numeric_checks(*extra: tuple) -> list:
        checks = [pa.Check(_is_numeric, name=RULES["numeric"]),
                  pa.Check(_non_negative, name=RULES["non_negative"])]
        checks += [pa.Check(fn, name=name) for fn, name in extra]
        return checks

    columns: dict[str, pa.Column] = {}
    for key in keys:
        columns[key] = pa.Column(nullable=False, required=True)
    counts = [count] if isinstance(count, str) else list(count)
    for col in counts:
        extra = () if weighted else ((_integer, RULES["integer"]),)
        columns[col] = pa.Column(nullable=False, checks=numeric_checks(*extra))
    if population is not None:
        columns[population] = pa.Column(nullable=False, checks=numeric_checks())
    if frequency is not None:
        columns[frequency] = pa.Column(nullable=False, checks=numeric_checks((_frequency, RULES["frequency"])))
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def validate_rate_input(data: pd.DataFrame, *, count: Sequence[str] | str, population: str | None,
                        keys: Iterable[str] = (), weighted: bool = False, frequency: str | None = None,
                        argument: str = "data") -> None:
    """Validate ``data`` against :func:`rate_input_schema`; raise kpcompare's error on the first failure.

    Missing columns raise :class:`kpcompare.errors.MissingColumnError`; broken rules
    raise :class:`kpcompare.errors.InvalidValueError` naming the column, the rule,
    the number of rows and one example.
    """
    import pandera.errors as pae

    keys = list(keys)
    counts = [count] if isinstance(count, str) else list(count)
    needed = [*keys, *counts] + ([population] if population else []) + ([frequency] if frequency else [])
    require_columns(data, needed, argument=argument)
    schema = rate_input_schema(count=counts, population=population, keys=keys,
                               weighted=weighted, frequency=frequency)
    try:
        schema.validate(data, lazy=True)
    except pae.SchemaErrors as exc:
        raise _first_problem(exc.failure_cases, needed, weighted) from None


def _first_problem(failures: pd.DataFrame, order: list[str], weighted: bool) -> InvalidValueError:
    """The first failure, in column order then rule order, as a kpcompare error."""
    rule_order = ["not_nullable", RULES["numeric"], RULES["non_negative"], RULES["integer"], RULES["frequency"]]
    failures = failures[failures["column"].isin(order)]
    for column in order:
        mine = failures[failures["column"] == column]
        for rule in rule_order:
            hits = mine[mine["check"].astype(str) == rule]
            if hits.empty:
                continue
            n = len(hits)
            if rule == "not_nullable":
                index = hits["index"].iloc[0]
                index = index.item() if hasattr(index, "item") else index
                return row_problem(column, RULES["missing"], n, missing_row(index),
                                   hint="Fill or drop these rows explicitly before calling.")
            example = hits["failure_case"].iloc[0]
            example = example.item() if hasattr(example, "item") else example
            hint = _WEIGHTED_HINT if rule == RULES["integer"] else ""
            return row_problem(column, rule, n, example, hint=hint)
    first = failures.iloc[0]  # pragma: no cover - a check kpcompare did not define
    return row_problem(str(first["column"]), str(first["check"]), len(failures), first["failure_case"])


def rate_result_schema(*, by: Iterable[str] = (), indirect: bool = False):
    """The pandera ``DataFrameSchema`` of a rate result (the shared contract; ``strict`` and ordered).

    ``crude_rate``/``dsr``: ``<by...>, count, population, value, lower, upper, variance, confidence, method,
    statistic, note``; ``smr``/``isr``: ``observed, expected`` in place of ``count`` and ``p_value`` after
    ``variance``.
    """
    pa = pandera_pandas()

    head = {"observed": pa.Column(checks=pa.Check.ge(0)), "expected": pa.Column(float, pa.Check.ge(0))} \
        if indirect else {"count": pa.Column(checks=pa.Check.ge(0))}
    columns = {**{b: pa.Column(nullable=False) for b in by}, **head,
               "population": pa.Column(float, pa.Check.ge(0)),
               "value": pa.Column(float, nullable=True),
               "lower": pa.Column(float, nullable=True),
               "upper": pa.Column(float, nullable=True),
               "variance": pa.Column(float, nullable=True),
               **({"p_value": pa.Column(float, [pa.Check.ge(0), pa.Check.le(1)], nullable=True)} if indirect else {}),
               "confidence": pa.Column(float, [pa.Check.gt(0), pa.Check.lt(1)]),
               "method": pa.Column(str),
               "statistic": pa.Column(str),
               "note": pa.Column(str)}
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


def comparison_result_schema(*, by: Iterable[str] = (), between: str):
    """The pandera ``DataFrameSchema`` of a :func:`kpcompare.compare_rates` result (``strict`` and ordered).

    ``<by...>, <between>, value, lower, upper, confidence, statistic, z, p_value, method, note``; ``statistic``
    is the label (``"rate ratio"``), ``z`` the test statistic, ``p_value`` lies in [0, 1].
    """
    pa = pandera_pandas()

    columns = {**{b: pa.Column(nullable=False) for b in [*by, between]},
               "value": pa.Column(float, nullable=True),
               "lower": pa.Column(float, nullable=True),
               "upper": pa.Column(float, nullable=True),
               "confidence": pa.Column(float, [pa.Check.gt(0), pa.Check.lt(1)]),
               "statistic": pa.Column(str),
               "z": pa.Column(float, nullable=True),
               "p_value": pa.Column(float, [pa.Check.ge(0), pa.Check.le(1)], nullable=True),
               "method": pa.Column(str),
               "note": pa.Column(str)}
    return pa.DataFrameSchema(columns, strict=True, ordered=True)
