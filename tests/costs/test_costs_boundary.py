"""Issue 17: cost tables and arguments refuse odd values with the column or argument named."""

import numpy as np
import pandas as pd
import pytest

from kpcompare import costs
from kpcompare.errors import InvalidArgumentError, InvalidValueError

SET = costs.assumptions("feachem2002")


@pytest.mark.parametrize(("table", "column", "fault", "message"), [
    ("lines", "system", ["x"], r"column 'system': rule 'one value per cell' broken by 1 row"),
    ("lines", "order", pd.Timestamp("2020-01-01"), r"column 'order': rule 'one kind of value \(numbers\)'"),
    ("lines", "amount", True, r"column 'amount': rule 'numeric' broken by 1 row \(e.g. True\)"),
    ("factors", "factor", ["population"], r"column 'factor': rule 'one value per cell' broken by 1 row"),
    ("factors", "rounding", "x", r"column 'rounding': rule 'numeric' broken by 1 row \(e.g. 'x'\)"),
])
def test_cascade_table_faults(table, column, fault, message):
    lines, factors = SET.lines.copy(), SET.factors.copy()
    frame = lines if table == "lines" else factors
    if column not in frame:
        frame[column] = np.nan
    frame[column] = frame[column].astype(object)
    frame.iat[0, frame.columns.get_loc(column)] = fault
    with pytest.raises(InvalidValueError, match=message):
        costs.cascade(lines, factors=factors)


@pytest.mark.parametrize("items", [123, [None], [["a"]]])
def test_toggle_items(items):
    with pytest.raises(InvalidArgumentError, match=r"argument 'items'"):
        costs.toggle(SET.lines, on=False, items=items)
