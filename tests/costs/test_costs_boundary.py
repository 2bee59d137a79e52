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


# --- issue 17 (h17b): the escapes the long fuzz run still found in costs ------------------------------------


@pytest.mark.parametrize("table", ["lines", "factors"])
def test_an_all_null_categorical_text_column_is_blank(table):
    # pandas refused fillna("") on it: a bare TypeError "Cannot setitem on a Categorical with a new category"
    lines, factors = SET.lines.copy(), SET.factors.copy()
    frame = lines if table == "lines" else factors
    frame["basis"] = pd.Categorical([None] * len(frame), categories=["x"])
    out = costs.cascade(lines, factors=factors)
    assert out.equals(costs.cascade(SET.lines, factors=SET.factors))


def test_a_complex_sign_is_refused_not_cast():
    # pd.to_numeric dropped the imaginary part with a ComplexWarning
    lines = SET.lines.copy()
    lines["sign"] = lines["sign"].astype(complex)
    with pytest.raises(InvalidValueError, match=r"column 'sign': rule 'numeric' broken by \d+ rows .*complex numbers"):
        costs.validate_lines(lines)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: costs.assumptions(pd.NA), r"argument 'names': expected a name \(text\), got NAType"),
    (lambda: costs.assumptions(np.array([1, 2])), r"argument 'names': expected a name \(text\), got ndarray"),
    (lambda: costs.toggle(SET.lines, on=pd.NA), r"argument 'on': expected True or False, got <NA>"),
    (lambda: costs.toggle(SET.lines, on=np.array([1, 2])), r"argument 'on': expected True or False"),
    (lambda: costs.alternative(CHANGES, assumptions=None, base="feachem2002", name="alt"),
     r"argument 'assumptions': expected CostAssumptions, got NoneType \(None\)\. Load one with "
     r"kpcompare\.costs\.assumptions"),
    (lambda: costs.alternative(CHANGES, assumptions=SET, base=pd.NA, name="alt"),
     r"argument 'base': give one assumption set \(text\), got <NA>"),
    (lambda: costs.alternative(CHANGES, assumptions=SET, base="feachem2002", name=[]),
     r"argument 'name': give one name \(text\), got \[\]"),
    (lambda: costs.alternative(CHANGES.assign(system=[["NHS", "x"]]), assumptions=SET, base="feachem2002",
                               name="alt"), r"column 'system': rule 'one value per cell' broken by 1 row"),
    (lambda: costs.age_need_factor(POP, need=NEED, reference=pd.NA), r"argument 'reference': give one level"),
    (lambda: costs.age_need_factor(POP.assign(system=[["A"], "A", "B", "B"]), need=NEED, reference="A"),
     r"column 'system': rule 'one value per cell' broken by 1 row"),
])
def test_arguments_and_cells_that_escaped(call, message):
    with pytest.raises((InvalidArgumentError, InvalidValueError), match=message):
        call()


CHANGES = pd.DataFrame({"system": ["NHS"], "item": ["age_need"], "value": [0.9], "source": ["test"]})
POP = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["0-64", "65+"] * 2,
                    "population": [9000, 1000, 8000, 2000]})
NEED = pd.DataFrame({"age_band": ["0-64", "65+"], "weight": [1.0, 4.0]})


def test_a_population_held_as_a_categorical_is_read_by_value():
    # 'category type does not support sum operations' before; the factor is the same as from integers:
    # A: (9000 + 4000) / 10000 = 1.3, B: (8000 + 8000) / 10000 = 1.6, factor of B = 1.3 / 1.6 = 0.8125
    out = costs.age_need_factor(POP.assign(population=POP["population"].astype("category")), need=NEED,
                                reference="A")
    assert out["value"].tolist() == pytest.approx([0.8125])


def test_a_contested_factor_of_a_system_without_lines_changes_nothing():
    # a KeyError from the sensitivity's closed form before (its system has no net total)
    factors = pd.concat([SET.factors, SET.factors.loc[SET.factors["factor"].eq("age_need")].head(1)
                         .assign(system="Elsewhere", contested=True)], ignore_index=True)
    kw = dict(assumption_set="feachem2002", system="NHS", reference="Kaiser California")
    out = costs.sensitivity(SET.lines, factors=factors, **kw)
    assert out.equals(costs.sensitivity(SET.lines, factors=SET.factors, **kw))
