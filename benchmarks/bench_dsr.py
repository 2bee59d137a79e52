"""Benchmark: 100,000 groups × 19 age bands through :func:`kpcompare.dsr`.

Target (issue 2): under one second on a 2-core machine, imports excluded (one
warm-up call on a small table loads scipy/pandera first).  Run as a script::

    .venv/bin/python benchmarks/bench_dsr.py [--groups 100000] [--method dobson|all] [--repeat 3]

or import :func:`run` (returns the best wall time in seconds).  ``--method all``
times every interval method in turn.

Measured 2026-12-01 on the 2-core build machine (best of 3, 100,000 groups × 19
bands, other jobs running): dobson 0.24 s, dobson-exact 0.52 s, dobson-midp
0.35 s, gamma 0.54 s, gamma-midp 0.84 s (1.9 s before the Newton solver for the
mid-p mixture quantile), tiwari 0.46 s, normal 0.35 s, lognormal 0.33 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

BANDS = [f"{lo}-{lo + 4}" for lo in range(0, 90, 5)] + ["90+"]


def make_data(groups: int, *, seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic strata (group × 19 ESP2013 bands) and the ESP2013 weights as a table."""
    rng = np.random.default_rng(seed)
    n = groups * len(BANDS)
    data = pd.DataFrame({
        "group": np.repeat(np.arange(groups), len(BANDS)),
        "age_band": np.tile(np.array(BANDS, dtype=object), groups),
        "population": rng.integers(500, 20_000, n),
    })
    data["count"] = rng.poisson(data["population"].to_numpy() * 0.01)
    esp2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
               7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]
    standard = pd.DataFrame({"age_band": BANDS, "population": esp2013})
    return data, standard


def run(groups: int = 100_000, *, method: str = "dobson", repeat: int = 3) -> float:
    """Best-of-``repeat`` wall time of one ``dsr`` call over ``groups`` groups."""
    from kpcompare.rates import dsr

    data, standard = make_data(groups)
    small, _ = make_data(10)
    dsr(small, count="count", population="population", standard=standard, by="group", method=method)  # warm-up
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = dsr(data, count="count", population="population", standard=standard, by="group", method=method)
        best = min(best, time.perf_counter() - start)
    if len(out) != groups:
        raise RuntimeError(f"dsr returned {len(out)} rows for {groups} groups")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--method", default="dobson")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.method == "all":
        from kpcompare.rates import DSR_METHODS

        methods = list(DSR_METHODS)
    else:
        methods = [args.method]
    for method in methods:
        seconds = run(args.groups, method=method, repeat=args.repeat)
        verdict = "OK" if seconds < 1.0 else "SLOWER than the 1 s target"
        print(f"dsr: {args.groups:,} groups x {len(BANDS)} bands, method={method}: "
              f"{seconds:.3f} s (best of {args.repeat}) - {verdict}")


if __name__ == "__main__":
    main()
