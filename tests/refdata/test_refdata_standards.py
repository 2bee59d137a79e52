"""Standard populations: every registered table, its published total, banding and the registry.

Published totals are those stated by the sources and recorded in data/SOURCES.md:
ESP 2013 (Eurostat 2013, doi:10.2785/11470): 100,000 per table, 1,000,000 in SEER's per-million layout;
ESP 1976 (IARC 1976): 100,000; WHO 2000-2025 (Ahmad et al 2001, GPE Discussion Paper 31): WHO's percentages
sum to 100.035 because of WHO's rounding, SEER's integer version to 1,000,000; Segi 1960: 100,000;
US 2000 standard (Census P25-1130): 274,633,642 persons; NCHS Statistical Note 20: 274,634 thousand and
weights summing to 1.0; SEER 2000 US Std Million: 1,000,000.
Sex-specific standards: England mid-2000 (ONS MYE11, Table 10): 49,233,311 persons = 24,029,935 males +
25,203,376 females; US Census 2010 (April 1; NC-EST2019-AGESEX-RES, Census Brief C2010BR-03): 308,745,538 =
151,781,326 males + 156,964,212 females.
"""

from __future__ import annotations

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import UnknownNameError

PUBLISHED_TOTALS = {
    "esp2013": 100_000,
    "esp2013_21": 100_000,
    "esp2013_seer19": 100_000,
    "esp2013_seer19_million": 1_000_000,
    "esp1976": 100_000,
    "esp1976_18": 100_000,
    "esp1976_seer19_million": 1_000_000,
    "who2000": 1_000_000,
    "who2000_percent": 100.035,
    "who2000_seer19": 1_000_000,
    "who2000_single_ages": 1_000_000,
    "segi1960": 100_000,
    "segi1960_seer19_million": 1_000_000,
    "us2000": 1_000_000,
    "us2000_11": 1.0,
    "us2000_11_thousands": 274_634,
    "us2000_p25_1130": 274_633_642,
    "us2000_11_p25_1130": 274_633_642,
    "us2000_single_ages": 274_633_642,
    "england2000_sex": 49_233_311,
    "us2010_sex": 308_745_538,
}
#: published totals by sex of the sex-specific standards (module docstring)
PUBLISHED_BY_SEX = {"england2000_sex": {"M": 24_029_935, "F": 25_203_376},
                    "us2010_sex": {"M": 151_781_326, "F": 156_964_212}}


def test_every_bundled_file_is_registered():
    listing = kpcompare.list_standard_populations()
    files = {p.name for p in kpcompare._paths.data_dir().joinpath("standard_populations").glob("*.csv")}
    assert set(listing["file"]) == files
    assert set(listing["name"]) == set(PUBLISHED_TOTALS)


@pytest.mark.parametrize("name, total", sorted(PUBLISHED_TOTALS.items()))
def test_total_as_published(name, total):
    table = kpcompare.standard_population(name)
    sexed = name in PUBLISHED_BY_SEX
    assert list(table.columns) == ["age_band", "age_lo", "age_hi", *(["sex"] if sexed else []), "population"]
    assert table["population"].sum() == pytest.approx(total, rel=1e-12)
    assert str(table["age_hi"].dtype) == "Int64"
    # exactly one open band, the last one (of each sex)
    for _, part in (table.groupby("sex") if sexed else [(None, table)]):
        assert part["age_hi"].isna().tolist() == [False] * (len(part) - 1) + [True]


@pytest.mark.parametrize("name", sorted(PUBLISHED_BY_SEX))
def test_sexed_standards_totals_by_sex_and_keys(name):
    table = kpcompare.standard_population(name)
    assert table.groupby("sex")["population"].sum().to_dict() == PUBLISHED_BY_SEX[name]
    assert table.attrs["keys"] == ["age_band", "sex"]
    assert not table.duplicated(["age_band", "sex"]).any()
    listing = kpcompare.list_standard_populations().set_index("name")
    assert listing.loc[name, "keys"] == "age_band, sex"
    assert listing.loc[name, "n_bands"] == 19
    assert listing.loc["esp2013", "keys"] == "age_band"
    # the bands of a sex-specific standard, once each
    assert kpcompare.band_table(name)["age_band"].is_unique


def test_sexed_standards_match_the_bundled_populations():
    # England mid-2000 5-year bands (ONS) and US Census 2010 19 groups, as bundled in data/england and data/us
    eng = kpcompare.standard_population("england2000_sex")
    assert eng.loc[(eng["sex"] == "F") & (eng["age_band"] == "0-4"), "population"].item() == 1_454_768
    assert eng.loc[(eng["sex"] == "M") & (eng["age_band"] == "90+"), "population"].item() == 68_952
    us = kpcompare.standard_population("us2010_sex")
    assert us.loc[(us["sex"] == "F") & (us["age_band"] == "0"), "population"].item() == 1_929_877
    assert us["age_band"].iloc[-1] == "85+"


def test_listing_columns_and_totals():
    listing = kpcompare.list_standard_populations().set_index("name")
    for col in ["edition", "source", "banding", "n_bands", "total"]:
        assert col in listing.columns
    for name, total in PUBLISHED_TOTALS.items():
        assert listing.loc[name, "total"] == pytest.approx(total, rel=1e-12)


