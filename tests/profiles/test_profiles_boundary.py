"""Issue 17: densities refuses missing or non-numeric counts and populations instead of returning NaN unnoted."""

import numpy as np
import pandas as pd
import pytest

from kpcompare.errors import InvalidValueError
from kpcompare.profiles import densities

COUNTS = pd.DataFrame({"system": ["A", "B"], "measure": ["beds", "beds"], "value": [10.0, 20.0]})
POP = pd.DataFrame({"system": ["A", "B"], "population": [1000.0, 2000.0]})


@pytest.mark.parametrize(("table", "column", "fault", "message"), [
    ("counts", "value", np.nan, r"column 'value': rule 'no missing values' broken by 1 row"),
    ("counts", "value", True, r"column 'value': rule 'numeric' broken by 1 row"),
    ("counts", "system", ["B"], r"column 'system': rule 'one value per cell' broken by 1 row"),
    ("population", "population", np.nan, r"column 'population': rule 'no missing values' broken by 1 row"),
    ("population", "population", "2000", r"column 'population': rule 'numeric' broken by 1 row \(e.g. '2000'\)"),
])
def test_densities_faults(table, column, fault, message):
    counts, pop = COUNTS.copy(), POP.copy()
    frame = counts if table == "counts" else pop
    frame[column] = frame[column].astype(object)
    frame.at[1, column] = fault
    with pytest.raises(InvalidValueError, match=message):
        densities(counts, population=pop)


# --- issue 17 (h17b) ------------------------------------------------------------------------------------------


def test_ratio_limits_without_precision_are_noted():
    from kpcompare.profiles import NO_PRECISION, ratios

    # lower/upper were NaN with an empty note; 20 / 10 = 2 with no interval to give
    res = ratios(COUNTS, numerator="B", denominator="A")
    assert res["value"].tolist() == [2.0] and res["note"].tolist() == [NO_PRECISION]
    assert np.isnan(res["lower"].iloc[0]) and np.isnan(res["upper"].iloc[0])


@pytest.mark.parametrize("bad", [[], {}, np.array([1, 2]), pd.DataFrame(), pd.NA])
def test_ratio_systems_must_be_one_level(bad):
    from kpcompare.errors import InvalidArgumentError
    from kpcompare.profiles import ratios

    # a bare TypeError ("unhashable type") before
    with pytest.raises(InvalidArgumentError, match=r"argument 'numerator': give one level"):
        ratios(COUNTS, numerator=bad, denominator="A")


@pytest.mark.parametrize(("table", "column", "values", "message"), [
    ("claims", "claimed", [1 + 0j], r"column 'claimed': rule 'numeric' broken by 1 row .*complex numbers"),
    ("claims", "claimed", [pd.Timedelta(days=1)], r"column 'claimed': rule 'numeric' broken by 1 row .*durations"),
    ("ratios", "value", [[1, 2]], r"column 'value': rule 'numeric' broken by 1 row .*other objects \(list\)"),
    ("ratios", "measure", [["beds"]], r"column 'measure': rule 'one value per cell' broken by 1 row"),
])
def test_check_claims_refuses_odd_cells(table, column, values, message):
    from kpcompare.profiles import check_claims, ratios

    rt = ratios(COUNTS, numerator="B", denominator="A")
    claims = pd.DataFrame({"measure": ["beds"], "statement": ["twice"], "claimed": [2.0], "wording": ["multiple"]})
    frame = claims if table == "claims" else rt
    frame[column] = pd.Series(values, dtype=object)
    with pytest.raises(InvalidValueError, match=message):
        check_claims(rt, claims)
