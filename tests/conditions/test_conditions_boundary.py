"""Issue 17: condition_set and load_condition_set name the argument for a value that is not a name or path."""

import numpy as np
import pandas as pd
import pytest

from kpcompare.conditions import condition_set, load_condition_set
from kpcompare.errors import InvalidArgumentError


@pytest.mark.parametrize("name", [None, 123, ["ham2003_leading_causes"], float("nan")])
def test_condition_set_name(name):
    with pytest.raises(InvalidArgumentError, match=r"argument 'name': give the name of a bundled condition set"):
        condition_set(name)


@pytest.mark.parametrize("path", [None, 123, ["a.csv"]])
def test_load_condition_set_path(path):
    with pytest.raises(InvalidArgumentError, match=r"argument 'path': give a file path"):
        load_condition_set(path)


@pytest.mark.parametrize("coding", [pd.NA, np.array([1, 2]), 10])
def test_condition_set_coding_must_be_a_name(coding):
    # a bare ValueError/TypeError ("The truth value of an array ... is ambiguous") before
    with pytest.raises(InvalidArgumentError, match=r"argument 'coding': expected a name \(text\)"):
        condition_set("ham2003_leading_causes", coding=coding)
