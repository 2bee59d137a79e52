"""Issue 17: gini/top_share/lorenz refuse odd arguments and values with the argument or column named."""

import numpy as np
import pandas as pd
import pytest

from kpcompare import gini, lorenz, top_share
from kpcompare.concentration import NO_BOOTSTRAP
from kpcompare.errors import InvalidArgumentError, InvalidValueError

DATA = pd.DataFrame({"g": ["a"] * 6, "v": [0, 1, 2, 3, 10, 50], "f": [1] * 6})


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("random_state", "x", r"argument 'random_state': 'x' must be a whole number >= 0"),
    ("random_state", -1, r"argument 'random_state': -1 must be a whole number >= 0"),
    ("random_state", np.nan, r"argument 'random_state': nan must be a whole number >= 0"),
    ("n_boot", True, r"argument 'n_boot': True must be a whole number >= 0"),
    ("n_boot", 2.5, r"argument 'n_boot': 2.5 must be a whole number >= 0"),
    ("value", ["v"], r"argument 'value': give one column name \(text\)"),
    ("by", 1, r"argument 'by': give a column name or a list of column names"),
])
@pytest.mark.parametrize("fn", [gini, top_share])
def test_arguments(fn, keyword, value, message):
    kwargs = {"value": "v", "by": "g", "n_boot": 5, "random_state": 1, keyword: value}
    with pytest.raises(InvalidArgumentError, match=message):
        fn(DATA, **kwargs)


@pytest.mark.parametrize(("column", "fault", "message"), [
    ("v", np.inf, r"column 'v': rule 'non-negative and finite' broken by 1 row \(e.g. inf\)"),
    ("v", pd.Timestamp("2020-01-01"), r"column 'v': rule 'numeric' broken by 1 row"),
    ("v", 1 + 1j, r"column 'v': rule 'numeric' broken by 1 row"),
    ("g", [1], r"column 'g': rule 'one value per cell' broken by 1 row"),
    ("g", 1.5, r"column 'g': rule 'one kind of value \(str\)' broken by 1 row \(e.g. 1.5\)"),
])
@pytest.mark.parametrize("fn", [gini, top_share, lorenz])
def test_values(fn, column, fault, message):
    data = DATA.astype({column: object})
    data.at[5, column] = fault
    with pytest.raises(InvalidValueError, match=message):
        fn(data, value="v", by="g")


def test_no_bootstrap_says_why_limits_are_missing():
    out = top_share(DATA, value="v", n_boot=0)
    assert np.isnan(out["lower"].iloc[0]) and out["note"].iloc[0] == NO_BOOTSTRAP


@pytest.mark.parametrize("n_boot", [10**30, 1_000_001])
def test_n_boot_above_the_maximum_is_refused_before_any_work(n_boot):
    # a huge n_boot used to loop block after block without end (found by the fuzz suite)
    data = pd.DataFrame({"value": [1.0, 2.0, 5.0, 9.0]})
    with pytest.raises(InvalidArgumentError, match=r"argument 'n_boot': .* is more than 1,000,000; give at most"):
        gini(data, value="value", n_boot=n_boot)


# --- issue 17 (h17b) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [gini, top_share, lorenz])
def test_an_empty_table_is_refused_by_name(fn):
    # gini/top_share: a bare ValueError "operands could not be broadcast together" before
    with pytest.raises(InvalidValueError, match=r"^data: no rows; concentration needs at least one person"):
        fn(DATA.iloc[:0], value="v", by="g")


def test_lorenz_notes_its_origin_and_a_zero_total():
    from kpcompare.concentration import LORENZ_ORIGIN

    data = pd.DataFrame({"g": ["a", "a", "b"], "v": [1, 1, 0]})
    res = lorenz(data, value="v", by="g")
    assert res.columns.tolist() == ["g", "value", "persons", "person_share", "total_share", "note"]
    assert res["note"].tolist() == [LORENZ_ORIGIN, "", LORENZ_ORIGIN, "total is 0: concentration undefined"]
    # (a, [1, 1]): the curve (0, 0) -> (1, 1); (b, [0]): no total to share
    assert res["total_share"].iloc[:2].tolist() == [0.0, 1.0] and np.isnan(res["total_share"].iloc[3])


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("claimed", None, r"argument 'claimed': None is not a number"),
    ("claimed", "x", r"argument 'claimed': 'x' is not a number"),
    ("claimed", 70, r"argument 'claimed': 70\.0 must be a finite number >= 0 and <= 1"),
    ("tolerance", None, r"argument 'tolerance': None is not a number"),
])
def test_check_concentration_arguments(keyword, value, message):
    from kpcompare.concentration import check_concentration

    kw = {"top": 0.2, "claimed": 0.5, keyword: value}
    with pytest.raises(InvalidArgumentError, match=message):
        check_concentration(DATA, value="v", **kw)
