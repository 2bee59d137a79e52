"""England: HES admitted patient care tables (NHS Digital) and ONS mid-year populations.

Licence: Open Government Licence v3.0.  Attribution: "Source: Hospital Episode Statistics (HES), NHS
Digital" and "Source: Office for National Statistics".  Provenance of every file: ``data/SOURCES.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .._checks import as_pandas, check_choice, require_columns
from .._paths import data_path
from ..errors import InvalidArgumentError, UnknownNameError
from ..refdata import reband

__all__ = [
    "hes_primary_diagnosis",
    "hes_primary_diagnosis_totals",
    "hes_summary_groups",
    "hes_los_by_provider_age_2017",
    "england_population",
    "england_population_totals",
    "HES_COUNT_COLUMNS",
    "HES_AGE_COLUMNS",
]

_HES_YEARS = ("2000-01", "2001-02")
_LEVELS = ("4char", "3char", "chapter")
#: the HES age columns (FCEs by age group at the start of the episode) and the HES band label of each
HES_AGE_COLUMNS = {"age_0_14": "0-14", "age_15_59": "15-59", "age_60_74": "60-74", "age_75_plus": "75+"}
#: additive count columns of the primary-diagnosis tables (summed in roll-ups; blanks count as 0)
HES_COUNT_COLUMNS = ["fce", "fae", "male_fce", "emergency", "waiting_list", *HES_AGE_COLUMNS, "day_case",
                     "bed_days"]
_CHAPTER_KEYS = ["year", "icd10_chapter", "chapter_range", "chapter_name"]


def hes_primary_diagnosis(year: str = "2000-01", level: str = "4char") -> pd.DataFrame:
    """HES admitted patient care by primary diagnosis, England, NHS hospitals (ungrossed).

    Parameters
    ----------
    year : {"2000-01", "2001-02"}
        Financial year (1 April to 31 March).  2000-01 is the year Ham et al (BMJ 2003) used.
    level : {"4char", "3char", "chapter"}
        ICD-10 4-character codes (HES "Table 16 Primary diagnosis - 4 character"), their 3-character
        roll-up, or the ICD-10 chapter roll-up.

    Returns
    -------
    pandas.DataFrame
        One row per code (or chapter), without the published "Total" row (see
        :func:`hes_primary_diagnosis_totals`).  4char columns: ``year, code4, code3, description, fce, fae,
        male_fce, emergency, waiting_list, mean_wait_days, median_wait_days, mean_los_days, median_los_days,
        mean_age, age_0_14, age_15_59, age_60_74, age_75_plus, day_case, bed_days, icd10_chapter,
        chapter_range, chapter_name``.  3char: ``year, code3``, the chapter columns, the count columns,
        ``n_4char_rows, fce_weighted_mean_los_days``.  chapter: ``year, icd10_chapter, chapter_range,
        chapter_name`` and the count columns ``fce, fae, male_fce, emergency, waiting_list, age_0_14,
        age_15_59, age_60_74, age_75_plus, day_case, bed_days``.  Counts are float64 because the published
        tables have blank cells (NaN in the 4char table).

    Notes
    -----
    ``fce`` = finished consultant episodes, ``fae`` = finished admission episodes (admissions).  The age
    columns count **FCEs** (not admissions) by age at the start of the episode; FCEs of unknown age are in
    ``fce`` but in no age column, so the age columns sum to less than ``fce``.  Roll-ups sum the count
    columns over 4-character rows with blanks counted as 0; the 3char ``fce_weighted_mean_los_days`` is
    an FCE-weighted mean of 4-character means (an approximation).  The 2001-02 chapter table is not
    bundled as a file; it is rolled up here from the 4-character table in exactly the way the bundled
    2000-01 chapter file was (a test checks that this reproduces the 2000-01 file).  Sizes: 4char 8,272
    (2000-01) and 8,239 (2001-02) rows; 3char 1,621 and 1,614; chapter 20.

    Source: NHS Digital, Hospital Episode Statistics, Admitted Patient Care, England 2000-01 and 2001-02,
    primary diagnosis tables.  Licence: Open Government Licence v3.0 ("Source: Hospital Episode Statistics
    (HES), NHS Digital").
    """
    check_choice(year, _HES_YEARS, argument="year")
    check_choice(level, _LEVELS, argument="level")
    if level == "chapter" and year != "2000-01":
        return hes_chapter_rollup(hes_primary_diagnosis(year, "4char"))
    return pd.read_csv(data_path("england", f"hes_{year}_primary_diagnosis_{level}.csv"))


def hes_chapter_rollup(table: pd.DataFrame) -> pd.DataFrame:
    """Roll a HES 4char (or 3char) primary-diagnosis table up to ICD-10 chapters (counts summed, blanks 0)."""
    table = as_pandas(table, argument="table")
    require_columns(table, [*_CHAPTER_KEYS, *HES_COUNT_COLUMNS], argument="table")
    return (table.groupby(_CHAPTER_KEYS, sort=False, observed=True)[HES_COUNT_COLUMNS].sum(min_count=0)
            .reset_index())


def hes_primary_diagnosis_totals() -> pd.DataFrame:
    """Sum of rows against the published Total row of the HES primary-diagnosis tables, by year.

    Returns
    -------
    pandas.DataFrame
        One row per year (1998-99 to 2001-02): ``year, rows_4char, codes_3char, unmapped_chapter_rows`` and,
        for each count column, ``<column>_sum`` (sum of the 4-character rows) and ``<column>_total_row`` (the
        published Total row), plus ``headers`` (the workbook's column headings).

    Notes
    -----
    2000-01: FCE Total row 12,264,677 vs rows 12,264,618; FAE 11,116,161 vs 11,116,105; the Total row's bed
    days (50,446,289) are 1.2% below the sum of rows (51,054,523).  kpcompare computes from the rows and
    reports the Total-row gap.  Source: NHS Digital, HES (as :func:`hes_primary_diagnosis`); OGL v3.0.
    """
    return pd.read_csv(data_path("england", "hes_4char_totals_check.csv"))


def hes_summary_groups(*, year: str | None = None) -> pd.DataFrame:
    """HES primary diagnosis summary groups (e.g. "A00-A09"), England, 2000-01 and 2017-18.

    Parameters
    ----------
    year : {"2000-01", "2017-18"}, optional
        Keep one year (default both).

    Returns
    -------
    pandas.DataFrame
        Columns ``year, diagnosis_group, description, fce, fae, emergency, waiting_list, planned, male_fce,
        female_fce, mean_age, mean_los, median_los, icd_chapter``; 147 rows for 2000-01 and 148 for 2017-18.
        No ages or bed days.

    Notes
    -----
    2017-18 published totals: FCE 20,030,870, FAE 16,622,939, emergency 6,100,310.  For 2000-01, 138 of
    146 groups agree exactly with the 4-character table.  Source: NHS Digital, HES Admitted Patient Care,
    primary diagnosis summary; licence OGL v3.0.
    """
    table = pd.read_csv(data_path("england", "hes_summary_primary_diagnosis_groups_2000-01_and_2017-18.csv"))
    if year is not None:
        check_choice(year, sorted(table["year"].unique()), argument="year")
        table = table[table["year"] == year].reset_index(drop=True)
    return table


def hes_los_by_provider_age_2017() -> pd.DataFrame:
    """Ordinary episodes and length of stay by provider and 10-year age band, England 2017-18.

    Returns
    -------
    pandas.DataFrame
        4,686 rows (426 providers x 11 age bands incl. "Unknown"): ``provider_code, provider_name,
        total_ordinary_episodes, age_band, age_lo, age_hi`` (Int64; missing for "90+"'s upper limit and for
        "Unknown"), ``ordinary_episodes, mean_los_days, median_los_days, ordinary_episodes_suppressed``.

    Notes
    -----
    Ordinary = not day cases.  Disclosure-controlled as published: counts of 1-7 were shown as "*" (stored
    missing, ``ordinary_episodes_suppressed`` True) and other counts rounded to the nearest 5; so the cells
    sum to less than the providers' totals (12,905,240).  Source: NHS Digital data request 10641 (published
    15 April 2019); licence OGL v3.0.
    """
    table = pd.read_csv(data_path("england", "hes_2017-18_ordinary_episodes_los_by_provider_age_tidy.csv"))
    table["age_lo"] = table["age_lo"].astype("Int64")
    table["age_hi"] = table["age_hi"].astype("Int64")
    return table


def _years(year: int | Sequence[int] | None, available: Sequence[int]) -> list[int] | None:
    if year is None:
        return None
    years = [year] if isinstance(year, (int, str)) or not isinstance(year, Sequence) else list(year)
    try:
        years = [int(y) for y in years]
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"argument 'year': expected a year such as 2000, got {year!r}.") from None
    unknown = [y for y in years if y not in set(available)]
    if unknown:
        raise UnknownNameError(
            f"argument 'year': no population for {unknown!r}; available years {min(available)}-{max(available)}."
        )
    return years


def england_population(*, year: int | Sequence[int] | None = None, bands: Any = "single") -> pd.DataFrame:
    """ONS mid-year population estimates for England by age and sex.

    Parameters
    ----------
    year : int or sequence of int, optional
        Mid-year(s), 1971-2018 (default all).  The HES financial year 2000-01 (April 2000 - March 2001) is
        best matched by mid-2000 (30 June 2000).
    bands : {"single", "5yr", "hes"} or any band specification
        ``"single"``: single years 0 ... 89 and 90+; ``"5yr"``: 0-4 ... 85-89, 90+ (the ESP 2013 19-band
        layout); ``"hes"``: 0-14, 15-59, 60-74, 75+; or anything :func:`kpcompare.band_table` accepts whose
        limits fall on single years with a top band starting at or below 90.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, sex`` ("M"/"F"), ``age_band, age_lo, age_hi`` (Int64, missing for the open band),
        ``population`` (int64), sorted by year, sex and age.

    Notes
    -----
    Read from the single-year file (48 years x 2 sexes x 91 ages = 8,736 rows returned); persons ("T") and
    "All ages" rows of the file are not returned (sum the rows).  Grouped bands are summed with
    :func:`kpcompare.reband`; they equal the bundled grouped ONS tables for 2000, 2001 and 2017 (tested).
    Totals: mid-2000 49,233,311; mid-2001 49,449,746; mid-2017 55,619,430.

    Source: Office for National Statistics, mid-year population estimates, England (release MYE11, June
    2019; the pre-Census-2021 series).  Licence: OGL v3.0 ("Source: Office for National Statistics").
    """
    raw = pd.read_csv(data_path("england", "england_mid_year_population_single_year_by_sex_1971_2018.csv"),
                      dtype={"age_label": str})
    raw = raw[raw["sex"].isin(["M", "F"]) & raw["age"].notna()]
    years = _years(year, sorted(raw["year"].unique()))
    if years is not None:
        raw = raw[raw["year"].isin(years)]
    labels = raw["age_label"].astype(str)
    single = pd.DataFrame({
        "year": raw["year"].astype("int64").to_numpy(),
        "sex": raw["sex"].astype(str).to_numpy(),
        "age_band": labels.to_numpy(),
        "age_lo": raw["age"].astype("int64").to_numpy(),
        "age_hi": pd.array([pd.NA if lab.endswith("+") else int(a) for lab, a in zip(labels, raw["age"])],
                           dtype="Int64"),
        "population": raw["population"].astype("int64").to_numpy(),
    })
    single = single.sort_values(["year", "sex", "age_lo"], kind="stable").reset_index(drop=True)
    if isinstance(bands, str) and bands == "single":
        return single
    target = list(range(0, 95, 5)) if isinstance(bands, str) and bands == "5yr" else bands
    return reband(single, bands=target, by=["year", "sex"])


def england_population_totals() -> pd.DataFrame:
    """ONS published mid-year totals for England, 1971-2018 (Table 10): ``year, persons, males, females``.

    Source: Office for National Statistics, mid-year population estimates, Table 10; licence OGL v3.0.
    48 rows.
    """
    return pd.read_csv(data_path("england", "england_mid_year_population_totals_by_sex_1971_2018_table10.csv"))
