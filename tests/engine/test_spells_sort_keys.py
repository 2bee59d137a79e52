"""``kpcompare.engine.spells.sort_keys`` is ``numpy.lexsort`` (keys most significant first, ties in row order).

Spell and CIPS linkage depend on this permutation; ``sort_keys`` only computes it more cheaply (ranks packed
into one 64-bit key, an unstable sort when the packed keys are distinct), so it must equal ``numpy.lexsort``
exactly for every kind of key: narrow ranges, 64-bit hashes with many or few distinct values, the int64
minimum used for unknown discharge dates, ties, and rows in or out of order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare.engine.spells import sort_keys

I64 = np.iinfo(np.int64)


def _key(kind: int, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == 0:  # small codes (episode order)
        return rng.integers(0, 5, n)
    if kind == 1:  # person or spell hashes: many distinct 64-bit values, repeated
        pool = rng.integers(I64.min, I64.max, max(1, n // 3), endpoint=True)
        return pool[rng.integers(0, len(pool), n)]
    if kind == 2:  # provider hashes: few distinct 64-bit values
        return rng.integers(I64.min, I64.max, 7, endpoint=True)[rng.integers(0, 7, n)]
    if kind == 3:  # day numbers with the unknown-end sentinel
        return np.where(rng.random(n) < 0.1, I64.min, rng.integers(-400, 400, n))
    return np.full(n, 42, dtype=np.int64)  # constant


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 2500), kinds=st.lists(st.integers(0, 4), min_size=1, max_size=5),
       shuffled=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_sort_keys_equals_lexsort(n, kinds, shuffled, seed):
    rng = np.random.default_rng(seed)
    keys = [_key(kind, n, rng) for kind in kinds]
    row = rng.permutation(n) if shuffled else np.arange(n) * 3
    expected = np.lexsort((row, *reversed(keys)))
    np.testing.assert_array_equal(sort_keys(*keys, row=row), expected)


@pytest.mark.parametrize("n_keys", [4, 5])
def test_sort_keys_too_wide_to_pack(n_keys):
    """Keys of about 126,000 distinct wide values each (17 bits of ranks): four do not fit in 63 bits but the
    last three do (packed, then lexsort with the first); five fit neither way (plain lexsort)."""
    rng = np.random.default_rng(7)
    keys = [rng.integers(0, 200_000, 200_000) * (1 << 40) for _ in range(n_keys)]
    row = np.arange(200_000)
    np.testing.assert_array_equal(sort_keys(*keys, row=row), np.lexsort((row, *reversed(keys))))
