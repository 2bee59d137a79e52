"""Real data: the bundled NHDS 2010 public-use file reproduces CDC's published national totals.

Source of the expected values: CDC/NCHS, National Hospital Discharge Survey 2010, summary table of
discharges, days of care and average length of stay for non-federal short-stay hospitals, excluding newborn
infants: 35.1 million discharges, 167.7 million days of care, average stay 4.8 days (as recorded with the
bundled file in data/SOURCES.md).  NHDS counts a same-day stay as one day of care, hence
bed_days="same_day_as_one"; the totals are survey-weighted (column ``weighting``).
"""

from __future__ import annotations

import numpy as np
import pytest

import kpcompare
from kpcompare._paths import data_path

NHDS = ("us", "nhds2010_us_hospital_discharges_microdata.csv.gz")


@pytest.fixture(scope="module")
def nhds_result():
    extract = kpcompare.read_episodes(data_path(*NHDS), mapping="nhds")  # streamed from the .csv.gz
    return kpcompare.aggregate(extract, by=("system", "sex", "age_band", "condition"), age_bands="esp2013",
                               bed_days="same_day_as_one", weights="weight", newborns="exclude", progress=False)


def test_nhds2010_reproduces_cdc_published_totals(nhds_result):
    strata = nhds_result.strata
    discharges = strata["weighted_admissions"].sum()
    days = strata["weighted_bed_days"].sum()
    # published to 0.1 million (discharges, days) and 0.1 day (ALOS): agree to the published precision
    assert round(discharges / 1e6, 1) == 35.1
    assert abs(days / 1e6 - 167.7) < 0.1
    assert round(days / discharges, 1) == 4.8


def test_nhds2010_every_row_accounted_for(nhds_result):
    assert nhds_result.rows_read == 151_551
    excluded = nhds_result.exclusions.set_index("reason")["rows"]
    assert excluded["newborn"] == 14_092  # NHDS 2010 newborn records
    assert excluded.sum() == 14_092  # every other record is valid (ICD-9-CM codes, sex, age, days of care)
    assert nhds_result.rows_read == nhds_result.rows_counted + nhds_result.rows_excluded
    assert nhds_result.strata["episodes"].sum() == 151_551 - excluded.sum()


def test_nhds2010_frame_and_file_agree(nhds_result):
    from kpcompare import datasets

    frame = datasets.nhds2010()
    again = kpcompare.aggregate(kpcompare.read_episodes(frame, mapping="nhds"), by=("system", "sex", "age_band"),
                                bed_days="same_day_as_one", weights="weight", newborns="exclude", progress=False)
    np.testing.assert_allclose(again.strata["weighted_bed_days"].sum(),
                               nhds_result.strata["weighted_bed_days"].sum())
    assert again.strata["episodes"].sum() == nhds_result.strata["episodes"].sum()


def test_nhds_mapping_codings():
    frame = kpcompare.datasets.nhds2010().head(2000)
    extract = kpcompare.read_episodes(frame, mapping="nhds")
    assert extract.coding == "icd9cm"
    table = extract.to_pandas(["sex", "age", "length_of_stay", "system", "primary_diagnosis"])
    assert set(table["sex"].astype(str)) <= {"M", "F"}
    unit = frame["age_unit"].to_numpy()
    assert (table["age"][unit != "years"] == 0).all()  # ages in days or months are under one year
    same_day = frame["dc_same_day"].to_numpy()
    assert (table["length_of_stay"][same_day] == 0).all()  # a same-day stay is 0 nights
    assert (table["length_of_stay"][~same_day] == frame["care_days"][~same_day]).all()
    assert "Medicare" in set(table["system"].astype(str))


def test_bundled_condition_set_name_follows_the_extracts_coding():
    """Bug fix: ``conditions="<bundled name>"`` must load the ICD-9-CM lists for ICD-9-CM data (NHDS).

    Before the fix the name always loaded the ICD-10 lists, so every NHDS code fell into "other".  Expected
    counts come straight from the raw ``dx01`` column of the public-use file (pneumonia = ICD-9-CM 480-486,
    NHDS writes 486 as '486-'; fractured neck of femur = 820), not from kpcompare.
    """
    frame = kpcompare.datasets.nhds2010()
    raw = frame["dx01"].astype(str)
    result = kpcompare.aggregate(kpcompare.read_episodes(frame, mapping="nhds"), by=("condition",),
                                 conditions="ham2003_leading_causes", progress=False)
    episodes = result.strata.set_index("condition")["episodes"]
    assert (raw == "486-").sum() == 3508  # the NHDS 2010 file: 3,508 first-listed diagnoses of pneumonia 486
    assert episodes["pneumonia"] == raw.str[:3].isin([str(c) for c in range(480, 487)]).sum()
    assert episodes["fractured_neck_of_femur"] == raw.str.startswith("820").sum()
    assert episodes["other"] < len(frame) - 4000
    assert result.rows_read == result.rows_counted + result.rows_excluded
