"""Age bands: band tables, single-year ages to band labels, and re-banding onto coarser bands.

A *band table* has the columns ``age_band`` (label), ``age_lo`` and ``age_hi`` (inclusive; missing for the
open-ended band).  Labels follow one convention everywhere: ``"0-4"`` (a closed band), ``"90+"`` (the
open-ended band) and ``"0"`` (a single year).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, as_pandas, check_no_missing, not_a_measure, require_columns
from ..errors import BandMismatchError, DuplicateKeyError, InvalidArgumentError, UnknownNameError, row_problem
from .labels import band_label, bands_from_bounds, parse_band_labels, upper_exclusive, validate_band_table
from .standards import named_bandings, registered_names, standard_population

__all__ = ["band_table", "age_to_band", "reband", "band_label", "parse_band_labels"]


def band_table(spec: str | Sequence[int] | pd.DataFrame) -> pd.DataFrame:
    """A band table ``age_band, age_lo, age_hi`` from a name, a list of lower bounds or a table.

    Parameters
    ----------
    spec : str, sequence of int or pandas.DataFrame
        * a registered standard-population name (``"esp2013"``: its bands) or a named banding
          (``"hes"``: 0-14, 15-59, 60-74, 75+);
        * a list of lower bounds, e.g. ``[0, 15, 60, 75]`` -> ``"0-14", "15-59", "60-74", "75+"`` (the last
          band is open-ended);
        * a DataFrame with ``age_band`` and ``age_lo``/``age_hi`` columns (extra columns such as
          ``population`` are ignored), or with ``age_band`` labels only, which are then parsed.

    Returns
    -------
    pandas.DataFrame
        Columns ``age_band`` (str), ``age_lo`` (int64), ``age_hi`` (nullable Int64, missing for the
        open-ended band), sorted by ``age_lo``.  Gaps between bands are allowed; overlaps are not.

    Raises
    ------
    kpcompare.errors.UnknownNameError
        Unknown name (the message lists the names).
    kpcompare.errors.InvalidArgumentError
        Lower bounds not whole, negative or not increasing.
    kpcompare.errors.InvalidValueError, kpcompare.errors.DuplicateKeyError
        Overlapping bands, an unparseable label, ``age_hi < age_lo`` or a repeated label.
    """
    if isinstance(spec, str):
        key = spec.strip().lower()
        bandings = named_bandings()
        if key in bandings:
            return bands_from_bounds(bandings[key])
        if key not in registered_names():
            raise UnknownNameError(
                f"argument 'bands': {spec!r} is neither a standard population nor a named banding; known names: "
                f"{', '.join([*registered_names(), *bandings])}."
            )
        bands = standard_population(key)[["age_band", "age_lo", "age_hi"]]
        return bands.drop_duplicates("age_band").reset_index(drop=True)  # a sex-specific standard: once per band
    if isinstance(spec, pd.DataFrame) or type(spec).__name__ == "Table":
        return validate_band_table(as_pandas(spec, argument="bands"))
    if isinstance(spec, (Sequence, np.ndarray, pd.Series)):
        return bands_from_bounds(list(spec))
    raise InvalidArgumentError(
        f"argument 'bands': expected a name, a list of lower bounds or a band table, got {type(spec).__name__}."
    )


def _check_ages(ages: Any, column: str) -> None:
    """Ages are numbers (text of digits is read as numbers); booleans, dates, durations, complex are refused."""
    if ages is None or isinstance(ages, (str, bytes, dict, set, pd.DataFrame)) or np.ndim(ages) != 1:
        raise InvalidArgumentError(f"argument 'ages': give a sequence of ages (one age as [age]), got {ages!r}.")
    series = ages if isinstance(ages, pd.Series) else pd.Series(np.asarray(ages))
    bad, kind = not_a_measure(series, allow_text=True)  # text of digits is parsed below
    if bad.any():
        raise row_problem(column, "a numeric age (no missing values)", int(bad.sum()), _first_value(series, bad),
                          hint=f"The ages are {kind}.")


def _first_value(series: pd.Series, mask: np.ndarray) -> Any:
    value = series[mask].iloc[0]
    return value.item() if hasattr(value, "item") else value


def age_to_band(ages: Any, bands: str | Sequence[int] | pd.DataFrame) -> Any:
    """Map single-year (or fractional) ages to band labels, vectorised.

    Parameters
    ----------
    ages : array-like or pandas.Series
        Ages in completed years (fractions allowed: 0.5 falls in band "0" and in "0-4").
    bands : str, sequence of int or pandas.DataFrame
        Anything :func:`band_table` accepts.

    Returns
    -------
    numpy.ndarray of str objects, or pandas.Series
        The label of the band holding each age; a Series (same index, named ``"age_band"``) when ``ages``
        is a Series.

    Raises
    ------
    kpcompare.errors.InvalidValueError
        Missing ages, or ages outside every band; the message gives how many and one example.

    Notes
    -----
    Band ``lo..hi`` holds ages ``lo <= age < hi + 1``; the open band ``lo+`` holds ``age >= lo``.
    """
    table = band_table(bands)
    column = ages.name if isinstance(ages, pd.Series) and ages.name is not None else "ages"
    _check_ages(ages, str(column))
    values = pd.to_numeric(pd.Series(np.asarray(ages) if not isinstance(ages, pd.Series) else ages),
                           errors="coerce")
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(arr)
    if missing.any():
        raw = np.asarray(ages, dtype=object)[missing][0]
        raise row_problem(str(column), "a numeric age (no missing values)", int(missing.sum()), raw)
    lo = table["age_lo"].to_numpy(dtype=float)
    upper = upper_exclusive(table)
    idx = np.searchsorted(lo, arr, side="right") - 1
    safe = np.clip(idx, 0, len(lo) - 1)
    inside = (idx >= 0) & (arr < upper[safe])
    if not inside.all():
        outside = ~inside
        first = table["age_band"].iloc[0]
        last = table["age_band"].iloc[-1]
        raise row_problem(str(column), f"age within a band ({first} ... {last})", int(outside.sum()),
                          float(arr[outside][0]),
                          hint="Filter these ages out or give bands that cover them.")
    labels = table["age_band"].to_numpy(dtype=object)[safe]
    if isinstance(ages, pd.Series):
        return pd.Series(labels, index=ages.index, name="age_band", dtype=object)
    return labels


def _source_to_target(source: pd.DataFrame, target: pd.DataFrame) -> dict[str, str]:
    """Map each source band onto the one target band that contains it; refuse straddling bands."""
    t_lo = target["age_lo"].to_numpy(dtype=float)
    t_up = upper_exclusive(target)
    s_up = upper_exclusive(source)
    t_labels = target["age_band"].tolist()
    mapping: dict[str, str] = {}
    straddling: list[str] = []
    outside: list[str] = []
    for label, lo, up in zip(source["age_band"], source["age_lo"].to_numpy(dtype=float), s_up):
        hits = np.flatnonzero((lo < t_up) & (t_lo < up))
        if len(hits) == 1 and t_lo[hits[0]] <= lo and up <= t_up[hits[0]]:
            mapping[label] = t_labels[hits[0]]
        elif len(hits) == 0:
            outside.append(label)
        else:
            names = ", ".join(repr(t_labels[h]) for h in hits) if len(hits) else "none"
            straddling.append(f"{label!r} overlaps {names}")
    if straddling:
        raise BandMismatchError(
            f"reband: {len(straddling)} source band(s) straddle the target bands (partial overlap), e.g. "
            f"{'; '.join(straddling[:3])}. Each source band must lie wholly inside one target band; choose target "
            f"bands whose limits fall on source band limits.",
            extra=[s.split(" overlaps ")[0].strip("'") for s in straddling],
        )
    if outside:
        raise BandMismatchError(
            f"reband: {len(outside)} source band(s) lie outside every target band, e.g. {outside[:5]!r}; "
            f"target bands are {t_labels!r}. Filter those rows out first or widen the target bands.",
            extra=outside,
        )
    # every target band that receives data must be covered completely (no holes, no overlapping sources)
    for t_label, t_first, t_end in zip(t_labels, t_lo, t_up):
        parts = source[[mapping[s] == t_label for s in source["age_band"]]]
        if parts.empty:
            continue
        starts = parts["age_lo"].to_numpy(dtype=float)
        ends = upper_exclusive(parts)
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        edges_ok = starts[0] == t_first and ends[-1] == t_end and np.all(starts[1:] == ends[:-1])
        if not edges_ok:
            got = parts["age_band"].to_numpy()[order].tolist()
            raise BandMismatchError(
                f"reband: target band {t_label!r} is not covered exactly by the source bands {got!r} "
                f"(a gap or an overlap); its sum would be wrong.",
                missing=[t_label],
            )
    return mapping


def reband(data: Any, *, bands: str | Sequence[int] | pd.DataFrame, age: str = "age_band",
           value_columns: str | Sequence[str] = ("population",), by: str | Sequence[str] | None = None,
           ) -> pd.DataFrame:
    """Collapse a population (or counts) onto coarser age bands by summing.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        A keyed table, e.g. a standard population or ONS populations by sex and band.
    bands : str, sequence of int or pandas.DataFrame
        The target bands (anything :func:`band_table` accepts), e.g. ``"hes"`` or ``[0, 15, 60, 75]``.
    age : str
        Column holding either band labels ("0-4", "90+", "0") or numeric single-year ages.
    value_columns : str or sequence of str
        Numeric columns to sum (no missing values).
    by : str or sequence of str, optional
        Grouping columns kept in the output (e.g. ``["year", "sex"]``).  Every column not named in
        ``by``, ``age`` or ``value_columns`` is dropped, so a label table must not repeat a band within a
        group (that raises :class:`~kpcompare.errors.DuplicateKeyError`: add the missing ``by`` column).

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...>, <age>, [age_lo, age_hi], <value_columns...>``, one row per group and target band
        that received data, sorted by group then age.  ``age_lo``/``age_hi`` are included when ``data`` has
        them (so a re-banded standard population is again a standard-population table).  When ``age`` holds
        numeric ages the band column is named ``age_band``.

    Raises
    ------
    kpcompare.errors.BandMismatchError
        A source band straddles two target bands (partial overlap), lies outside every target band, or a
        target band is covered with a gap; the message names the bands.
    kpcompare.errors.InvalidValueError
        Numeric ages outside every band, missing values or non-numeric value columns.

    Notes
    -----
    Band ``lo..hi`` covers ages ``lo <= a < hi + 1``.  Source band *s* goes to target band *t* iff
    ``t.lo <= s.lo`` and ``s.hi <= t.hi``; the sums are exact, so totals are preserved.

    Examples
    --------
    >>> import kpcompare
    >>> esp = kpcompare.standard_population("esp2013")
    >>> kpcompare.reband(esp, bands=[0, 15, 60, 75]).population.tolist()
    [16000.0, 58500.0, 16500.0, 9000.0]
    """
    frame = as_pandas(data)
    by_cols = as_list(by)
    values = as_list(value_columns, argument="value_columns")
    _check_reband_input(frame, age=age, by_cols=by_cols, values=values)
    target = band_table(bands)
    numeric_ages = pd.api.types.is_numeric_dtype(frame[age]) and not pd.api.types.is_bool_dtype(frame[age])
    if numeric_ages:
        out_age = "age_band" if "age_band" not in by_cols else age
        key = pd.Series(age_to_band(frame[age], target), index=frame.index)
        keep_limits = False
    else:
        out_age = age
        key = _label_keys(frame, target, age=age, by_cols=by_cols)
        keep_limits = "age_lo" in frame.columns and "age_hi" in frame.columns
    order = pd.CategoricalDtype(target["age_band"].tolist(), ordered=True)
    grouped = (frame[[*by_cols, *values]].assign(**{out_age: pd.Categorical(key, dtype=order)})
               .groupby([*by_cols, out_age], observed=True, sort=True, dropna=False)[values].sum()
               .reset_index())
    grouped[out_age] = grouped[out_age].astype(object).astype(str)
    if keep_limits:
        limits = target.rename(columns={"age_band": out_age})
        grouped = grouped.merge(limits, on=out_age, how="left", validate="many_to_one")
        return grouped[[*by_cols, out_age, "age_lo", "age_hi", *values]]
    return grouped[[*by_cols, out_age, *values]]


def _check_reband_input(frame: pd.DataFrame, *, age: str, by_cols: list[str], values: list[str]) -> None:
    """The columns of :func:`reband` exist, have no missing values and the value columns are numeric."""
    if age in by_cols or age in values:
        raise InvalidArgumentError(f"argument 'age': column {age!r} cannot also be in 'by' or 'value_columns'.")
    require_columns(frame, [age, *by_cols, *values])
    check_no_missing(frame, [age, *by_cols, *values])
    for col in values:
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            converted = pd.to_numeric(frame[col], errors="coerce")
            bad = converted.isna().to_numpy()
            raise row_problem(col, "numeric", int(bad.sum()) or len(frame),
                              frame[col][bad].iloc[0] if bad.any() else frame[col].iloc[0])


def _label_keys(frame: pd.DataFrame, target: pd.DataFrame, *, age: str, by_cols: list[str]) -> pd.Series:
    """The target band of each row whose ``age`` holds band labels (one row per band within a group)."""
    labels = frame[age].astype(str)
    dup = frame.assign(**{age: labels}).duplicated(subset=[*by_cols, age], keep=False).to_numpy()
    if dup.any():
        example = tuple(frame.loc[dup, [*by_cols, age]].iloc[0].tolist())
        raise row_problem(age, f"one row per band within ({', '.join([*by_cols]) or 'the table'})",
                          int(dup.sum()), example, cls=DuplicateKeyError,
                          hint="Add the column that distinguishes these rows to 'by', or aggregate first.")
    source = parse_band_labels(pd.unique(labels), column=age)
    mapping = _source_to_target(source, target)
    return labels.map(mapping)
