"""Issue 17: refdata functions refuse odd arguments with the argument named (no bare TypeError)."""

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, InvalidValueError


@pytest.mark.parametrize("name", [["esp2013"], None, 123, {"esp2013": 1}])
def test_standard_population_name_must_be_text(name):
    with pytest.raises(InvalidArgumentError, match=r"argument 'name': give the name of one standard \(text\)"):
        kpcompare.standard_population(name)


@pytest.mark.parametrize(("ages", "message"), [
    (5, r"argument 'ages': give a sequence of ages \(one age as \[age\]\), got 5"),
    (None, r"argument 'ages': give a sequence of ages"),
    ("5", r"argument 'ages': give a sequence of ages"),
    ([True, False], r"column 'ages': rule 'a numeric age \(no missing values\)' broken by 2 rows .*booleans"),
    (pd.Series(pd.date_range("2020", periods=2), name="age"), r"column 'age': rule 'a numeric age"),
])
def test_age_to_band_ages(ages, message):
    with pytest.raises((InvalidArgumentError, InvalidValueError), match=message):
        kpcompare.age_to_band(ages, [0, 65])


def test_age_to_band_text_digits_still_read():
    assert list(kpcompare.age_to_band(["5", "70"], [0, 65])) == ["0-64", "65+"]


def test_standard_from_population_list_key_named():
    pops = pd.DataFrame({"age_band": ["0-4", "5+"], "sex": ["F", "F"], "population": [1.0, 2.0]}).astype(object)
    pops.at[1, "age_band"] = ["5+"]
    with pytest.raises(InvalidValueError, match=r"column 'age_band': rule 'one value per cell' broken by 1 row"):
        kpcompare.standard_from_population(pops)


@pytest.mark.parametrize(("value", "message"), [
    ("x", r"rule 'numeric' broken by 1 row \(e.g. 'x'\)"),
    (True, r"rule 'numeric' broken by 2 rows"),
])
def test_reband_values(value, message):
    data = pd.DataFrame({"age_band": ["0-4", "5-9"], "population": [10.0, 20.0]}).astype({"population": object})
    data.at[1, "population"] = value
    if value is True:
        data["population"] = [True, False]
    with pytest.raises(InvalidValueError, match=r"column 'population': " + message):
        kpcompare.reband(data, bands=[0])


# --- issue 17 (h17b): band bounds and ages of odd types -------------------------------------------------------


@pytest.mark.parametrize(("bounds", "message"), [
    ([0, 15, float("inf")], r"argument 'bands': lower bounds must be whole numbers of years"),
    ([0, 15, -float("inf")], r"argument 'bands': lower bounds must be whole numbers of years"),
    ([0, 15, 1 + 2j], r"argument 'bands': lower bounds must be whole numbers of years"),
    ([0, 15, True], r"give at least one whole-number lower bound"),
    ([0, 15, 2**70], r"argument 'bands': lower bound 1180591620717411303424 is beyond any age \(at most 1000\)"),
])
def test_band_bounds_of_odd_types(bounds, message):
    # an OverflowError ("cannot convert float infinity to integer", "Python int too large") before
    for call in (lambda: kpcompare.band_table(bounds), lambda: kpcompare.age_to_band([5, 40], bounds)):
        with pytest.raises(InvalidArgumentError, match=message):
            call()


def test_a_complex_age_is_refused_not_cast():
    # pd.to_numeric dropped the imaginary part with a ComplexWarning
    with pytest.raises(InvalidValueError, match=r"column 'ages': rule 'a numeric age \(no missing values\)' broken "
                                                r"by 1 row .*The ages are complex numbers"):
        kpcompare.age_to_band(np.array([5.0, 1 + 2j, "40"], dtype=object), [0, 15])
    assert kpcompare.age_to_band(np.array([5, "40"], dtype=object), [0, 15]).tolist() == ["0-14", "15+"]
