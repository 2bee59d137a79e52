"""The previous discharge of each unit (kpcompare.engine.readmissions.previous_discharge) against a plain Python
reference written from its definition: a person's units in order of admission, then discharge, then first row;
a unit's previous discharge is the latest valid discharge of the units before it (ties: the later unit), and it
readmits that unit when admitted 0 to window - 1 days after it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare.engine.readmissions import _NO_END, previous_discharge


def reference(person, start, end, head, window):
    out = [-1] * len(person)
    valid = [_NO_END if e == _NO_END or e < s else e for s, e in zip(start, end)]
    for p in set(person):
        units = sorted((i for i in range(len(person)) if person[i] == p), key=lambda i: (start[i], valid[i], head[i]))
        for k in range(1, len(units)):
            latest = max(range(k), key=lambda j: (valid[units[j]], j))
            before = units[latest]
            if valid[before] != _NO_END and 0 <= start[units[k]] - valid[before] <= window - 1:
                out[units[k]] = before
    return out


@st.composite
def units(draw, wide=False):
    n = draw(st.integers(0, 40))
    person = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    start = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    stay = draw(st.lists(st.one_of(st.integers(-3, 20), st.none()), min_size=n, max_size=n))
    end = [_NO_END if d is None else s + d for s, d in zip(start, stay)]
    if wide and n:  # a span of discharges too wide to pack: the per-person running maximum instead
        end[0] = 1 << 55
    head = draw(st.permutations(list(range(n))))
    if draw(st.booleans()):  # in the order the units are taken in (as CIPS come): no sort
        valid = [_NO_END if e == _NO_END or e < s else e for s, e in zip(start, end)]
        rows = sorted(range(n), key=lambda i: (person[i], start[i], valid[i], head[i]))
        person, start, end, head = ([x[i] for i in rows] for x in (person, start, end, head))
    return [np.array(x, dtype=np.int64) for x in (person, start, end, head)]


@settings(max_examples=300, deadline=None)
@given(units(), st.integers(1, 30))
def test_previous_discharge_as_defined(data, window):
    person, start, end, head = data
    assert list(previous_discharge(person, start, end, head, window)) == reference(person, start, end, head, window)


@settings(max_examples=100, deadline=None)
@given(units(wide=True), st.integers(1, 30))
def test_previous_discharge_wide_span(data, window):
    person, start, end, head = data
    assert list(previous_discharge(person, start, end, head, window)) == reference(person, start, end, head, window)
