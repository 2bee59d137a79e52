"""kpcompare.disclosure.suppress cell by cell, and its refusals.

Expected cells follow from the published rule statements by hand (quoted beside each test), never from
kpcompare's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare.disclosure import Rule, present, suppress
from kpcompare.errors import DuplicateKeyError, InvalidArgumentError, InvalidValueError, MissingColumnError


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "provider": ["A", "A", "A", "A", "B", "B"],
        "age_band": ["0-9", "10-19", "20-29", "30-39", "0-9", "10-19"],
        "admissions": [0, 3, 8, 57, 7, 1000],
        "mean_los": [np.nan, 2.0, 4.25, 3.1, 9.0, 2.2],
    })


def test_hes_primary_and_derived_cell_by_cell():
    # NHS Digital (HES, 2018): 0 unchanged; 1-7 '*'; others to the nearest 5; a mean resting on 1-7 values '*'
    out = suppress(_table(), counts="admissions", derived={"mean_los": "admissions"})
    assert out["admissions"].tolist()[:1] == [0]
    np.testing.assert_array_equal(out["admissions"].to_numpy(), [0, np.nan, 10, 55, np.nan, 1000])
    assert out["admissions_suppressed"].tolist() == ["", "primary", "", "", "primary", ""]
    np.testing.assert_array_equal(out["mean_los"].to_numpy(), [np.nan, np.nan, 4.25, 3.1, np.nan, 2.2])
    assert out["mean_los_suppressed"].tolist() == ["", "derived", "", "", "derived", ""]
    assert list(out.columns) == ["provider", "age_band", "admissions", "mean_los", "admissions_suppressed",
                                 "mean_los_suppressed"]
    assert out.attrs["disclosure"]["rule"] == "hes" and out.attrs["disclosure"]["suppressed_cells"] == 4


def test_input_is_not_modified():
    table = _table()
    before = table.copy()
    suppress(table, counts="admissions")
    pd.testing.assert_frame_equal(table, before)


def test_present_shows_star_only_in_presentation():
    out = suppress(_table(), counts="admissions", derived={"mean_los": "admissions"})
    shown = present(out)
    assert shown["admissions"].tolist() == ["0", "*", "10", "55", "*", "1000"]
    assert shown["mean_los"].tolist() == ["", "*", "4.25", "3.1", "*", "2.2"]
    assert "admissions_suppressed" not in shown.columns
    assert out["admissions"].dtype == float  # the numeric table never holds '*'


def test_opensafely_worked_example_redact_then_round_with_resummed_totals():
    # OpenSAFELY "Releasing research outputs", rounding example: heart disease 3, 8, 16, 23 (total 50) and
    # population 18, 23, 31, 44 (total 116) are released as [REDACTED], 10, 15, 25 (total 50) and
    # 20, 25, 30, 45 (total 120): "column and row totals are the sum of the rounded counts".
    table = pd.DataFrame({"age_band": ["21-30", "31-40", "41-50", "51+", "Total"],
                          "heart_disease": [3, 8, 16, 23, 50], "population": [18, 23, 31, 44, 116]})
    rule = Rule(name="opensafely_5", threshold=7, base=5, rounding="half_up")
    out = suppress(table, rule=rule, counts=["heart_disease", "population"], totals={"age_band": "Total"},
                   resum=True)
    np.testing.assert_array_equal(out["heart_disease"].to_numpy(), [np.nan, 10, 15, 25, 50])
    np.testing.assert_array_equal(out["population"].to_numpy(), [20, 25, 30, 45, 120])
    assert out["heart_disease_suppressed"].tolist() == ["primary", "", "", "", ""]
    assert out.attrs["disclosure"]["resum"] is True and out.attrs["disclosure"]["secondary_cells"] == 0


def test_small_national_total_suppresses_every_breakdown():
    # "If the national total is between 1 and 7 (inclusive), no sub-national breakdown will be displayed"
    table = pd.DataFrame({"provider": ["A", "B", "C", "England"], "admissions": [5, 0, 1, 6]})
    out = suppress(table, counts="admissions", totals={"provider": "England"})
    assert out["admissions_suppressed"].tolist() == ["total_small"] * 3 + [""]
    # national counts: "No disclosure control required" -> the national total is shown as it is
    np.testing.assert_array_equal(out["admissions"].to_numpy(), [np.nan, np.nan, np.nan, 6])


def test_small_total_without_a_total_row_uses_the_sum_of_the_cells():
    table = pd.DataFrame({"provider": ["A", "B", "C"], "admissions": [5, 0, 1]})
    out = suppress(table, counts="admissions")
    assert out["admissions_suppressed"].tolist() == ["total_small"] * 3


def test_midpoint6_releases_small_counts_and_redacts_rates_on_seven_or_fewer():
    # OpenSAFELY: 1-6 -> 3, 7-12 -> 9; "any rate calculated from counts <=7 should also be redacted"
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "events": [0, 5, 7, 8],
                          "rate": [0.0, 0.5, 0.7, 0.8]})
    out = suppress(table, rule="midpoint6", counts="events", derived={"rate": "events"})
    assert out["events"].tolist() == [0, 3, 9, 9]
    assert out["events_suppressed"].tolist() == ["", "", "", ""]
    np.testing.assert_array_equal(out["rate"].to_numpy(), [0.0, np.nan, np.nan, 0.8])


def test_user_rule_with_its_own_derived_columns():
    rule = Rule(name="ten", threshold=9, base=10, derived={"mean_los": "admissions"})
    out = suppress(_table(), rule=rule, counts="admissions")
    np.testing.assert_array_equal(out["admissions"].to_numpy(), [0, np.nan, np.nan, 60, np.nan, 1000])
    assert out["mean_los_suppressed"].tolist() == ["", "derived", "derived", "", "derived", ""]


def test_default_counts_are_the_stratum_table_columns():
    table = pd.DataFrame({"system": ["A", "B"], "admissions": [3, 20], "bed_days": [40, 6],
                          "population": [1000, 2000]})
    out = suppress(table)
    assert out.attrs["disclosure"]["counts"] == ["admissions", "bed_days"]
    assert out["population"].tolist() == [1000, 2000]  # not a count of the extract: unchanged
    assert out["bed_days_suppressed"].tolist() == ["", "primary"]


def test_arrow_tables_are_accepted():
    pa = pytest.importorskip("pyarrow")
    out = suppress(pa.Table.from_pandas(_table()), counts="admissions")
    assert out["admissions_suppressed"].tolist()[1] == "primary"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"counts": "deaths"}, MissingColumnError, "column\\(s\\) 'deaths' not found"),
    ({"counts": "admissions", "derived": {"mean_los": "bed_days"}}, InvalidArgumentError,
     "'mean_los' rests on 'bed_days', which is not one of the counts"),
    ({"counts": "admissions", "derived": {"admissions": "admissions"}}, InvalidArgumentError,
     "named both in 'counts' and in 'derived'"),
    ({"counts": "admissions", "totals": {"provider": "England"}}, InvalidValueError,
     "column 'provider' has no row labelled 'England'"),
    ({"counts": "admissions", "totals": ["provider"]}, InvalidArgumentError, "give a mapping"),
    ({"counts": "admissions", "rule": "nhs"}, InvalidArgumentError, "unknown rule 'nhs'"),
    ({"counts": "admissions", "secondary": 1}, InvalidArgumentError, "argument 'secondary': expected True or False"),
    ({"counts": "admissions", "by": "admissions"}, InvalidArgumentError, "'admissions' is a count or derived"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        suppress(_table(), **kwargs)


def test_bad_counts_are_refused():
    table = _table()
    table.loc[2, "admissions"] = -1
    with pytest.raises(InvalidValueError, match="column 'admissions': rule 'non-negative and finite' broken by 1 row"):
        suppress(table, counts="admissions")
    table.loc[2, "admissions"] = np.nan
    with pytest.raises(InvalidValueError, match="rule 'no missing values'"):
        suppress(table, counts="admissions")


def test_no_count_columns_asks_for_counts():
    with pytest.raises(InvalidArgumentError, match="name the count columns to control"):
        suppress(pd.DataFrame({"g": ["a"], "n": [3]}))


def test_duplicate_cells_are_refused():
    table = pd.concat([_table(), _table().iloc[[0]]])
    with pytest.raises(DuplicateKeyError, match="rule 'one row per cell' broken by 2 rows"):
        suppress(table, counts="admissions")


def test_undeclared_total_rows_are_refused():
    table = pd.DataFrame({"provider": ["A", "B", "Total"], "admissions": [3, 20, 23]})
    with pytest.raises(InvalidValueError, match=r"declare them with totals=\{'provider': 'Total'\}"):
        suppress(table, counts="admissions")


def test_a_second_pass_is_refused():
    once = suppress(_table(), counts="admissions")
    with pytest.raises(InvalidArgumentError, match="already has the disclosure column 'admissions_suppressed'"):
        suppress(once, counts="admissions")


def test_present_refuses_a_table_that_was_not_suppressed():
    with pytest.raises(InvalidArgumentError, match="has no <column>_suppressed columns"):
        present(_table())
