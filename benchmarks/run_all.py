"""Run every benchmark in this folder (what ``make bench`` runs).

Usage::

    .venv/bin/python benchmarks/run_all.py [--rows 20000000] [--repeat 3] [--keep]

1. ``bench_dsr.py``: 100,000 groups x 19 bands through :func:`kpcompare.dsr` (issue 2: under 1 s).
2. ``bench_conditions.py``: classifying 10,000 distinct ICD-10 codes with the bundled condition set.
3. ``generate_extract.py`` then ``bench_aggregate.py``: a seeded synthetic HES-like extract of ``--rows``
   rows, aggregated by kpcompare (episode, spell and CIPS units), DuckDB, naive pandas and the read-only floors
   (issue 3's targets are stated at 20 million rows).  The extract is written to ``benchmarks/_work/`` and
   deleted afterwards unless ``--keep`` is given.

Each benchmark runs as its own process, so one failing does not hide the others; the exit code is the
number of benchmarks that failed.  Figures are recorded by hand in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(title: str, args: list[str]) -> bool:
    print(f"\n=== {title}\n$ {' '.join(args)}", flush=True)
    return subprocess.run(args, check=False).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="rows of the synthetic extract")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the generated extract")
    args = parser.parse_args(argv)

    py = sys.executable
    work = HERE / "_work"
    work.mkdir(exist_ok=True)
    extract = work / f"hes_{args.rows}.parquet"
    ok = [
        _run("dsr: 100,000 groups x 19 bands", [py, str(HERE / "bench_dsr.py")]),
        _run("condition sets: 10,000 distinct codes", [py, str(HERE / "bench_conditions.py")]),
    ]
    if extract.exists() or _run(f"generate a {args.rows:,}-row extract",
                                [py, str(HERE / "generate_extract.py"), str(extract), "--rows", str(args.rows)]):
        ok.append(_run("aggregate: kpcompare vs DuckDB vs pandas vs floor",
                       [py, str(HERE / "bench_aggregate.py"), str(extract), "--repeat", str(args.repeat)]))
    else:
        ok.append(False)
    if not args.keep:
        extract.unlink(missing_ok=True)
    failed = ok.count(False)
    print(f"\n{len(ok) - failed} of {len(ok)} benchmarks ran; figures go in docs/performance.md by hand.")
    return failed


if __name__ == "__main__":
    sys.exit(main())
