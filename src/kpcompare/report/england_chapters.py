"""England's hospital activity by ICD-10 chapter, 2000-01 and 2001-02: crude and standardised rates.

Counts are HES finished consultant episodes (FCEs) by the HES age bands 0-14, 15-59, 60-74, 75+ (the age
columns of the primary-diagnosis tables); denominators are ONS mid-year populations of England (persons);
rates are computed by :func:`kpcompare.crude_rate` and :func:`kpcompare.dsr` and compared between years
with :func:`kpcompare.compare_rates`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..datasets import england_population, hes_primary_diagnosis
from ..datasets.england import HES_AGE_COLUMNS
from ..errors import InvalidArgumentError
from ..rates import compare_rates, crude_rate, dsr
from ..refdata import reband, standard_population

__all__ = ["ChapterRates", "england_chapter_rates", "ALL_CHAPTERS"]

#: label of the all-diagnoses row added to every table
ALL_CHAPTERS = {"icd10_chapter": "All", "chapter_range": "A00-Z99", "chapter_name": "All primary diagnoses"}
_KEYS = ["icd10_chapter", "chapter_range", "chapter_name"]


@dataclass(frozen=True)
class ChapterRates:
    """Result of :func:`england_chapter_rates`; every attribute is a tidy DataFrame.

    Attributes
    ----------
    crude, dsr : DataFrame
        :func:`kpcompare.crude_rate` / :func:`kpcompare.dsr` output by ``year, icd10_chapter,
        chapter_range, chapter_name`` (FCEs of known age per ``multiplier`` population).
    ratios : DataFrame
        :func:`kpcompare.compare_rates` output for both rates, with a leading column ``rate``
        ("crude" or "dsr"): each year against the first year, within each chapter.
    age_gap : DataFrame
        ``year, icd10_chapter, chapter_range, chapter_name, fce, fce_known_age, fce_unknown_age,
        unknown_age_percent``: FCEs that are in no HES age column (unknown age) and so in no rate.
    strata : DataFrame
        The rate input: ``year, icd10_chapter, chapter_range, chapter_name, age_band, fce, population``.
    populations : DataFrame
        ``year, mid_year, age_band, population``: the ONS denominators used (persons).
    standard : DataFrame
        The standard population collapsed onto the HES bands (``age_band, age_lo, age_hi, population``).
    """

    crude: pd.DataFrame
    dsr: pd.DataFrame
    ratios: pd.DataFrame
    age_gap: pd.DataFrame
    strata: pd.DataFrame
    populations: pd.DataFrame
    standard: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (``crude``, ``dsr``, ``ratios``, ``age_gap``, ``strata``, ...)."""
        return {name: getattr(self, name) for name in
                ("crude", "dsr", "ratios", "age_gap", "strata", "populations", "standard")}


def _chapter_counts(years: Sequence[str]) -> pd.DataFrame:
    """HES chapter tables for the years with an all-diagnoses row appended (counts summed)."""
    frames = []
    for year in years:
        table = hes_primary_diagnosis(year=year, level="chapter")
        cols = ["fce", *HES_AGE_COLUMNS]
        table = table.astype({c: "int64" for c in cols})  # whole numbers; roll-ups have no blanks
        total = table[cols].sum().to_frame().T.assign(year=year, **ALL_CHAPTERS)
        frames.append(pd.concat([table[["year", *_KEYS, *cols]], total[["year", *_KEYS, *cols]]],
                                ignore_index=True))
    return pd.concat(frames, ignore_index=True)


