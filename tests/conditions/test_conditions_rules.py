"""The condition-rules format (TOML): what it accepts, and the errors that name the rule broken."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare.conditions import ConditionRules, GroupRule, condition_set, load_condition_rules
from kpcompare.errors import ConditionSetError, KpcompareError, MissingColumnError, SourceReadError


def _write(tmp_path, body: str):
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    return path


HEADER = 'name = "mine"\ncoding = "icd10"\nprocedure_coding = "opcs4"\n'


def test_rules_file_round_trip(tmp_path):
    path = _write(tmp_path, HEADER + """
[[group]]
name = "angina"
primary = ["I20"]
exclude_main_procedure = ["K40-K46"]
age_min = 18
source = "mine"
""")
    rules = load_condition_rules(path)
    assert rules.name == "mine" and rules.groups == ("angina",) and rules.labels == ("angina", "other")
    assert rules.columns() == ["primary_diagnosis", "procedures", "age"]
    table = rules.to_frame()
    assert list(table.columns) == ["group", "rule", "column", "codes", "source"]
    assert set(table["rule"]) == {"primary", "exclude_main_procedure", "age_min"}


def test_rules_classify_uses_the_primary_lists_only():
    rules = condition_set("acsc_nhs19")
    assert rules.classify(["I20.9", "J20.9", "R02X"]).tolist() == ["angina", "copd", "other"]


def test_rules_applicability_names_what_a_primary_diagnosis_table_cannot_apply():
    rules = condition_set("acsc_nhs19")
    table = rules.applicability(["primary_diagnosis"])
    not_applied = table[~table["applied"]]
    assert {"procedures", "diagnoses", "admission_method"} == set(not_applied["column"])
    angina = not_applied[not_applied["group"] == "angina"]
    assert set(angina["rule"]) == {"exclude_main_procedure", "admission_methods"}


@pytest.mark.parametrize("body, message", [
    ('[[group]]\nname = "a"\nprimary = ["I20"]\ncolour = "red"\n', "unknown key 'colour'"),
    ('[[group]]\nname = "a"\nexclude_secondary = ["D57"]\n', "give 'primary' or 'any_position'"),
    ('[[group]]\nname = "a"\nprimary = ["I20"]\nexclude_procedures = ["K4O"]\n', "'K4O' is not a valid opcs4"),
    ('[[group]]\nname = "a"\nprimary = ["I20"]\nexclude_procedures = ["K40-K4"]\n', "not a valid opcs4"),
    ('[[group]]\nname = "a"\nprimary = ["I20"]\nage_min = 70\nage_max = 60\n', "age_min 70 is above age_max 60"),
    ('[[group]]\nname = "a"\nprimary = ["I20"]\nage_min = -1\n', "age_min must be a number of years >= 0"),
    ('[[group]]\nname = "a"\nprimary = "I20"\n', "'primary' must be a list of code strings"),
    ('[[group]]\nname = "a"\nprimary = ["410"]\n', "'410' is not a valid icd10 code"),
    ('[[group]]\nname = "other"\nprimary = ["I20"]\n', "may not be called 'other'"),
])
def test_rules_file_errors_name_the_rule(tmp_path, body, message):
    with pytest.raises(ConditionSetError, match=message):
        load_condition_rules(_write(tmp_path, HEADER + body))


def test_procedure_rules_need_a_procedure_coding(tmp_path):
    body = 'name = "x"\ncoding = "icd10"\n[[group]]\nname = "a"\nprimary = ["I20"]\nexclude_procedures = ["K40"]\n'
    with pytest.raises(ConditionSetError, match="needs the set's 'procedure_coding'"):
        load_condition_rules(_write(tmp_path, body))


def test_rules_file_that_is_not_toml(tmp_path):
    with pytest.raises(SourceReadError, match="is not valid TOML"):
        load_condition_rules(_write(tmp_path, "name = \n"))
    with pytest.raises(SourceReadError, match="no \\[\\[group\\]\\] tables"):
        load_condition_rules(_write(tmp_path, HEADER))


def test_bundled_rules_have_a_fixed_coding():
    with pytest.raises(ConditionSetError, match="coded 'icd9cm', not 'icd10'"):
        condition_set("acsc_billings_icd9cm", coding="icd10")


def test_a_group_with_several_rules_holds_when_any_holds():
    rules = ConditionRules(name="t", coding="icd10", rules=(
        GroupRule(name="copd", primary=("J44",)),
        GroupRule(name="copd", primary=("J20",), require_secondary=("J44",)),
    ))
    assert rules.groups == ("copd",)
    assert len(rules.rule("copd")) == 2


def test_classify_records_needs_the_rule_columns():
    from kpcompare.conditions import classify_records

    with pytest.raises(MissingColumnError, match="'procedures'"):
        classify_records(pd.DataFrame({"primary_diagnosis": ["I20"]}), conditions="acsc_nhs19")
    with pytest.raises(KpcompareError, match="argument 'conditions'"):
        classify_records(pd.DataFrame({"primary_diagnosis": ["I20"]}), conditions=3)
