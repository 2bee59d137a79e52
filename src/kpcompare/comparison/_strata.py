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
    check_integer_valued,
    check_no_missing,
    check_non_negative,
    require_columns,
)
from ..refdata.bands import parse_band_labels, reband
from ..errors import (
    BandMismatchError,
    DuplicateKeyError,
    InvalidArgumentError,
    MissingStratumError,
    UnknownNameError,
    row_problem,
)

__all__ = ["ALL_SELECTED", "Prepared", "prepare", "strata_frame"]

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
    return as_pandas(strata, argument="strata")


def _select_bands(labels: Sequence[str], age_range: tuple[Any, Any] | None, *,
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


def _span(labels: Sequence[str]) -> tuple[int, int | None]:
    """The ages covered by a set of band labels, as an (lowest, highest or None) pair."""
    bounds = parse_band_labels(labels)
    hi = bounds["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf).max()
    return int(bounds["age_lo"].min()), None if np.isinf(hi) else int(hi)


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


def _resolve_standard(standard: Any, pop: pd.DataFrame, systems_in_pop: list[Any],
                      keys: list[str]) -> tuple[pd.DataFrame, str]:
    """Standard as a table ``age_band, [sex], population`` plus a label for output notes."""
    if isinstance(standard, str) and standard in set(map(str, systems_in_pop)):
        sub = pop[pop["system"].astype(str) == standard]
        have = [k for k in keys if k in sub.columns]
        table = sub.groupby(have, sort=False, observed=True)["population"].sum().reset_index()
        return table, f"population of {standard}"
    if isinstance(standard, str):
        from .. import refdata  # lazy: refdata is a lower layer, loaded only when a name is given

        try:
            table = refdata.standard_population(standard)
        except UnknownNameError as exc:
            raise UnknownNameError(
                f"argument 'standard': {standard!r} is neither a system in 'population' "
                f"({', '.join(map(repr, map(str, systems_in_pop)))}) nor a registered standard "
                f"population ({exc})."
            ) from None
        return table, standard
    table = as_pandas(standard, argument="standard")
    require_columns(table, ["age_band", "population"], argument="standard")
    return table, "user-supplied standard"


def prepare(strata: Any, *, population: Any, standard: Any, by: str = "condition",
            age_range: tuple[Any, Any] | None = None, levels: Sequence[Any] | None = None,
            systems: Sequence[Any] | None = None, event_frequency: str | None = None,
            person: str | None = None) -> Prepared:
    """Validate and complete a stratum table (see module docstring)."""
    data = strata_frame(strata).copy()
    pop = as_pandas(population, argument="population").copy()
    if not isinstance(by, str):
        raise InvalidArgumentError(f"argument 'by': give one column name, got {by!r}.")
    require_columns(data, ["system", "age_band", by, "admissions", "bed_days"], argument="strata")
    require_columns(pop, ["system", "age_band", "population"], argument="population")
    check_no_missing(data, ["system", "age_band", by])
    check_no_missing(pop, ["system", "age_band", "population"])
    check_non_negative(data, ["admissions", "bed_days"])
    check_non_negative(pop, ["population"])
    data["age_band"] = data["age_band"].astype(str)
    pop["age_band"] = pop["age_band"].astype(str)
    notes: list[str] = []

    use_sex = "sex" in data.columns
    if use_sex:
        require_columns(pop, ["sex"], argument="population")
        check_no_missing(data, ["sex"])
    keys = ["age_band", "sex"] if use_sex else ["age_band"]

    systems_in_pop = list(dict.fromkeys(pop["system"]))
    std, std_label = _resolve_standard(standard, pop, systems_in_pop, keys)
    std = std.copy()
    std["age_band"] = std["age_band"].astype(str)
    if use_sex and "sex" not in std.columns:
        use_sex = False
        keys = ["age_band"]
        notes.append("the standard has no sex split, so strata were summed over sex (age-only standardisation)")
    if "sex" in std.columns and not use_sex:
        std = std.groupby("age_band", sort=False)["population"].sum().reset_index()
    data_bands = _select_bands(data["age_band"].unique(), age_range)
    if not data_bands:
        raise BandMismatchError(f"no age band of 'strata' lies inside age_range {age_range!r}.")
    span = _span(data_bands)
    if "age_lo" in std.columns:  # a registered standard: collapse onto the strata's bands
        target = parse_band_labels(data_bands)
        std = std[std["age_band"].isin(_select_bands(std["age_band"], span, what="the ages of the strata"))]
        std = reband(std[["age_band", "age_lo", "age_hi", "population"]], bands=target)
        std = std[["age_band", "population"]]

    # bands: the standard's bands inside age_range (default: overlapping the strata's ages) define the axis
    std_bands = (_select_bands(std["age_band"].unique(), age_range) if age_range is not None
                 else _select_bands(std["age_band"].unique(), span, strict=False))
    extra = [b for b in data_bands if b not in std_bands]
    if extra:
        raise BandMismatchError(
            f"age band(s) {', '.join(map(repr, extra))} of 'strata' are not bands of the standard "
            f"({std_label}: {', '.join(map(repr, std_bands))}); re-band the strata or the standard "
            "(kpcompare.reband) so the labels agree.",
            extra=extra,
        )
    data = data[data["age_band"].isin(std_bands)]
    std = std[std["age_band"].isin(std_bands)]
    if std["population"].sum() <= 0:
        raise InvalidArgumentError("argument 'standard': the standard population of the selected bands is zero.")

    # systems
    data_systems = list(dict.fromkeys(data["system"]))
    chosen = data_systems if systems is None else list(systems)
    unknown = [s for s in chosen if s not in data_systems]
    if unknown:
        raise UnknownNameError(
            f"system(s) {', '.join(map(repr, unknown))} not found in strata column 'system' "
            f"(systems present: {', '.join(map(repr, data_systems))})."
        )
    data = data[data["system"].isin(chosen)]

    # levels of `by`
    present = list(data[by].cat.categories) if isinstance(data[by].dtype, pd.CategoricalDtype) \
        else list(dict.fromkeys(data[by]))
    if levels is None:
        chosen_levels = [lv for lv in present if lv != "other" and lv != ALL_SELECTED]
    else:
        chosen_levels = as_list(levels) if isinstance(levels, str) else list(levels)
        missing_lv = [lv for lv in chosen_levels if lv not in set(data[by])]
        if missing_lv:
            raise UnknownNameError(
                f"argument 'levels': {', '.join(map(repr, missing_lv))} not found in strata column {by!r}."
            )
    if not chosen_levels:
        raise InvalidArgumentError(f"no levels of {by!r} selected (only 'other' present?).")
    data = data[data[by].isin(chosen_levels)].copy()
    data[by] = data[by].astype(object)

    # population: one row per system x key
    pop = pop[pop["system"].isin(chosen) & pop["age_band"].isin(std_bands)]
    pkeys = ["system", *keys]
    if not use_sex and "sex" in pop.columns:
        pop = pop.groupby(pkeys, sort=False)["population"].sum().reset_index()
    dup = pop.duplicated(pkeys, keep=False).to_numpy()
    if dup.any():
        ex = tuple(pop.loc[dup, pkeys].iloc[0])
        raise DuplicateKeyError(
            f"population: key ({', '.join(pkeys)}) identifies more than one row in {int(dup.sum())} rows "
            f"(e.g. {ex!r}).",
            column="population", rule="one row per stratum", n_rows=int(dup.sum()), example=ex,
        )

    # complete grid
    if use_sex:
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
    grid_pop = grid_pop.drop(columns="_merge")

    # counts: estimates (weighted when available) and sample counts
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
    counts = ["admissions", "bed_days", "admissions_sample", "bed_days_sample", "admissions_var", "bed_days_var",
              "bed_days_sq", "covariance"]
    data[counts] = data[counts].astype(float)
    summed = data.groupby(["system", by, *keys], sort=False, observed=True)[counts].sum().reset_index()

    level_grid = pd.DataFrame({by: pd.Series(chosen_levels, dtype=object)})
    full = grid_pop.merge(level_grid, how="cross").merge(summed, on=["system", by, *keys], how="left")
    full[counts] = full[counts].fillna(0.0)

    total = full.groupby(["system", *keys], sort=False)[counts].sum().reset_index()
    total = total.merge(grid_pop, on=["system", *keys], how="left")
    total[by] = ALL_SELECTED
    full = pd.concat([full, total[full.columns]], ignore_index=True)

    _effective_counts(full, variance_systems, squared_systems, covariance_sources)

    # pseudo-populations for the variance of weighted estimates
    pop_arr = full["population"].to_numpy(float)
    for name in ("admissions", "bed_days"):
        est = full[name].to_numpy(float)
        smp = full[f"{name}_sample"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            pseudo = np.where(est > 0, pop_arr * smp / est, pop_arr)
        full[f"{name}_pop"] = pseudo

    # standard weights
    std_w = std.groupby(keys, sort=False)["population"].sum()
    std_w = (std_w / std_w.sum()).rename("weight").reset_index()
    full = full.merge(std_w, on=keys, how="left")
    full["weight"] = full["weight"].fillna(0.0)
    full["stratum"] = full[keys].astype(str).agg("|".join, axis=1) if use_sex else full["age_band"]

    # ordering
    full["system"] = pd.Categorical(full["system"], categories=chosen, ordered=True)
    full[by] = pd.Categorical(full[by], categories=[*chosen_levels, ALL_SELECTED], ordered=True)
    full = full.sort_values(["system", by, *keys], kind="stable").reset_index(drop=True)
    full["system"] = full["system"].astype(object)
    full[by] = full[by].astype(object)
    freq = None
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
    if event_frequency is not None:
        freq = _frequencies(data, full, event_frequency, by=by, keys=keys, use_sex=use_sex)
    elif person is not None:
        freq = _person_frequencies(data, full, person, by=by, keys=keys)
    admission_notes = None if freq is not None or weighted_systems else _repeat_note(data, by=by, keys=keys)
    return Prepared(table=full, by=by, systems=chosen, levels=[*chosen_levels, ALL_SELECTED], keys=keys,
                    standard_label=std_label, weighted_systems=weighted_systems, notes=notes,
                    variance_systems=variance_systems, squared_systems=squared_systems,
                    covariance_sources=covariance_sources,
                    frequencies=freq, total_by_person=person is not None, admission_notes=admission_notes)


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
    levels = sums.groupby(["system", by], sort=False)[["_p", "admissions_sample", "_repeat"]].agg(
        {"_p": "sum", "admissions_sample": "sum", "_repeat": "any"}).reset_index()
    total = levels.groupby("system", sort=False)[["_p", "admissions_sample", "_repeat"]].agg(
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
    partial = data.assign(_g=given).groupby("system", sort=False)["_g"].agg(["any", "all"])
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
    require_columns(data, [column], argument="strata")
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


def _frequencies(data: pd.DataFrame, full: pd.DataFrame, column: str, *, by: str, keys: list[str],
                 use_sex: bool) -> pd.DataFrame:
    """Persons by number of admissions f per stratum (for the repeat-events variance of dsr)."""
    require_columns(data, [column, "persons"], argument="strata")
    check_no_missing(data, [column, "persons"])
    check_non_negative(data, [column, "persons"])
    check_integer_valued(data, [column, "persons"])
    implied = (data[column].astype(float) * data["persons"].astype(float)).groupby(
        [data["system"], data[by], *[data[k] for k in keys]], sort=False).sum()
    given = data.groupby(["system", by, *keys], sort=False)["admissions_sample"].sum()
    bad = (implied - given.reindex(implied.index)).abs() > 1e-9 * np.maximum(1.0, given.reindex(implied.index))
    if bad.any():
        ex = implied.index[bad.to_numpy()][0]
        raise row_problem("admissions", f"equal to {column} x persons summed over the frequency rows of a stratum",
                          int(bad.sum()), ex)
    rows = data.groupby(["system", by, *keys, column], sort=False)["persons"].sum().reset_index()
    total = rows.groupby(["system", *keys, column], sort=False)["persons"].sum().reset_index()
    total[by] = ALL_SELECTED
    rows = pd.concat([rows, total[rows.columns]], ignore_index=True)
    base = full[["system", by, *keys, "stratum", "population"]]
    out = base.merge(rows, on=["system", by, *keys], how="left")
    out[column] = out[column].fillna(1)
    out["persons"] = out["persons"].fillna(0.0)
    out = out.rename(columns={column: "event_frequency"})
    return out[["system", by, "stratum", "event_frequency", "persons", "population"]]
