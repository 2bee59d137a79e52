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
