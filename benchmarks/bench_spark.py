"""Benchmark: the Arrow engine vs the Spark engine (classic local session) on one Parquet file (docs/scale.md).

Usage:
    python benchmarks/generate_extract.py /tmp/hes20m.parquet --rows 20000000
    python benchmarks/bench_spark.py /tmp/hes20m.parquet [--units episode,spell,cips,cips_all] [--cores 2]
        [--driver-memory 2g] [--engines arrow,spark]

Each run is a fresh Python process: ``arrow`` is ``kpcompare.aggregate(read_episodes(path), ...)``; ``spark``
starts a local session (``local[cores]``), reads the file with ``spark.read.parquet`` and aggregates the
DataFrame with the same options (the result is compared with the Arrow engine's: equal strata and exclusions).
Both use aggregate's defaults (persons counted, duplicate episode ids checked) with 11 condition groups.
Units: ``episode``, ``spell``, ``cips``, and ``cips_all``: the CIPS strata, readmissions (``readmissions=30``) and
per-person totals (``person_totals=True``) in one pass; its readmission accounts and the persons' frequency
tables of bed days, admissions and episodes (bounded memory) are compared too.

Printed per engine and unit: the wall time of the process (interpreter, imports and, for Spark, the session's
start included), the time of the aggregation alone, and the peak memory: the largest sum of the resident
memory of the process and all its children (the JVM and Spark's Python workers), sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

GROUPS = {
    "stroke": ["I60-I64"], "ami": ["I21-I22"], "heart_failure": ["I50"], "angina": ["I20"],
    "copd": ["J40-J44"], "asthma": ["J45-J46"], "pneumonia": ["J12-J18"], "hip_fracture": ["S72"],
    "uti": ["N39"], "diabetes": ["E10-E14"], "cancer": ["C00-C97"],
}

CHILD = """
import json, os, sys, time, warnings
warnings.simplefilter("ignore")
path, engine, unit, cores, memory = sys.argv[1:6]
groups = json.loads(sys.argv[6])
import kpcompare
started = None
if engine == "spark":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master(f"local[{cores}]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", memory).config("spark.sql.shuffle.partitions", str(4 * int(cores)))
             .getOrCreate())
    source = kpcompare.read_episodes(spark.read.parquet(path))
else:
    source = kpcompare.read_episodes(path)
options = dict(unit="cips", readmissions=30, person_totals=True) if unit == "cips_all" else dict(unit=unit)
t0 = time.perf_counter()
result = kpcompare.aggregate(source, conditions=groups, progress=False, **options)
seconds = time.perf_counter() - t0
out = os.environ["KPCOMPARE_BENCH_OUT"]
result.strata.to_parquet(out + ".strata.parquet")
result.exclusions.to_parquet(out + ".exclusions.parquet")
if unit == "cips_all":
    import pandas as pd
    result.readmission_exclusions.to_parquet(out + ".readmissions.parquet")
    freq = [result.person_totals.frequencies(v).rename(columns={v: "value"}).assign(total=v)
            for v in ("bed_days", "admissions", "episodes")]
    pd.concat(freq, ignore_index=True).to_parquet(out + ".persons.parquet")
print(json.dumps({"seconds": seconds, "rows": result.rows_read, "strata": len(result.strata)}))
"""


def _tree_rss(process) -> int:
    """Resident bytes of a process and all its descendants."""
    import psutil

    total = 0
    for p in [process] + process.children(recursive=True):
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run(path: str, engine: str, unit: str, cores: int, memory: str) -> dict:
    """One engine in a fresh process: wall time, aggregation time, peak memory of the process tree."""
    import os

    import psutil

    out = f"/tmp/kpcompare_bench_spark_{engine}_{unit}"
    env = dict(os.environ, KPCOMPARE_BENCH_OUT=out)
    start = time.perf_counter()
    # the child's output goes to a file: Spark's JVM inherits it, and a pipe nobody reads would block it
    with open(out + ".log", "w") as log:
        child = subprocess.Popen([sys.executable, "-c", CHILD, path, engine, unit, str(cores), memory,
                                  json.dumps(GROUPS)], stdout=log, stderr=subprocess.STDOUT, env=env, text=True)
        watched, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(0.1)
    wall = time.perf_counter() - start
    with open(out + ".log") as log:
        lines = [line for line in log.read().splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        raise SystemExit(f"{engine} {unit}: the child failed (exit {child.returncode})")
    got = json.loads(lines[-1])
    return {"engine": engine, "unit": unit, "wall_s": round(wall, 1), "aggregate_s": round(got["seconds"], 1),
            "peak_mb": round(peak / 2**20), "rows": got["rows"], "strata": got["strata"], "out": out}


def same_result(a: dict, b: dict) -> bool:
    """Whether two runs gave equal strata and exclusions (weighted sums are not asked for here), and for
    ``cips_all`` equal readmission accounts and persons' frequency tables."""
    import pandas as pd

    parts = ("strata", "exclusions") + (("readmissions", "persons") if a["unit"] == "cips_all" else ())
    for part in parts:
        x = pd.read_parquet(f"{a['out']}.{part}.parquet")
        y = pd.read_parquet(f"{b['out']}.{part}.parquet")
        if not x.equals(y):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--units", default="episode")
    parser.add_argument("--engines", default="arrow,spark")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--driver-memory", default="2g")
    args = parser.parse_args()
    print(f"{'engine':8} {'unit':8} {'wall s':>8} {'aggregate s':>12} {'peak MB':>8} {'rows':>12} {'strata':>7}")
    for unit in args.units.split(","):
        runs = [run(args.path, engine, unit, args.cores, args.driver_memory) for engine in args.engines.split(",")]
        for r in runs:
            print(f"{r['engine']:8} {r['unit']:8} {r['wall_s']:8.1f} {r['aggregate_s']:12.1f} {r['peak_mb']:8d} "
                  f"{r['rows']:12,d} {r['strata']:7d}", flush=True)
        if len(runs) == 2:
            print(f"  {unit}: same strata and exclusions on both engines: {same_result(*runs)}", flush=True)


if __name__ == "__main__":
    main()
