"""Distinct persons per stratum (the ``persons`` column), counted in bounded memory.

A person's episodes fall in many row groups, so persons cannot be summed slice by slice like admissions.
The records of a unit are therefore hash-partitioned by person (:class:`~kpcompare.engine.units.Partitioner`):
no person is in two partitions, so the distinct (stratum, person) pairs of each partition add up to the
distinct pairs of the extract.  The episode unit partitions only its counted rows' stratum ids and person
keys (:func:`kpcompare.engine.duplicates.partition_keys`, 24 bytes a row) beside its usual sums; the spell and CIPS units count the persons
of the records they form (:func:`first_person`).

A record without a person id (the key :data:`~kpcompare.engine.plan.MISSING_ID`) adds no person.

The pairs of a partition are found by sorting, not hashing: each (stratum key, person) pair is packed into
one int64 (integer person ids offset by the smallest, other ids numbered by ``pandas.factorize``) and the
packed values sorted; hashing integer ids spanning millions of values took about 70 ms per 450,000 rows,
the sort about 5 ms (docs/performance.md, issue 21).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from . import spells
from .plan import MISSING_ID
from .strata import Accumulator

__all__ = ["first_person", "add_person_counts"]


def first_person(ids: Sequence[np.ndarray], person: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """1 for the first record of each (stratum, person) pair: summed, the distinct persons per stratum.
    Records without a person id add no person: ``persons`` counts the distinct ids."""
    return _first_of_pairs(_stratum_keys(ids, sizes, len(person)), person)


def _first_of_pairs(key: np.ndarray, person: np.ndarray) -> np.ndarray:
    """:func:`first_person` for rows with their stratum keys already formed.

    The first row (in row order) of each (stratum key, person) pair: persons as codes (:func:`_person_codes`),
    each pair and the row's position packed into one int64 and sorted, the first of each run of equal pairs
    flagged; where the packed pairs would not fit in 62 bits, by :func:`kpcompare.engine.spells.sort_keys`
    (the same rows).
    """
    n = len(person)
    if n == 0:
        return np.zeros(0, dtype=bool)
    bits = max(1, (n - 1).bit_length())
    span = int(key.max()) + 1
    codes, size = _person_codes(person, room=span << bits)
    if int(key.min()) >= 0 and (span * size) << bits < _FIT:
        packed = key * size
        packed += codes
        packed <<= bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()  # distinct values: the first of each pair comes first
        first = np.empty(n, dtype=bool)
        first[packed & ((1 << bits) - 1)] = spells.first_of_groups(packed >> bits)
    else:
        perm = spells.sort_keys(key, person, row=np.arange(n))
        first = np.zeros(n, dtype=bool)
        first[perm] = spells.first_of_groups(key[perm], person[perm])
    return first & (person != MISSING_ID)


#: packed keys stay below this
_FIT = 1 << 62


def _person_codes(person: np.ndarray, *, room: int) -> tuple[np.ndarray, int]:
    """Person keys as codes from 0 (equal keys, equal codes) and how many codes there can be: the keys offset by
    the smallest when their span times ``room`` fits in 62 bits (integer ids: no hashing), else numbered
    in order of appearance by hashing (``pandas.factorize``)."""
    low = int(person.min())
    span = int(person.max()) - low + 1
    if span * room < _FIT:
        return person - low, span  # the offsets fit in int64 even where the subtraction wraps
    codes, uniques = pd.factorize(person)
    return codes.astype(np.int64, copy=False), max(len(uniques), 1)


def _pair_counts(key: np.ndarray, person: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stratum keys with persons, ascending, and their distinct persons (rows with a person id): the
    (key, person code) pairs packed into one int64 and sorted, their distinct values counted per key."""
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = int(key.max()) + 1
    codes, size = _person_codes(person, room=span)
    if int(key.min()) < 0 or span * size >= _FIT:
        return _counts(key[_first_of_pairs(key, person)])
    packed = key * size
    packed += codes
    packed.sort()
    pairs = packed[spells.first_of_groups(packed)] // size  # the key of each distinct pair, ascending
    starts = np.flatnonzero(spells.first_of_groups(pairs))
    return pairs[starts], np.diff(np.append(starts, len(pairs)))


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (int64 >= 0), ascending, and how often each occurs (``numpy.unique``
    with ``return_counts``; by counting on a table of the keys' span when it is at most 4 per key)."""
    if len(keys) and int(keys.max()) < 4 * len(keys) + 4096:
        counts = np.bincount(keys)
        values = np.flatnonzero(counts)
        return values.astype(np.int64), counts[values]
    return np.unique(keys, return_counts=True)


def add_person_counts(partitions: Iterable[dict[str, np.ndarray]], accumulator: Accumulator, *,
                      sizes: Sequence[int], column: int, progress: Callable[[Iterator], Iterator] = iter) -> None:
    """Count the distinct (stratum, person) pairs of each partition of :func:`kpcompare.engine.duplicates.partition_keys` rows and add them
    to measure ``column`` of ``accumulator`` (the other measures get 0, which changes no sum)."""
    n_by = len(sizes)
    n_measures = len(accumulator.measures)
    for part in progress(iter(partitions)):
        person = part["person"]
        key = _stratum_keys([part[f"id{j}"] for j in range(n_by)], sizes, len(person))
        valid = person != MISSING_ID  # rows without a person id add no person
        if not valid.all():
            key, person = key[valid], person[valid]
        keys, counts = _pair_counts(key, person)
        decoded = np.empty((len(keys), n_by), dtype=np.int64)
        rest = keys.copy()
        for j in range(n_by - 1, -1, -1):
            decoded[:, j] = rest % sizes[j]
            rest //= sizes[j]
        sums = np.zeros((len(keys), n_measures))
        sums[:, column] = counts
        accumulator.add_partial(decoded, sums)


def _stratum_keys(ids: Sequence[np.ndarray], sizes: Sequence[int], n: int) -> np.ndarray:
    """Mixed-radix stratum keys of ``n`` rows (0 for all without ``by`` columns)."""
    key = np.zeros(n, dtype=np.int64)
    for column, size in zip(ids, sizes, strict=True):
        key *= size
        key += column
    return key

