"""The (stratum, person) pairs of the per-person table numbered in order of first appearance
(kpcompare.engine.person_table._groups) against pandas.factorize of the pairs (the reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare.engine.person_table import _groups


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), max_size=60), st.booleans(), st.booleans())
def test_groups_in_order_of_first_appearance(pairs, by_person, huge):
    if by_person:  # how units come: sorted by person
        pairs = sorted(pairs, key=lambda pair: pair[0])
    person = np.array([p for p, _ in pairs], dtype=np.int64)
    stratum = np.array([s for _, s in pairs], dtype=np.int64)
    persons = int(person.max()) + 1 if len(person) else 0
    if huge and len(stratum):  # too many (stratum, person) values to pack in 62 bits: hashing
        person, persons, stratum = person % 4, 4, (stratum % 2) << 60
    group, count = _groups(person, persons, stratum)
    expected, uniques = pd.factorize(pd.MultiIndex.from_arrays([stratum, person])) if len(pairs) else ([], [])
    assert list(group) == list(expected)
    assert count == len(uniques)
