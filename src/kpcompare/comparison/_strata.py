"""Preparing stratum tables for system comparisons (shared by compare and decompose).

One place turns a user's stratum table (system x age band [x sex] x cause, with
admissions and bed days) plus a population table and a standard into the
complete, validated long table both :func:`kpcompare.compare` and
:func:`kpcompare.decompose` work on:

* rows are summed to one per key (system, cause, age band[, sex]);
* the grid is completed with zero counts (an age band with no admissions is a
  real zero, not a missing stratum);
* every stratum must have a population (else :class:`MissingStratumError`
  naming it) and the age bands of strata, population and standard must agree
  (else :class:`BandMismatchError` naming the bands);
* the total over the selected causes is added as the level ``"all selected"``.

Survey-weighted strata (columns ``weighted_admissions`` / ``weighted_bed_days``
from :func:`kpcompare.aggregate` with weights) carry both the weighted estimate
(used for every rate) and the sample count (used for the variance).  Optional
``admissions_variance`` / ``bed_days_variance`` columns (variances of the stratum
totals, with an optional ``admissions_bed_days_covariance``) or a
``bed_days_squared`` column (sum of squared lengths of stay: compound-Poisson
bed-day variance and covariance) replace the sample counts by effective counts
X^2 / V; the table then carries each stratum's covariance of the two totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_list,
    as_pandas,
    check_distinct,
    check_integer_valued,
    check_keys,
    check_measure,
    check_no_total_rows,
    check_pair,
    check_no_missing,
    check_non_negative,
    require_columns,
)
from ..rates.standard import band_span, key_standard, onto_bands, select_bands, standard_source
from ..errors import (
    BandMismatchError,
    DuplicateKeyError,
    InvalidArgumentError,
    MissingStratumError,
    UnknownNameError,
    row_problem,
)

__all__ = ["ALL_SELECTED", "Prepared", "prepare", "strata_frame", "with_prepared_notes"]

#: label of the level holding the total over all selected causes
ALL_SELECTED = "all selected"

#: optional column: covariance of each row's admissions and bed-day totals (with both variance columns)
COVARIANCE_COLUMN = "admissions_bed_days_covariance"
#: optional column: sum of squared lengths of stay of each row's (sample) stays
SQUARED_COLUMN = "bed_days_squared"

def strata_frame(strata: Any) -> pd.DataFrame:
    """The stratum table of ``strata``: a DataFrame or pyarrow Table, or the result of :func:`kpcompare.aggregate`
    (its ``.strata``)."""
    from ..engine import AggregateResult  # lazy: the engine is only needed to recognise its result

    if isinstance(strata, AggregateResult):
        strata = strata.strata
    return as_pandas(strata, argument="data")


@dataclass
class Prepared:
    """A complete stratum table ready for standardisation.

    ``table`` columns: ``system``, ``<by>``, ``age_band``, [``sex``], ``stratum``,
    ``admissions``, ``bed_days`` (estimates used for rates), ``admissions_sample``,
    ``bed_days_sample`` (counts used for the variance: sample or effective counts), ``admissions_events``,
    ``bed_days_events`` (sample counts, for ``min_count``), ``covariance`` (of the two totals), ``population``,
    ``admissions_pop``, ``bed_days_pop`` (pseudo-populations: population x sample /
    estimate, so that sample / pseudo-population = estimate / population), ``weight``
    (standard weight of the stratum, summing to 1).
    """

    table: pd.DataFrame
    by: str
    systems: list[Any]
    levels: list[Any]
    keys: list[str]
    standard_label: str
    weighted_systems: list[Any] = field(default_factory=list)
    #: per count (``admissions``, ``bed_days``): systems whose variance came from a ``<count>_variance`` column
    variance_systems: dict[str, list[Any]] = field(default_factory=dict)
    #: systems whose bed-day variance is the sum of squared stays (``bed_days_squared``; compound Poisson)
    squared_systems: list[Any] = field(default_factory=list)
    #: per system, where the covariance of admissions and bed days (``table["covariance"]``) comes from:
    #: ``"given"`` (``admissions_bed_days_covariance``), ``"compound"`` (bed days of the stays, with
    #: ``bed_days_squared``); systems absent have covariance 0
    covariance_sources: dict[Any, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: with ``event_frequency`` or ``person``: ``system, <by>, stratum, event_frequency, persons, population``
    frequencies: pd.DataFrame | None = None
    #: the frequencies of the "all selected" total come from persons (exact), not from summing causes
    total_by_person: bool = False
    #: ``system, <by>, admission_note``: notes for admission rows (repeat admissions shown by ``persons``)
    admission_notes: pd.DataFrame | None = None


def _read_tables(strata: Any, population: Any, by: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The stratum and population tables, validated; and the stratum keys (``age_band`` [, ``sex``])."""
    data = strata_frame(strata).copy()
    pop = as_pandas(population, argument="population").copy()
    if not isinstance(by, str):
        raise InvalidArgumentError(f"argument 'by': give one column name, got {by!r}.")
    require_columns(data, ["system", "age_band", by, "admissions", "bed_days"], argument="data")
    require_columns(pop, ["system", "age_band", "population"], argument="population")
    check_no_missing(data, ["system", "age_band", by])
    check_no_missing(pop, ["system", "age_band", "population"])
    check_keys(data, ["system", "age_band", by, *(["sex"] if "sex" in data.columns else [])], labels=True)
    check_keys(pop, ["system", "age_band", *(["sex"] if "sex" in pop.columns else [])], labels=True)
    check_measure(data, ["admissions", "bed_days"])  # NaN is refused, never read as 0
    check_measure(pop, ["population"])
    check_no_total_rows(data, "age_band")
    check_no_total_rows(pop, "age_band")
    data["age_band"] = data["age_band"].astype(str)
    pop["age_band"] = pop["age_band"].astype(str)
    use_sex = "sex" in data.columns
    if use_sex:
        require_columns(pop, ["sex"], argument="population")
        check_no_missing(data, ["sex"])
    return data, pop, ["age_band", "sex"] if use_sex else ["age_band"]


