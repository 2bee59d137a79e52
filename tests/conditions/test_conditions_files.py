"""User-defined condition sets in CSV and TOML files; bundled sets by name."""

from __future__ import annotations

import pytest

import kpcompare
from kpcompare.conditions import ConditionSet, list_condition_sets, load_condition_set
from kpcompare.errors import ConditionSetError, SourceReadError, UnknownNameError

CSV_BOTH = """group,coding,codes,source
stroke,icd10,I61; I63-I64,SSNAP
stroke,icd9cm,431; 434.91; 436,Tirschwell 2002
copd,icd10,"J40-J43, J44",WHO
copd,icd10,J47,WHO (bronchiectasis added)
copd,icd9cm,490-492 496,CCS 127
"""

TOML_SET = """
name = "my_set"
coding = "icd10"

[[group]]
name = "stroke"
codes = ["I61", "I63-I64"]
source = "SSNAP"

[[group]]
name = "ami"
coding = "icd9cm"
codes = ["410"]

[[group]]
name = "copd"
codes = "J40-J44; J47"
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_two_codings(tmp_path):
    path = _write(tmp_path, "mine.csv", CSV_BOTH)
    cs10 = load_condition_set(path, coding="icd10")
    assert cs10.groups == ("stroke", "copd") and cs10.name == "mine"
    assert cs10.definition("copd") == ("J40-J43", "J44", "J47")
    assert cs10.source("copd") == "WHO WHO (bronchiectasis added)"
    assert cs10.classify(["I64X", "I62.0", "J47", "J45"]).tolist() == ["stroke", "other", "copd", "other"]
    cs9 = load_condition_set(path, coding="icd9cm", name="nine")
    assert cs9.name == "nine"
    assert cs9.classify(["43491", "496-", "4280"]).tolist() == ["stroke", "copd", "other"]


def test_csv_equals_mapping(tmp_path):
    path = _write(tmp_path, "mine.csv", CSV_BOTH)
    expected = ConditionSet.from_mapping(
        {"stroke": ["I61", "I63-I64"], "copd": ["J40-J43", "J44", "J47"]}, coding="icd10", name="mine",
        sources={"stroke": "SSNAP", "copd": "WHO WHO (bronchiectasis added)"})
    assert load_condition_set(path, coding="icd10") == expected


def test_csv_with_two_codings_needs_coding(tmp_path):
    path = _write(tmp_path, "mine.csv", CSV_BOTH)
    with pytest.raises(ConditionSetError, match=r"defines codings 'icd10', 'icd9cm'; pass coding= to choose"):
        load_condition_set(path)


def test_csv_without_coding_column_uses_argument(tmp_path):
    path = _write(tmp_path, "plain.csv", "group,codes\nuti,N39.0\n")
    assert load_condition_set(path, coding="icd10").classify(["N390"]).tolist() == ["uti"]
    with pytest.raises(ConditionSetError, match=r"line 2: group 'uti' has no coding; fill the coding column"):
        load_condition_set(path)


def test_csv_errors_name_the_file_and_line(tmp_path):
    path = _write(tmp_path, "bad.csv", "group,coding,codes\nami,icd10,410\n")
    with pytest.raises(ConditionSetError, match=r"condition set 'bad', group 'ami': '410' is not a valid icd10"):
        load_condition_set(path)
    path = _write(tmp_path, "coding.csv", "group,coding,codes\nami,icd-9,410\n")
    with pytest.raises(ConditionSetError, match=r"coding.csv', line 2: unknown coding 'icd-9'"):
        load_condition_set(path)
    path = _write(tmp_path, "nocodes.csv", "group,coding,codes\nami,icd9cm,\n")
    with pytest.raises(ConditionSetError, match=r"nocodes.csv', line 2: group 'ami' has no codes"):
        load_condition_set(path)


def test_csv_overlap_is_reported(tmp_path):
    path = _write(tmp_path, "overlap.csv", "group,coding,codes\nihd,icd10,I20-I25\nami,icd10,I21\n")
    with pytest.raises(ConditionSetError, match=r"groups 'ihd' and 'ami' overlap: 'I20-I25' \(ihd\) and "
                                                r"'I21' \(ami\)"):
        load_condition_set(path)
    assert load_condition_set(path, allow_overlap="first").classify(["I21.9"]).tolist() == ["ihd"]


def test_csv_missing_column(tmp_path):
    path = _write(tmp_path, "cols.csv", "name,coding,codes\nami,icd9cm,410\n")
    with pytest.raises(SourceReadError, match=r"column\(s\) 'group' not found; expected columns group, coding, "
                                              r"codes, source"):
        load_condition_set(path)


def test_csv_with_wrong_coding_requested(tmp_path):
    path = _write(tmp_path, "ten.csv", "group,coding,codes\nami,icd10,I21\n")
    with pytest.raises(ConditionSetError, match=r"has no groups coded 'icd9cm' \(it has 'icd10'\)"):
        load_condition_set(path, coding="icd9cm")


def test_toml(tmp_path):
    path = _write(tmp_path, "mine.toml", TOML_SET)
    cs = load_condition_set(path, coding="icd10")
    assert cs.name == "my_set" and cs.groups == ("stroke", "copd")
    assert cs.source("stroke") == "SSNAP" and cs.source("copd") == ""
    assert cs.classify(["I61.9", "J47", "I21"]).tolist() == ["stroke", "copd", "other"]
    assert load_condition_set(path, coding="icd9cm").groups == ("ami",)


def test_toml_errors(tmp_path):
    with pytest.raises(SourceReadError, match=r"is not valid TOML"):
        load_condition_set(_write(tmp_path, "broken.toml", "name = \n"))
    with pytest.raises(SourceReadError, match=r"no \[\[group\]\] tables found"):
        load_condition_set(_write(tmp_path, "empty.toml", "name = 'x'\n"))
    with pytest.raises(SourceReadError, match=r"\[\[group\]\] number 1 lacks 'name' or 'codes'"):
        load_condition_set(_write(tmp_path, "nocodes.toml", "[[group]]\nname = 'x'\n"))


def test_file_problems(tmp_path):
    with pytest.raises(SourceReadError, match=r"does not exist"):
        load_condition_set(tmp_path / "absent.csv")
    with pytest.raises(SourceReadError, match=r"unknown file type '.xlsx'; use a .csv or .toml file"):
        load_condition_set(_write(tmp_path, "x.xlsx", ""))
    with pytest.raises(SourceReadError, match=r"defines no groups"):
        load_condition_set(_write(tmp_path, "header.csv", "group,coding,codes\n"))


def test_bundled_set_by_name_and_coding():
    ten = kpcompare.condition_set("ham2003_leading_causes")
    nine = kpcompare.condition_set("ham2003_leading_causes", coding="icd9cm")
    assert ten.groups == nine.groups  # NHS and US results line up by group name
    assert ten.coding == "icd10" and nine.coding == "icd9cm"
    assert kpcompare.condition_set("ham2003_leading_causes_icd9cm") == nine
    assert ten.name == "ham2003_leading_causes_icd10"
    assert all(ten.source(g) and nine.source(g) for g in ten.groups)


def test_bundled_set_errors():
    with pytest.raises(UnknownNameError, match=r"unknown condition set 'ham2004'; bundled sets are "
                                               r"'ham2003_leading_causes'"):
        kpcompare.condition_set("ham2004")
    with pytest.raises(ConditionSetError, match=r"name 'ham2003_leading_causes_icd9cm' asks for 'icd9cm' but "
                                                r"coding='icd10' was given"):
        kpcompare.condition_set("ham2003_leading_causes_icd9cm", coding="icd10")


def test_list_condition_sets():
    table = list_condition_sets()
    assert list(table.columns) == ["name", "coding", "groups", "description"]
    ham = table[table["name"] == "ham2003_leading_causes"]
    assert ham["coding"].tolist() == ["icd10", "icd9cm"]
    assert ham["groups"].tolist() == [12, 12]


def test_file_errors_say_where_the_groups_are_and_list_every_bad_code(tmp_path):
    path = _write(tmp_path, "mine.csv",
                  "group,coding,codes,source\nstroke,icd10,I60-I64; I6,WHO\ncopd,icd10,J40-J44; 4912,x\n")
    with pytest.raises(ConditionSetError) as err:
        load_condition_set(path)
    text = str(err.value)
    assert "mine.csv' (groups 'stroke' at line 2 and 'copd' at line 3)" in text
    assert "2 invalid codes or ranges:" in text
    assert "group 'stroke': 'I6' is not a valid icd10 code" in text
    assert "group 'copd': '4912' is not a valid icd10 code" in text and "looks like an icd9cm code" in text
    assert err.value.groups == ("stroke", "copd")
    toml = _write(tmp_path, "mine.toml", 'name = "mine"\ncoding = "icd10"\n'
                  '[[group]]\nname = "stroke"\ncodes = ["I60-I64"]\n'
                  '[[group]]\nname = "late_stroke"\ncodes = "I64.9"\n')
    with pytest.raises(ConditionSetError, match=r"mine.toml' \(groups 'stroke' at \[\[group\]\] number 1 and "
                                                r"'late_stroke' at \[\[group\]\] number 2\): .*groups 'stroke' "
                                                r"and 'late_stroke' overlap"):
        load_condition_set(toml)
