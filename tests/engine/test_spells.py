"""Hand-built provider spell and CIPS cases, one per rule (rule names as in kpcompare.engine.spells).

CIPS rules follow NHS Digital (HSCIC), "Methodology to create provider and CIP spells from HES APC data"
(2014): the next spell starts within 3 days of the previous discharge, and the previous discharge destination
is a transfer (DISDEST 49-53, 84, 87), or the next admission source is a transfer (ADMISORC 49-53, 87), or the
next admission method is a transfer (ADMIMETH 81, 2B).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import DataQualityWarning

D0 = dt.date(2020, 3, 1)


def ep(person, provider, admit, discharge, *, order=1, code="J44.1", age=70.0, sex="F", source="19",
       method="11", destination="19", spell=None, episode=None, end=None):
    row = {"person_id": person, "provider": provider, "system": "NHS", "sex": sex, "age": age,
           "admission_date": D0 + dt.timedelta(days=admit),
           "discharge_date": None if discharge is None else D0 + dt.timedelta(days=discharge),
           "episode_order": order, "primary_diagnosis": code, "admission_source": source,
           "admission_method": method, "discharge_destination": destination,
           "episode_end": None if end is None else D0 + dt.timedelta(days=end)}
    if spell is not None:
        row["spell_id"] = spell
    if episode is not None:
        row["episode_id"] = episode
    return row


def agg(rows, unit, **options):
    frame = pd.DataFrame(rows)
    for c in ("discharge_date", "episode_end"):
        frame[c] = frame[c].astype(object)
    result = kpcompare.aggregate(frame, by=("system",), unit=unit, progress=False, **options)
    assert result.rows_read == len(rows) == result.rows_counted + result.rows_excluded
    return result


def totals(result):
    return result.strata[["admissions", "bed_days", "episodes"]].sum().to_dict()


def test_rule_S1_spell_id_groups_episodes():
    rows = [ep(1, "P", 0, 2, spell="a"), ep(1, "P", 1, 5, order=2, spell="a"), ep(1, "P", 9, 10, spell="b")]
    assert totals(agg(rows, "spell")) == {"admissions": 2, "bed_days": 5 + 1, "episodes": 3}


def test_rule_S2_same_person_provider_and_admission_date():
    rows = [ep(1, "P", 0, None, end=2), ep(1, "P", 0, 4, order=2),  # one spell
            ep(1, "Q", 0, 1),                                    # other provider: another spell
            ep(2, "P", 0, 1)]                                    # other person: another spell
    assert totals(agg(rows, "spell")) == {"admissions": 3, "bed_days": 4 + 1 + 1, "episodes": 4}


def test_rule_S3_episodes_ordered_by_episode_order():
    # the order-1 episode comes second in the file but defines the spell (diagnosis and age band)
    rows = [ep(1, "P", 0, 6, order=2, code="I64", age=80.0), ep(1, "P", 0, None, order=1, code="J44.1", age=79.0,
                                                               end=2)]
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("condition", "age_band"), unit="spell",
                                 conditions={"copd": ["J44"], "stroke": ["I64"]}, progress=False)
    assert result.strata[["condition", "age_band", "admissions", "episodes"]].values.tolist() == [
        ["copd", "75-79", 1, 2]]


def test_rule_S3_equal_episode_orders_go_by_episode_start():
    """S3: with equal episode orders the earlier episode start comes first (then the input order); the
    episode starting on day 1 is second in the file but defines the spell (diagnosis and age band)."""
    rows = [ep(1, "P", 0, 6, code="I64", age=80.0), ep(1, "P", 0, 6, code="J44.1", age=79.0)]
    rows[0]["episode_start"], rows[1]["episode_start"] = D0 + dt.timedelta(days=3), D0 + dt.timedelta(days=1)
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("condition", "age_band"), unit="spell",
                                 conditions={"copd": ["J44"], "stroke": ["I64"]}, progress=False)
    assert result.strata[["condition", "age_band", "admissions", "episodes"]].values.tolist() == [
        ["copd", "75-79", 1, 2]]
    without = kpcompare.aggregate(pd.DataFrame(rows).drop(columns="episode_start"), by=("condition", "age_band"),
                                  unit="spell", conditions={"copd": ["J44"], "stroke": ["I64"]}, progress=False)
    assert without.strata[["condition", "age_band", "admissions", "episodes"]].values.tolist() == [
        ["stroke", "80-84", 1, 2]]  # without episode starts the input order decides


def test_rule_S4_spell_ends_at_latest_discharge_or_episode_end():
    rows = [ep(1, "P", 0, None, end=3), ep(1, "P", 0, None, order=2, end=7)]  # no DISDATE: episode ends
    assert totals(agg(rows, "spell")) == {"admissions": 1, "bed_days": 7, "episodes": 2}


def test_rule_S4_spell_without_any_end_is_excluded():
    rows = [ep(1, "P", 0, None), ep(1, "P", 0, None, order=2), ep(2, "P", 0, 1)]
    with pytest.warns(DataQualityWarning, match=r"67% of the rows read \(2 of 3\) were excluded as 'missing_date'"):
        result = agg(rows, "spell")
    assert result.exclusions.set_index("reason").loc["missing_date", "rows"] == 2
    assert totals(result) == {"admissions": 1, "bed_days": 1, "episodes": 1}


def test_rule_S4_spell_ending_before_it_starts_is_excluded():
    rows = [ep(1, "P", 5, 3), ep(1, "P", 5, 2, order=2)]
    with pytest.warns(DataQualityWarning, match=r"'discharge_before_admission'.*no row could be counted"):
        result = agg(rows, "spell")
    assert result.exclusions.set_index("reason").loc["discharge_before_admission", "rows"] == 2


def test_rule_S5_spell_counts_all_episodes_and_first_weight():
    rows = [ep(1, "P", 0, 4) | {"weight": 3.0}, ep(1, "P", 0, 4, order=2) | {"weight": 5.0}]
    result = agg(rows, "spell", weights="weight")
    row = result.strata.iloc[0]
    assert (row.admissions, row.episodes, row.weighted_admissions, row.weighted_bed_days,
            row.weighted_episodes) == (1, 2, 3.0, 12.0, 8.0)


def test_rule_C1_within_three_days_with_transfer_links():
    rows = [ep(1, "P", 0, 4, destination="49"), ep(1, "Q", 7, 9)]  # gap 3 days
    assert totals(agg(rows, "cips")) == {"admissions": 1, "bed_days": 9, "episodes": 2}
    assert totals(agg(rows, "spell"))["admissions"] == 2


def test_rule_C1_four_days_apart_does_not_link():
    rows = [ep(1, "P", 0, 4, destination="49"), ep(1, "Q", 8, 9)]  # gap 4 days
    assert totals(agg(rows, "cips")) == {"admissions": 2, "bed_days": 5, "episodes": 2}


def test_rule_C1_without_any_transfer_code_does_not_link():
    rows = [ep(1, "P", 0, 4), ep(1, "Q", 4, 9)]  # same day, but no transfer code
    assert totals(agg(rows, "cips"))["admissions"] == 2


@pytest.mark.parametrize("destination", ["49", "50", "51", "52", "53", "84", "87"])
def test_rule_C2_transfer_discharge_destination_links(destination):
    rows = [ep(1, "P", 0, 4, destination=destination), ep(1, "Q", 4, 9)]
    assert totals(agg(rows, "cips"))["admissions"] == 1


@pytest.mark.parametrize("source", ["49", "50", "51", "52", "53", "87"])
def test_rule_C3_transfer_admission_source_links(source):
    rows = [ep(1, "P", 0, 4), ep(1, "Q", 5, 9, source=source)]
    assert totals(agg(rows, "cips"))["admissions"] == 1


@pytest.mark.parametrize("method", ["81", "2B"])
def test_rule_C4_transfer_admission_method_links(method):
    rows = [ep(1, "P", 0, 4), ep(1, "Q", 6, 9, method=method)]
    assert totals(agg(rows, "cips"))["admissions"] == 1


def test_cips_takes_first_spell_attributes_and_other_persons_never_link():
    rows = [ep(1, "P", 0, 4, destination="49", code="I64", age=81.0), ep(1, "Q", 4, 20, code="J44.1", age=81.0),
            ep(2, "Q", 4, 5, source="51")]
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("condition",), unit="cips", progress=False,
                                 conditions={"copd": ["J44"], "stroke": ["I64"]})
    assert result.strata[["condition", "admissions", "bed_days", "episodes", "persons"]].values.tolist() == [
        ["copd", 1, 1, 1, 1], ["stroke", 1, 20, 2, 1]]


def test_duplicate_episode_ids_in_a_spell_are_excluded():
    rows = [ep(1, "P", 0, 4, episode=7), ep(1, "P", 0, 4, episode=7), ep(2, "P", 0, 4, episode=7)]
    result = agg(rows, "spell")
    assert result.exclusions.set_index("reason").loc["duplicate_episode_id", "rows"] == 1
    assert totals(result)["episodes"] == 2


GROUPS = {"appendicitis": ["K35"], "stroke": ["I63-I64"], "copd": ["J44"]}


def _conditions(rows, unit, **options):
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("sex", "condition"), unit=unit, conditions=GROUPS,
                                 progress=False, **options)
    assert result.rows_read == len(rows) == result.rows_counted + result.rows_excluded
    return result.strata[["sex", "condition", "admissions", "episodes"]].values.tolist()


def test_rule_S5_the_spell_takes_its_first_episodes_diagnosis_unless_told_last():
    """S5: a spell admitted with abdominal pain (R10.4, "other") and discharged with appendicitis (K35.8);
    its sex (here F on the first episode, M on the second: a coding error) always comes from the first."""
    rows = [ep(1, "P", 0, 2, code="R10.4"), ep(1, "P", 0, 5, order=2, code="K35.8", sex="M"),
            ep(1, "P", 3, 4, order=3, code="J44.1")]
    rows[2]["admission_date"] = rows[0]["admission_date"]  # a third episode of the same spell (S2)
    assert _conditions(rows, "spell") == [["F", "other", 1, 3]]
    assert _conditions(rows, "spell", spell_diagnosis="first") == [["F", "other", 1, 3]]
    assert _conditions(rows, "spell", spell_diagnosis="last") == [["F", "copd", 1, 3]]


def test_cips_last_diagnosis_is_that_of_the_last_episode_of_its_last_spell():
    """A stroke admission transferred (DISDEST 51) to a rehabilitation provider, whose two episodes end with
    a COPD diagnosis: the CIPS counts as a stroke by default, as COPD with spell_diagnosis="last"; a spell
    that was not transferred keeps its own diagnosis either way."""
    rows = [ep(1, "P", 0, 3, code="I63.9", destination="51"),
            ep(1, "R", 3, 10, code="I69.3"), ep(1, "R", 3, 20, order=2, code="J44.1"),
            ep(2, "P", 0, 1, code="K35.8")]
    assert _conditions(rows, "cips") == [["F", "appendicitis", 1, 1], ["F", "stroke", 1, 3]]
    assert _conditions(rows, "cips", spell_diagnosis="last") == [["F", "appendicitis", 1, 1],
                                                                 ["F", "copd", 1, 3]]
    # as provider spells: the rehabilitation spell's own last episode
    assert _conditions(rows, "spell", spell_diagnosis="last") == [
        ["F", "appendicitis", 1, 1], ["F", "stroke", 1, 1], ["F", "copd", 1, 2]]


def test_spell_diagnosis_is_refused_for_episodes_and_unknown_choices():
    rows = [ep(1, "P", 0, 2)]
    with pytest.raises(kpcompare.errors.InvalidArgumentError) as info:
        _conditions(rows, "episode", spell_diagnosis="last")
    assert str(info.value) == (
        "argument 'spell_diagnosis': 'last' chooses an episode of a spell, so it needs unit='spell' or "
        "unit='cips', not unit='episode' (an episode has one diagnosis).")
    with pytest.raises(kpcompare.errors.InvalidArgumentError, match="spell_diagnosis"):
        _conditions(rows, "spell", spell_diagnosis="dominant")


@pytest.mark.parametrize("with_nulls", [False, True])
def test_transfer_codes_of_a_dictionary_column_are_judged_per_value_with_the_same_answer(with_nulls):
    """``_in_codes`` judges a dictionary column once per dictionary value; the answer is that of the plain
    text column (``pyarrow.compute.is_in``), missing rows and missing dictionary values False."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from kpcompare.engine.spells import _in_codes

    rng = np.random.default_rng(4)
    values = np.array(["51", "19", "81", "2B", "87", None], dtype=object)
    plain = pa.array(values[rng.integers(0, 6 if with_nulls else 5, 3000)], pa.string())
    codes = ("51", "52", "87", "2B")
    want = pc.fill_null(pc.is_in(plain, pa.array(list(codes))), False).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(plain)
    assert (_in_codes(encoded, codes) == want).all() and (_in_codes(plain, codes) == want).all()
    empty = pa.DictionaryArray.from_arrays(pa.array([None, None], pa.int32()), pa.array([], pa.string()))
    assert not _in_codes(empty, codes).any()
    nulls_in_dictionary = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array([None, "51"]))
    assert _in_codes(nulls_in_dictionary, codes).tolist() == [False, True, False]