#: note of a comparison whose sexed strata were summed over sex because the standard has no sex split
SEX_SUMMED_NOTE = "the standard has no sex split, so strata were summed over sex (age-only standardisation)"


def _standard(standard: Any, pop: pd.DataFrame, keys: list[str]
              ) -> tuple[pd.DataFrame, str, list[str], list[str], bool]:
    """The standard keyed like the strata (one resolver: :mod:`kpcompare.rates.standard`).

    Returns the table (``age_band, [sex], population``), its label, the keys, notes, and whether the table
    carries age limits (a registered standard, which is always restricted and re-banded onto the strata).
    An age-only standard with sexed strata is applied to strata summed over sex, with a note.
    """
    systems_in_pop = list(dict.fromkeys(pop["system"]))
    table, _, name, declared = standard_source(standard, systems=systems_in_pop, system_population=pop,
                                               system_keys=keys, allow_column=False)
    if not isinstance(standard, str):
        require_columns(table, ["age_band", "population"], argument="standard")
        name = "user-supplied standard"
    std, dropped = key_standard(table, age="age_band", keys=keys, values=["population"], declared=declared,
                                missing_keys="drop")
    notes = []
    if dropped:
        keys = [k for k in keys if k not in dropped]
        notes.append(SEX_SUMMED_NOTE)
    return std, name, keys, notes, {"age_lo", "age_hi"} <= set(std.columns)


