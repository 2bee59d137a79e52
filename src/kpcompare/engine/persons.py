"""Distinct persons per stratum (the ``persons`` column), counted in bounded memory.

A person's episodes fall in many row groups, so persons cannot be summed slice by slice like admissions.
The records of a unit are therefore hash-partitioned by person (:class:`~kpcompare.engine.units.Partitioner`):
no person is in two partitions, so the distinct (stratum, person) pairs of each partition add up to the
distinct pairs of the extract.  The episode unit partitions only its counted rows' stratum ids and person
keys (:func:`kpcompare.engine.duplicates.partition_keys`, 24 bytes a row) beside its usual sums; the spell and CIPS units count the persons
of the records they form (:func:`first_person`).

A record without a person id (the key :data:`~kpcompare.engine.plan.MISSING_ID`) adds no person.
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

    The first row (in row order) of each (stratum key, person) pair: the persons are numbered in order of
    appearance by hashing (``pandas.factorize``), each pair packed into one int64 and its repeats found by
    hashing too, with no sort; where the packed pairs would not fit in 63 bits, by sorting (the same rows).
    """
    n = len(person)
    if n == 0:
        return np.zeros(0, dtype=bool)
    codes, uniques = pd.factorize(person)
    span = int(key.max()) + 1
    if int(key.min()) >= 0 and span * max(len(uniques), 1) < 1 << 62:
        first = ~pd.Series(key * len(uniques) + codes).duplicated().to_numpy()
    else:
        perm = spells.sort_keys(key, person, row=np.arange(n))
        first = np.zeros(n, dtype=bool)
        sk, sp = key[perm], person[perm]
        new = np.ones(n, dtype=bool)
        new[1:] = (sk[1:] != sk[:-1]) | (sp[1:] != sp[:-1])
        first[perm] = new
    return first & (person != MISSING_ID)


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
        ids = [part[f"id{j}"].astype(np.int64) for j in range(n_by)]
        key = _stratum_keys(ids, sizes, len(part["person"]))
        keys, counts = _counts(key[_first_of_pairs(key, part["person"])])
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
        key = key * size + column
    return key

