"""The one standard resolver: what a ``standard`` argument means, in every function that takes one.

:func:`kpcompare.dsr`, :func:`kpcompare.smr`, :func:`kpcompare.isr`, :func:`kpcompare.compare` and
:func:`kpcompare.decompose` resolve their standard here, so the same input gives the same standard (and so the
same answer) everywhere.  A standard is

* a registered name (:func:`kpcompare.standard_population`, e.g. ``"esp2013"`` or ``"england2000_sex"``),
* a table keyed by the stratum key columns (age band [, sex, ...]) with ``population`` (and, for indirect
  standardisation, counts), or
* a column of the data (per-row standard populations; :func:`kpcompare.dsr` only), or
* in :func:`kpcompare.compare` / :func:`kpcompare.decompose`, the name of a system (its own population).

It is joined to the data **by key**, never by position.  When the data's age bands are not bands of the
standard but nest in them (each data band is a union of whole standard bands), the standard is re-banded onto
the data's bands with :func:`kpcompare.reband` (the standard needs ``age_lo``/``age_hi`` or labels such as
``"60-74"`` and ``"75+"``); when they do not nest, :class:`~kpcompare.errors.BandMismatchError` names the
bands.  A key of the strata missing from the standard (e.g. ``sex`` with an age-only standard) is refused
(:class:`~kpcompare.errors.KeyMismatchError`) by the rate functions; :func:`kpcompare.compare` instead sums its
strata over that key and says so in ``note``.  See docs/methods.md#standard-populations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, as_pandas, check_measure, require_columns
from ..errors import (
    BandMismatchError,
    ColumnError,
    DuplicateKeyError,
    InvalidArgumentError,
    InvalidValueError,
    KeyMismatchError,
    UnknownNameError,
    row_problem,
)
from ..refdata import reband, standard_population
from ..refdata.labels import parse_band_labels
from ..refdata.standards import registered_names, standard_keys
from ..schemas.rates import validate_rate_input

__all__ = ["Standard", "resolve_standard", "resolve_rates_standard", "standard_source", "key_standard",
           "onto_bands", "stratum_codes", "stratum_labels", "check_same_keys", "select_bands", "band_span",
           "strata_keys", "sexed_standard_names"]


@dataclass(frozen=True)
class Standard:
    """A resolved standard: a table keyed like the strata, or a column of the data.

    ``table`` has the key columns (the age column named as in the data), then the value columns, one row per
    stratum; ``labels`` are the strata labels in table order (the age band; ``"60-74|F"`` with several keys).
    ``dropped`` lists keys of the strata the standard lacks (only when the caller asked to drop them).
    """

    table: pd.DataFrame | None
    column: str | None
    keys: list[str]
    name: str
    rebanded: bool = False
    dropped: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str] | None:
        return None if self.table is None else stratum_labels(self.table, self.keys)

    @property
    def population(self) -> np.ndarray | None:
        if self.table is None:
            return None
        return pd.to_numeric(self.table["population"]).to_numpy(dtype=float)


def strata_keys(strata: str | Sequence[str] | None, *, age: str, by: Sequence[str] = ()) -> list[str]:
    """The standardisation key columns: ``strata`` (default ``[age]``).

    A key may also be a ``by`` column (each group then has one level of it, as ``by="age_band"`` gives
    one SMR per band).
    """
    keys = [age] if strata is None else as_list(strata, argument="strata")
    if not keys or not all(isinstance(k, str) for k in keys):
        raise InvalidArgumentError(
            f"argument 'strata': give the standardisation key column(s), e.g. [{age!r}, 'sex']; got {strata!r}.")
    return keys


def stratum_labels(table: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """One text label per row: the key value, or the key values joined by ``"|"`` (``"60-74|F"``)."""
    if len(keys) == 1:
        return [str(v) for v in table[keys[0]]]
    return table[list(keys)].astype(str).agg("|".join, axis=1).tolist()


def sexed_standard_names() -> list[str]:
    """Registered standards keyed by age band and sex."""
    return [n for n in registered_names() if "sex" in standard_keys(n)]


# --------------------------------------------------------------------------- where a standard comes from
def standard_source(standard: Any, *, columns: Sequence[str] = (), systems: Sequence[Any] = (),
                    system_population: pd.DataFrame | None = None, system_keys: Sequence[str] = (),
                    allow_column: bool = True, argument: str = "standard"
                    ) -> tuple[pd.DataFrame | None, str | None, str, list[str]]:
    """``(table, column, name, declared_keys)`` of a standard given as a column, system, name or table.

    A column of the data takes precedence over a system name, which takes precedence over a registered name.
    ``declared_keys`` are the key columns the table is known to have (a registered standard's registry keys;
    for other tables ``[]``: the keys are then the strata's).
    """
    if isinstance(standard, str):
        if allow_column and standard in set(columns):
            return None, standard, f"column {standard!r}", []
        if system_population is not None and standard in set(map(str, systems)):
            sub = system_population[system_population["system"].astype(str) == standard]
            have = [k for k in system_keys if k in sub.columns]
            table = sub.groupby(have, sort=False, observed=True)["population"].sum().reset_index()
            return table, None, f"population of {standard}", []
        try:
            table = standard_population(standard)
        except UnknownNameError as exc:
            if system_population is not None:
                raise UnknownNameError(
                    f"argument {argument!r}: {standard!r} is neither a system in 'population' "
                    f"({', '.join(map(repr, map(str, systems)))}) nor a registered standard "
                    f"population ({exc})."
                ) from None
            where = "a column of data nor " if allow_column else ""
            raise UnknownNameError(f"argument {argument!r}: {standard!r} is {'neither ' if where else 'not '}"
                                   f"{where}a registered standard population ({exc}).") from None
        return table, None, standard.strip().lower(), standard_keys(standard.strip().lower())
    return as_pandas(standard, argument=argument), None, "given table", []


# --------------------------------------------------------------------------- keys
def _age_column(table: pd.DataFrame, age: str, argument: str) -> str:
    if age in table.columns:
        return age
    if "age_band" in table.columns:
        return "age_band"
    require_columns(table, [age], argument=argument)
    return age  # pragma: no cover - require_columns raised


def missing_key_error(missing: list[str], keys: list[str], table: pd.DataFrame, *,
                      argument: str) -> KeyMismatchError:
    """The refusal of a standard lacking a key of the strata, saying what to do instead."""
    names = ", ".join(map(repr, missing))
    sexed = sexed_standard_names()
    advice = [f"give a standard keyed by {', '.join(keys)}"
              + (f" (registered: {', '.join(map(repr, sexed))}; or build one from a population table with "
                 "kpcompare.standard_from_population)" if "sex" in missing else
                 " (kpcompare.standard_from_population builds one from a population table)"),
              f"drop {names} from 'strata' (standardisation over {', '.join(k for k in keys if k not in missing)} "
              f"only, of strata summed over {names})",
              f"or put {names} in 'by' for standardised rates per level"]
    return KeyMismatchError(
        f"{argument}: key column(s) {names} of the strata ({', '.join(keys)}) not in the standard (columns: "
        f"{', '.join(map(str, table.columns))}); a standard without {names} is not applied to strata split by "
        f"{names} silently. Either {'; '.join(advice)}.", missing=missing)


def key_standard(table: pd.DataFrame, *, age: str, keys: list[str], values: list[str],
                 declared: Sequence[str] = (), missing_keys: str = "refuse", argument: str = "standard",
                 weighted: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """The standard as ``<keys...>, [age_lo, age_hi], <values...>``, one row per key; and the keys dropped.

    The age column may be called ``age`` or ``age_band`` (renamed to ``age``).  Keys of the strata missing
    from the table are refused (``missing_keys="refuse"``) or returned (``"drop"``: the caller sums its
    strata over them).  Declared keys of a registered standard that are not strata keys (its ``sex``, for
    age-only strata), and a ``sex`` column of any table, are summed over.
    """
    tbl = as_pandas(table, argument=argument)
    if age in keys:
        label_col = _age_column(tbl, age, argument)
        if label_col != age:
            tbl = tbl.rename(columns={label_col: age})
    missing = [k for k in keys if k not in tbl.columns]
    if missing and missing_keys == "refuse":
        raise missing_key_error(missing, keys, tbl, argument=argument)
    used = [k for k in keys if k not in missing]
    require_columns(tbl, values, argument=argument)
    validate_rate_input(tbl, count=values[:-1], population=values[-1], keys=used, weighted=weighted,
                        argument=argument)
    summed = [k for k in dict.fromkeys([*declared, "sex"]) if k in tbl.columns and k not in used and k != age]
    bounds = [c for c in ("age_lo", "age_hi") if age in used and c in tbl.columns and c not in used]
    tbl = tbl[[*used, *summed, *bounds, *values]].copy()
    if age in used:
        tbl[age] = tbl[age].astype(str)
    if summed:
        agg = {**{c: "first" for c in bounds}, **{v: "sum" for v in values}}
        tbl = tbl.groupby(used, sort=False, observed=True).agg(agg).reset_index()
    _check_unique(tbl, used, age=age, argument=argument)
    return tbl.reset_index(drop=True), missing


def _check_unique(tbl: pd.DataFrame, keys: list[str], *, age: str, argument: str) -> None:
    dup = tbl.duplicated(keys).to_numpy()
    if dup.any():
        rule = "one row per age band" if keys == [age] else f"one row per {' and '.join(keys)}"
        example = tbl.loc[dup, keys[0]].iloc[0] if len(keys) == 1 else tuple(tbl.loc[dup, keys].iloc[0])
        raise row_problem(keys[0], rule, int(dup.sum()), example,
                          hint=f"({argument}) sum or drop the duplicated rows first, or add the column that "
                               "distinguishes them to 'strata'.", cls=DuplicateKeyError)


# --------------------------------------------------------------------------- bands
def select_bands(labels: Sequence[str], age_range: tuple[Any, Any] | None, *,
                 what: str = "argument 'age_range'", strict: bool = True) -> list[str]:
    """Bands lying inside ``age_range`` (inclusive; None = open); a band straddling its edge is an error."""
    labels = list(dict.fromkeys(str(x) for x in labels))
    if age_range is None:
        return labels
    if isinstance(age_range, str) or len(age_range) != 2:
        raise InvalidArgumentError(
            f"argument 'age_range': {age_range!r} must be a pair (lowest age, highest age), "
            "e.g. (60, None) for 60 and over."
        )
    lo = -np.inf if age_range[0] is None else float(age_range[0])
    hi = np.inf if age_range[1] is None else float(age_range[1])
    bounds = parse_band_labels(labels)
    b_lo = bounds["age_lo"].to_numpy(float)
    b_hi = bounds["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf)
    inside = (b_lo >= lo) & (b_hi <= hi)
    outside = (b_hi < lo) | (b_lo > hi)
    straddle = ~inside & ~outside
    if not strict:
        return list(bounds.loc[~outside, "age_band"])
    if straddle.any():
        bad = list(bounds.loc[straddle, "age_band"])
        raise BandMismatchError(
            f"{what} {tuple(age_range)!r} cuts through age band(s) "
            f"{', '.join(map(repr, bad))}; choose limits on band edges.",
            extra=bad,
        )
    return list(bounds.loc[inside, "age_band"])


def band_span(labels: Sequence[str]) -> tuple[int, int | None]:
    """The ages covered by a set of band labels, as an (lowest, highest or None) pair."""
    bounds = parse_band_labels(labels)
    hi = bounds["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf).max()
    return int(bounds["age_lo"].min()), None if np.isinf(hi) else int(hi)


def _parseable(labels: Sequence[str]) -> bool:
    try:
        parse_band_labels(labels)
    except InvalidValueError:
        return False
    return True


def onto_bands(table: pd.DataFrame, data_bands: Sequence[str], *, age: str, keys: list[str],
               values: list[str], name: str, force: bool = False,
               within: tuple[int, int | None] | None = None, refuse: bool = True) -> tuple[pd.DataFrame, bool]:
    """Re-band a keyed standard onto the data's age bands when they nest in the standard's.

    Nothing happens when every data band is a band of the standard (unless ``force``), or when the bands
    cannot be read as ages (then the caller's label join names the bands).  ``within``: first keep only the
    standard's bands inside these ages (a band straddling them is an error).  Returns the table and whether
    it was re-banded; raises :class:`BandMismatchError` naming the bands when they do not nest (with
    ``refuse=False`` and not ``force``, returns the table unchanged instead: the caller's label check then
    names the bands).
    """
    data_bands = list(dict.fromkeys(map(str, data_bands)))
    std_bands = list(dict.fromkeys(table[age].astype(str)))
    if not force and set(data_bands) <= set(std_bands):
        return table, False
    has_limits = {"age_lo", "age_hi"} <= set(table.columns)
    if not _parseable(data_bands) or not (has_limits or _parseable(std_bands)):
        return table, False
    original = table
    others = [k for k in keys if k != age]
    cols = [*others, age, *(["age_lo", "age_hi"] if has_limits else []), *values]
    try:
        if within is not None:
            table = table[table[age].isin(select_bands(std_bands, within, what="the ages of the strata"))]
        out = reband(table[cols], bands=parse_band_labels(data_bands), age=age, value_columns=values,
                     by=others or None)
    except BandMismatchError as exc:
        if force:  # a registered standard in compare: the messages of select_bands and reband, as before
            raise
        if not refuse:
            return original, False
        raise BandMismatchError(
            f"the age bands of the data ({', '.join(data_bands)}) do not nest in the bands of the standard "
            f"({name}: {', '.join(std_bands)}), so the standard cannot be re-banded onto them: {exc} "
            "Re-band the data onto coarser bands, or restrict the standard to the data's ages.",
            missing=exc.missing, extra=exc.extra) from None
    return out[[*keys, *values]], True


# --------------------------------------------------------------------------- joining by key
def check_same_keys(have: pd.DataFrame, want: pd.DataFrame, *, keys: list[str], label: str, other: str,
                    hint: str = "Reband both tables to the same labels (kpcompare.reband).") -> None:
    """Refuse two tables whose key combinations differ, naming the missing and extra ones."""
    def combos(frame: pd.DataFrame) -> set:
        rows = frame[keys].astype(str).to_numpy()
        return {r[0] if len(keys) == 1 else tuple(r) for r in rows}

    got, wanted = combos(have), combos(want)
    missing, extra = sorted(wanted - got), sorted(got - wanted)
    if missing or extra:
        raise BandMismatchError(
            f"age bands of {label} do not match {other}: missing {missing or 'none'}, "
            f"extra {extra or 'none'}. {hint}", missing=missing, extra=extra)


def stratum_codes(data: pd.DataFrame, std: pd.DataFrame, keys: list[str], *, what: str = "data",
                  other: str = "standard", require_all: bool = True) -> np.ndarray:
    """Code each data row by the row of ``std`` with the same key values (joined by key, never position).

    Raises :class:`BandMismatchError` naming the strata of the data absent from ``std`` (extra) and, when
    ``require_all``, the strata of ``std`` absent from the data (missing).
    """
    labels = stratum_labels(std, keys)
    if len(keys) == 1:
        values = data[keys[0]]
    else:
        values = pd.Series(stratum_labels(data, keys), index=data.index)
    codes, uniques = pd.factorize(values)
    uniques = [str(u) for u in uniques]
    index = {label: i for i, label in enumerate(labels)}
    mapping = np.array([index.get(u, -1) for u in uniques], dtype=np.int64)
    extra = [u for u, m in zip(uniques, mapping) if m < 0]
    seen = set(uniques)
    missing = [label for label in labels if label not in seen] if require_all else []
    if extra or missing:
        noun = "bands" if len(keys) == 1 else f"strata ({'|'.join(keys)})"
        parts = []
        if missing:
            parts.append(f"{noun} of the {other} missing from the {what}: {missing}")
        if extra:
            parts.append(f"{noun} of the {what} not in the {other}: {extra}")
        raise BandMismatchError(
            f"{'age bands' if len(keys) == 1 else 'strata'} do not match ({'; '.join(parts)}). "
            "Strata are joined by key; re-band one table (kpcompare.reband) or fix the labels.",
            missing=missing, extra=extra)
    return mapping[codes]


# --------------------------------------------------------------------------- the resolver
def resolve_standard(standard: Any, data: pd.DataFrame, *, age: str, keys: list[str] | None = None,
                     values: Sequence[str] = ("population",), allow_column: bool = True,
                     argument: str = "standard") -> Standard:
    """Resolve ``standard`` for a rate function: a column of ``data``, a registered name or a keyed table.

    The table is keyed by ``keys`` (default ``[age]``), re-banded onto the data's age bands when they nest,
    and refused with :class:`KeyMismatchError` when it lacks a key.  ``values``: the value columns (the last
    is the population).
    """
    keys = [age] if keys is None else list(keys)
    table, column, name, declared = standard_source(standard, columns=data.columns, allow_column=allow_column,
                                                    argument=argument)
    if column is not None:
        return Standard(None, column, keys, name)
    values = list(values)
    tbl, _ = key_standard(table, age=age, keys=keys, values=values, declared=declared, argument=argument)
    rebanded = False
    if age in keys:
        tbl, rebanded = onto_bands(tbl, pd.unique(data[age].astype(str)), age=age, keys=keys, values=values,
                                   name=name)
    pop = pd.to_numeric(tbl[values[-1]]).to_numpy(dtype=float)
    if values == ["population"] and not pop.sum() > 0:
        raise InvalidValueError(f"{argument}: column 'population' sums to 0; a standard needs positive weights.")
    return Standard(tbl[[*keys, *values]].reset_index(drop=True), None, keys, name, rebanded)


def resolve_rates_standard(standard: Any, data: pd.DataFrame, *, age: str, keys: list[str], count: str,
                           population: str) -> tuple[Standard, np.ndarray, np.ndarray]:
    """Standard rates for indirect standardisation: the resolved table, its counts and populations.

    The count and population columns are looked up by the names given for the data and otherwise as
    ``count`` and ``population``.  Counts may be fractional (they are treated as fixed).
    """
    if isinstance(standard, str):
        raise InvalidArgumentError(
            f"argument 'standard': {standard!r} names a standard population (populations only), but indirect "
            "standardisation needs standard rates: give a table keyed by "
            f"{', '.join(keys)} with counts and populations (e.g. the events and population of the reference "
            "area per band), or use dsr for direct standardisation with a standard population.")
    tbl = as_pandas(standard, argument="standard")
    cols = [count if count in tbl.columns else "count", population if population in tbl.columns else "population"]
    std = resolve_standard(tbl, data, age=age, keys=keys, values=cols, allow_column=False)
    try:  # the data's rule for counts and populations, totals beyond 2**53 included
        check_measure(std.table, cols)
    except ColumnError as err:
        raise type(err)(f"argument 'standard': {err}", column=err.column, rule=err.rule, n_rows=err.n_rows,
                        example=err.example) from None
    ref_count = pd.to_numeric(std.table[cols[0]]).to_numpy(dtype=float)
    ref_pop = pd.to_numeric(std.table[cols[1]]).to_numpy(dtype=float)
    zero = ref_pop <= 0
    if zero.any():
        raise row_problem(cols[1], "greater than zero (standard rates need a population)",
                          int(zero.sum()), f"age band {std.labels[int(np.argmax(zero))]!r}")
    return std, ref_count, ref_pop