def test_esp2013_bands_and_weights():
    # ESP 2013, 19-band layout used by ONS/PHE (PHEindicatormethods::esp2013)
    esp = kpcompare.standard_population("esp2013")
    assert esp["age_band"].tolist() == [
        "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
        "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    assert esp["population"].tolist() == [
        5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
        7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]


def test_named_layouts():
    assert kpcompare.standard_population("esp2013_21")["age_band"].tolist()[:2] == ["0", "1-4"]
    assert kpcompare.standard_population("esp2013_21")["age_band"].iloc[-1] == "95+"
    us = kpcompare.standard_population("us2000")
    assert len(us) == 19 and us["age_band"].iloc[0] == "0" and us["age_band"].iloc[-1] == "85+"
    # SEER 2000 US Std Million, first and last groups (seer.cancer.gov/stdpopulations)
    assert us["population"].iloc[0] == 13818 and us["population"].iloc[-1] == 15508
    nchs = kpcompare.standard_population("us2000_11")
    # NCHS Healthy People 2010 Statistical Note 20, Table 2: weight for age 0 = 0.013818, 85+ = 0.015508
    assert nchs["age_band"].tolist() == ["0", "1-4", "5-14", "15-24", "25-34", "35-44", "45-54", "55-64",
                                         "65-74", "75-84", "85+"]
    assert nchs["population"].iloc[0] == pytest.approx(0.013818)
    assert nchs["population"].iloc[-1] == pytest.approx(0.015508)


def test_standard_population_returns_a_copy():
    a = kpcompare.standard_population("esp2013")
    a.loc[0, "population"] = -1
    assert kpcompare.standard_population("esp2013").loc[0, "population"] == 5000


def test_metadata_in_attrs():
    attrs = kpcompare.standard_population("segi1960").attrs
    assert attrs["name"] == "segi1960" and attrs["edition"] == "1960" and "Segi" in attrs["source"]


def test_unknown_name_lists_the_names():
    with pytest.raises(UnknownNameError, match=r"standard population 'esp2012' is not registered; "
                                               r"registered names: esp2013, esp2013_21"):
        kpcompare.standard_population("esp2012")


def test_keyed_join_by_label_not_position():
    # a table in a different row order joins to the same weights
    esp = kpcompare.standard_population("esp2013")
    shuffled = pd.DataFrame({"age_band": esp["age_band"][::-1].tolist(), "count": range(19)})
    joined = shuffled.merge(esp, on="age_band", how="left", validate="one_to_one")
    assert joined.loc[joined["age_band"] == "90+", "population"].item() == 1000
    assert joined["population"].notna().all()


# --------------------------------------------------------------------------- standard_from_population
def test_standard_from_population_england_mid_2000():
    # ONS mid-2000 England by sex (bundled; Table 10 totals 24,029,935 males and 25,203,376 females): the
    # same numbers as the registered england2000_sex, in the same layout
    from kpcompare.datasets import england_population

    built = kpcompare.standard_from_population(england_population(bands="5yr"), where={"year": 2000})
    assert list(built.columns) == ["age_band", "age_lo", "age_hi", "sex", "population"]
    assert built.groupby("sex")["population"].sum().to_dict() == {"F": 25_203_376, "M": 24_029_935}
    assert built.attrs["keys"] == ["age_band", "sex"]
    registered = kpcompare.standard_population("england2000_sex")
    merged = built.merge(registered, on=["age_band", "sex"], suffixes=("", "_registered"))
    assert len(merged) == 38 and (merged["population"] == merged["population_registered"]).all()


def test_standard_from_population_rebands_and_sums_rows_with_the_same_key():
    pops = pd.DataFrame({"system": ["A", "A", "B", "B", "A"], "year": [2000, 2000, 2000, 2000, 2001],
                         "age": [3, 70, 40, 80, 3], "population": [10.0, 20.0, 30.0, 40.0, 999.0]})
    std = kpcompare.standard_from_population(pops, strata="age", age="age", bands="hes",
                                             where={"year": 2000})
    # by hand: 0-14: 10; 15-59: 30; 60-74: 20; 75+: 40 (systems A and B summed, 2001 filtered out)
    assert std["age"].tolist() == ["0-14", "15-59", "60-74", "75+"]
    assert std["population"].tolist() == [10.0, 30.0, 20.0, 40.0]
    mask = kpcompare.standard_from_population(pops, strata="age", age="age", bands="hes",
                                              where=(pops["year"] == 2000).to_numpy())
    pd.testing.assert_frame_equal(mask, std)


def test_standard_from_population_errors():
    from kpcompare.errors import InvalidArgumentError, InvalidValueError, MissingColumnError

    pops = pd.DataFrame({"age_band": ["0-4", "5+"], "sex": ["F", "F"], "population": [1.0, -2.0]})
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'non-negative and finite' broken by 1 row"):
        kpcompare.standard_from_population(pops)
    with pytest.raises(MissingColumnError, match=r"column\(s\) 'region' not found"):
        kpcompare.standard_from_population(pops, strata=["age_band", "region"])
    with pytest.raises(InvalidValueError, match=r"argument 'where': \{'sex': 'M'\} keeps no row"):
        kpcompare.standard_from_population(pops, where={"sex": "M"})
    with pytest.raises(InvalidArgumentError, match=r"argument 'where': give a mapping"):
        kpcompare.standard_from_population(pops, where="sex == 'F'")
