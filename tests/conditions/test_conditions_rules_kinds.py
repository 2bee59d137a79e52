"""The rule kinds added for AHRQ's PQIs: the ICD-10-CM and ICD-10-PCS codings, exclude_primary,
exclude_any_position, require_procedures, the excluding diagnosis-and-procedure pair and the set-wide
exclude_admission_sources; what each does on a hand case, and the errors that name the rule broken."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare.conditions import ConditionSet, classify_records, condition_set, load_condition_rules
from kpcompare.errors import ConditionSetError, KpcompareError, MissingColumnError

HEADER = 'name = "mine"\ncoding = "icd10cm"\nprocedure_coding = "icd10pcs"\n'

RULES = HEADER + """exclude_admission_sources = ["4", "5"]
[[group]]
name = "first"
primary = ["A01"]
exclude_primary = ["A01.1"]
exclude_any_position = ["B02"]
source = "hand"

[[group]]
name = "second"
any_position = ["C03"]
require_procedures = ["0Y6"]
exclude_pair_diagnoses = ["D04"]
exclude_pair_procedures = ["0DT"]
"""


def _write(tmp_path, body: str):
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _one(rules, primary, secondary=(), procedures=(), source="1"):
    frame = pd.DataFrame({"primary_diagnosis": [primary], "diagnoses": [[primary, *secondary]],
                          "procedures": [list(procedures)], "admission_source": [source]})
    return classify_records(frame[rules.columns()], conditions=rules)[0]


@pytest.fixture
def rules(tmp_path):
    return load_condition_rules(_write(tmp_path, RULES))


@pytest.mark.parametrize("primary, secondary, procedures, source, expected", [
    ("A01.0", (), (), "1", "first"),
    ("A01.1", (), (), "1", "other"),  # exclude_primary
    ("A01.0", ("B02.9",), (), "1", "other"),  # exclude_any_position, secondary
    ("C03.0", ("B02.9",), ("0Y6C0Z3",), "1", "second"),  # exclude_any_position belongs to 'first' only
    ("C03.0", (), (), "1", "other"),  # require_procedures
    ("Z00.0", ("C03.0",), ("0DTJ4ZZ", "0Y6C0Z3"), "1", "second"),  # required procedure in any position
    ("Z00.0", ("C03.0", "D04.1"), ("0Y6C0Z3",), "1", "second"),  # pair: the diagnosis alone does not exclude
    ("Z00.0", ("C03.0",), ("0Y6C0Z3", "0DTJ4ZZ"), "1", "second"),  # pair: the procedure alone does not exclude
    ("Z00.0", ("C03.0", "D04.1"), ("0Y6C0Z3", "0DTJ4ZZ"), "1", "other"),  # the pair excludes
    ("A01.0", (), (), "4", "other"),  # exclude_admission_sources
    ("A01.0", (), (), " 5 ", "other"),  # blanks around the value are ignored
    ("A01.0", (), (), "45", "first"),  # whole values, not prefixes
    ("A01.0", (), (), None, "first"),  # an unknown source does not exclude
])
def test_new_rule_kinds_on_hand_cases(rules, primary, secondary, procedures, source, expected):
    assert _one(rules, primary, secondary, procedures, source) == expected


def test_exclude_any_position_covers_the_primary_too(tmp_path):
    body = HEADER + '[[group]]\nname = "g"\nprimary = ["A01"]\nexclude_any_position = ["A01.1"]\n'
    rules = load_condition_rules(_write(tmp_path, body))
    frame = pd.DataFrame({"primary_diagnosis": ["A01.1", "A01.2"], "diagnoses": [["A01.1"], ["A01.2"]]})
    assert classify_records(frame, conditions=rules).tolist() == ["other", "g"]


def test_new_kinds_in_the_rule_table_and_applicability(rules):
    table = rules.to_frame()
    assert set(table["rule"]) >= {"exclude_primary", "exclude_any_position", "require_procedures",
                                  "exclude_pair_diagnoses", "exclude_pair_procedures", "exclude_admission_sources"}
    applied = rules.applicability(["primary_diagnosis", "diagnoses"])
    lost = applied[~applied["applied"]]
    assert set(lost["column"]) == {"procedures", "admission_source"}
    assert rules.columns() == ["primary_diagnosis", "diagnoses", "procedures", "admission_source"]


def test_primary_reading_leaves_out_rules_that_need_a_procedure(rules):
    reading = rules.primary_reading()
    assert reading.groups == ("first",)


def test_icd10cm_codes_keep_their_letters_and_seventh_characters():
    cs = ConditionSet.from_mapping({"trauma": ["S78.011A"], "ptld": ["D47.Z1"], "merkel": ["C4A"]},
                                   coding="icd10cm")
    got = cs.classify(["S78.011A", "S78.011D", "D47Z1", "c4a.0", "S78011", None]).tolist()
    assert got == ["trauma", "other", "ptld", "merkel", "other", "other"]


def test_icd10cm_coding_is_not_the_who_icd10_coding():
    # WHO ICD-10 reads a trailing letter as a filler or marker ('I64X', 'I64D'): the 7th character of an ICD-10-CM
    # code would be lost (S78.011D, a subsequent encounter, would count as the initial one, S78.011A)
    who = ConditionSet.from_mapping({"stroke": ["I64"], "trauma": ["S78.011A"]}, coding="icd10")
    assert who.classify(["I64X", "S78.011D"]).tolist() == ["stroke", "trauma"]
    cm = ConditionSet.from_mapping({"stroke": ["I64"], "trauma": ["S78.011A"]}, coding="icd10cm")
    assert cm.classify(["I64X", "S78.011D", "S78.011A"]).tolist() == ["stroke", "other", "trauma"]
    with pytest.raises(ConditionSetError, match="'D47.Z1' is not a valid icd10 code"):
        ConditionSet.from_mapping({"ptld": ["D47.Z1"]}, coding="icd10")


@pytest.mark.parametrize("body, message", [
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nexclude_procedures = ["0Y6I0Z3"]\n',
     "'0Y6I0Z3' is not a valid icd10pcs code .*other than I and O"),
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nrequire_procedures = ["0Y6C0Z34"]\n', "not a valid icd10pcs"),
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nexclude_pair_diagnoses = ["N18"]\n',
     "'exclude_pair_diagnoses' and 'exclude_pair_procedures' go together"),
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nexclude_pair_procedures = ["031"]\n',
     "'exclude_pair_diagnoses' and 'exclude_pair_procedures' go together"),
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nexclude_any_position = ["1234"]\n',
     "'1234' is not a valid icd10cm code"),
    ('[[group]]\nname = "a"\nprimary = ["I10"]\nexclude_primary = "O00"\n',
     "'exclude_primary' must be a list of code strings"),
    ('exclude_admission_sources = "4"\n[[group]]\nname = "a"\nprimary = ["I10"]\n',
     "'exclude_admission_sources' must be a list of non-empty texts"),
    ('exclude_admission_sources = [4]\n[[group]]\nname = "a"\nprimary = ["I10"]\n',
     "'exclude_admission_sources' must be a list of non-empty texts"),
    ('admission_methods = [""]\n[[group]]\nname = "a"\nprimary = ["I10"]\n',
     "'admission_methods' must be a list of non-empty texts"),
])
def test_new_kinds_errors_name_the_rule(tmp_path, body, message):
    with pytest.raises(ConditionSetError, match=message):
        load_condition_rules(_write(tmp_path, HEADER + body))


def test_require_procedures_needs_a_procedure_coding(tmp_path):
    body = 'name = "x"\ncoding = "icd10cm"\n[[group]]\nname = "a"\nany_position = ["E11"]\nrequire_procedures = ["0Y6"]\n'
    with pytest.raises(ConditionSetError, match="'require_procedures' needs the set's 'procedure_coding'"):
        load_condition_rules(_write(tmp_path, body))


def test_excluded_admission_sources_need_the_column():
    frame = pd.DataFrame({"primary_diagnosis": ["J18.9"], "diagnoses": [["J189"]], "procedures": [[]],
                          "age": [70.0]})
    with pytest.raises(MissingColumnError, match="'admission_source'"):
        classify_records(frame, conditions="acsc_pqi")


def test_acsc_pqi_is_coded_icd10cm_only():
    with pytest.raises(ConditionSetError, match="'acsc_pqi' is coded 'icd10cm', not 'icd10'"):
        condition_set("acsc_pqi", coding="icd10")
    with pytest.raises(KpcompareError, match="has no groups coded 'icd10cm'"):
        condition_set("ham2003_leading_causes", coding="icd10cm")
