"""``Partitioner``: rows split by person into partitions, in the source's order within each.

``split`` gives the order that groups rows by partition and the partitions' bounds, so a caller can gather
its rows once, in partition order (``add(arrays, bounds)``); that must write exactly what ``add(arrays)``
writes.  The reference is a plain grouping: every person's rows in one partition, each partition's rows in
the order they were added.
"""

from __future__ import annotations

import numpy as np

from kpcompare.engine.units import Partitioner


def _batches(rng: np.random.Generator) -> list[dict[str, np.ndarray]]:
    out, start = [], 0
    for n in (0, 1, 900, 2500):
        out.append({"person": rng.integers(0, 400, n), "row": np.arange(start, start + n),
                    "flag": rng.random(n) < 0.5})
        start += n
    return out


def _written(partitioner: Partitioner, batches, presplit: bool) -> list[dict[str, np.ndarray]]:
    for arrays in batches:
        if presplit:
            order, bounds = partitioner.split(arrays["person"])
            partitioner.add({k: v[order] for k, v in arrays.items()} if order is not None else arrays, bounds)
        else:
            partitioner.add(arrays)
    return list(partitioner.partitions())


def test_split_then_add_writes_what_add_writes_and_keeps_persons_together():
    rng = np.random.default_rng(2)
    batches = _batches(rng)
    with Partitioner(13) as a, Partitioner(13) as b:
        plain, presplit = _written(a, batches, False), _written(b, batches, True)
    assert len(plain) == len(presplit) > 1
    for x, y in zip(plain, presplit, strict=True):
        assert x.keys() == y.keys()
        for name in x:
            np.testing.assert_array_equal(x[name], y[name])
    rows = np.concatenate([part["row"] for part in plain])
    np.testing.assert_array_equal(np.sort(rows), np.arange(3401))  # every row once
    owner = {}
    for number, part in enumerate(plain):
        assert (np.diff(part["row"]) > 0).all()  # in the order they were added
        for person in np.unique(part["person"]):
            assert owner.setdefault(int(person), number) == number  # a person's rows in one partition


def test_a_single_partition_keeps_the_rows_as_they_are():
    rng = np.random.default_rng(3)
    batches = _batches(rng)
    with Partitioner(1) as one:
        assert one.split(batches[2]["person"]) == (None, None)
        (part,) = _written(one, batches, True)
    np.testing.assert_array_equal(part["row"], np.arange(3401))
