"""United States: NHDS 2010 discharge microdata (CDC/NCHS) and Census Bureau populations.

Licence: US-government works, public domain.  Provenance of every file: ``data/SOURCES.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._checks import check_choice
from .._paths import data_path

__all__ = ["nhds2010", "nhds2010_path", "nhds2010_by_age_sex", "us_population", "us_census2000_population"]

_NHDS_FILE = ("us", "nhds2010_us_hospital_discharges_microdata.csv.gz")
_CODE_COLUMNS = [*(f"dx{i:02d}" for i in range(1, 16)), *(f"pc{i:02d}" for i in range(1, 9)), "dx_adm"]
_US_FILES = {
    "single": "us_2010_population_single_year_by_sex.csv",
    "5yr": "us_2010_population_5yr_18groups_by_sex.csv",
    "19groups": "us_2010_population_19groups_by_sex.csv",
}
_US_SERIES = ("census_2010_apr1", "estimates_base_2010_apr1", "estimate_2010_jul1_v2019")


def nhds2010_path() -> Path:
    """Path of the bundled NHDS 2010 public-use file (gzip-compressed CSV, 151,551 rows, 45 columns)."""
    return data_path(*_NHDS_FILE)


def nhds2010() -> pd.DataFrame:
    """US National Hospital Discharge Survey 2010 public-use microdata, as bundled (raw).

    Returns
    -------
    pandas.DataFrame
        151,551 sampled discharges from US non-federal short-stay hospitals (all payers), 45 columns:
        ``id, newborn, age_unit, age, sex, race, marital_status, dc_month, dc_status, care_days, dc_same_day,
        region, n_beds, hospital_ownership, weighting, dx01 ... dx15, pc01 ... pc08, payor_primary,
        payor_secondary, DRG, adm_type, adm_origin, dx_adm, age_years``.  Diagnosis and procedure codes
        (ICD-9-CM, without dots) are read as strings so leading zeros survive; missing codes are NaN.

    Notes
    -----
    Raw values are kept: ``sex`` is "male"/"female" here (the ``"nhds"`` mapping of
    :func:`kpcompare.read_episodes` recodes it to "M"/"F"); ``age`` is in ``age_unit`` (days, months or
    years) and ``age_years`` is the age in completed years; ``care_days`` counts a same-day stay as 1;
    ``weighting`` is the survey weight to national estimates.  Check: excluding newborns, weighted
    discharges 35,078,560, days of care 167,773,626, average stay 4.78 days; CDC published 35.1 million,
    167.7 million and 4.8 days for 2010 (National Hospital Discharge Survey: 2010 table, NCHS).

    Source: CDC/NCHS National Hospital Discharge Survey 2010 public-use file, parsed from CDC's fixed-width
    file by the R package nhds (jackwasey/nhds).  Licence: US-government work, public domain.  Size: 6.5 MB
    compressed; 151,551 rows.
    """
    return pd.read_csv(nhds2010_path(), dtype={c: str for c in _CODE_COLUMNS}, low_memory=False)


def nhds2010_by_age_sex() -> pd.DataFrame:
    """Weighted NHDS 2010 discharges and days of care by 19 age groups and sex (a check table, 38 rows).

    Columns ``age_band, age_lo, age_hi`` (Int64), ``sex`` ("M"/"F"), ``records, weighted_discharges,
    weighted_days_of_care, alos``.  Derived from the microdata (all discharges, newborns included); source
    and licence as :func:`nhds2010`.
    """
    table = pd.read_csv(data_path("us", "nhds2010_us_discharges_days_by_age_sex.csv"), dtype={"age_band": str})
    table["sex"] = table["sex"].map({"male": "M", "female": "F"}).fillna(table["sex"])
    table["age_lo"] = table["age_lo"].astype("Int64")
    table["age_hi"] = table["age_hi"].astype("Int64")
    return table


def _tidy(raw: pd.DataFrame, *, label: str, value: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "sex": raw["sex"].astype(str),
        "age_band": raw[label].astype(str),
        "age_lo": raw["age_lo"].astype("int64"),
        "age_hi": raw["age_hi"].astype("Int64"),
        "population": raw[value].astype("int64"),
    })
    return out.sort_values(["sex", "age_lo"], kind="stable").reset_index(drop=True)


def us_population(*, bands: str = "single", series: str = "census_2010_apr1") -> pd.DataFrame:
    """US resident population 2010 by age and sex (Census Bureau).

    Parameters
    ----------
    bands : {"single", "5yr", "19groups"}
        Single years 0 ... 99 and 100+; 5-year groups 0-4 ... 80-84, 85+ (18 groups); or the 19 groups
        0, 1-4, 5-9 ... 80-84, 85+ of the US 2000 standard population.
    series : {"census_2010_apr1", "estimates_base_2010_apr1", "estimate_2010_jul1_v2019"}
        The 2010 Census count (1 April), the estimates base, or the 1 July 2010 estimate (vintage 2019).

    Returns
    -------
    pandas.DataFrame
        Columns ``sex`` ("M"/"F"), ``age_band, age_lo, age_hi`` (Int64, missing for the open band),
        ``population`` (int64): 202, 36 or 38 rows.

    Notes
    -----
    Totals: census 308,745,538; estimates base 308,758,105; 1 July 2010 estimate 309,321,666.  All 42
    five-year x sex cells match Census Brief C2010BR-03 Table 2.  Source: US Census Bureau,
    NC-EST2019-AGESEX-RES.  Licence: US-government work, public domain.
    """
    check_choice(bands, list(_US_FILES), argument="bands")
    check_choice(series, _US_SERIES, argument="series")
    raw = pd.read_csv(data_path("us", _US_FILES[bands]), dtype={"age_band": str, "age_label": str})
    if bands == "single":
        raw = raw.assign(age_lo=raw["age"], age_hi=raw["age"].where(~raw["age_label"].str.endswith("+")))
        return _tidy(raw, label="age_label", value=series)
    return _tidy(raw, label="age_band", value=series)


def us_census2000_population() -> pd.DataFrame:
    """US Census 2000 enumerated population by 5-year age group and sex (36 rows).

    Columns ``sex`` ("M"/"F"), ``age_band`` (0-4 ... 80-84, 85+), ``age_lo, age_hi`` (Int64),
    ``population``; total 281,421,906.  This is the census count, **not** the US 2000 standard population
    (a projection; see :func:`kpcompare.standard_population`).  Source: US Census Bureau, Census 2000,
    PHC-T-09.  Licence: US-government work, public domain.
    """
    raw = pd.read_csv(data_path("us", "us_census2000_population_by_age_sex_18groups.csv"),
                      dtype={"age_band_label": str})
    return _tidy(raw, label="age_band_label", value="weight")
