"""Issue 17: every fault at the boundary of the rate functions is a KpcompareError naming the argument or
column, the rule, the rows and an example; none is read as a number or summed silently.

Inputs are small hand-built tables; expected messages come from the documented rules, not from running the code.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare import compare_rates, crude_rate, dsr, isr, smr
from kpcompare.errors import (
    InvalidArgumentError,
    InvalidValueError,
    KpcompareError,
    ZeroPopulationWarning,
)

DATA = pd.DataFrame({"area": ["A", "A", "B", "B"], "age_band": ["young", "old"] * 2,
                     "n": [10, 20, 5, 8], "pop": [1000.0, 500.0, 2000.0, 800.0]})
STANDARD = pd.DataFrame({"age_band": ["young", "old"], "population": [60.0, 40.0]})
INDIRECT_STANDARD = pd.DataFrame({"age_band": ["young", "old"], "count": [15, 28], "population": [3000.0, 1300.0]})

RUNS = {
    "crude_rate": lambda d, **k: crude_rate(d, count="n", population="pop", **k),
    "dsr": lambda d, **k: dsr(d, count="n", population="pop", standard=STANDARD, **k),
    "smr": lambda d, **k: smr(d, count="n", population="pop", standard=INDIRECT_STANDARD, **k),
    "isr": lambda d, **k: isr(d, count="n", population="pop", standard=INDIRECT_STANDARD, **k),
}


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("confidence", None, r"argument 'confidence': None is not a number"),
    ("confidence", True, r"argument 'confidence': True is not a number"),
    ("confidence", float("nan"), r"argument 'confidence': nan must lie strictly between 0 and 1"),
    ("confidence", [0.95, 0.95], r"argument 'confidence': levels repeat"),
    ("multiplier", "1000", r"argument 'multiplier': '1000' is not a number"),
    ("multiplier", True, r"argument 'multiplier': True is not a number"),
    ("multiplier", 1e300, r"argument 'multiplier': 1e\+300 must be a finite number > 0 and <= 1e\+12"),
    ("by", 123, r"argument 'by': give a column name or a list of column names, got int \(123\)"),
    ("by", ["area", "area"], r"argument 'by': \['area', 'area'\] names a column twice"),
    ("by", [None], r"argument 'by': column names must be non-empty text, got None"),
    ("method", ["auto"], r"argument 'method': expected a name \(text\), got list"),
    ("weighted", 1, r"argument 'weighted': expected True or False, got 1"),
])
def test_bad_argument_names_argument_and_value(name, keyword, value, message):
    kwargs = {keyword: value}
    if name == "dsr" and keyword == "method":
        kwargs["method"] = value
    with pytest.raises(InvalidArgumentError, match=message):
        RUNS[name](DATA, **kwargs)


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize(("data", "message"), [
    ({"n": [1]}, r"argument 'data': expected a pandas DataFrame or a pyarrow Table, got dict"),
    (None, r"argument 'data': expected a pandas DataFrame or a pyarrow Table, got NoneType"),
    (DATA.to_numpy(), r"argument 'data': expected a pandas DataFrame or a pyarrow Table, got ndarray"),
    (pd.concat([DATA, DATA[["n"]]], axis=1), r"argument 'data': column name\(s\) 'n' occur more than once"),
    (DATA.set_axis(pd.MultiIndex.from_tuples([(c, "x") for c in DATA.columns]), axis=1),
     r"argument 'data': has MultiIndex"),
    (DATA.assign(**{"0": 1}).rename(columns={"0": 0}), r"column names must be text; 1 column named by int"),
])
def test_odd_frames(name, data, message):
    with pytest.raises(InvalidArgumentError, match=message):
        RUNS[name](data)


def _with(column, values):
    out = DATA.copy()
    out[column] = values
    return out


MEASURE_FAULTS = [
    (pd.Series([10, np.nan, 5, 8]), r"rule 'no missing values' broken by 1 row"),
    (pd.Series([10, np.inf, 5, 8]), r"rule 'non-negative and finite' broken by 1 row \(e.g. inf\)"),
    (pd.Series([10, -1, 5, 8]), r"rule 'non-negative and finite' broken by 1 row \(e.g. -1\)"),
    (pd.Series(pd.date_range("2020-01-01", periods=4)), r"rule 'numeric' broken by 4 rows .*holds dates"),
    (pd.Series(pd.to_timedelta([1, 2, 3, 4], "D")), r"rule 'numeric' broken by 4 rows .*durations"),
    (pd.Series([True, False, True, True]), r"rule 'numeric' broken by 4 rows .*booleans"),
    (pd.Series([1 + 1j, 2, 3, 4]), r"rule 'numeric' broken by 4 rows .*complex"),
    (pd.Series([10, "x", 5, 8], dtype=object), r"rule 'numeric' broken by 1 row \(e.g. 'x'\)"),
    (pd.Series(pd.period_range("2020", periods=4, freq="Y")), r"rule 'numeric' broken by 4 rows .*periods"),
]


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize("column", ["n", "pop"])
@pytest.mark.parametrize(("values", "message"), MEASURE_FAULTS)
def test_measure_faults_name_column_rule_rows(name, column, values, message):
    with pytest.raises(InvalidValueError, match=rf"column '{column}': " + message):
        RUNS[name](_with(column, values))


@pytest.mark.parametrize("name", RUNS)
def test_list_valued_key_named(name):
    data = DATA.astype({"area": object})
    data.at[3, "area"] = ["B"]
    with pytest.raises(InvalidValueError, match=r"column 'area': rule 'one value per cell' broken by 1 row"):
        RUNS[name](data, by="area")


@pytest.mark.parametrize("name", RUNS)
def test_total_row_refused_everywhere(name):
    # the case: a trailing "Total" age row is summed into crude_rate's count while dsr names it
    total = pd.DataFrame({"area": ["B"], "age_band": ["Total"], "n": [13], "pop": [2800.0]})
    with pytest.raises(InvalidValueError, match=r"column 'age_band': rule 'no total rows' broken by 1 row "
                                                r"\(e.g. 'Total'\)"):
        RUNS[name](pd.concat([DATA, total], ignore_index=True), by="area")


def test_total_group_is_a_legit_group():
    # a by-level called "Total" is its own group, never summed with the others
    data = DATA.assign(area=["A", "A", "Total", "Total"])
    out = crude_rate(data, count="n", population="pop", by="area")
    assert list(out["area"]) == ["A", "Total"]


def test_crude_rate_notes_events_in_zero_population_rows_like_smr():
    data = DATA.assign(pop=[1000.0, 0.0, 2000.0, 800.0])
    with pytest.warns(ZeroPopulationWarning, match=r"column 'pop': 1 rows have events but zero population"):
        out = crude_rate(data, count="n", population="pop", by="area")
    assert out["note"].iloc[0] == "20 events in rows with zero population (counted in the numerator)"
    assert out["note"].iloc[1] == ""


def test_totals_beyond_float_precision_refused():
    data = DATA.assign(pop=[2.0**52, 2.0**52, 2.0**52, 1.0])
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'total at most 2\*\*53'"):
        crude_rate(data, count="n", population="pop")


def test_compare_rates_negative_variance_refused():
    res = dsr(DATA, count="n", population="pop", standard=STANDARD, by="area")
    res.loc[1, "variance"] = -1.0
    with pytest.raises(InvalidValueError, match=r"column 'variance': rule 'non-negative and finite' broken by "
                                                r"1 row \(e.g. -1.0\)"):
        compare_rates(res, between="area", reference="A")


def test_compare_rates_missing_variance_is_noted():
    res = dsr(DATA, count="n", population="pop", standard=STANDARD, by="area")
    res.loc[1, "variance"] = np.nan
    out = compare_rates(res, between="area", reference="A")
    assert out["lower"].isna().iloc[1] and out["note"].iloc[1] == "variance missing in the result: no limits"


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("between", ["area"], r"argument 'between': give one column name \(text\)"),
    ("reference", ["A"], r"argument 'reference': give one level"),
    ("reference", None, r"argument 'reference': give one level"),
])
def test_compare_rates_arguments(keyword, value, message):
    res = dsr(DATA, count="n", population="pop", standard=STANDARD, by="area")
    kwargs = {"between": "area", "reference": "A", keyword: value}
    with pytest.raises(InvalidArgumentError, match=message):
        compare_rates(res, **kwargs)


FAULTS = st.sampled_from([np.nan, np.inf, -np.inf, -1, -0.5, "7", True, 1 + 2j, pd.Timestamp("2020-01-01"),
                          pd.Timedelta(1, "D"), None, [1], object()])


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(RUNS)), column=st.sampled_from(["n", "pop", "age_band", "area"]),
       row=st.integers(0, 3), fault=FAULTS)
def test_one_fault_only_kpcompare_errors_escape(name, column, row, fault):
    data = DATA.astype({column: object})
    data.iat[row, data.columns.get_loc(column)] = fault
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = RUNS[name](data, by="area")
        except KpcompareError:
            return
    numbers = out[["value", "lower", "upper"]]
    assert not (numbers.isna().any(axis=1) & (out["note"] == "")).any(), "NaN without a note"
