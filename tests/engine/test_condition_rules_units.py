"""Condition rules (``ConditionRules``, e.g. ``acsc_nhs19``) counted in spells and CIPS: hand cases, one per rule.

The definition (docs/conditions.md#spells-and-cips): the NHS indicators count "admission episodes" (CCG OIS 3a
and 2.6 / NHS Outcomes Framework 3a and 2.3.i numerators: "finished and unfinished admission episodes,
excluding transfers, ... with an emergency method of admission and with primary diagnoses ..."), so a spell or
CIPS is classified on ONE record, its first episode (``spell_diagnosis="last"``: its last): that episode's
primary and secondary diagnoses, procedures, age and admission method.  An episode without a valid primary
diagnosis is excluded as ``invalid_code`` before spells are formed, as with a plain condition set.  Every
expected value is counted by hand from the rows (acsc_nhs19's rules: data/conditions/acsc_nhs19.toml).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpcompare

D0 = dt.date(2020, 3, 1)


def ep(person, admit, discharge, code, *, procedures=(), secondary=(), method="21", order=1, provider="P",
       source="19", destination="19", age=70.0):
    return {"person_id": person, "provider": provider, "system": "NHS", "sex": "F", "age": age,
            "admission_date": D0 + dt.timedelta(days=admit), "discharge_date": D0 + dt.timedelta(days=discharge),
            "episode_order": order, "admission_method": method, "primary_diagnosis": code,
            "diagnoses": [code, *secondary], "procedures": list(procedures), "admission_source": source,
            "discharge_destination": destination}


def groups(rows, unit, conditions="acsc_nhs19", **options):
    """{group: admissions} of the counted units, checking read = counted + excluded."""
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("condition",), conditions=conditions, unit=unit,
                                 progress=False, **options)
    assert result.rows_read == result.rows_counted + result.rows_excluded == len(rows)
    table = result.strata.set_index(result.strata["condition"].astype(str))["admissions"]
    return {k: int(v) for k, v in table.items() if v}, result


@pytest.mark.parametrize("unit", ["spell", "cips"])
def test_unit_takes_the_primary_diagnosis_of_its_first_episode(unit):
    # one spell: angina (I20.9) in the admission episode, asthma in the second: counted as angina
    rows = [ep(1, 0, 5, "I209", order=1), ep(1, 0, 5, "J459", order=2)]
    assert groups(rows, unit)[0] == {"angina": 1}


@pytest.mark.parametrize("unit", ["spell", "cips"])
def test_spell_diagnosis_last_classifies_the_last_episode(unit):
    rows = [ep(1, 0, 5, "I209", order=1), ep(1, 0, 5, "J459", order=2)]
    assert groups(rows, unit, spell_diagnosis="last")[0] == {"asthma": 1}


def test_main_procedure_exclusion_reads_the_first_episode_only():
    # angina excludes an operation as MAIN procedure (OPCS-4 K40.1: a bypass); in the second episode it does not
    later = [ep(1, 0, 5, "I209", order=1), ep(1, 0, 5, "I209", procedures=["K401"], order=2)]
    first = [ep(1, 0, 5, "I209", procedures=["K401"], order=1), ep(1, 0, 5, "I209", order=2)]
    assert groups(later, "spell")[0] == {"angina": 1}
    assert groups(first, "spell")[0] == {"other": 1}


def test_any_position_procedure_exclusion_reads_the_first_episode():
    # congestive heart failure excludes a cardiac procedure in ANY position of the record (K0-K4 ...)
    rows = [ep(1, 0, 5, "I500", procedures=["U051", "K401"], order=1), ep(2, 0, 5, "I500", procedures=["U051"])]
    assert groups(rows, "spell")[0] == {"congestive_heart_failure": 1, "other": 1}


def test_required_secondary_diagnosis_is_read_in_the_same_episode():
    # COPD's alternative rule: primary J20 only with a secondary J41-J44/J47 on the same record
    same = [ep(1, 0, 5, "J209", secondary=["J441"])]
    elsewhere = [ep(1, 0, 5, "J209", order=1), ep(1, 0, 5, "R509", secondary=["J441"], order=2)]
    assert groups(same, "spell")[0] == {"copd": 1}
    assert groups(elsewhere, "spell")[0] == {"other": 1}


def test_any_position_diagnosis_is_read_in_the_same_episode():
    # diabetes complications: E10.0-E14.8 in any position of the (first) record
    first = [ep(1, 0, 5, "R509", secondary=["E119"], order=1)]  # E11.9 is not a complication
    second = [ep(1, 0, 5, "R509", secondary=["E116"], order=1)]
    later = [ep(1, 0, 5, "R509", order=1), ep(1, 0, 5, "R509", secondary=["E116"], order=2)]
    assert groups(first, "spell")[0] == {"other": 1}
    assert groups(second, "spell")[0] == {"diabetes_complications": 1}
    assert groups(later, "spell")[0] == {"other": 1}


def test_admission_method_filter_reads_the_first_episode():
    # acsc_nhs19 counts emergency admissions (ADMIMETH 2x) only: an elective (11) admission episode is 'other'
    rows = [ep(1, 0, 5, "I209", method="11", order=1), ep(1, 0, 5, "I209", method="21", order=2),
            ep(2, 0, 3, "I209", method="22")]
    assert groups(rows, "spell")[0] == {"angina": 1, "other": 1}


def test_cips_is_classified_by_its_first_spells_admission_episode():
    # P: emergency angina, discharged to another provider (51); Q: admitted by transfer (2B) with heart failure.
    # One CIPS counted as angina; as provider spells the transfer admission is a second (emergency) spell.
    rows = [ep(1, 0, 4, "I209", destination="51"), ep(1, 4, 9, "I500", method="2B", provider="Q", source="51")]
    assert groups(rows, "cips")[0] == {"angina": 1}
    assert groups(rows, "spell")[0] == {"angina": 1, "congestive_heart_failure": 1}


def test_invalid_first_episode_is_excluded_and_the_next_one_classifies():
    # the admission episode has no valid primary diagnosis: excluded as invalid_code (as with a plain set);
    # the spell is then formed from its other episodes and takes the group of the first of them
    rows = [ep(1, 0, 5, "XXXX", order=1), ep(1, 0, 5, "J459", order=2)]
    got, result = groups(rows, "spell")
    assert got == {"asthma": 1}
    assert int(result.exclusions.set_index("reason").loc["invalid_code", "rows"]) == 1


def test_age_limit_reads_the_first_episode(tmp_path):
    path = tmp_path / "young.toml"
    path.write_text('name = "young"\ncoding = "icd10"\n\n[[group]]\nname = "asthma_child"\nprimary = ["J45"]\n'
                    'age_max = 15\nsource = "hand case"\n')
    rules = kpcompare.conditions.load_condition_rules(path)
    rows = [ep(1, 0, 5, "J459", age=15.0, order=1), ep(1, 0, 5, "J459", age=16.0, order=2),
            ep(2, 0, 5, "J459", age=16.0, order=1), ep(2, 0, 5, "J459", age=15.0, order=2)]
    assert groups(rows, "spell", conditions=rules)[0] == {"asthma_child": 1, "other": 1}


@pytest.mark.parametrize("unit", ["spell", "cips"])
def test_plain_condition_set_and_rules_place_spells_alike(unit):
    # without procedure, secondary or admission rules a rule set is a plain set: the same spells per group
    rows = [ep(1, 0, 5, "J459", order=1), ep(1, 0, 5, "I209", order=2), ep(2, 3, 4, "I209"), ep(3, 1, 2, "R509")]
    plain = {"angina": ["I20"], "asthma": ["J45"]}
    ruled, _ = groups(rows, unit)
    mapped, _ = groups(rows, unit, conditions=plain)
    assert ruled == mapped == {"angina": 1, "asthma": 1, "other": 1}
