"""Error messages of the shared input checks (kpcompare._checks): one test per message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kpcompare import _checks
from kpcompare.errors import InvalidArgumentError, InvalidValueError, MissingColumnError, UnknownNameError


def test_as_pandas_accepts_arrow_and_rejects_lists():
    table = pa.table({"a": [1, 2]})
    assert _checks.as_pandas(table)["a"].tolist() == [1, 2]
    with pytest.raises(InvalidArgumentError, match=r"argument 'data': expected a pandas DataFrame or a pyarrow Table, got list"):
        _checks.as_pandas([1, 2])


def test_missing_column_names_it_and_lists_available():
    with pytest.raises(MissingColumnError, match=r"data: column\(s\) 'pop' not found; available columns: 'a', 'b'"):
        _checks.require_columns(pd.DataFrame({"a": [1], "b": [2]}), ["a", "pop"])


def test_missing_values_counted_with_example():
    df = pd.DataFrame({"k": ["x", None, None]})
    with pytest.raises(InvalidValueError, match=r"column 'k': rule 'no missing values' broken by 2 rows \(e.g. 'row 1 is missing'\)"):
        _checks.check_no_missing(df, ["k"])


def test_negative_values():
    df = pd.DataFrame({"n": [1, -5, -2]})
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'non-negative and finite' broken by 2 rows \(e.g. -5\)"):
        _checks.check_non_negative(df, ["n"])


def test_non_numeric_values():
    df = pd.DataFrame({"n": [1, "two", "3"]})  # text is refused, even text of digits (issue 17)
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'numeric' broken by 2 rows \(e.g. 'two'\)"):
        _checks.check_non_negative(df, ["n"])


def test_infinite_values():
    df = pd.DataFrame({"n": [1.0, np.inf]})
    with pytest.raises(InvalidValueError, match=r"rule 'non-negative and finite' broken by 1 row"):
        _checks.check_non_negative(df, ["n"])


def test_non_integer_counts():
    df = pd.DataFrame({"x": [1.0, 2.5]})
    with pytest.raises(InvalidValueError, match=r"column 'x': rule 'integer-valued count' broken by 1 row \(e.g. 2.5\)"):
        _checks.check_integer_valued(df, ["x"])


@pytest.mark.parametrize("level, message", [
    (95, r"95 must lie strictly between 0 and 1 \(a percentage\? give 0.95, not 95\)"),
    (0.0, r"0.0 must lie strictly between 0 and 1\."),
    (1, r"1 must lie strictly between 0 and 1\."),
    ("high", r"'high' is not a number"),
    ([], r"at least one level is needed"),
])
def test_confidence_errors(level, message):
    with pytest.raises(InvalidArgumentError, match=message):
        _checks.check_confidence(level)


def test_confidence_sequence():
    assert _checks.check_confidence((0.95, 0.998)) == [0.95, 0.998]
    assert _checks.check_confidence(0.9) == [0.9]


def test_unknown_choice_lists_options():
    with pytest.raises(UnknownNameError, match=r"argument 'method': unknown value 'dobs'; choose one of 'dobson', 'gamma'"):
        _checks.check_choice("dobs", ["dobson", "gamma"], argument="method")


@pytest.mark.parametrize("value", [0, -1, float("nan"), "x"])
def test_positive_number(value):
    with pytest.raises(InvalidArgumentError, match=r"argument 'multiplier'"):
        _checks.check_positive_number(value, argument="multiplier")


def test_values_in():
    df = pd.DataFrame({"sex": ["M", "F", "X"]})
    with pytest.raises(InvalidValueError, match=r"column 'sex': rule 'sex is M or F' broken by 1 row \(e.g. 'X'\)"):
        _checks.check_values_in(df, "sex", {"M", "F"}, rule="sex is M or F")


# --- issue 18: numbers a figure can draw ---------------------------------------------------------------------


def test_check_drawable():
    import numpy as np
    import pandas as pd
    import pytest

    from kpcompare._checks import check_drawable
    from kpcompare.errors import InvalidValueError

    check_drawable(pd.DataFrame({"x": [-1.0, np.nan, 1e15]}), ["x"])  # negatives and missing values pass
    with pytest.raises(InvalidValueError, match=r"column 'x': rule 'finite and at most 1e\+15 in size \(drawable\)' "
                                                r"broken by 1 row \(e.g. 1e\+300\)"):
        check_drawable(pd.DataFrame({"x": [1.0, 1e300]}), ["x"])
    with pytest.raises(InvalidValueError, match=r"rule '> 0 \(drawn on a log axis\)' broken by 1 row \(e.g. 0.0\)"):
        check_drawable(pd.DataFrame({"x": [1.0, 0.0]}), ["x"], positive=True)
    with pytest.raises(InvalidValueError, match=r"rule 'numeric' broken by 1 row \(e.g. \[1, 2\]\)"):
        check_drawable(pd.DataFrame({"x": [1.0, [1, 2]]}), ["x"])


def test_check_text_and_check_output_path(tmp_path):
    from pathlib import Path

    import pytest

    from kpcompare._checks import check_output_path, check_text
    from kpcompare.errors import InvalidArgumentError

    assert check_text("a", argument="title") == "a" and check_text(None, argument="title") is None
    with pytest.raises(InvalidArgumentError, match=r"argument 'title': give text \(a str\) or None, got int \('3'\)"):
        check_text(3, argument="title")
    assert check_output_path(str(tmp_path / "f.png")) == tmp_path / "f.png" and check_output_path(None) is None
    assert isinstance(check_output_path(tmp_path), Path)
    with pytest.raises(InvalidArgumentError, match=r"argument 'path': give a file name \(str or pathlib.Path\), got "
                                                   r"NoneType"):
        check_output_path(None, allow_none=False)
    with pytest.raises(InvalidArgumentError, match="argument 'path': give a file name"):
        check_output_path("")
# --- issue 17 (h17b): the classes of fault the fuzz suite found, each at its one checker -----------------


def test_numeric_categoricals_are_read_by_their_values():
    # a count held as a categorical ('category type does not support sum operations' downstream before)
    frame = pd.DataFrame({"n": pd.Categorical([3, 1, 3]), "m": pd.Categorical([2.5, None, 1.0]),
                          "k": pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True)})
    out = _checks.as_pandas(frame)
    assert out["n"].dtype == np.int64 and out["n"].tolist() == [3, 1, 3]
    assert out["m"].dtype == np.float64 and np.isnan(out["m"].iloc[1])
    assert out["k"].dtype == frame["k"].dtype  # a text categorical keeps its order
    assert frame["n"].dtype == "category"  # the caller's frame is not changed
    arrow = pa.table({"n": pa.array([1, 2, 1]).dictionary_encode()})
    assert _checks.as_pandas(arrow)["n"].tolist() == [1, 2, 1]


@pytest.mark.parametrize(("values", "kind"), [
    ([1, 2 + 1j], r"complex numbers"), ([1, pd.Timestamp("2020-01-01")], r"dates"),
    ([1, pd.Timedelta(days=1)], r"durations"), ([1, pd.Period("2020-01", "M")], r"periods"),
    ([1, "x"], r"text"), ([1, True], r"booleans"), ([1, object()], r"other objects \(object\)"),
])
def test_an_object_column_names_what_it_holds(values, kind):
    frame = pd.DataFrame({"n": pd.Series(values, dtype=object)})
    with pytest.raises(InvalidValueError, match=rf"column 'n': rule 'numeric' broken by 1 row .*holds {kind}"):
        _checks.check_measure(frame, ["n"])


def test_text_is_left_to_the_caller_when_allowed():
    mask, kind = _checks.not_a_measure(pd.Series(["5", 6, 1 + 1j], dtype=object), allow_text=True)
    assert mask.tolist() == [False, False, True] and kind == "complex numbers"


@pytest.mark.parametrize(("column", "message"), [
    (pd.Series([1, -1 + 2j]), r"column 's': rule 'numeric' broken by 2 rows .*complex numbers"),
    (pd.Series([1.0, np.inf]), r"column 's': rule 'finite' broken by 1 row \(e\.g\. inf\)"),
    (pd.Series([1.0, None]), r"column 's': rule 'no missing values' broken by 1 row"),
])
def test_real_columns_may_be_negative_but_not_complex_infinite_or_missing(column, message):
    _checks.check_real(pd.DataFrame({"s": [1, -1]}), ["s"])
    with pytest.raises(InvalidValueError, match=message):
        _checks.check_real(pd.DataFrame({"s": column}), ["s"])


def test_text_or_blank_takes_an_all_null_categorical():
    # pandas refuses fillna("") on it ("Cannot setitem on a Categorical with a new category")
    series = pd.Series(pd.Categorical([None, None], categories=["a"]))
    assert _checks.text_or_blank(series).tolist() == ["", ""]
    assert _checks.text_or_blank(pd.Series(["x", None, 1])).tolist() == ["x", "", "1"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: _checks.check_not_empty(pd.DataFrame({"a": []}), argument="data", need="give rows."),
     r"^data: no rows; give rows\.$"),
    (lambda: _checks.check_level(10**30, argument="reference"), r"argument 'reference': give one level"),
    (lambda: _checks.check_level(pd.NA, argument="reference"), r"argument 'reference': give one level"),
    (lambda: _checks.check_distinct(pd.DataFrame(), argument="ids"), r"argument 'ids': give a list of levels, got "
                                                                      r"DataFrame"),
    (lambda: _checks.check_distinct([["a"]], argument="ids"), r"argument 'ids': \['a'\] is not a level"),
    (lambda: _checks.check_name(None, argument="name"), r"argument 'name': give one name \(text\), got None"),
    (lambda: _checks.check_name("", argument="base", what="assumption set"),
     r"argument 'base': give one assumption set \(text\), got ''"),
    (lambda: _checks.check_instance(None, dict, argument="assumptions", hint="Load them."),
     r"argument 'assumptions': expected dict, got NoneType \(None\)\. Load them\."),
    (lambda: _checks.check_path(3, argument="path"), r"argument 'path': give a file path .*got int \(3\)"),
    (lambda: _checks.check_number(10**400, argument="x"), r"argument 'x': 1000.* is beyond what a float holds"),
    (lambda: _checks.check_number([1], argument="x"), r"argument 'x': \[1\] is not a number"),
])
def test_argument_checkers_name_the_argument(call, message):
    with pytest.raises(InvalidArgumentError if "no rows" not in message else InvalidValueError, match=message):
        call()


def test_check_path_names_a_missing_file_or_a_directory(tmp_path):
    from kpcompare.errors import SourceReadError

    with pytest.raises(SourceReadError, match=r"registry file '.*nowhere\.csv' does not exist"):
        _checks.check_path(tmp_path / "nowhere.csv", what="registry file")
    with pytest.raises(SourceReadError, match=r"file '.*' is a directory"):
        _checks.check_path(tmp_path)
    (tmp_path / "a.csv").write_text("x\n")
    assert _checks.check_path(str(tmp_path / "a.csv")) == tmp_path / "a.csv"


def test_check_number_lets_nan_and_inf_through_when_asked():
    assert np.isnan(_checks.check_number(float("nan"), argument="computed", finite=False))
    assert _checks.check_number(float("inf"), argument="computed", finite=False) == float("inf")
    with pytest.raises(InvalidArgumentError, match=r"argument 'computed': nan must be a finite number"):
        _checks.check_number(float("nan"), argument="computed")