def _bands(data: pd.DataFrame, std: pd.DataFrame, *, label: str, keys: list[str], limits: bool,
           age_range: tuple[Any, Any] | None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The age-band axis: the standard re-banded onto the strata's bands (within their ages or ``age_range``)."""
    data_bands = select_bands(data["age_band"].unique(), age_range)
    if not data_bands:
        raise BandMismatchError(f"no age band of 'data' lies inside age_range {age_range!r}.")
    span = band_span(data_bands)
    std, _ = onto_bands(std, data_bands, age="age_band", keys=keys, values=["population"], name=label,
                        force=limits, within=span, refuse=False)
    std = std[[*keys, "population"]]
    # bands: the standard's bands inside age_range (default: overlapping the strata's ages) define the axis
    std_bands = (select_bands(std["age_band"].unique(), age_range) if age_range is not None
                 else select_bands(std["age_band"].unique(), span, strict=False))
    extra = [b for b in data_bands if b not in std_bands]
    if extra:
        raise BandMismatchError(
            f"age band(s) {', '.join(map(repr, extra))} of 'data' are not bands of the standard "
            f"({label}: {', '.join(map(repr, std_bands))}); re-band the strata or the standard "
            "(kpcompare.reband) so the labels agree.",
            extra=extra,
        )
    data = data[data["age_band"].isin(std_bands)]
    std = std[std["age_band"].isin(std_bands)]
    if std["population"].sum() <= 0:
        raise InvalidArgumentError("argument 'standard': the standard population of the selected bands is zero.")
    return data, std, std_bands


def _choose(data: pd.DataFrame, *, by: str, systems: Sequence[Any] | None, levels: Sequence[Any] | None
            ) -> tuple[pd.DataFrame, list[Any], list[Any]]:
    """Keep the chosen systems and levels of ``by`` (default: every system, every level but "other")."""
    data_systems = list(dict.fromkeys(data["system"]))
    chosen = data_systems if systems is None else list(systems)
    unknown = [s for s in chosen if s not in data_systems]
    if unknown:
        raise UnknownNameError(
            f"system(s) {', '.join(map(repr, unknown))} not found in strata column 'system' "
            f"(systems present: {', '.join(map(repr, data_systems))})."
        )
    data = data[data["system"].isin(chosen)]
    present = list(data[by].cat.categories) if isinstance(data[by].dtype, pd.CategoricalDtype) \
        else list(dict.fromkeys(data[by]))
    if levels is None:
        chosen_levels = [lv for lv in present if lv != "other" and lv != ALL_SELECTED]
    else:
        chosen_levels = as_list(levels, argument="levels") if isinstance(levels, str) else list(levels)
        missing_lv = [lv for lv in chosen_levels if lv not in set(data[by])]
        if missing_lv:
            raise UnknownNameError(
                f"argument 'levels': {', '.join(map(repr, missing_lv))} not found in strata column {by!r}."
            )
    if not chosen_levels:
        raise InvalidArgumentError(f"no levels of {by!r} selected (only 'other' present?).")
    data = data[data[by].isin(chosen_levels)].copy()
    data[by] = data[by].astype(object)
    return data, chosen, chosen_levels


def _population_grid(pop: pd.DataFrame, population: Any, std: pd.DataFrame, *, chosen: list[Any],
                     std_bands: list[str], keys: list[str], data: pd.DataFrame) -> pd.DataFrame:
    """One population row per system x stratum of the complete grid; refuse a stratum without one."""
    pop = pop[pop["system"].isin(chosen) & pop["age_band"].isin(std_bands)]
    pkeys = ["system", *keys]
    if "sex" not in keys and "sex" in pop.columns:
        pop = pop.groupby(pkeys, sort=False, observed=True)["population"].sum().reset_index()
    dup = pop.duplicated(pkeys, keep=False).to_numpy()
    if dup.any():
        ex = tuple(pop.loc[dup, pkeys].iloc[0])
        raise DuplicateKeyError(
            f"population: key ({', '.join(pkeys)}) identifies more than one row in {int(dup.sum())} rows "
            f"(e.g. {ex!r}).",
            column="population", rule="one row per stratum", n_rows=int(dup.sum()), example=ex,
        )
    if "sex" in keys:
        sexes = list(dict.fromkeys(std["sex"])) if "sex" in std.columns else list(dict.fromkeys(data["sex"]))
        grid_keys = pd.MultiIndex.from_product([std_bands, sexes], names=keys).to_frame(index=False)
    else:
        grid_keys = pd.DataFrame({"age_band": std_bands})
    sys_grid = pd.DataFrame({"system": chosen})
    grid_pop = sys_grid.merge(grid_keys, how="cross").merge(pop, on=pkeys, how="left", indicator=True)
    missing = grid_pop["_merge"] == "left_only"
    if missing.any():
        bands_absent = [b for b in std_bands if b not in set(pop["age_band"])]
        if bands_absent:
            raise BandMismatchError(
                f"population: age band(s) {', '.join(map(repr, bands_absent))} are missing (the strata and "
                f"standard use {', '.join(map(repr, std_bands))}; population has "
                f"{', '.join(map(repr, sorted(set(as_pandas(population)['age_band'].astype(str)))))}).",
                missing=bands_absent,
            )
        ex = dict(grid_pop.loc[missing, pkeys].iloc[0])
        raise MissingStratumError(
            f"population: no row for stratum {ex} ({int(missing.sum())} strata missing); every "
            "system x " + " x ".join(keys) + " compared needs a population.",
            column="population", rule="a population for every stratum", n_rows=int(missing.sum()),
            example=ex,
        )
    return grid_pop.drop(columns="_merge")


#: count columns summed per stratum
_COUNTS = ["admissions", "bed_days", "admissions_sample", "bed_days_sample", "admissions_var", "bed_days_var",
           "bed_days_sq", "covariance"]


def _count_columns(data: pd.DataFrame) -> tuple[list[Any], dict[str, list[Any]], list[Any], dict[Any, str]]:
    """Estimates (weighted when available), sample counts and the optional variance columns, in place."""
    has_w = {"weighted_admissions", "weighted_bed_days"} <= set(data.columns)
    data["admissions_sample"] = data["admissions"].astype(float)
    data["bed_days_sample"] = data["bed_days"].astype(float)
    weighted_systems: list[Any] = []
    if has_w:
        wa = pd.to_numeric(data["weighted_admissions"], errors="coerce")
        wb = pd.to_numeric(data["weighted_bed_days"], errors="coerce")
        use_w = wa.notna() & wb.notna()
        check_non_negative(data.loc[use_w], ["weighted_admissions", "weighted_bed_days"])
        data["admissions"] = np.where(use_w, wa, data["admissions"]).astype(float)
        data["bed_days"] = np.where(use_w, wb, data["bed_days"]).astype(float)
        weighted_systems = list(dict.fromkeys(data.loc[use_w, "system"]))
    variance_systems = _variance_columns(data)
    squared_systems, covariance_sources = _covariance_columns(data, variance_systems)
    data[_COUNTS] = data[_COUNTS].astype(float)
    return weighted_systems, variance_systems, squared_systems, covariance_sources


def _full_table(data: pd.DataFrame, grid_pop: pd.DataFrame, *, by: str, keys: list[str],
                chosen: list[Any], chosen_levels: list[Any]) -> pd.DataFrame:
    """The complete grid system x level x stratum (zeros where no row) plus the "all selected" total, with
    the standard weights, in order."""
    summed = data.groupby(["system", by, *keys], sort=False, observed=True)[_COUNTS].sum().reset_index()
    level_grid = pd.DataFrame({by: pd.Series(chosen_levels, dtype=object)})
    full = grid_pop.merge(level_grid, how="cross").merge(summed, on=["system", by, *keys], how="left")
    full[_COUNTS] = full[_COUNTS].fillna(0.0)
    total = full.groupby(["system", *keys], sort=False, observed=True)[_COUNTS].sum().reset_index()
    total = total.merge(grid_pop, on=["system", *keys], how="left")
    total[by] = ALL_SELECTED
    return pd.concat([full, total[full.columns]], ignore_index=True)


def _finish(full: pd.DataFrame, std: pd.DataFrame, *, by: str, keys: list[str], chosen: list[Any],
            chosen_levels: list[Any]) -> pd.DataFrame:
    """Pseudo-populations, standard weights and stratum labels; rows ordered by system, level, stratum."""
    pop_arr = full["population"].to_numpy(float)
    for name in ("admissions", "bed_days"):  # pseudo-populations for the variance of weighted estimates
        est = full[name].to_numpy(float)
        smp = full[f"{name}_sample"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            pseudo = np.where(est > 0, pop_arr * smp / est, pop_arr)
        full[f"{name}_pop"] = pseudo
    std_w = std.groupby(keys, sort=False, observed=True)["population"].sum()
    std_w = (std_w / std_w.sum()).rename("weight").reset_index()
    full = full.merge(std_w, on=keys, how="left")
    full["weight"] = full["weight"].fillna(0.0)
    full["stratum"] = full[keys].astype(str).agg("|".join, axis=1) if len(keys) > 1 else full["age_band"]
    full["system"] = pd.Categorical(full["system"], categories=chosen, ordered=True)
    full[by] = pd.Categorical(full[by], categories=[*chosen_levels, ALL_SELECTED], ordered=True)
    full = full.sort_values(["system", by, *keys], kind="stable").reset_index(drop=True)
    full["system"] = full["system"].astype(object)
    full[by] = full[by].astype(object)
    return full


def _repeat_events(data: pd.DataFrame, full: pd.DataFrame, *, by: str, keys: list[str],
                   event_frequency: str | None, person: str | None, variance_systems: dict[str, list[Any]],
                   weighted_systems: list[Any]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Frequencies of repeat admissions (``event_frequency`` or ``person``), or the note that they exist."""
    if event_frequency is not None and person is not None:
        raise InvalidArgumentError(
            "arguments 'event_frequency' and 'person': give one of them (frequency rows, or one row per person "
            "and stratum), not both.")
    chosen_option = "event_frequency" if event_frequency is not None else "person"
    if (event_frequency is not None or person is not None) and variance_systems.get("admissions"):
        raise InvalidArgumentError(
            f"argument {chosen_option!r}: repeat-event frequencies cannot be combined with an "
            "'admissions_variance' column (both set the admission-rate variance); drop one of them.")
    if (event_frequency is not None or person is not None) and weighted_systems:
        raise InvalidArgumentError(
            f"argument {chosen_option!r}: repeat-event frequencies cannot be combined with survey weights "
            "(weighted_admissions present); drop one of them.")
    freq = None
    if event_frequency is not None:
        freq = _frequencies(data, full, event_frequency, by=by, keys=keys)
    elif person is not None:
        freq = _person_frequencies(data, full, person, by=by, keys=keys)
    admission_notes = None if freq is not None or weighted_systems else _repeat_note(data, by=by, keys=keys)
    return freq, admission_notes


def prepare(strata: Any, *, population: Any, standard: Any, by: str = "condition",
            age_range: tuple[Any, Any] | None = None, levels: Sequence[Any] | None = None,
            systems: Sequence[Any] | None = None, event_frequency: str | None = None,
            person: str | None = None) -> Prepared:
    """Validate and complete a stratum table (see module docstring)."""
    if age_range is not None:
        check_pair(age_range, argument="age_range")
    levels, systems = check_distinct(levels, argument="levels"), check_distinct(systems, argument="systems")
    data, pop, keys = _read_tables(strata, population, by)
    std, std_label, keys, notes, limits = _standard(standard, pop, keys)
    data, std, std_bands = _bands(data, std, label=std_label, keys=keys, limits=limits, age_range=age_range)
    data, chosen, chosen_levels = _choose(data, by=by, systems=systems, levels=levels)
    grid_pop = _population_grid(pop, population, std, chosen=chosen, std_bands=std_bands, keys=keys, data=data)
    weighted_systems, variance_systems, squared_systems, covariance_sources = _count_columns(data)
    full = _full_table(data, grid_pop, by=by, keys=keys, chosen=chosen, chosen_levels=chosen_levels)
    _effective_counts(full, variance_systems, squared_systems, covariance_sources)
    full = _finish(full, std, by=by, keys=keys, chosen=chosen, chosen_levels=chosen_levels)
    freq, admission_notes = _repeat_events(data, full, by=by, keys=keys, event_frequency=event_frequency,
                                           person=person, variance_systems=variance_systems,
                                           weighted_systems=weighted_systems)
    return Prepared(table=full, by=by, systems=chosen, levels=[*chosen_levels, ALL_SELECTED], keys=keys,
                    standard_label=std_label, weighted_systems=weighted_systems, notes=notes,
                    variance_systems=variance_systems, squared_systems=squared_systems,
                    covariance_sources=covariance_sources,
                    frequencies=freq, total_by_person=person is not None, admission_notes=admission_notes)


def with_prepared_notes(note: Any, prep: Prepared) -> np.ndarray:
    """Append the preparation's notes (e.g. strata summed over sex for an age-only standard) to every row."""
    note = np.asarray(pd.Series(note).fillna("").astype(str), dtype=object)
    if not prep.notes:
        return note
    extra = "; ".join(prep.notes)
    return np.where(note != "", note + "; " + extra, extra).astype(object)


REPEAT_NOTE = ("admissions treated as independent events, but the 'persons' column shows repeat admissions "
               "({persons:,.0f} persons, {admissions:,.0f} admissions, summed over strata): the interval is too "
               "narrow; give one row per person and stratum with person= for the repeat-events variance")


def _repeat_note(data: pd.DataFrame, *, by: str, keys: list[str]) -> pd.DataFrame | None:
    """Per system and level, a note where a ``persons`` column (aggregate with person ids) shows fewer persons
    than admissions; ``None`` when there is nothing to say."""
    if "persons" not in data.columns:
        return None
    persons = pd.to_numeric(data["persons"], errors="coerce")
    if persons.isna().any():
        return None
    sums = data.assign(_p=persons).groupby(["system", by, *keys], sort=False, observed=True)[
        ["_p", "admissions_sample"]].sum().reset_index()
    sums["_repeat"] = sums["_p"] < sums["admissions_sample"] - 1e-9
    if not sums["_repeat"].any():
        return None
    levels = sums.groupby(["system", by], sort=False, observed=True)[["_p", "admissions_sample", "_repeat"]].agg(
        {"_p": "sum", "admissions_sample": "sum", "_repeat": "any"}).reset_index()
    total = levels.groupby("system", sort=False, observed=True)[["_p", "admissions_sample", "_repeat"]].agg(
        {"_p": "sum", "admissions_sample": "sum", "_repeat": "any"}).reset_index()
    total[by] = ALL_SELECTED
    levels = pd.concat([levels, total[levels.columns]], ignore_index=True)
    levels = levels[levels["_repeat"]]
    levels["admission_note"] = [REPEAT_NOTE.format(persons=p, admissions=a)
                                for p, a in zip(levels["_p"], levels["admissions_sample"])]
    return levels[["system", by, "admission_note"]]


def _optional_column(data: pd.DataFrame, column: str, *, positive_with: str | None) -> pd.Series | None:
    """An optional per-row column given for every row of a system or for none (NaN elsewhere); ``None`` if absent.

    With ``positive_with``, the column must be non-negative and positive where that count is.
    """
    if column not in data.columns:
        return None
    values = pd.to_numeric(data[column], errors="coerce")
    given = values.notna()
    partial = data.assign(_g=given).groupby("system", sort=False, observed=True)["_g"].agg(["any", "all"])
    partial = partial[partial["any"] & ~partial["all"]]
    if len(partial):
        bad = data["system"].isin(partial.index) & ~given
        raise row_problem(column, "given for every row of a system or for none", int(bad.sum()),
                          dict(data.loc[bad, ["system", "age_band"]].iloc[0]),
                          hint="Rows of one system cannot mix given and Poisson variances.")
    if positive_with is not None:
        check_non_negative(data.loc[given], [column])
        zero = given & (values <= 0) & (data[positive_with] > 0)
        if zero.any():
            raise row_problem(column, f"positive where {positive_with} are positive", int(zero.sum()),
                              dict(data.loc[zero, ["system", "age_band"]].iloc[0]))
    return values


def _given_systems(data: pd.DataFrame, values: pd.Series | None) -> list[Any]:
    return [] if values is None else list(dict.fromkeys(data.loc[values.notna(), "system"]))


def _variance_columns(data: pd.DataFrame) -> dict[str, list[Any]]:
    """Validate optional ``admissions_variance`` / ``bed_days_variance`` columns; add ``<count>_var`` columns.

    A system gives a variance for every row or for none (then its sample counts are Poisson); where the
    estimate is positive the variance must be too.  Returns, per count, the systems with given variances.
    """
    systems: dict[str, list[Any]] = {}
    for name in ("admissions", "bed_days"):
        var = _optional_column(data, f"{name}_variance", positive_with=name)
        data[f"{name}_var"] = 0.0 if var is None else var.fillna(0.0)
        if var is not None:
            systems[name] = _given_systems(data, var)
    return systems


def _covariance_columns(data: pd.DataFrame, variance_systems: dict[str, list[Any]]
                        ) -> tuple[list[Any], dict[Any, str]]:
    """Validate optional ``admissions_bed_days_covariance`` / ``bed_days_squared``; add ``covariance`` and
    ``bed_days_sq`` columns.  Returns the systems whose bed-day variance comes from ``bed_days_squared`` and,
    per system, the source of the covariance (``"given"`` or ``"compound"``).

    Each row's 2 x 2 covariance matrix must be positive semi-definite (cov^2 <= var(A) var(B); for stays,
    admissions x sum of squared stays >= bed days^2, Cauchy-Schwarz), so the ALOS variance cannot be negative.
    """
    system = data["system"]
    with_adm, with_bed = set(variance_systems.get("admissions", [])), set(variance_systems.get("bed_days", []))
    cov = _optional_column(data, COVARIANCE_COLUMN, positive_with=None)
    sources: dict[Any, str] = {}
    if cov is not None:
        lacking = cov.notna() & ~(system.isin(with_adm) & system.isin(with_bed))
        if lacking.any():
            raise row_problem(COVARIANCE_COLUMN, "given only with admissions_variance and bed_days_variance",
                              int(lacking.sum()), dict(data.loc[lacking, ["system", "age_band"]].iloc[0]),
                              hint="A covariance needs both variances; give all three columns for the system.")
        given = cov.notna()
        bound = np.sqrt(data["admissions_var"].to_numpy(float) * data["bed_days_var"].to_numpy(float))
        bad = given & ~(np.abs(cov.fillna(0.0).to_numpy(float)) <= bound * (1 + 1e-9))
        if bad.any():
            raise row_problem(COVARIANCE_COLUMN, "at most sqrt(admissions_variance x bed_days_variance) in size",
                              int(bad.sum()), dict(data.loc[bad, ["system", "age_band"]].iloc[0]),
                              hint="A covariance larger than that is not a covariance (the ALOS variance would "
                                   "be negative).")
        sources.update(dict.fromkeys(_given_systems(data, cov), "given"))
    data["covariance"] = 0.0 if cov is None else cov.fillna(0.0)
    squared = _optional_column(data, SQUARED_COLUMN, positive_with="bed_days")
    data["bed_days_sq"] = 0.0 if squared is None else squared.fillna(0.0)
    if squared is None:
        return [], sources
    given = squared.notna()
    short = given & (data["admissions_sample"] * data["bed_days_sq"]
                     < data["bed_days_sample"] ** 2 * (1 - 1e-9))
    if short.any():
        raise row_problem(SQUARED_COLUMN, "at least bed_days^2 / admissions (a sum of squared lengths of stay)",
                          int(short.sum()), dict(data.loc[short, ["system", "age_band"]].iloc[0]),
                          hint="bed_days_squared is the sum of the squared lengths of the row's stays.")
    used = [s for s in _given_systems(data, squared) if s not in with_bed]  # a given bed_days_variance wins
    sources.update({s: "compound" for s in used if s not in with_adm})  # with a given admission variance: 0
    return used, sources


def _effective_counts(full: pd.DataFrame, variance_systems: dict[str, list[Any]], squared_systems: list[Any],
                      covariance_sources: dict[Any, str]) -> None:
    """Replace the sample counts by effective counts X^2 / V where a variance is known; set ``covariance``.

    V is the given variance, or for ``bed_days_squared`` systems the compound-Poisson variance of the sample
    bed days (sum of squared stays S) scaled to the estimate, X_B^2 S / c_B^2 (= S unweighted), so the
    effective count is c_B^2 / S.  The compound-Poisson covariance of the two totals is X_A X_B / c_A
    (= bed days unweighted); a given covariance is kept; elsewhere the covariance is 0.
    """
    system = full["system"]
    for name in ("admissions", "bed_days"):  # the sample counts, for min_count
        full[f"{name}_events"] = full[f"{name}_sample"]
    for name, given_systems in variance_systems.items():
        given = system.isin(given_systems).to_numpy()
        est, var = full[name].to_numpy(float), full[f"{name}_var"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            effective = np.where(est > 0, est**2 / var, 0.0)
        full[f"{name}_sample"] = np.where(given, effective, full[f"{name}_sample"].to_numpy(float))
    sq = system.isin(squared_systems).to_numpy()
    c_a, c_b = full["admissions_sample"].to_numpy(float), full["bed_days_sample"].to_numpy(float)
    s = full["bed_days_sq"].to_numpy(float)
    compound = system.map(covariance_sources).eq("compound").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(s > 0, c_b**2 / s, 0.0)
        cov = np.where(c_a > 0, full["admissions"].to_numpy(float) * full["bed_days"].to_numpy(float) / c_a, 0.0)
    full["covariance"] = np.where(compound, cov, np.where(system.map(covariance_sources).eq("given"),
                                                          full["covariance"].to_numpy(float), 0.0))
    full["bed_days_sample"] = np.where(sq, effective, c_b)


def _person_frequencies(data: pd.DataFrame, full: pd.DataFrame, column: str, *, by: str,
                        keys: list[str]) -> pd.DataFrame:
    """Persons by number of admissions f per stratum, from one row per person and stratum.

    f of a person in the "all selected" total is the sum of their admissions over the selected causes, so a
    person admitted for two causes counts once, with both admissions (the exact repeat-events total).
    """
    require_columns(data, [column], argument="data")
    check_no_missing(data, [column])
    check_integer_valued(data, ["admissions"], hint="With person=, each row counts one person's admissions.")
    cells = ["system", *keys]
    per = data.groupby([*cells, by, column], sort=False, observed=True)["admissions_sample"].sum().reset_index()
    total = per.groupby([*cells, column], sort=False, observed=True)["admissions_sample"].sum().reset_index()
    total[by] = ALL_SELECTED
    per = pd.concat([per, total[per.columns]], ignore_index=True)
    per = per[per["admissions_sample"] > 0]
    rows = per.groupby(["system", by, *keys, "admissions_sample"], sort=False, observed=True).size()
    rows = rows.rename("persons").reset_index().rename(columns={"admissions_sample": "event_frequency"})
    base = full[["system", by, *keys, "stratum", "population"]]
    out = base.merge(rows, on=["system", by, *keys], how="left")
    out["event_frequency"] = out["event_frequency"].fillna(1)
    out["persons"] = out["persons"].fillna(0.0).astype(float)
    return out[["system", by, "stratum", "event_frequency", "persons", "population"]]


def _frequencies(data: pd.DataFrame, full: pd.DataFrame, column: str, *, by: str, keys: list[str]
                 ) -> pd.DataFrame:
    """Persons by number of admissions f per stratum (for the repeat-events variance of dsr)."""
    require_columns(data, [column, "persons"], argument="data")
    check_no_missing(data, [column, "persons"])
    check_non_negative(data, [column, "persons"])
    check_integer_valued(data, [column, "persons"])
    implied = (data[column].astype(float) * data["persons"].astype(float)).groupby(
        [data["system"], data[by], *[data[k] for k in keys]], sort=False, observed=True).sum()
    given = data.groupby(["system", by, *keys], sort=False, observed=True)["admissions_sample"].sum()
    bad = (implied - given.reindex(implied.index)).abs() > 1e-9 * np.maximum(1.0, given.reindex(implied.index))
    if bad.any():
        ex = implied.index[bad.to_numpy()][0]
        raise row_problem("admissions", f"equal to {column} x persons summed over the frequency rows of a stratum",
                          int(bad.sum()), ex)
    rows = data.groupby(["system", by, *keys, column], sort=False, observed=True)["persons"].sum().reset_index()
    total = rows.groupby(["system", *keys, column], sort=False, observed=True)["persons"].sum().reset_index()
    total[by] = ALL_SELECTED
    rows = pd.concat([rows, total[rows.columns]], ignore_index=True)
    base = full[["system", by, *keys, "stratum", "population"]]
    out = base.merge(rows, on=["system", by, *keys], how="left")
    out[column] = out[column].fillna(1)
    out["persons"] = out["persons"].fillna(0.0)
    out = out.rename(columns={column: "event_frequency"})
    return out[["system", by, "stratum", "event_frequency", "persons", "population"]]
