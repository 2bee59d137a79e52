"""Issue 17: the figures registry's functions name the argument or column of a bad value (no bare TypeError,
ValueError, OverflowError or FileNotFoundError), and a registry row whose inputs do not fit its computation
says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import figures
from kpcompare.errors import InvalidArgumentError, InvalidValueError, SourceReadError

FIGURE = "feachem2002.nhs_per_capita_usd"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: figures.bounds(None, wording="printed", printed="3.5"), r"argument 'value': None is not a number"),
    (lambda: figures.bounds("3.5", wording="printed", printed="3.5"), r"argument 'value': '3.5' is not a number"),
    (lambda: figures.bounds(3.5, wording="about", tolerance=-1), r"argument 'tolerance': -1\.0 must be a finite "
                                                                r"number >= 0"),
    (lambda: figures.bounds(3.5, wording="range", lower="a", upper=4), r"argument 'lower': 'a' is not a number"),
    (lambda: figures.assert_figure(10**30, 1402.0), r"argument 'figure_id': give one figure id \(text\), got "
                                                     r"1000000000000000000000000000000"),
    (lambda: figures.assert_figure(FIGURE, None), r"argument 'computed': None is not a number"),
    (lambda: figures.assert_figure(FIGURE, "1402"), r"argument 'computed': '1402' is not a number"),
    (lambda: figures.check(ids=True), r"argument 'ids': give one figure id \(text\), got True"),
    (lambda: figures.check(ids=""), r"argument 'ids': give one figure id \(text\), got ''"),
    (lambda: figures.check(ids=[[FIGURE]]), r"argument 'ids': \[.*\] is not a level"),
    (lambda: figures.load_registry(123), r"argument 'path': give a file path \(text or pathlib\.Path\), got int"),
])
def test_arguments_are_named(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()


def test_a_missing_or_directory_registry_file_is_a_source_read_error(tmp_path):
    with pytest.raises(SourceReadError, match=r"registry file '.*nowhere\.csv' does not exist"):
        figures.load_registry(tmp_path / "nowhere.csv")
    with pytest.raises(SourceReadError, match=r"registry file '.*' is a directory"):
        figures.load_registry(tmp_path)


def test_nan_and_infinite_computed_values_fail_the_assertion_not_the_call():
    with pytest.raises(AssertionError, match=r"computed nan is missing"):
        figures.assert_figure(FIGURE, float("nan"))
    with pytest.raises(AssertionError, match=r"computed inf is above by inf"):
        figures.assert_figure(FIGURE, np.inf)


def test_inputs_that_do_not_fit_the_computation_are_named():
    # a TypeError from inside the computation ("missing 2 required keyword-only arguments") before
    registry = figures.load_registry()
    row = registry["compute"].str.strip().ne("")
    first = registry.loc[row, "id"].iloc[0]
    registry.loc[registry["id"].eq(first), "inputs"] = ""
    with pytest.raises(InvalidValueError, match=rf"registry: figure {first!r}: its 'inputs' '' do not fit "
                                                r"computation '.*' \(missing"):
        figures.check(registry, ids=[first])


def test_odd_cells_of_a_registry():
    registry = figures.load_registry()
    registry["statement"] = pd.Categorical([None] * len(registry), categories=["x"])  # all-null: blank text
    assert figures.validate_registry(registry)["statement"].eq("").all()
    registry["id"] = registry["id"].astype(object)
    registry.at[0, "id"] = ["a", "b"]
    with pytest.raises(InvalidValueError, match=r"column 'id': rule 'one value per cell' broken by 1 row"):
        figures.validate_registry(registry)
