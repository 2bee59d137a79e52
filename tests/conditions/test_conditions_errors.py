"""Invalid condition-set definitions: one test per error message."""

from __future__ import annotations

import pytest

from kpcompare.conditions import ConditionSet
from kpcompare.errors import ConditionSetError, KpcompareError, UnknownNameError


def _make(mapping, **kw):
    return ConditionSet.from_mapping(mapping, **kw)


def test_errors_are_kpcompare_errors():
    assert issubclass(ConditionSetError, KpcompareError)
    assert issubclass(ConditionSetError, ValueError)


def test_icd9_code_in_icd10_set():
    with pytest.raises(ConditionSetError, match=r"condition set 'x', group 'ami': '410' is not a valid icd10 "
                                                r"code: expected a letter and two digits.*It looks like an "
                                                r"icd9cm code; is the set's coding wrong\?") as info:
        _make({"ami": ["410"]}, name="x")
    assert info.value.group == "ami" and info.value.code == "410"


def test_icd10_code_in_icd9cm_set():
    with pytest.raises(ConditionSetError, match=r"group 'stroke': 'I60' is not a valid icd9cm code: expected "
                                                r"three digits.*It looks like an icd10 code"):
        _make({"stroke": ["I60-I64"]}, coding="icd9cm")


def test_garbage_code():
    with pytest.raises(ConditionSetError, match=r"'J4' is not a valid icd10 code: expected a letter and two "
                                                r"digits, then up to three more digits \(e.g. 'I60', 'J44.1'\)\.$"):
        _make({"copd": ["J4"]})


def test_empty_code():
    with pytest.raises(ConditionSetError, match=r"group 'copd': code '' is not a non-empty string"):
        _make({"copd": ["J44", ""]})


def test_malformed_range_missing_end():
    with pytest.raises(ConditionSetError, match=r"malformed range 'I60-'; a range is two codes of equal "
                                                r"length joined by one '-'"):
        _make({"stroke": ["I60-"]})


def test_malformed_range_three_parts():
    with pytest.raises(ConditionSetError, match=r"malformed range 'I60-I62-I64'"):
        _make({"stroke": ["I60-I62-I64"]})


def test_range_ends_of_different_length():
    with pytest.raises(ConditionSetError, match=r"malformed range 'I60-I64.9': both ends must have the same "
                                                r"length and form \(got 'I60' and 'I649'\)"):
        _make({"stroke": ["I60-I64.9"]})


def test_icd9_range_mixing_numeric_and_v_codes():
    with pytest.raises(ConditionSetError, match=r"malformed range '999-V01'"):
        _make({"x": ["999-V01"]}, coding="icd9cm")


def test_icd9_range_mixing_v_and_e_codes():
    with pytest.raises(ConditionSetError, match="cannot mix numeric, V and E codes"):
        _make({"x": ["E880-V880"]}, coding="icd9cm")


def test_reversed_range():
    with pytest.raises(ConditionSetError, match=r"reversed range 'I64-I60': 'I64' comes after 'I60'; write "
                                                r"I60-I64 with the lower code first"):
        _make({"stroke": ["I64-I60"]})


def test_overlapping_groups_name_both_groups_and_the_codes():
    with pytest.raises(ConditionSetError, match=r"condition set 'x': groups 'copd' and 'copd_exac' overlap: "
                                                r"'J40-J44' \(copd\) and 'J44.1' \(copd_exac\) both cover codes "
                                                r"starting J441\. Give each code to one group, or pass "
                                                r"allow_overlap='first'") as info:
        _make({"copd": ["J40-J44"], "asthma": ["J45"], "copd_exac": ["J44.1"]}, name="x")
    assert info.value.groups == ("copd", "copd_exac")


def test_overlapping_ranges_report_the_common_span():
    with pytest.raises(ConditionSetError, match=r"groups 'a' and 'b' overlap: '430-434' \(a\) and '433-438' "
                                                r"\(b\) both cover codes starting 433-434"):
        _make({"a": ["430-434"], "b": ["433-438"]}, coding="icd9cm")


def test_identical_codes_in_two_groups():
    with pytest.raises(ConditionSetError, match=r"groups 'a' and 'b' overlap: 'L03' \(a\) and 'L03' \(b\)"):
        _make({"a": ["L03"], "b": ["L03"]})


def test_non_overlapping_neighbours_are_fine():
    cs = _make({"a": ["430-432"], "b": ["433-434"], "c": ["4330"]}, coding="icd9cm", allow_overlap="first")
    assert cs.groups == ("a", "b", "c")
    _make({"a": ["I60-I64"], "b": ["I65-I66"], "c": ["I59.9"]})


def test_reserved_group_name():
    with pytest.raises(ConditionSetError, match=r"group name 'other' is reserved"):
        _make({"other": ["J44"]})


def test_group_without_codes():
    with pytest.raises(ConditionSetError, match=r"group 'copd' has no codes"):
        _make({"copd": []})


def test_no_groups():
    with pytest.raises(ConditionSetError, match="it has no groups"):
        _make({})


def test_mapping_of_wrong_type():
    with pytest.raises(ConditionSetError, match=r"argument 'mapping': expected a mapping"):
        _make(["J44"])


def test_sources_for_unknown_groups():
    with pytest.raises(ConditionSetError, match=r"argument 'sources': group\(s\) \['copd'\] are not in"):
        _make({"asthma": ["J45"]}, sources={"copd": "x"})


def test_unknown_coding():
    with pytest.raises(UnknownNameError, match=r"argument 'coding': unknown value 'icd11'"):
        _make({"copd": ["J44"]}, coding="icd11")


def test_unknown_overlap_rule():
    with pytest.raises(UnknownNameError, match=r"argument 'allow_overlap': unknown value 'last'"):
        _make({"copd": ["J44"]}, allow_overlap="last")
