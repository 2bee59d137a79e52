"""The bundled ham2003_leading_causes sets checked against real data.

- HES England 2000-01, 4-character primary diagnosis table (NHS Digital; bundled as
  data/england/hes_2000-01_primary_diagnosis_4char.csv) and the published HES
  'primary diagnosis summary' groups for 2000-01 (data/england/hes_summary_...csv).
- NHDS 2010 public-use microdata (CDC/NCHS; data/us/nhds2010_...csv.gz), dx01 =
  first-listed diagnosis, three-character codes padded with '-' (e.g. '486-').
"""

from __future__ import annotations

import pandas as pd
import pytest

import kpcompare
from kpcompare._paths import data_path
from kpcompare.conditions import ConditionSet, normalise_codes

from _reference import ICD9CM_PREFIXES, ICD10_PREFIXES, reference_labels


@pytest.fixture(scope="module")
def hes():
    return pd.read_csv(data_path("england", "hes_2000-01_primary_diagnosis_4char.csv"))


@pytest.fixture(scope="module")
def nhds():
    cols = ["newborn", "age_years", "weighting", "care_days"] + [f"dx{i:02d}" for i in range(1, 16)]
    return pd.read_csv(data_path("us", "nhds2010_us_hospital_discharges_microdata.csv.gz"), dtype=str,
                       usecols=cols)


@pytest.fixture(scope="module")
def coverage():
    return pd.read_csv(data_path("conditions", "ham2003_leading_causes_coverage.csv"))


ICD10_SET = kpcompare.condition_set("ham2003_leading_causes", coding="icd10")
ICD9_SET = kpcompare.condition_set("ham2003_leading_causes", coding="icd9cm")


def test_reference_lists_cover_the_same_groups():
    assert tuple(ICD10_PREFIXES) == ICD10_SET.groups
    assert tuple(ICD9CM_PREFIXES) == ICD9_SET.groups


def test_every_hes_code_is_valid_icd10(hes):
    assert ICD10_SET.is_valid(hes["code4"]).all()


def test_every_listed_icd10_code_exists_in_hes(hes):
    present = set(normalise_codes(hes["code4"], coding="icd10"))
    absent = [(g, end) for g in ICD10_SET.groups for spec in ICD10_SET.definition(g)
              for end in spec.split("-") if not any(c.startswith(end.replace(".", "")) for c in present)]
    assert absent == []


def test_every_listed_icd9cm_code_exists_in_nhds(nhds):
    dx = nhds[[f"dx{i:02d}" for i in range(1, 16)]].to_numpy().ravel()
    present = set(normalise_codes(pd.unique(dx), coding="icd9cm")) - {None}
    absent = [(g, end) for g in ICD9_SET.groups for spec in ICD9_SET.definition(g)
              for end in spec.split("-") if not any(c.startswith(end.replace(".", "")) for c in present)]
    # 433.91 (occlusion of unspecified precerebral artery with infarction) is a valid ICD-9-CM
    # code (NCHS ICD-9-CM 2011) that no 2010 NHDS sample discharge carries in any position.
    assert absent == [("stroke", "433.91")]


def test_hes_classification_matches_plain_prefix_matching(hes):
    got = ICD10_SET.classify(hes["code4"])
    assert got.tolist() == reference_labels(hes["code4"], ICD10_PREFIXES)


def test_every_nhds_first_diagnosis_is_valid_and_classified_as_plain_prefix_matching(nhds):
    assert ICD9_SET.is_valid(nhds["dx01"]).all()
    got = ICD9_SET.classify(nhds["dx01"])
    assert got.tolist() == reference_labels(nhds["dx01"], ICD9CM_PREFIXES)


def test_diabetes_group_reproduces_published_hes_summary_group(hes):
    # HES 2000-01 primary diagnosis summary, group E10-E14 "Diabetes Mellitus":
    # FCE 72,352, FAE 60,253 (data/england/hes_summary_primary_diagnosis_groups_2000-01_and_2017-18.csv)
    labels = ICD10_SET.classify(hes["code4"])
    sub = hes[labels == "diabetes"]
    assert sub["fce"].sum() == 72352
    assert sub["fae"].sum() == 60253


@pytest.mark.parametrize("block", ["E10-E14", "I20-I25", "I60-I69", "J40-J47", "N30-N39", "A00-A09"])
def test_ranges_reproduce_published_hes_summary_groups(hes, block):
    summary = pd.read_csv(data_path("england", "hes_summary_primary_diagnosis_groups_2000-01_and_2017-18.csv"))
    published = summary[(summary["year"] == "2000-01") & (summary["diagnosis_group"] == block)].iloc[0]
    cs = ConditionSet.from_mapping({"block": [block]})
    sub = hes[cs.classify(hes["code4"]) == "block"]
    assert sub["fce"].sum() == published["fce"]
    assert sub["fae"].sum() == published["fae"]


def test_recorded_coverage_table_is_reproduced(hes, nhds, coverage):
    """data/conditions/ham2003_leading_causes_coverage.csv, recomputed with plain prefix matching."""
    hes = hes.assign(group=reference_labels(hes["code4"], ICD10_PREFIXES))
    columns = {"fce": "fce", "fae": "fae", "fce_60_74": "age_60_74", "fce_75_plus": "age_75_plus",
               "bed_days": "bed_days"}
    rows = coverage[coverage["coding"] == "icd10"]
    for _, row in rows.iterrows():
        col = columns[row["measure"]]
        value = hes.loc[hes["group"] == row["group"], col].sum()
        assert value == pytest.approx(row["value"], abs=1e-3)
        assert value / hes[col].sum() == pytest.approx(row["share"], abs=1e-6)

    old = nhds[(nhds["age_years"].astype(float) >= 65) & (nhds["newborn"] == "False")]
    weight = old["weighting"].astype(float)
    us = pd.DataFrame({"group": reference_labels(old["dx01"], ICD9CM_PREFIXES), "sample_discharges": 1.0,
                       "weighted_discharges": weight,
                       "weighted_days_of_care": weight * old["care_days"].astype(float)})
    rows = coverage[coverage["coding"] == "icd9cm"]
    for _, row in rows.iterrows():
        value = us.loc[us["group"] == row["group"], row["measure"]].sum()
        assert value == pytest.approx(row["value"], abs=1e-3)
        assert value / us[row["measure"]].sum() == pytest.approx(row["share"], abs=1e-6)

