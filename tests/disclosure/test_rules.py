"""The disclosure rules as their publishers define them (kpcompare.disclosure.rules).

Expected values are the publishers' own statements, never output of kpcompare:
* HES: NHS Digital, "Disclosure control methodology for HES and ECDS" (September 2018), as printed in request
  10641's "Footnotes" sheet: 0 unchanged, 1-7 '*', "All other counts will be rounded to the nearest 5".
* midpoint6: OpenSAFELY documentation, "Releasing research outputs", section "Midpoint 6 rounding"
  (opensafely/documentation docs/releasing-files.md): the mapping table 0 -> 0, 1-6 -> 3, 7-12 -> 9, 13-18 -> 15.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from kpcompare.disclosure import RULES, Rule
from kpcompare.disclosure.rules import resolve_rule, round_counts
from kpcompare.errors import InvalidArgumentError, UnknownNameError


def test_hes_rounds_to_the_nearest_five():
    # NHS Digital: counts >= 8 "rounded to the nearest 5"; 8 -> 10 (2 away, 5 is 3 away), 12 -> 10, 13 -> 15
    x = np.array([8, 9, 10, 11, 12, 13, 14, 15, 102, 103, 12_905_238])
    assert round_counts(x, RULES["hes"]).tolist() == [10, 10, 10, 10, 10, 15, 15, 15, 100, 105, 12_905_240]


def test_hes_tie_rule_is_half_up_for_fractional_counts():
    # whole counts never tie at base 5; a weighted 12.5 rounds up (Excel MROUND, Spark round: half up)
    assert round_counts(np.array([12.5, 17.5, 2.5]), RULES["hes"]).tolist() == [15, 20, 5]
    even = Rule(name="even", rounding="half_even")
    assert round_counts(np.array([12.5, 17.5]), even).tolist() == [10, 20]


def test_midpoint6_matches_opensafely_mapping_table():
    # OpenSAFELY's table: "0 -> 0; 1-6 -> 3; 7-12 -> 9; 13-18 -> 15"
    x = np.arange(0, 19)
    expected = [0] + [3] * 6 + [9] * 6 + [15] * 6
    assert round_counts(x, RULES["midpoint6"]).tolist() == expected


@given(st.integers(min_value=1, max_value=10**9))
def test_midpoint6_bounds_stated_by_opensafely(x):
    # "For non-zero rounded values of x, we know true values range between x-2 and x+3"
    released = round_counts(np.array([x]), RULES["midpoint6"])[0]
    assert released - 2 <= x <= released + 3


@given(st.integers(min_value=8, max_value=10**9))
def test_hes_released_count_is_within_two_of_the_truth_and_never_five(x):
    released = round_counts(np.array([x]), RULES["hes"])[0]
    assert released % 5 == 0 and abs(released - x) <= 2 and released >= 10


def test_rule_names_and_objects_resolve():
    assert resolve_rule("hes") is RULES["hes"]
    custom = Rule(name="ten", threshold=9, base=10)
    assert resolve_rule(custom) is custom
    with pytest.raises(UnknownNameError, match="unknown rule 'nhs'; choose one of 'hes', 'midpoint6'"):
        resolve_rule("nhs")
    with pytest.raises(InvalidArgumentError, match="give a rule name"):
        resolve_rule(7)


@pytest.mark.parametrize("kwargs, message", [
    ({"threshold": -1}, "'threshold' must be a whole number >= 0"),
    ({"threshold": 2.5}, "'threshold' must be a whole number >= 0"),
    ({"base": 0}, "'base' must be a finite number > 0"),
    ({"rounding": "bankers"}, "unknown rounding 'bankers'"),
    ({"small_total": "yes"}, "'small_total' must be True or False"),
    ({"derived": {"mean_los": 3}}, "must pair a column name"),
    ({"name": ""}, "'name' must be non-empty text"),
])
def test_bad_rules_are_refused(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        Rule(**kwargs)


def test_rule_is_frozen_and_derived_normalised():
    rule = Rule(name="mine", derived={"mean_los": "admissions"})
    assert rule.derived == (("mean_los", ("admissions",)),)
    assert rule.follows_threshold == 7
    with pytest.raises(AttributeError):
        rule.threshold = 3  # type: ignore[misc]
