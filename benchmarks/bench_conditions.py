"""Benchmark: classifying a dictionary of distinct ICD-10 codes with a condition set.

The aggregation engine classifies the code dictionary of each Parquet row group (about
10,000 distinct codes), so this must take milliseconds.  Measures the bundled
``ham2003_leading_causes`` set on (a) 10,000 distinct codes as a pyarrow array, (b) a
1,000,000-row dictionary-encoded column over them, (c) the same as a Python list.
Run as a script::

    .venv/bin/python benchmarks/bench_conditions.py [--distinct 10000] [--rows 1000000] [--repeat 5]

or import :func:`run` (returns a dict of best wall times in seconds).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa


def make_codes(distinct: int, rows: int, *, seed: int = 2026) -> tuple[pa.Array, pa.Array]:
    """``distinct`` distinct 4-character ICD-10 codes (HES spelling 'J44.1') and a Zipf-drawn column of them."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    pool = {f"{a}{n:02d}.{d}" for a, n, d in zip(rng.choice(letters, 4 * distinct),
                                                  rng.integers(0, 100, 4 * distinct),
                                                  rng.integers(0, 10, 4 * distinct))}
    codes = np.array(sorted(pool)[:distinct], dtype=object)
    ranks = np.minimum(rng.zipf(1.3, rows), distinct) - 1
    return pa.array(codes), pa.array(codes[ranks]).dictionary_encode()


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(distinct: int = 10_000, rows: int = 1_000_000, *, repeat: int = 5) -> dict[str, float]:
    """Best-of-``repeat`` wall times of the three classifications."""
    import kpcompare

    cs = kpcompare.condition_set("ham2003_leading_causes")
    dictionary, column = make_codes(distinct, rows)
    as_list = column.to_pylist()
    cs.classify(dictionary[:10])  # warm-up: imports and the range index
    return {
        f"{distinct} distinct codes (pyarrow array)": _best(lambda: cs.classify(dictionary), repeat),
        f"{rows} rows, dictionary-encoded": _best(lambda: cs.classify(column), repeat),
        f"{rows} rows, Python list": _best(lambda: cs.classify(as_list), max(1, repeat // 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, seconds in run(args.distinct, args.rows, repeat=args.repeat).items():
        print(f"{name:45s} {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
