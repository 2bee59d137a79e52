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


def test_check_text_and_check_path(tmp_path):
    from pathlib import Path

    import pytest

    from kpcompare._checks import check_path, check_text
    from kpcompare.errors import InvalidArgumentError

    assert check_text("a", argument="title") == "a" and check_text(None, argument="title") is None
    with pytest.raises(InvalidArgumentError, match=r"argument 'title': give text \(a str\) or None, got int \('3'\)"):
        check_text(3, argument="title")
    assert check_path(str(tmp_path / "f.png")) == tmp_path / "f.png" and check_path(None) is None
    assert isinstance(check_path(tmp_path), Path)
    with pytest.raises(InvalidArgumentError, match=r"argument 'path': give a file name \(str or pathlib.Path\), got "
                                                   r"NoneType"):
        check_path(None, allow_none=False)
    with pytest.raises(InvalidArgumentError, match="argument 'path': give a file name"):
        check_path("")
