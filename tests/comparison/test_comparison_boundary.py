"""Issue 17: compare, decompose and rate_model refuse faults at the boundary (argument or column named, the rule,
the rows, an example) and never read a missing measure as 0.  Data: the two-system example (tests/_support)."""

import numpy as np
import pandas as pd
import pytest

from kpcompare import compare, decompose, rate_model
from kpcompare.errors import InvalidArgumentError, InvalidValueError

from _support.two_systems import POP, STRATA

STD = pd.DataFrame({"age_band": ["60-74", "75+"], "population": [3000.0, 1300.0]})

RUNS = {
    "compare": lambda d, p=POP, **k: compare(d, population=p, standard=STD, reference="A", **k),
    "decompose": lambda d, p=POP, **k: decompose(d, population=p, standard=STD, reference="A", **k),
    "rate_model": lambda d, p=POP, **k: rate_model(d, population=p, reference="A", adjust=["age_band"], **k),
}


def _with(frame, column, values):
    out = frame.copy()
    out[column] = values
    return out


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize(("column", "values", "message"), [
    ("admissions", [10, np.nan, 5, 8], r"column 'admissions': rule 'no missing values' broken by 1 row"),
    ("admissions", pd.date_range("2020-01-01", periods=4), r"column 'admissions': rule 'numeric' broken by 4 rows"),
    ("admissions", [True, False, True, True], r"column 'admissions': rule 'numeric' broken by 4 rows"),
    ("admissions", [10, 20, 5, 1 + 1j], r"column 'admissions': rule 'numeric' broken by 4 rows"),
    ("admissions", pd.to_timedelta([1, 2, 3, 4], "D"), r"column 'admissions': rule 'numeric' broken by 4 rows"),
    ("system", ["A", "A", "B", ["B"]], r"column 'system': rule 'one value per cell' broken by 1 row"),
    ("age_band", ["60-74", "75+", "60-74", "Total"], r"column 'age_band': rule 'no total rows' broken by 1 row "
                                                     r"\(e.g. 'Total'\)"),
])
def test_data_faults(name, column, values, message):
    data = _with(STRATA.astype({column: object}) if isinstance(values, list) else STRATA, column, values)
    with pytest.raises(InvalidValueError, match=message):
        RUNS[name](data)


@pytest.mark.parametrize("name", ["compare", "decompose"])
def test_bed_days_nan_never_read_as_zero(name):
    # the issue: NaN in a measure was read as 0 by compare and decompose
    data = _with(STRATA, "bed_days", [100, np.nan, 30, 40])
    with pytest.raises(InvalidValueError, match=r"column 'bed_days': rule 'no missing values' broken by 1 row"):
        RUNS[name](data)


@pytest.mark.parametrize("name", RUNS)
def test_population_faults(name):
    pop = _with(POP, "population", [1000.0, -5.0, 2000.0, 800.0])
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'non-negative and finite' broken by "
                                                r"1 row \(e.g. -5.0\)"):
        RUNS[name](STRATA, pop)


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("measures", ["alos", "alos"], r"argument 'measures': \['alos', 'alos'\] names a column twice"),
    ("age_range", ("a", None), r"argument 'age_range': 'a' is not a number"),
    ("age_range", (80, 60), r"argument 'age_range': low 80 exceeds high 60"),
    ("age_range", "60-74", r"argument 'age_range': give a pair \(low, high\)"),
    ("levels", ["stroke", "stroke"], r"argument 'levels': values repeat"),
    ("reference", ["A"], r"argument 'reference': give one level"),
    ("min_count", "10", r"argument 'min_count': '10' is not a number"),
    ("multiplier", True, r"argument 'multiplier': True is not a number"),
    ("confidence", None, r"argument 'confidence': None is not a number"),
])
def test_compare_arguments(keyword, value, message):
    with pytest.raises(InvalidArgumentError, match=message):
        compare(STRATA, population=POP, standard=STD, **{"reference": "A", keyword: value})


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("age_range", ("a", None), r"argument 'age_range': 'a' is not a number"),
    ("systems", [["A"], "B"], r"argument 'systems': give one level"),
    ("multiplier", "1000", r"argument 'multiplier': '1000' is not a number"),
])
def test_decompose_arguments(keyword, value, message):
    with pytest.raises(InvalidArgumentError, match=message):
        kwargs = {keyword: value} if keyword == "systems" else {"reference": "A", keyword: value}
        decompose(STRATA, population=POP, standard=STD, **kwargs)


def test_open_age_range_still_works():
    out = compare(STRATA, population=POP, standard=STD, reference="A", age_range=(60, None), measures="admissions")
    assert len(out) > 0


# --- issue 17 (h17b) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RUNS)
def test_a_population_held_as_a_categorical_is_read_by_value(name):
    # 'category type does not support sum operations' before; the result is that of the plain integers
    categorical = POP.assign(population=POP["population"].astype("category"))
    pd.testing.assert_frame_equal(RUNS[name](STRATA, categorical), RUNS[name](STRATA))


def test_decompose_reference_must_be_one_level():
    # a bare ValueError/TypeError ("The truth value of an array ... is ambiguous") before
    for bad in (pd.NA, np.array([1, 2]), pd.DataFrame()):
        with pytest.raises(InvalidArgumentError, match=r"argument 'reference': give one level"):
            decompose(STRATA, population=POP, standard=STD, reference=bad)


def test_rate_model_on_no_rows_says_so():
    # an IndexError ("list index out of range") before
    with pytest.raises(InvalidValueError, match=r"^strata: no rows; a rate model between systems needs rows of "
                                                r"two systems\.$"):
        RUNS["rate_model"](STRATA.iloc[:0])
