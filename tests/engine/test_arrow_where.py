"""``aggregate(..., where=...)``: rows filtered before counting, reported as ``filtered_out_by_where``.

Rules under test (docs/extracts.md, "Filtering rows: where"):

* rows are kept where every column's value is one of its values (codes compared normalised); the others are
  excluded as ``filtered_out_by_where`` and rows read = counted + excluded still holds;
* the filter comes after every validity rule: a row that breaks one is counted under it whatever the filter;
* spells and CIPS are selected by their first episode (the admission method of the admitting episode) and
  excluded with all their episodes;
* duplicate ids are judged before the filter (a validity rule);
* a ``pyarrow.compute.Expression`` on canonical columns does the same for power users.

Expected values are counted by hand from the frames below.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.compute as pc
import pytest
from episode_strategies import BOUNDS, ENGINE_GROUPS, extracts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import InvalidArgumentError, MissingColumnError, UnknownNameError

# random extracts exclude most of their rows by design: the DataQualityWarning that follows is tested in
# tests/engine/test_arrow_quality.py; here only the counts are compared
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")

d = dt.date

# person 1: an emergency stay (21) of two episodes (2 + 3 nights) in P1, the second episode's method 11;
# person 2: an elective stay (11), 1 night; person 3: an emergency (28) of 0 nights with unknown sex
STAYS = pd.DataFrame({
    "person_id": [1, 1, 2, 3], "episode_id": [10, 11, 20, 30], "provider": ["P1"] * 4, "system": ["A"] * 4,
    "sex": ["F", "F", "M", "9"], "age": [70.0, 70.0, 50.0, 40.0],
    "admission_date": [d(2020, 1, 1), d(2020, 1, 1), d(2020, 2, 1), d(2020, 3, 1)],
    "discharge_date": [None, d(2020, 1, 6), d(2020, 2, 2), d(2020, 3, 1)],
    "episode_start": [d(2020, 1, 1), d(2020, 1, 3), d(2020, 2, 1), d(2020, 3, 1)],
    "episode_end": [d(2020, 1, 3), d(2020, 1, 6), d(2020, 2, 2), d(2020, 3, 1)],
    "episode_order": [1, 2, 1, 1], "admission_method": ["21", "11", "11", "28"],
    "primary_diagnosis": ["I63.9"] * 4,
})
EMERGENCY = {"admission_method": ["21", "22", "23", "24", "28"]}


def _run(unit: str, where, frame: pd.DataFrame = STAYS, **options):
    result = kpcompare.aggregate(frame, by=("system",), unit=unit, where=where, progress=False, **options)
    assert result.rows_read == result.rows_counted + result.rows_excluded == len(frame)
    reasons = result.exclusions.set_index("reason")["rows"]
    return result.strata, reasons[reasons > 0].to_dict()


def test_episode_unit_filters_rows():
    # episodes 1 (21) and 4 (28, unknown sex is not a rule here: sex is not a stratum) are kept
    strata, excluded = _run("episode", EMERGENCY)
    assert strata[["admissions", "bed_days", "episodes", "persons"]].values.tolist() == [[2, 2, 2, 2]]
    assert excluded == {"filtered_out_by_where": 2}


def test_validity_rules_come_first():
    """Person 3's episode breaks unknown_sex (sex is a stratum) and is counted under it, not as filtered,
    although the filter keeps it; person 2's elective episode is valid and filtered."""
    result = kpcompare.aggregate(STAYS, by=("sex",), where=EMERGENCY, progress=False)
    reasons = result.exclusions.set_index("reason")["rows"]
    assert reasons[reasons > 0].to_dict() == {"unknown_sex": 1, "filtered_out_by_where": 2}
    invalid_and_filtered = STAYS.assign(admission_method=["21", "11", "11", "11"])
    result = kpcompare.aggregate(invalid_and_filtered, by=("sex",), where=EMERGENCY, progress=False)
    reasons = result.exclusions.set_index("reason")["rows"]
    assert reasons[reasons > 0].to_dict() == {"unknown_sex": 1, "filtered_out_by_where": 2}


@pytest.mark.parametrize("unit", ["spell", "cips"])
def test_spells_are_selected_by_their_first_episode(unit):
    """Person 1's spell (admitted as an emergency, 5 nights, 2 episodes) is kept although its second episode's
    method is 11; person 2's elective spell is filtered with its episode; person 3's spell is kept."""
    strata, excluded = _run(unit, EMERGENCY)
    assert strata[["admissions", "bed_days", "episodes", "persons"]].values.tolist() == [[2, 5, 3, 2]]
    assert excluded == {"filtered_out_by_where": 1}
    strata, excluded = _run(unit, {"admission_method": "11"})  # elective: person 2's spell only
    assert strata[["admissions", "bed_days", "episodes"]].values.tolist() == [[1, 1, 1]]
    assert excluded == {"filtered_out_by_where": 3}


def test_spell_rules_come_before_the_filter():
    """A spell without a discharge date is excluded as missing_date whatever the filter."""
    frame = STAYS.assign(discharge_date=[None, None, d(2020, 2, 2), d(2020, 3, 1)],
                         episode_end=[None, None, d(2020, 2, 2), d(2020, 3, 1)])
    _, excluded = _run("spell", {"admission_method": "11"}, frame)
    assert excluded == {"missing_date": 2, "filtered_out_by_where": 1}


