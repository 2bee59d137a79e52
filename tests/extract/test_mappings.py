"""The registered "hes" mapping: HES APC field names and codings (NHS Digital HES Data Dictionary, APC)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpcompare
from kpcompare.extract import describe_columns, get_mapping, list_mappings

HES = pd.DataFrame({
    "HESID": ["a", "a", "b", "c", "d", "e"],
    "EPIKEY": [1, 2, 3, 4, 5, 6],
    "PROCODE": ["RX1"] * 6,
    "ADMIDATE": ["2001-01-01", "2001-01-01", "1800-01-01", "2001-02-01", "2001-02-01", "2001-02-01"],
    "DISDATE": [None, "2001-01-05", "2001-01-02", "2001-02-01", "2001-02-03", "2001-02-30"],
    "EPISTART": ["2001-01-01", "2001-01-03", "2001-01-01", "2001-02-01", "2001-02-01", "2001-02-01"],
    "EPIEND": ["2001-01-03", "2001-01-05", "2001-01-02", "2001-02-01", "2001-02-03", "2001-02-03"],
    "EPIORDER": [1, 2, 1, 1, 1, 1],
    "EPISTAT": [3, 3, 3, 1, 3, 3],
    "STARTAGE": [7003, 7003, 45, 80, 999, 60],
    "SEX": [1, 1, 2, 2, 9, 0],
    "ADMIMETH": ["21", "21", "11", "81", "2B", "11"],
    "DIAG_4_01": ["J441", "J441", "I64X", "S720", "J45.9", "N390"],
    "DIAG_4_02": ["I10X", None, None, "W19X", None, None],
})


def test_registered_mappings():
    assert list_mappings() == ["canonical", "hes", "nhds"]
    assert get_mapping("hes").coding == "icd10"
    assert set(describe_columns()["column"]) >= {"person_id", "admission_date", "length_of_stay", "weight"}


def test_hes_codings():
    extract = kpcompare.read_episodes(HES, mapping="hes")
    table = extract.to_pandas(["age", "sex", "episode_status", "admission_date", "discharge_date",
                               "primary_diagnosis", "diagnoses"])
    assert table["age"].tolist()[:4] == [0.0, 0.0, 45.0, 80.0]  # STARTAGE 7001-7007: under one year
    assert pd.isna(table["age"].iloc[4])                        # 999: not known
    assert table["sex"].astype(object).tolist()[:4] == ["M", "M", "F", "F"]
    assert table["sex"].isna().tolist()[4:] == [True, True]      # SEX 9 and 0: not known
    assert table["episode_status"].astype(str).tolist()[3] == "unfinished"  # EPISTAT 1
    assert pd.isna(table["admission_date"].iloc[2])              # 1800-01-01 is HES's null date
    assert pd.isna(table["discharge_date"].iloc[5])              # 30 February is invalid
    assert table["primary_diagnosis"].astype(str).tolist()[4] == "J459"
    assert list(table["diagnoses"].iloc[0]) == ["J441", "I10X"]


def test_hes_episodes_and_spells():
    extract = kpcompare.read_episodes(HES, mapping="hes", constants={"system": "NHS England"})
    episodes = kpcompare.aggregate(extract, by=("system",), progress=False)
    # episode unit: EPISTART/EPIEND; rows: a1 a2 b c(unfinished) d e
    assert episodes.strata[["admissions", "bed_days", "episodes"]].values.tolist() == [[4, 2 + 2 + 1 + 2 + 2, 5]]
    assert episodes.exclusions.set_index("reason").loc["unfinished_episode", "rows"] == 1
    spells = kpcompare.aggregate(extract, by=("system",), unit="spell", progress=False)
    table = spells.exclusions.set_index("reason")["rows"]
    assert table["missing_date"] == 1 and table["unfinished_episode"] == 1  # b: ADMIDATE 1800-01-01
    assert spells.strata[["admissions", "bed_days", "episodes", "persons"]].values.tolist() == [[3, 4 + 2 + 2, 4, 3]]


def test_constants_must_name_canonical_columns():
    with pytest.raises(kpcompare.errors.UnknownNameError, match=r"argument 'constants': 'country'"):
        kpcompare.read_episodes(HES, mapping="hes", constants={"country": "England"})


def test_date_of_birth_gives_age_at_admission():
    frame = pd.DataFrame({"date_of_birth": [dt.date(1950, 6, 15), dt.date(1950, 6, 15)],
                          "admission_date": [dt.date(2020, 6, 14), dt.date(2020, 6, 15)]})
    table = kpcompare.read_episodes(frame).to_pandas(["age"])
    assert table["age"].tolist() == [69.0, 70.0]


REGIONS = HES.assign(REGION=["North", "North", "South", None, "South", "North"], SYS=["x"] * 6)


def test_columns_extend_a_registered_mapping():
    """``columns`` adds a field to "hes" (REGION as system) and keeps the rest of the mapping."""
    extract = kpcompare.read_episodes(REGIONS, mapping="hes", columns={"system": "REGION"})
    assert extract.mapping.name == "hes+columns" and extract.coding == "icd10"
    table = extract.to_pandas(["system", "sex", "age"])
    systems = [None if pd.isna(v) else v for v in table["system"]]
    assert systems == ["North", "North", "South", None, "South", "North"]
    assert table["age"].tolist()[:2] == [0.0, 0.0]  # STARTAGE 7003 is still read by the HES converter


def test_columns_replace_a_field_and_extend_the_canonical_mapping():
    extract = kpcompare.read_episodes(REGIONS, mapping="hes", columns={"person_id": "PROCODE"})
    assert extract.to_pandas(["person_id"])["person_id"].unique().tolist() == ["RX1"]
    canonical = pd.DataFrame({"REG": ["x"], "sex": ["F"], "age": [3.0]})
    extract = kpcompare.read_episodes(canonical, columns={"system": "REG"})
    assert extract.columns == ["system", "sex", "age"]


def test_extend_mapping_builds_a_reusable_mapping():
    from kpcompare.extract import extend_mapping

    mapping = extend_mapping("hes", {"system": "REGION"}, name="hes_regions")
    assert mapping.name == "hes_regions" and mapping.fields["system"].sources == ("REGION",)
    assert mapping.fields["age"] is get_mapping("hes").fields["age"]
    assert "system" not in get_mapping("hes").fields  # the registered mapping is unchanged
    same = kpcompare.read_episodes(REGIONS, mapping=mapping).to_pandas(["system"])
    assert same["system"].tolist()[:3] == ["North", "North", "South"]


def test_columns_errors():
    from kpcompare.errors import InvalidArgumentError, MissingColumnError, UnknownNameError

    with pytest.raises(UnknownNameError, match=r"^argument 'columns': 'region' is not a canonical episode column; "
                                               r"choose from 'person_id', 'episode_id'"):
        kpcompare.read_episodes(REGIONS, mapping="hes", columns={"region": "REGION"})
    with pytest.raises(MissingColumnError, match=r"^columns: canonical column 'system' is mapped to source column "
                                                 r"'RGN', which is not in the pandas DataFrame; available columns: "
                                                 r"'HESID', "):
        kpcompare.read_episodes(REGIONS, mapping="hes", columns={"system": "RGN"})
    with pytest.raises(InvalidArgumentError, match=r"^argument 'columns': the source of 'system' must be a column "
                                                   r"name, got 3\.$"):
        kpcompare.read_episodes(REGIONS, mapping="hes", columns={"system": 3})
    with pytest.raises(InvalidArgumentError, match=r"^argument 'columns': expected a mapping"):
        kpcompare.read_episodes(REGIONS, mapping="hes", columns=["system"])
