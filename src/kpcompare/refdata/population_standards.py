"""Standards built from any population table (e.g. a sex-specific standard from ONS or Census populations)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, as_pandas, check_keys, check_measure, check_no_missing, require_columns
from ..errors import InvalidArgumentError, InvalidValueError
from .bands import reband
from .labels import parse_band_labels

__all__ = ["standard_from_population"]


def _filter(frame: pd.DataFrame, where: Mapping[str, Any] | Any | None) -> pd.DataFrame:
    """Rows kept by ``where``: a mapping column -> value (or list of values), or a boolean mask."""
    if where is None:
        return frame
    if isinstance(where, Mapping):
        require_columns(frame, list(where), argument="where")
        keep = np.ones(len(frame), dtype=bool)
        for column, value in where.items():
            values = list(value) if isinstance(value, (list, tuple, set, pd.Index, np.ndarray)) else [value]
            keep &= frame[column].isin(values).to_numpy()
        out = frame[keep]
    else:
        mask = np.asarray(where)
        if mask.dtype != bool or mask.shape != (len(frame),):
            raise InvalidArgumentError(
                "argument 'where': give a mapping {column: value or list of values} (e.g. {'year': 2000}) or a "
                f"boolean mask with one entry per row ({len(frame)}); got {type(where).__name__}.")
        out = frame[mask]
    if out.empty:
        raise InvalidValueError(f"argument 'where': {where!r} keeps no row of the population table.")
    return out


def standard_from_population(data: Any, *, strata: str | Sequence[str] = ("age_band", "sex"),
                             population: str = "population", where: Mapping[str, Any] | Any | None = None,
                             bands: Any = None, age: str = "age_band") -> pd.DataFrame:
    """A standard population keyed by ``strata`` (e.g. age band and sex) from any population table.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        A population table, e.g. :func:`kpcompare.datasets.england_population` (``year, sex, age_band, ...``)
        or the ``population`` table of :func:`kpcompare.compare`.
    strata : str or sequence of str, default ("age_band", "sex")
        The key columns of the standard; give the same ``strata`` to :func:`kpcompare.dsr`.
    population : str, default "population"
        Column of populations (non-negative numbers).
    where : mapping or boolean mask, optional
        Rows to use: ``{"year": 2000}``, ``{"system": ["NHS", "Kaiser"]}`` or a boolean mask.  Rows left with
        the same key are **summed** (e.g. several systems give their combined population), so filter out
        what must not be added (other years) here.
    bands : optional
        Target age bands (anything :func:`kpcompare.band_table` accepts, e.g. ``[0, 15, 60, 75]``): the
        populations are first collapsed onto them with :func:`kpcompare.reband`.
    age : str, default "age_band"
        The age column among ``strata`` (band labels such as ``"0-4"``, ``"90+"``, or single-year ages with
        ``bands``).

    Returns
    -------
    pandas.DataFrame
        ``age_band, age_lo, age_hi`` (when the labels read as ages), the other keys, ``population``; one row
        per key, sorted by the other keys then age, with ``attrs["keys"]``: a standard for ``dsr``,
        ``compare`` and ``decompose`` (as :func:`kpcompare.standard_population` returns for the registered
        ``"england2000_sex"`` and ``"us2010_sex"``).

    Raises
    ------
    kpcompare.errors.MissingColumnError, kpcompare.errors.InvalidValueError
        A key or the population column is missing; missing or negative populations; nothing left after
        ``where``; a total of 0.

    Examples
    --------
    >>> import kpcompare
    >>> from kpcompare.datasets import england_population
    >>> std = kpcompare.standard_from_population(england_population(), where={"year": 2000})
    >>> int(std["population"].sum())
    49233311
    """
    keys = as_list(strata, argument="strata")
    if not keys:
        raise InvalidArgumentError("argument 'strata': give at least one key column, e.g. ['age_band', 'sex'].")
    frame = _filter(as_pandas(data), where)
    require_columns(frame, [*keys, population])
    check_no_missing(frame, [*keys, population])
    check_keys(frame, keys, labels=True)
    check_measure(frame, [population])
    values = pd.to_numeric(frame[population])
    others = [k for k in keys if k != age]
    table = frame[keys].assign(population=values.astype(float))
    if age in keys and bands is not None:
        table = reband(table, bands=bands, age=age, value_columns="population", by=others or None)
        if age not in table.columns:  # numeric single-year ages give an "age_band" column
            table = table.rename(columns={"age_band": age})
    table = table.groupby(keys, sort=False, observed=True)["population"].sum().reset_index()
    if not table["population"].sum() > 0:
        raise InvalidValueError(f"column {population!r}: the standard's total population is 0.")
    table = _with_limits(table, age=age, others=others) if age in keys else table
    table.attrs = {"name": "from population", "keys": keys}
    return table


def _with_limits(table: pd.DataFrame, *, age: str, others: list[str]) -> pd.DataFrame:
    """Add ``age_lo``/``age_hi`` from the band labels (when they read as ages) and sort by key then age."""
    table[age] = table[age].astype(str)
    try:
        limits = parse_band_labels(pd.unique(table[age]), column=age)
    except InvalidValueError:
        return table.sort_values(others, kind="stable").reset_index(drop=True) if others else table
    limits = limits.rename(columns={"age_band": age})
    out = table.merge(limits, on=age, how="left", validate="many_to_one")
    out = out.sort_values([*others, "age_lo"], kind="stable").reset_index(drop=True)
    return out[[age, "age_lo", "age_hi", *others, "population"]]
