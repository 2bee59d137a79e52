"""read_episodes checks its arguments before reading (issue 17): each bad value raises a KpcompareError
naming the argument; the old code raised ZeroDivisionError / TypeError / AttributeError or read nothing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, KpcompareError

FRAME = pd.DataFrame({
    "system": ["A", "B", "A"], "sex": ["M", "F", "F"], "age": [70.0, 3.0, 45.0],
    "admission_date": ["2020-01-01"] * 3, "discharge_date": ["2020-01-02"] * 3,
    "primary_diagnosis": ["J44.1", "I64", "K35"],
})
FAULTS = [None, math.nan, "x", 123, -1, 0, True, [], ["a", "a"], {}, object(), 1.5]


@pytest.mark.parametrize("value", [0, -1, None, 1.5, "10", True, math.nan])
def test_batch_rows_must_be_a_positive_integer(value):
    """batch_rows=0 was a ZeroDivisionError; batch_rows=-1 read no row and reported success."""
    with pytest.raises(InvalidArgumentError, match=r"argument 'batch_rows': expected a positive integer, got "):
        kpcompare.read_episodes(FRAME, batch_rows=value)


@pytest.mark.parametrize("argument", ["constants", "columns"])
@pytest.mark.parametrize("value", ["x", 123, True, ["system"], math.nan])
def test_constants_and_columns_must_be_mappings(argument, value):
    """constants='x' was an AttributeError ('str' object has no attribute 'items')."""
    with pytest.raises(InvalidArgumentError, match=rf"argument '{argument}': expected a mapping"):
        kpcompare.read_episodes(FRAME, **{argument: value})


def test_constants_keys_must_be_names():
    with pytest.raises(InvalidArgumentError, match=r"argument 'constants': keys must be column names \(str\), "
                                                   r"got 1"):
        kpcompare.read_episodes(FRAME, constants={1: "x"})


@pytest.mark.parametrize("value, message", [
    (123, r"argument 'date_format': expected a strptime format"),
    ([], r"argument 'date_format': expected a strptime format"),
    ("dd/mm/yyyy", r"argument 'date_format': 'dd/mm/yyyy' is not a strptime format"),
])
def test_date_format_checked(value, message):
    with pytest.raises(InvalidArgumentError, match=message):
        kpcompare.read_episodes(FRAME, date_format=value)


@pytest.mark.parametrize("argument", ["mapping", "coding", "constants", "columns", "batch_rows", "encoding",
                                      "delimiter", "date_format"])
@pytest.mark.parametrize("value", FAULTS, ids=repr)
def test_only_kpcompare_errors_escape(argument, value):
    """Every argument x every fault: a KpcompareError naming the argument, or a result."""
    try:
        extract = kpcompare.read_episodes(FRAME, **{argument: value})
        kpcompare.aggregate(extract, by=["system"], progress=False)
    except KpcompareError as exc:
        assert argument in str(exc) or "column" in str(exc)
