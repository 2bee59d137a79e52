"""Bundled real datasets: row counts and the totals published by their sources.

Reference figures (data/SOURCES.md):
- HES 2000-01 primary diagnosis, NHS Digital: the 4-character rows sum to 12,264,618 FCEs; the workbook's Total
  row says 12,264,677 FCEs and 11,116,161 FAEs (hes_4char_totals_check.csv, transcribed from the workbook).
- ONS mid-year estimates, England (MYE11): mid-2000 49,233,311; mid-2001 49,449,746; mid-2017 55,619,430.
- US Census 2010 (NC-EST2019-AGESEX-RES / Census Brief C2010BR-03): 308,745,538; 1 July 2010 estimate
  309,321,666.  Census 2000 (PHC-T-09): 281,421,906.
- NHDS 2010 public-use file (CDC/NCHS): 151,551 records; excluding newborns CDC published 35.1 million
  discharges, 167.7 million days of care, average stay 4.8 days.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare import datasets
import kpcompare.errors
from kpcompare.errors import UnknownNameError


@pytest.fixture(scope="module")
def nhds():
    return datasets.nhds2010()


def test_nhds2010_rows_and_codes(nhds):
    assert nhds.shape == (151_551, 45)
    assert datasets.nhds2010_path().name == "nhds2010_us_hospital_discharges_microdata.csv.gz"
    # ICD-9-CM codes keep their leading zeros (e.g. V-codes and 0xx codes are strings)
    assert nhds["dx01"].map(type).eq(str).all()
    assert nhds["dx01"].str.startswith("0").any()


def test_nhds2010_cdc_published_totals(nhds):
    # CDC/NCHS, National Hospital Discharge Survey 2010: 35.1 million discharges (newborns excluded),
    # 167.7 million days of care, average length of stay 4.8 days
    adults = nhds[~nhds["newborn"]]
    discharges = adults["weighting"].sum()
    days = (adults["weighting"] * adults["care_days"]).sum()
    assert round(discharges / 1e6, 1) == 35.1
    assert days / 1e6 == pytest.approx(167.7, abs=0.1)
    assert round(days / discharges, 1) == 4.8


def test_hes_2000_01_fce_totals():
    table = datasets.hes_primary_diagnosis(year="2000-01", level="4char")
    assert len(table) == 8272
    assert table["fce"].sum() == 12_264_618  # sum of rows (NHS Digital workbook)
    totals = datasets.hes_primary_diagnosis_totals().set_index("year").loc["2000-01"]
    assert totals["fce_total_row"] == 12_264_677  # published Total row
    assert totals["fae_total_row"] == 11_116_161
    assert totals["fce_sum"] == table["fce"].sum()


@pytest.mark.parametrize("level, rows", [("3char", 1621), ("chapter", 20)])
def test_hes_rollups_keep_the_fce_total(level, rows):
    table = datasets.hes_primary_diagnosis(year="2000-01", level=level)
    assert len(table) == rows
    assert table["fce"].sum() == 12_264_618


def test_hes_2001_02_chapter_rollup_reproduces_the_bundled_2000_01_chapter_file():
    from kpcompare.datasets.england import hes_chapter_rollup

    bundled = datasets.hes_primary_diagnosis(year="2000-01", level="chapter")
    rolled = hes_chapter_rollup(datasets.hes_primary_diagnosis(year="2000-01", level="4char"))
    pd.testing.assert_frame_equal(rolled, bundled[rolled.columns.tolist()], check_exact=False, rtol=1e-12)
    chapters_2001 = datasets.hes_primary_diagnosis(year="2001-02", level="chapter")
    assert len(chapters_2001) == 20
    assert chapters_2001["fce"].sum() == datasets.hes_primary_diagnosis(year="2001-02", level="4char")["fce"].sum()


def test_hes_unknown_year_lists_choices():
    with pytest.raises(UnknownNameError, match=r"argument 'year': unknown value '2017-18'; choose one of "
                                               r"'2000-01', '2001-02'"):
        datasets.hes_primary_diagnosis(year="2017-18")


def test_hes_summary_groups():
    table = datasets.hes_summary_groups(year="2017-18")
    assert len(table) == 148
    assert len(datasets.hes_summary_groups()) == 295


def test_hes_los_by_provider_age_2017():
    table = datasets.hes_los_by_provider_age_2017()
    assert table["provider_code"].nunique() == 426
    # published provider totals (disclosure-controlled), NHS Digital request 10641
    assert table.groupby("provider_code")["total_ordinary_episodes"].first().sum() == 12_905_240


@pytest.mark.parametrize("year, total", [(2000, 49_233_311), (2001, 49_449_746), (2017, 55_619_430)])
@pytest.mark.parametrize("bands", ["single", "5yr", "hes"])
def test_england_population_totals(year, total, bands):
    pop = datasets.england_population(year=year, bands=bands)
    assert pop["population"].sum() == total
    assert set(pop["sex"]) == {"M", "F"}
    assert list(pop.columns) == ["year", "sex", "age_band", "age_lo", "age_hi", "population"]


def test_england_population_matches_published_table10():
    pop = datasets.england_population().groupby("year")["population"].sum()
    table10 = datasets.england_population_totals().set_index("year")["persons"]
    assert (pop == table10.reindex(pop.index)).all()


@pytest.mark.parametrize("bands, file", [
    ("5yr", "england_mid_year_population_5yr_by_sex_2000_2001_2017.csv"),
    ("hes", "england_mid_year_population_hes_bands_by_sex_2000_2001_2017.csv"),
])
def test_england_grouped_bands_equal_the_bundled_ons_grouped_tables(bands, file):
    from kpcompare._paths import data_path

    ons = pd.read_csv(data_path("england", file)).sort_values(["year", "sex", "age_lo"]).reset_index(drop=True)
    ours = datasets.england_population(year=[2000, 2001, 2017], bands=bands)
    assert ours["age_band"].tolist() == ons["age_band"].tolist()
    assert ours["population"].tolist() == ons["population"].tolist()


def test_england_population_unknown_year():
    with pytest.raises(UnknownNameError, match=r"argument 'year': no population for \[1950\]; "
                                               r"available years 1971-2018"):
        datasets.england_population(year=1950)


@pytest.mark.parametrize("bands, rows", [("single", 202), ("5yr", 36), ("19groups", 38)])
def test_us_population_census_2010(bands, rows):
    pop = datasets.us_population(bands=bands)
    assert len(pop) == rows
    assert pop["population"].sum() == 308_745_538  # Census 2010, 1 April
    assert datasets.us_population(bands=bands, series="estimate_2010_jul1_v2019")["population"].sum() == 309_321_666


def test_us_census2000_population():
    pop = datasets.us_census2000_population()
    assert pop["population"].sum() == 281_421_906  # Census 2000, PHC-T-09
    assert set(pop["sex"]) == {"M", "F"}


def test_published_tables():
    ham = datasets.published("ham2003_headline_ratios")
    # Ham et al BMJ 2003 abstract: NHS bed days 3.5 times Kaiser's standardised rate
    assert "3.5" in ham["ratio_numeric"].tolist()  # kept as text: the column also holds "4-6"
    assert len(datasets.published("feachem2002_cost_adjustments")) == 10


def test_published_unknown_name_lists_names():
    with pytest.raises(UnknownNameError, match=r"no published table 'ham2004'; available: "
                                               r"feachem2002_cost_adjustments, "):
        datasets.published("ham2004")


def test_list_datasets_manifest():
    listing = datasets.list_datasets()
    assert list(listing.columns) == ["name", "description", "source", "licence", "files"]
    # every listed loader exists, and every bundled data file is listed by some loader
    for name in listing["name"]:
        assert callable(getattr(datasets, name))
    from kpcompare._paths import data_dir

    listed = {f.strip() for files in listing["files"] for f in files.split(";")}
    for folder in ("england", "us", "published"):
        for path in data_dir().joinpath(folder).glob("*.csv*"):
            rel = f"{folder}/{path.name}"
            if rel in {"england/england_mid_year_population_5yr_by_sex_2000_2001_2017.csv",
                       "england/england_mid_year_population_hes_bands_by_sex_2000_2001_2017.csv",
                       "england/hes_2000-01_crosscheck_summary_groups_vs_4char.csv",
                       "us/us_2010_population_checks.csv"}:
                continue  # check tables, used by the tests only
            assert rel in listed, rel


def test_hes_unknown_level():
    with pytest.raises(UnknownNameError, match=r"argument 'level': unknown value '5char'; choose one of '4char', "
                                               r"'3char', 'chapter'"):
        datasets.hes_primary_diagnosis(level="5char")


def test_england_population_bad_year_type():
    from kpcompare.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match=r"argument 'year': expected a year such as 2000, got 'mid-2000'"):
        datasets.england_population(year="mid-2000")


def test_england_population_any_band_spec():
    pop = datasets.england_population(year=2000, bands=[0, 65, 85])
    assert pop["age_band"].unique().tolist() == ["0-64", "65-84", "85+"]
    assert pop["population"].sum() == 49_233_311


def test_us_population_unknown_series():
    with pytest.raises(UnknownNameError, match=r"argument 'series': unknown value 'census_2020'"):
        datasets.us_population(series="census_2020")


@pytest.mark.parametrize("table, error", [(None, "InvalidArgumentError"), ("x", "InvalidArgumentError"),
                                          (pd.DataFrame({"a": [1]}), "MissingColumnError")])
def test_hes_chapter_rollup_checks_its_table(table, error):
    """Issue 17: None / text were an AttributeError, a table without the keys a bare KeyError."""
    from kpcompare.datasets.england import hes_chapter_rollup

    with pytest.raises(getattr(kpcompare.errors, error), match=r"table"):
        hes_chapter_rollup(table)
