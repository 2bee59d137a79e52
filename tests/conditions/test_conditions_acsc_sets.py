"""The bundled ACSC rule sets, rule by rule, on hand cases that name the rule.

Every expected label is read off the published definition quoted in data/conditions/SOURCES.md (NHS Institute
Appendix A for acsc_nhs19; Billings' NYU ICD-9-CM list for acsc_billings_icd9cm), never from kpcompare output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare.conditions import classify_records, condition_set


def _label(set_name: str, primary: str | None, secondary=(), procedures=(), age=50.0, method="21") -> str:
    diagnoses = ([primary] if primary else []) + list(secondary)
    record = pd.DataFrame({"primary_diagnosis": [primary], "diagnoses": [diagnoses],
                           "procedures": [list(procedures)], "age": [age], "admission_method": [method]})
    rules = condition_set(set_name)
    return classify_records(record[rules.columns()], conditions=rules)[0]


NHS19 = [
    # (test id, primary, secondary diagnoses, procedures (main first), admission method, expected)
    ("angina_primary_I20", "I20.9", (), (), "21", "angina"),
    ("angina_I24_0", "I24.0", (), (), "21", "angina"),
    ("angina_I24_1_not_listed", "I24.1", (), (), "21", "other"),
    ("angina_excludes_procedure_K40", "I20.0", (), ("K40.1",), "21", "other"),
    ("angina_excludes_main_procedure_A", "I20.0", (), ("A01.1",), "21", "other"),
    ("angina_excludes_procedure_X01", "I20.0", (), ("X01.1",), "21", "other"),
    ("angina_imaging_U_does_not_exclude", "I20.9", (), ("U20.1",), "21", "angina"),
    ("angina_X03_does_not_exclude", "I20.9", (), ("X03.1",), "21", "angina"),
    ("angina_K40_second_procedure_does_not_exclude", "I20.9", (), ("U20.1", "K40.1"), "21", "angina"),
    ("asthma_J45", "J45.9", (), (), "21", "asthma"),
    ("asthma_J46", "J46X", (), (), "22", "asthma"),
    ("chf_I50", "I50.0", (), (), "21", "congestive_heart_failure"),
    ("chf_J81", "J81X", (), (), "21", "congestive_heart_failure"),
    ("chf_excludes_procedure_K60_any_position", "I50.0", (), ("U20.1", "K60.1"), "21", "other"),
    ("chf_excludes_procedure_K49", "I11.0", (), ("K49.1",), "21", "other"),
    ("chf_K58_does_not_exclude", "I50.0", (), ("K58.1",), "21", "congestive_heart_failure"),
    ("hypertension_I10", "I10X", (), (), "21", "hypertension"),
    ("hypertension_excludes_procedure_K50", "I10X", (), ("K50.1",), "21", "other"),
    ("hypertension_I11_0_is_chf", "I11.0", (), (), "21", "congestive_heart_failure"),
    ("copd_J44", "J44.1", (), (), "21", "copd"),
    ("copd_J47", "J47X", (), (), "21", "copd"),
    ("copd_J20_requires_secondary_J44", "J20.9", ("J44.9",), (), "21", "copd"),
    ("copd_J20_without_secondary_is_other", "J20.9", ("I10X",), (), "21", "other"),
    ("iron_deficiency_anaemia_D50_9", "D50.9", (), (), "21", "iron_deficiency_anaemia"),
    ("iron_deficiency_anaemia_D50_0_not_listed", "D50.0", (), (), "21", "other"),
    ("nutritional_deficiencies_E43", "E43X", (), (), "21", "nutritional_deficiencies"),
    ("cellulitis_L03", "L03.1", (), (), "21", "cellulitis"),
    ("cellulitis_minor_skin_procedure_S06_does_not_exclude", "L03.1", (), ("S06.1",), "21", "cellulitis"),
    ("cellulitis_excludes_procedure_S41", "L03.1", (), ("S41.1",), "21", "other"),
    ("cellulitis_excludes_procedure_W90", "L03.1", (), ("S06.1", "W90.1"), "21", "other"),
    ("convulsions_epilepsy_R56", "R56.8", (), (), "21", "convulsions_epilepsy"),
    ("convulsions_epilepsy_O15", "O15.0", (), (), "21", "convulsions_epilepsy"),
    ("dehydration_gastroenteritis_E86", "E86X", (), (), "21", "dehydration_gastroenteritis"),
    ("dehydration_gastroenteritis_K52_1_not_listed", "K52.1", (), (), "21", "other"),
    ("dental_conditions_K02", "K02.1", (), (), "21", "dental_conditions"),
    ("ent_infections_J06", "J06.9", (), (), "21", "ent_infections"),
    ("pelvic_inflammatory_disease_N73", "N73.9", (), (), "21", "pelvic_inflammatory_disease"),
    ("perforated_bleeding_ulcer_K25_0", "K25.0", (), (), "21", "perforated_bleeding_ulcer"),
    ("perforated_bleeding_ulcer_K25_3_not_listed", "K25.3", (), (), "21", "other"),
    ("pyelonephritis_N13_6", "N13.6", (), (), "21", "pyelonephritis"),
    ("diabetes_complications_any_position", "S72.0", ("E11.5",), (), "21", "diabetes_complications"),
    ("diabetes_E11_9_is_not_a_complication", "S72.0", ("E11.9",), (), "21", "other"),
    ("influenza_pneumonia_any_position", "R05X", ("J18.1",), (), "21", "influenza_pneumonia"),
    ("influenza_pneumonia_excludes_secondary_D57", "J18.1", ("D57.1",), (), "21", "other"),
    ("influenza_pneumonia_J18_9_not_listed", "J18.9", (), (), "21", "other"),
    ("other_vaccine_preventable_B05_any_position", "R50.9", ("B05.9",), (), "21", "other_vaccine_preventable"),
    ("gangrene_any_position", "I70.2", ("R02X",), (), "21", "gangrene"),
    ("primary_group_comes_before_any_position", "J45.9", ("E10.1",), (), "21", "asthma"),
    ("emergency_only_excludes_elective_11", "J45.9", (), (), "11", "other"),
    ("emergency_only_excludes_transfer_81", "J45.9", (), (), "81", "other"),
    ("emergency_only_counts_2A", "J45.9", (), (), "2A", "asthma"),
    ("emergency_only_missing_method_is_other", "J45.9", (), (), None, "other"),
]


@pytest.mark.parametrize("primary, secondary, procedures, method, expected",
                         [case[1:] for case in NHS19], ids=[f"acsc_nhs19_{case[0]}" for case in NHS19])
def test_acsc_nhs19(primary, secondary, procedures, method, expected):
    assert _label("acsc_nhs19", primary, secondary, procedures, method=method) == expected


def test_acsc_nhs19_angina_excludes_procedure_K40():
    # the brief's named example: NHS Institute Appendix A excludes angina admissions with an operation
    assert _label("acsc_nhs19", "I20.9", procedures=["K40.1"]) == "other"
    assert _label("acsc_nhs19", "I20.9") == "angina"


BILLINGS = [
    # (test id, primary, secondary diagnoses, procedures, age, expected)
    ("angina_411_1", "411.1", (), (), 60, "angina"),
    ("angina_excludes_surgical_procedure_36_06", "413.9", (), ("36.06",), 60, "other"),
    ("angina_diagnostic_procedure_88_56_does_not_exclude", "413.9", (), ("88.56",), 60, "angina"),
    ("asthma_493", "493.92", (), (), 30, "asthma"),
    ("chf_428", "428.0", (), (), 70, "congestive_heart_failure"),
    ("chf_excludes_procedure_37_51", "428.0", (), ("37.51",), 70, "other"),
    ("chf_stent_36_06_does_not_exclude", "428.0", (), ("36.06",), 70, "congestive_heart_failure"),
    ("hypertension_401_9", "401.9", (), (), 70, "hypertension"),
    ("hypertension_402_01_is_chf", "402.01", (), (), 70, "congestive_heart_failure"),
    ("copd_491_21", "491.21", (), (), 70, "copd"),
    ("copd_466_0_requires_secondary_491", "466.0", ("491.21",), (), 70, "copd"),
    ("copd_466_0_without_secondary_is_other", "466.0", (), (), 70, "other"),
    ("diabetes_complications_250_13", "250.13", (), (), 40, "diabetes_complications"),
    ("diabetes_250_4_not_listed", "250.40", (), (), 40, "other"),
    ("diabetes_without_complication_250_00", "250.00", (), (), 40, "diabetes_without_complication"),
    ("bacterial_pneumonia_nhds_filler_486-", "486-", (), (), 70, "bacterial_pneumonia"),
    ("bacterial_pneumonia_excludes_secondary_sickle_cell_282_61", "486", ("282.61",), (), 30, "other"),
    ("bacterial_pneumonia_482_0_not_listed", "482.0", (), (), 70, "other"),
    ("kidney_urinary_infection_599_0", "599.0", (), (), 70, "kidney_urinary_infection"),
    ("cellulitis_incision_86_04_only_does_not_exclude", "682.6", (), ("86.04",), 50, "cellulitis"),
    ("cellulitis_excludes_other_surgery_86_22", "682.6", (), ("86.04", "86.22"), 50, "other"),
    ("ent_otitis_media_excludes_myringotomy_20_01", "382.9", (), ("20.01",), 3, "other"),
    ("ent_pharyngitis_myringotomy_does_not_exclude", "463", (), ("20.01",), 3, "ent_infections"),
    ("iron_deficiency_anaemia_age_0_5_any_position", "V30.00", ("280.9",), (), 3, "iron_deficiency_anaemia"),
    ("iron_deficiency_anaemia_age_6_is_other", "280.9", (), (), 6, "other"),
    ("failure_to_thrive_under_1", "783.41", (), (), 0, "failure_to_thrive"),
    ("failure_to_thrive_age_1_is_other", "783.41", (), (), 1, "other"),
    ("hib_meningitis_320_2_age_1_5", "320.2", (), (), 3, "other_vaccine_preventable"),
    ("hib_meningitis_320_2_age_7_is_other", "320.2", (), (), 7, "other"),
    ("dehydration_276_51_secondary", "780.6", ("276.51",), (), 80, "dehydration_gastroenteritis"),
    ("gastroenteritis_558_9_primary", "558.9", (), (), 80, "dehydration_gastroenteritis"),
    ("nutritional_deficiencies_263_not_listed", "263.9", (), (), 80, "other"),
    ("tuberculosis_011", "011.90", (), (), 40, "tuberculosis"),
]


@pytest.mark.parametrize("primary, secondary, procedures, age, expected",
                         [case[1:] for case in BILLINGS], ids=[f"acsc_billings_icd9cm_{case[0]}" for case in BILLINGS])
def test_acsc_billings_icd9cm(primary, secondary, procedures, age, expected):
    assert _label("acsc_billings_icd9cm", primary, secondary, procedures, age=age) == expected


def test_acsc_billings_unknown_age_fails_an_age_limit():
    assert _label("acsc_billings_icd9cm", "280.9", age=float("nan")) == "other"
    assert _label("acsc_billings_icd9cm", "493.90", age=float("nan")) == "asthma"  # no age limit


def test_acsc_sets_are_listed_with_acsc_names():
    from kpcompare import list_condition_sets

    listed = list_condition_sets()
    acsc = listed[listed["name"].str.startswith("acsc_")]
    assert set(acsc["name"]) >= {"acsc_nhs19", "acsc_billings_icd9cm"}
    nhs19 = acsc.set_index("name").loc["acsc_nhs19"]
    assert nhs19["coding"] == "icd10" and nhs19["groups"] == 19  # the NHS Institute's 19 conditions