@pytest.mark.parametrize("persons", [None, False])  # partitions of keys, or the bitmap of ids first
def test_duplicates_are_judged_before_the_filter(persons):
    """Episode 11 repeats episode 10's id: excluded as a duplicate even though the filter would drop it too;
    the first occurrence (an emergency) is kept.  When the first occurrence is the one filtered out, the
    repeat is still a duplicate (the filter does not change the data-quality counts)."""
    frame = STAYS.assign(episode_id=[10, 10, 20, 30])
    for unit in ("episode", "spell"):
        _, excluded = _run(unit, EMERGENCY, frame, persons=persons)
        assert excluded["duplicate_episode_id"] == 1
    _, excluded = _run("episode", EMERGENCY, frame.iloc[[1, 0, 2, 3]], persons=persons)
    assert excluded == {"duplicate_episode_id": 1, "filtered_out_by_where": 2}


def test_codes_are_compared_normalised_and_numbers_as_numbers():
    strata, excluded = _run("episode", {"admission_method": [21, "2 8"], "age": [70, 40]})
    assert strata["episodes"].tolist() == [2] and excluded == {"filtered_out_by_where": 2}
    strata, _ = _run("episode", {"primary_diagnosis": "i63.9", "admission_date": "2020-01-01"})
    assert strata["episodes"].tolist() == [2]


def test_missing_values_are_selected_only_when_none_is_listed():
    frame = STAYS.assign(admission_method=["21", None, None, "28"])
    assert _run("episode", {"admission_method": "21"}, frame)[1] == {"filtered_out_by_where": 3}
    assert _run("episode", {"admission_method": ["21", None]}, frame)[1] == {"filtered_out_by_where": 1}


def test_weighted_rows_of_the_filtered():
    frame = STAYS.assign(weight=[1.5, 2.0, 4.0, 8.0])
    result = kpcompare.aggregate(frame, by=("system",), where=EMERGENCY, weights="weight", progress=False)
    assert result.exclusions.set_index("reason").loc["filtered_out_by_where", "weighted_rows"] == 6.0
    assert result.strata["weighted_episodes"].tolist() == [9.5]


def test_an_arrow_expression():
    expression = pc.field("admission_method").isin(["21", "28"]) & (pc.field("age") >= 60)
    strata, excluded = _run("episode", expression)
    assert strata["episodes"].tolist() == [1] and excluded == {"filtered_out_by_where": 3}
    strata, excluded = _run("spell", expression)
    assert strata["episodes"].tolist() == [2] and excluded == {"filtered_out_by_where": 2}


def test_where_errors():
    with pytest.raises(UnknownNameError, match=r"^argument 'where': 'method' is not a canonical episode column; "
                                               r"choose from 'person_id', "):
        kpcompare.aggregate(STAYS, where={"method": "21"}, progress=False)
    with pytest.raises(MissingColumnError, match=r"^argument 'where' needs the canonical column 'admission_source'"):
        kpcompare.aggregate(STAYS, where={"admission_source": "19"}, progress=False)
    with pytest.raises(InvalidArgumentError, match=r"^argument 'where': no value given for 'sex'; give at least "
                                                   r"one\.$"):
        kpcompare.aggregate(STAYS, where={"sex": []}, progress=False)
    with pytest.raises(InvalidArgumentError, match=r"^argument 'where': expected a mapping \{canonical column: "):
        kpcompare.aggregate(STAYS, where="admission_method == 21", progress=False)
    with pytest.raises(InvalidArgumentError, match=r"^argument 'where': 'diagnoses' holds lists of codes"):
        kpcompare.aggregate(STAYS, where={"diagnoses": "I639"}, progress=False)
    with pytest.raises(InvalidArgumentError, match=r"^argument 'where': 'soon' is not a value of the date column "
                                                   r"'admission_date'"):
        kpcompare.aggregate(STAYS, where={"admission_date": "soon"}, progress=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=extracts, methods=st.sets(st.sampled_from(["11", "81"]), min_size=1),
       unit=st.sampled_from(["episode", "spell", "cips"]))
def test_the_filter_changes_no_validity_count(frame, methods, unit):
    """Property: with ``where`` every validity reason counts what it counts without it, and the rows filtered
    out are exactly the rows the filter takes from the counted ones; in the episode unit the strata are those
    of the extract filtered beforehand (duplicates aside: the ids are dropped there)."""
    source = frame.drop(columns=["person_id", "provider", "episode_id"]) if unit == "episode" else frame
    options = dict(age_bands=BOUNDS, conditions=ENGINE_GROUPS, unit=unit, progress=False)
    everything = kpcompare.aggregate(source, **options)
    got = kpcompare.aggregate(source, where={"admission_method": sorted(methods)}, **options)
    reasons = got.exclusions.set_index("reason")["rows"]
    pd.testing.assert_series_equal(reasons.drop("filtered_out_by_where"),
                                   everything.exclusions.set_index("reason")["rows"])
    assert reasons["filtered_out_by_where"] == everything.rows_counted - got.rows_counted
    assert got.rows_read == got.rows_counted + got.rows_excluded == len(frame)
    if unit == "episode":
        before = kpcompare.aggregate(source[source["admission_method"].isin(methods)], **options)
        pd.testing.assert_frame_equal(got.strata, before.strata)
