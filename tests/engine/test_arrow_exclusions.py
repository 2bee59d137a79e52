"""Every exclusion reason, one hand-built case each: the broken row is counted under its named reason, the
good row is counted, and rows read = rows counted + rows excluded."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from exclusion_cases import CASES, GOOD

import kpcompare
from kpcompare.extract.rules import EXCLUSION_REASONS


def test_every_reason_has_a_case():
    assert set(CASES) == set(EXCLUSION_REASONS)


@pytest.mark.parametrize("reason", list(CASES))
def test_exclusion_reason(reason):
    changes, options = CASES[reason]
    options = dict(options)
    los, same_id = options.pop("los", False), options.pop("same_id", False)
    bad = {**GOOD, "episode_id": 1 if same_id else 2, **changes}
    frame = pd.DataFrame([GOOD, bad])
    if los:
        frame["length_of_stay"] = [2, frame["length_of_stay"].iloc[1]] if "length_of_stay" in frame else [2, -1]
        frame = frame.drop(columns=["admission_date", "discharge_date"])
    result = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10"), age_bands=[0, 65],
                                 conditions={"copd": ["J40-J44"]}, progress=False, **options)
    table = result.exclusions.set_index("reason")
    assert table.loc[reason, "rows"] == 1
    assert table["rows"].sum() == 1  # no other reason fired
    assert result.rows_read == 2 == result.rows_counted + result.rows_excluded
    assert result.strata["episodes"].tolist() == [1]
    if options.get("weights") and reason != "invalid_weight":
        assert table.loc[reason, "weighted_rows"] == 2.0


def test_first_broken_rule_wins():
    # unknown sex AND invalid code AND unfinished: counted once, under the earliest reason (unknown_sex)
    bad = {**GOOD, "episode_id": 2, "sex": None, "primary_diagnosis": "??", "episode_status": "unfinished"}
    result = kpcompare.aggregate(pd.DataFrame([GOOD, bad]), age_bands=[0, 65], progress=False)
    table = result.exclusions.set_index("reason")["rows"]
    assert table["unknown_sex"] == 1 and table.sum() == 1


def test_rules_apply_only_to_columns_used():
    # unknown sex does not exclude a row when sex is not a stratum
    bad = {**GOOD, "episode_id": 2, "sex": "0"}
    result = kpcompare.aggregate(pd.DataFrame([GOOD, bad]), by=("system",), progress=False)
    assert result.strata["episodes"].tolist() == [2]
    assert result.exclusions["rows"].sum() == 0


def test_exclusions_table_shape():
    result = kpcompare.aggregate(pd.DataFrame([GOOD]), age_bands=[0], progress=False)
    assert list(result.exclusions.columns) == ["reason", "rows", "weighted_rows"]
    # filtered_out_by_where is listed only when a filter was given
    assert list(result.exclusions["reason"]) == [r for r in EXCLUSION_REASONS if r != "filtered_out_by_where"]
    filtered = kpcompare.aggregate(pd.DataFrame([GOOD]), age_bands=[0], progress=False,
                                   where={"system": "NHS"})
    assert list(filtered.exclusions["reason"]) == list(EXCLUSION_REASONS)


def test_admissions_by_discharge_date_in_the_period():
    # admitted 30 Dec 2019, discharged 3 Jan 2020: an admission of 2020 only when counted by discharge date
    row = {**GOOD, "admission_date": dt.date(2019, 12, 30), "discharge_date": dt.date(2020, 1, 3)}
    by_admission = kpcompare.aggregate(pd.DataFrame([row]), by=("system",), period=("2020-01-01", "2020-12-31"),
                                       progress=False)
    by_discharge = kpcompare.aggregate(pd.DataFrame([row]), by=("system",), period=("2020-01-01", "2020-12-31"),
                                       admissions_by="discharge", progress=False)
    assert by_admission.strata[["admissions", "bed_days", "episodes"]].values.tolist() == [[0, 2, 1]]
    assert by_discharge.strata[["admissions", "bed_days", "episodes"]].values.tolist() == [[1, 2, 1]]


def test_persons_in_the_episode_unit():
    rows = [GOOD, {**GOOD, "episode_id": 2}, {**GOOD, "person_id": 2, "episode_id": 3}]
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), persons=True, progress=False)
    assert result.strata[["episodes", "persons"]].values.tolist() == [[3, 2]]
    assert result.rows_read == result.rows_counted + result.rows_excluded
    # the default: persons wherever person ids exist; persons=False, or no person ids, leaves them out
    default = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), progress=False)
    pd.testing.assert_frame_equal(default.strata, result.strata)
    without = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), persons=False, progress=False)
    assert list(without.strata.columns) == ["system", "admissions", "bed_days", "episodes"]
    no_ids = kpcompare.aggregate(pd.DataFrame(rows).drop(columns=["person_id"]), by=("system",), progress=False)
    assert "persons" not in no_ids.strata.columns
