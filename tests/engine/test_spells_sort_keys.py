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

from kpcompare.engine.spells import sort_groups, sort_keys

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


@settings(max_examples=150, deadline=None)
@given(n=st.integers(0, 2500), kinds=st.lists(st.integers(0, 4), min_size=1, max_size=5),
       shuffled=st.booleans(), seed=st.integers(0, 2**32 - 1), groups=st.integers(1, 5))
def test_sort_groups_starts_where_the_first_keys_change(n, kinds, shuffled, seed, groups):
    """``sort_groups(...).starts(g)`` reads group starts from the sorted packed keys; the reference gathers
    the first ``g`` keys in ``numpy.lexsort`` order and compares each row with the previous one."""
    rng = np.random.default_rng(seed)
    keys = [_key(kind, n, rng) for kind in kinds]
    row = rng.permutation(n) if shuffled else np.arange(n) * 3
    expected = np.lexsort((row, *reversed(keys)))
    got = sort_groups(*keys, row=row)
    np.testing.assert_array_equal(got.perm, expected)
    g = min(groups, len(keys))
    changed = np.zeros(n, dtype=bool)
    if n:
        changed[0] = True
        for key in keys[:g]:
            changed[1:] |= key[expected][1:] != key[expected][:-1]
    np.testing.assert_array_equal(got.starts(g), changed)


def test_sort_groups_offsets_narrow_keys_and_ranks_only_what_does_not_fit(monkeypatch):
    """Integer person ids spanning 2.6 million values, 150 provider hashes, a year of days and the row's
    position fit in 62 bits once the providers are ranked: the person ids are offset, never ranked."""
    from kpcompare.engine import spells

    rng = np.random.default_rng(11)
    n = 150_000
    person = rng.integers(0, 2_600_000, n)
    provider = rng.integers(I64.min, I64.max, 150, endpoint=True)[rng.integers(0, 150, n)]
    day = rng.integers(17_000, 17_365, n)
    ranked = []
    rank = spells._rank
    monkeypatch.setattr(spells, "_rank", lambda key: (ranked.append(key), rank(key))[1])
    got = sort_groups(person, provider, day, row=np.arange(n))
    assert len(ranked) == 1 and ranked[0] is provider
    np.testing.assert_array_equal(got.perm, np.lexsort((day, provider, person)))