def england_chapter_rates(*, years: Sequence[str] = ("2000-01", "2001-02"),
                          mid_years: Mapping[str, int] | None = None, standard: Any = "esp2013",
                          confidence: Any = 0.95, multiplier: float = 100_000) -> ChapterRates:
    """Crude and age-standardised FCE rates by ICD-10 chapter for England, and their change between years.

    Parameters
    ----------
    years : sequence of {"2000-01", "2001-02"}
        HES financial years; the first is the reference of the rate ratios.
    mid_years : mapping, optional
        ONS mid-year estimate used as the denominator of each financial year.  Default: the mid-year in which
        the financial year starts (2000-01 -> mid-2000), i.e. 30 June, three months into the April-March year.
    standard : str or DataFrame
        Standard population (default ESP 2013); collapsed onto the HES bands with :func:`kpcompare.reband`
        (a standard whose bands straddle 15, 60 or 75 raises :class:`~kpcompare.errors.BandMismatchError`).
    confidence : float or sequence of float
        Confidence level(s) of the intervals.
    multiplier : float
        Rates per ``multiplier`` population.

    Returns
    -------
    ChapterRates
        ``crude``, ``dsr``, ``ratios``, ``age_gap``, ``strata``, ``populations``, ``standard`` tables; every
        table has the 20 chapters present in HES plus an "All" row (all primary diagnoses).

    Notes
    -----
    Count: FCEs by age at the start of the episode, from the HES age columns (0-14, 15-59, 60-74, 75+).
    FCEs of unknown age are in no age column; they are left out of both rates (so crude and standardised
    rates share one numerator) and reported in ``age_gap``.  Episodes, not admissions: a patient with
    several episodes (or admissions) counts several times.  Rates are per ``multiplier`` persons, crude
    = Σ FCE / Σ population, standardised = Σ wᵢ FCEᵢ / popᵢ with ESP 2013 weights wᵢ summed into the HES
    bands; intervals: Byar/exact (crude, via ``method="auto"``) and Dobson with Byar limits (standardised),
    ratios by the log method of SAS PROC STDRATE.

    Source: NHS Digital, Hospital Episode Statistics, Admitted Patient Care, England 2000-01 and 2001-02;
    Office for National Statistics, mid-year population estimates (MYE11).  Licence OGL v3.0.

    References
    ----------
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of Poisson
    parameters. Stat Med 1991;10:457-62. doi:10.1002/sim.4780100317.
    Ham C, York N, Sutch S, Shaw R. Hospital bed utilisation in the NHS, Kaiser Permanente, and the US
    Medicare programme: analysis of routine data. BMJ 2003;327:1257. doi:10.1136/bmj.327.7426.1257.

    Validated against: a plain-pandas recomputation of the crude and standardised rates from the raw HES
    and ONS CSV files (tests/report/test_report_england_chapters.py).
    """
    years = [str(y) for y in years]
    chosen = _mid_years(years, mid_years)
    counts = _chapter_counts(years)
    strata, populations = _strata(counts, chosen)

    std = standard_population(standard) if isinstance(standard, str) else standard
    std_hes = reband(std, bands="hes")

    by = ["year", *_KEYS]
    crude = crude_rate(strata, count="fce", population="population", by=by, confidence=confidence,
                       multiplier=multiplier)
    direct = dsr(strata, count="fce", population="population", standard=std_hes, by=by,
                 confidence=confidence, multiplier=multiplier)
    ratios = pd.concat([
        compare_rates(crude, between="year", reference=years[0], confidence=confidence).assign(rate="crude"),
        compare_rates(direct, between="year", reference=years[0], confidence=confidence).assign(rate="dsr"),
    ], ignore_index=True)
    ratios = ratios[["rate", *[c for c in ratios.columns if c != "rate"]]]

    chapters = pd.unique(counts["icd10_chapter"]).tolist()
    return ChapterRates(crude=_chapter_order(crude, chapters, years), dsr=_chapter_order(direct, chapters, years),
                        ratios=_chapter_order(ratios, chapters, years, lead=["rate"]), age_gap=_age_gap(counts),
                        strata=strata, populations=populations, standard=std_hes)


def _mid_years(years: list[str], mid_years: Mapping[str, int] | None) -> dict[str, int]:
    """The ONS mid-year of each financial year: given, or the calendar year in which it starts."""
    if not years or len(set(years)) != len(years):
        raise InvalidArgumentError(f"argument 'years': give distinct financial years, got {years!r}.")
    if mid_years is None:
        return {y: int(y[:4]) for y in years}
    missing = [y for y in years if y not in mid_years]
    if missing:
        raise InvalidArgumentError(f"argument 'mid_years': no mid-year given for {missing!r}.")
    return {y: int(mid_years[y]) for y in years}


def _strata(counts: pd.DataFrame, chosen: Mapping[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rate input (FCEs by year, chapter and HES age band, with their ONS population) and the populations."""
    long = (counts.drop(columns="fce").assign(_row=range(len(counts)))
            .melt(id_vars=["_row", "year", *_KEYS], value_vars=list(HES_AGE_COLUMNS),
                  var_name="age_column", value_name="fce"))
    long["age_band"] = long["age_column"].map(HES_AGE_COLUMNS)
    long["_age"] = long["age_column"].map({c: i for i, c in enumerate(HES_AGE_COLUMNS)})
    long = long.sort_values(["_row", "_age"], kind="stable")

    ons = england_population(year=sorted(set(chosen.values())), bands="hes")
    persons = ons.groupby(["year", "age_band"], sort=False, as_index=False, observed=True)["population"].sum()
    populations = pd.concat(
        [persons[persons["year"] == mid].assign(year=fy, mid_year=mid) for fy, mid in chosen.items()],
        ignore_index=True)[["year", "mid_year", "age_band", "population"]]
    strata = long[["year", *_KEYS, "age_band", "fce"]].merge(
        populations[["year", "age_band", "population"]], on=["year", "age_band"], how="left",
        validate="many_to_one").reset_index(drop=True)
    return strata, populations


def _age_gap(counts: pd.DataFrame) -> pd.DataFrame:
    """FCEs in no HES age column (unknown age), by year and chapter."""
    known = counts[list(HES_AGE_COLUMNS)].sum(axis=1)
    age_gap = counts[["year", *_KEYS, "fce"]].assign(fce_known_age=known, fce_unknown_age=counts["fce"] - known)
    age_gap["unknown_age_percent"] = 100.0 * age_gap["fce_unknown_age"] / age_gap["fce"]
    return age_gap


def _chapter_order(table: pd.DataFrame, chapters: Sequence[str], years: Sequence[str], *,
                   lead: Sequence[str] = ()) -> pd.DataFrame:
    """Sort a result by (lead columns,) chapter in HES order ("All" last), then year."""
    rank = {c: i for i, c in enumerate(chapters)}
    year_rank = {y: i for i, y in enumerate(years)}
    keyed = table.assign(_c=table["icd10_chapter"].map(rank), _y=table["year"].map(year_rank))
    return (keyed.sort_values([*lead, "_c", "_y"], kind="stable").drop(columns=["_c", "_y"])
            .reset_index(drop=True))
