"""The bundled AHRQ PQI sets (acsc_pqi, acsc_pqi_16), rule by rule, on hand cases that name the rule.

Every expected label is read off AHRQ's PQI v2024 definition (the SAS QI v2024 program PQI_AREA_MEASURES.SAS and
the code lists of PQI_AREA_FORMATS.SAS, quoted in data/conditions/SOURCES.md and docs/conditions.md): the code
of each case was looked up in AHRQ's format named beside it, never taken from kpcompare output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare.conditions import classify_records, condition_set

P01, P03, P05 = ("pqi01_diabetes_short_term_complications", "pqi03_diabetes_long_term_complications",
                 "pqi05_copd_or_asthma_older_adults")
P07, P08, P11, P12 = ("pqi07_hypertension", "pqi08_heart_failure", "pqi11_community_acquired_pneumonia",
                      "pqi12_urinary_tract_infection")
P14, P15, P16 = ("pqi14_uncontrolled_diabetes", "pqi15_asthma_younger_adults",
                 "pqi16_lower_extremity_amputation_diabetes")


def _label(set_name: str, primary: str | None, secondary=(), procedures=(), age=50.0, source="1") -> str:
    diagnoses = ([primary] if primary else []) + list(secondary)
    record = pd.DataFrame({"primary_diagnosis": [primary], "diagnoses": [diagnoses],
                           "procedures": [list(procedures)], "age": [age], "admission_source": [source]})
    rules = condition_set(set_name)
    return classify_records(record[rules.columns()], conditions=rules)[0]


PQI = [
    # (test id, primary, secondary diagnoses, procedures, age, admission source, expected)
    # PQI 01: principal diagnosis in $ACDIASD, ages 18+
    ("pqi01_principal_E10_10_ketoacidosis", "E10.10", (), (), 50, "1", P01),
    ("pqi01_principal_E11_641_hypoglycemia_with_coma", "E11.641", (), (), 50, "1", P01),
    ("pqi01_E13_00_added_in_v2024", "E13.00", (), (), 50, "1", P01),
    ("pqi01_age_17_is_below_the_denominator", "E10.10", (), (), 17, "1", "other"),
    ("pqi01_secondary_only_is_not_counted", "J06.9", ("E10.10",), (), 50, "1", "other"),
    # PQI 03: principal diagnosis in $ACDIALD
    ("pqi03_principal_E11_22_kidney", "E11.22", (), (), 60, "1", P03),
    ("pqi03_seven_character_E10_3211_retinopathy", "E10.3211", (), (), 60, "1", P03),
    ("pqi03_E11_9_without_complication_is_not_listed", "E11.9", (), (), 60, "1", "other"),
    # PQI 05: principal $ACCOPDD or $ACSASTD, ages 40+, excluding $RESPAN in any position
    ("pqi05_copd_J44_1_age_40", "J44.1", (), (), 40, "1", P05),
    ("pqi05_asthma_J45_21_age_45", "J45.21", (), (), 45, "1", P05),
    ("pqi05_age_39_is_below_40", "J44.1", (), (), 39, "1", "other"),
    ("pqi05_excludes_cystic_fibrosis_E84_0_any_position", "J44.1", ("E84.0",), (), 60, "1", "other"),
    ("pqi05_acute_bronchitis_J20_9_is_not_listed", "J20.9", ("J44.9",), (), 60, "1", "other"),
    # PQI 07: principal $ACSHYPD; excludes $ACSCARP procedures and ($ACSHY2D diagnosis with $DIALY2P procedure)
    ("pqi07_principal_I10", "I10", (), (), 60, "1", P07),
    ("pqi07_principal_I16_1_hypertensive_emergency", "I16.1", (), (), 60, "1", P07),
    ("pqi07_excludes_cardiac_procedure_02100Z9", "I10", (), ("02100Z9",), 60, "1", "other"),
    ("pqi07_cardiac_procedure_in_any_position", "I10", (), ("0DTJ4ZZ", "02100Z9"), 60, "1", "other"),
    ("pqi07_excludes_kidney_disease_I12_9_with_dialysis_access_031509D", "I12.9", (), ("031509D",), 60, "1",
     "other"),
    ("pqi07_kidney_disease_pair_in_secondary_position", "I10", ("I12.9",), ("031509D",), 60, "1", "other"),
    ("pqi07_kidney_disease_without_dialysis_access_counts", "I12.9", (), (), 60, "1", P07),
    ("pqi07_dialysis_access_without_kidney_disease_counts", "I10", (), ("031509D",), 60, "1", P07),
    # PQI 08: principal $MRTCHFD, excluding $ACSCARP procedures
    ("pqi08_principal_I50_9", "I50.9", (), (), 70, "1", P08),
    ("pqi08_principal_I11_0_hypertensive_heart_disease_with_failure", "I11.0", (), (), 70, "1", P08),
    ("pqi08_principal_I13_0", "I13.0", (), (), 70, "1", P08),
    ("pqi08_excludes_cardiac_procedure_02100Z9", "I50.9", (), ("02100Z9",), 70, "1", "other"),
    # PQI 11: principal $ACSBACD; excludes $ACSBA2D and $IMMUNID diagnoses, $IMMUNIP procedures (any position)
    ("pqi11_principal_J18_9", "J18.9", (), (), 70, "1", P11),
    ("pqi11_principal_J15_9", "J15.9", (), (), 70, "1", P11),
    ("pqi11_viral_pneumonia_J12_9_is_not_listed", "J12.9", (), (), 70, "1", "other"),
    ("pqi11_excludes_sickle_cell_D57_00", "J18.9", ("D57.00",), (), 70, "1", "other"),
    ("pqi11_excludes_immunocompromised_B20", "J18.9", ("B20",), (), 70, "1", "other"),
    ("pqi11_excludes_immunocompromised_D47_Z1_letter_inside_code", "J18.9", ("D47.Z1",), (), 70, "1", "other"),
    ("pqi11_excludes_immunocompromised_procedure_02YA0Z0", "J18.9", (), ("02YA0Z0",), 70, "1", "other"),
    # PQI 12: principal $ACSUTID; excludes $IMMUNID and $KIDNEY diagnoses, $IMMUNIP procedures
    ("pqi12_principal_N39_0", "N39.0", (), (), 70, "1", P12),
    ("pqi12_principal_N10", "N10", (), (), 70, "1", P12),
    ("pqi12_excludes_immunocompromised_T86_11", "N39.0", ("T86.11",), (), 70, "1", "other"),
    ("pqi12_excludes_kidney_disorder_N11_0", "N39.0", ("N11.0",), (), 70, "1", "other"),
    ("pqi12_excludes_immunocompromised_procedure_0BYC0Z0", "N39.0", (), ("0BYC0Z0",), 70, "1", "other"),
    # PQI 14: principal $ACDIAUD
    ("pqi14_principal_E11_65_hyperglycemia", "E11.65", (), (), 50, "1", P14),
    ("pqi14_principal_E11_649", "E11.649", (), (), 50, "1", P14),
    ("pqi14_E13_65_added_in_v2024", "E13.65", (), (), 50, "1", P14),
    # PQI 15: principal $ACSASTD, ages 18-39, excluding $RESPAN
    ("pqi15_asthma_age_18", "J45.21", (), (), 18, "1", P15),
    ("pqi15_asthma_age_39", "J45.901", (), (), 39, "1", P15),
    ("pqi15_age_17_is_below_18", "J45.21", (), (), 17, "1", "other"),
    ("pqi15_excludes_cystic_fibrosis_E84_11", "J45.21", ("E84.11",), (), 30, "1", "other"),
    ("pqi15_unknown_age_fails_the_limits", "J45.21", (), (), None, "1", "other"),
    # PQI 16: $ACSLEAP procedure and $ACSLEAD diagnosis in any position; excludes principal $MDC14PRINDX and
    # $ACLEA2D (traumatic amputation) in any position; ages 18+
    ("pqi16_amputation_0Y6C0Z3_with_secondary_diabetes_E11_9", "I70.262", ("E11.9",), ("0Y6C0Z3",), 70, "1", P16),
    ("pqi16_amputation_in_second_procedure_position", "I70.262", ("E11.9",), ("0DTJ4ZZ", "0Y6H0Z1"), 70, "1",
     P16),
    ("pqi16_needs_an_amputation_procedure", "I70.262", ("E11.9",), (), 70, "1", "other"),
    ("pqi16_needs_a_diabetes_diagnosis", "I70.262", ("I10",), ("0Y6C0Z3",), 70, "1", "other"),
    ("pqi16_toe_amputation_0Y6P0Z0_is_not_listed", "I70.262", ("E11.9",), ("0Y6P0Z0",), 70, "1", "other"),
    ("pqi16_excludes_traumatic_amputation_S78_011A", "S78.011A", ("E11.9",), ("0Y6C0Z3",), 70, "1", "other"),
    ("pqi16_excludes_mdc14_principal_O24_011", "O24.011", (), ("0Y6C0Z3",), 30, "1", "other"),
    ("pqi16_age_17_is_below_18", "I70.262", ("E11.9",), ("0Y6C0Z3",), 17, "1", "other"),
    ("pqi16_comes_after_pqi03_in_acsc_pqi", "E11.52", (), ("0Y6C0Z3",), 70, "1", P03),
    # every PQI: transfers (UB-04 point of origin 4, 5, 6) are excluded
    ("transfer_from_a_hospital_4_is_excluded", "J18.9", (), (), 70, "4", "other"),
    ("transfer_from_a_snf_5_is_excluded", "I50.9", (), (), 70, "5", "other"),
    ("transfer_from_another_facility_6_is_excluded", "E11.65", (), (), 70, "6", "other"),
    ("point_of_origin_D_is_not_a_transfer", "J18.9", (), (), 70, "D", P11),
    ("unknown_admission_source_is_not_excluded", "J18.9", (), (), 70, None, P11),
]


@pytest.mark.parametrize("primary, secondary, procedures, age, source, expected",
                         [case[1:] for case in PQI], ids=[case[0] for case in PQI])
def test_acsc_pqi_rule(primary, secondary, procedures, age, source, expected):
    assert _label("acsc_pqi", primary, secondary, procedures, age, source) == expected


PQI16_ALONE = [
    ("pqi16_alone_counts_a_principal_pqi03_diabetes_E11_52", "E11.52", (), ("0Y6C0Z3",), 70, "1", P16),
    ("pqi16_alone_amputation_with_secondary_diabetes", "I70.262", ("E11.9",), ("0Y6C0Z3",), 70, "1", P16),
    ("pqi16_alone_excludes_trauma_in_secondary_position", "I70.262", ("E11.9", "S78.011A"), ("0Y6C0Z3",), 70,
     "1", "other"),
    ("pqi16_alone_excludes_transfers", "E11.52", (), ("0Y6C0Z3",), 70, "4", "other"),
    ("pqi16_alone_principal_pqi01_is_not_pqi16_without_amputation", "E10.10", (), (), 50, "1", "other"),
]


@pytest.mark.parametrize("primary, secondary, procedures, age, source, expected",
                         [case[1:] for case in PQI16_ALONE], ids=[case[0] for case in PQI16_ALONE])
def test_acsc_pqi_16_rule(primary, secondary, procedures, age, source, expected):
    assert _label("acsc_pqi_16", primary, secondary, procedures, age, source) == expected


def test_acsc_pqi_is_listed_with_its_groups():
    from kpcompare import list_condition_sets

    table = list_condition_sets().set_index("name")
    assert table.loc["acsc_pqi", "coding"] == "icd10cm"
    assert table.loc["acsc_pqi", "groups"] == 10
    assert table.loc["acsc_pqi_16", "groups"] == 1
    rules = condition_set("acsc_pqi")
    assert rules.groups == (P01, P03, P05, P07, P08, P11, P12, P14, P15, P16)
    assert rules.procedure_coding == "icd10pcs" and rules.exclude_admission_sources == ("4", "5", "6")
    assert rules.columns() == ["primary_diagnosis", "age", "diagnoses", "procedures", "admission_source"]


# Sizes of AHRQ's v2024 code lists (formats of PQI_AREA_FORMATS.SAS, counted in AHRQ's file) and the group key
# that carries each; a list merged with another in one key is counted in the sum.
AHRQ_SIZES = [
    (P01, "primary", 13), (P03, "primary", 258), (P05, "primary", 15 + 13), (P05, "exclude_any_position", 48),
    (P07, "primary", 7), (P07, "exclude_procedures", 1950), (P07, "exclude_pair_diagnoses", 2),
    (P07, "exclude_pair_procedures", 120), (P08, "primary", 27), (P08, "exclude_procedures", 1950),
    (P11, "primary", 14), (P11, "exclude_any_position", 40 + 170), (P11, "exclude_procedures", 179),
    (P12, "primary", 13), (P12, "exclude_any_position", 170 + 76), (P12, "exclude_procedures", 179),
    (P14, "primary", 6), (P15, "primary", 13), (P15, "exclude_any_position", 48), (P16, "any_position", 280),
    (P16, "require_procedures", 41), (P16, "exclude_primary", 2395), (P16, "exclude_any_position", 72),
]


@pytest.mark.parametrize("group, key, size", AHRQ_SIZES, ids=[f"{g[:5]}_{k}" for g, k, _ in AHRQ_SIZES])
def test_acsc_pqi_lists_have_the_sizes_of_ahrq_formats(group, key, size):
    (rule,) = condition_set("acsc_pqi").rule(group)
    codes = getattr(rule, key)
    assert len(codes) == len(set(codes)) == size
