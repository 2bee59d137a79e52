"""``Codes.ids_at``: the stratum ids of chosen rows, read from a table of every stratum key's ids.

A row's code is ``key + total * (not_admitted + split * combo)`` with ``key`` the mixed-radix stratum key of
its ids (kpcompare.engine.stage); the expected ids are numpy's own mixed-radix decoding
(``numpy.unravel_index``) of the key, for an index and a mask of rows, on both sides of ``DECODE_TABLE``.
"""

from __future__ import annotations

import numpy as np
import pytest

from kpcompare.engine import stage
from kpcompare.engine.stage import Codes


@pytest.mark.parametrize("table", [True, False])
@pytest.mark.parametrize("sizes", [[3, 2, 19, 12], [7], [300, 400]])
def test_ids_at_decodes_the_stratum_key_of_every_chosen_row(monkeypatch, table, sizes):
    if not table:  # the division path of larger key spaces
        monkeypatch.setattr(stage, "DECODE_TABLE", 0)
    rng = np.random.default_rng(5)
    total = int(np.prod(sizes))
    n = 5000
    key = rng.integers(0, total, n)
    combo = rng.integers(0, 3, n)  # rows breaking a rule (or not admissions) carry a multiple of total
    codes = Codes(key + total * combo, total, sizes, np.array([0, 4, 9], dtype=np.uint8))
    index = np.flatnonzero(rng.random(n) < 0.7)
    mask = rng.random(n) < 0.5
    for rows in (index, mask):
        want = np.unravel_index(key[rows], sizes)
        got = codes.ids_at(rows)
        assert len(got) == len(sizes)
        for column, expected in zip(got, want, strict=True):
            assert column.dtype == np.int32
            np.testing.assert_array_equal(column, expected)
