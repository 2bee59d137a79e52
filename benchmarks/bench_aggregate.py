"""Benchmark: kpcompare.aggregate vs DuckDB SQL vs naive pandas vs a read-only floor, on one Parquet file.

Usage:
    python benchmarks/generate_extract.py /tmp/hes20m.parquet --rows 20000000
    python benchmarks/bench_aggregate.py /tmp/hes20m.parquet [--repeat 3] [--engines kpcompare,duckdb,...]

Task (as in the project's PERFORMANCE notes): classify the primary diagnosis into 11 condition groups by ICD-10
prefix (else 'other'), 19 five-year age bands (90+ last), bed days = discharge - admission, group by
system x sex x age band x condition -> admissions, bed days.  kpcompare also validates every row (dates,
sex, age, code, episode status) and reports exclusions, which the SQL and pandas versions do not.
``kpcompare`` runs the episode unit with ``persons=False`` and ``check_duplicates=False`` (the task has no
person counts, and neither DuckDB nor pandas looks for repeated ids); ``kpcompare_duplicates`` with the
default duplicate check (the generated episode ids are unique: the check finds none); ``kpcompare_persons``
with aggregate's defaults, which also count the distinct persons of each stratum (both partition small keys
of the rows by person); ``kpcompare_spell`` and ``kpcompare_cips`` the other units (persons counted,
duplicates checked), ``duckdb_spell`` and ``duckdb_cips`` the same rules in DuckDB window-function SQL
(``spell_sql.py``; identical strata).  ``kpcompare_duplicates_base`` runs ``check_duplicates=True`` with the kpcompare found
in the directory ``$KPCOMPARE_BASE`` (an older version's ``src``), to compare with it, and
``kpcompare_persons_base`` that version's defaults (before issue 16: persons, no duplicate check).
``kpcompare_readmissions`` is ``kpcompare_cips`` with ``readmissions=30`` (issue 21) and
``kpcompare_person_totals`` writes the per-person totals (CIPS) and reads back the top 10% share of bed days;
``kpcompare_cips_all`` gives the CIPS strata, readmissions and per-person totals in one pass.
``kpcompare_spell_base``, ``kpcompare_cips_base`` and ``kpcompare_cips_all_base`` are that older version's spell
and CIPS units and its one pass.

Each engine runs in a fresh Python process (imports included in the wall time), ``--repeat`` times, in
rounds (every engine once per round, so changes in the machine's load hit all engines alike); the median
wall time, its ratio to the floor's, the median CPU time (user + system of all the child's threads) and
the peak RSS of the child (``ru_maxrss``, the largest of the runs) are printed, with the best CPU time
of the rounds and the load average before each round (the machine's other work shows in the CPU times too).
``floor`` streams the columns kpcompare needs, row group by row group (diagnosis as dictionary), and does nothing else;
``floor_numpy`` also views every column as a numpy array (the first such view makes pyarrow import pandas,
as any numpy-based computation on Arrow data does where pandas is installed).  ``floor_table`` is the floor as
the project's PERFORMANCE notes (``shared/reference/PERFORMANCE.md``, "floor: reading just the needed columns
(diagnosis as dictionary)") measured it: the same columns read into one Arrow table with
``pyarrow.parquet.read_table`` (all row groups at once, so its memory grows with the file); "× table" is the
ratio to it.  ``core s`` (median) is the
time of the work itself inside the process: from after the imports (kpcompare's lazily imported modules
included) to the result, without interpreter start-up and imports.

With ``--in-process`` the engines instead run one after another in a single process, ``--repeat`` rounds
after one warm-up round (imports, page cache, allocator pools), and the median time of each engine's work is
printed with its ratio to the floor's: the cost of a call in a session that has already imported
everything, which start-up and import times (fixed, whatever the extract's size) do not blur.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

GROUPS = {
    "stroke": ["I60-I64"], "ami": ["I21-I22"], "heart_failure": ["I50"], "angina": ["I20"],
    "copd": ["J40-J44"], "asthma": ["J45-J46"], "pneumonia": ["J12-J18"], "hip_fracture": ["S72"],
    "uti": ["N39"], "diabetes": ["E10-E14"], "cancer": ["C00-C97"],
}
COLUMNS = ["system", "sex", "age", "admission_date", "discharge_date", "primary_diagnosis", "episode_status",
           "episode_order"]


def prefixes(group: list[str]) -> list[str]:
    out = []
    for item in group:
        if "-" in item:
            lo, hi = item.split("-")
            out += [f"{lo[0]}{n:02d}" for n in range(int(lo[1:]), int(hi[1:]) + 1)]
        else:
            out.append(item)
    return out


PRELUDE = f"""
import resource, sys, time, json
GROUPS = {GROUPS!r}
COLUMNS = {COLUMNS!r}
PATH = sys.argv[1]
"""

ENGINES = {
    "kpcompare": """
import kpcompare
import kpcompare.engine, kpcompare.extract  # the lazily imported modules (pandas, numpy, pyarrow.compute)
T0 = time.perf_counter()
UNIT = sys.argv[2] if len(sys.argv) > 2 else "episode"
# the task: admissions and bed days (persons=False: counting distinct persons partitions the rows by person;
# check_duplicates=False: the episode ids are unique, and neither DuckDB nor pandas looks for repeats)
r = kpcompare.aggregate(kpcompare.read_episodes(PATH, coding="icd10"), conditions=GROUPS, progress=False,
                        unit=UNIT, persons=False if UNIT == "episode" else None,
                        check_duplicates=False if UNIT == "episode" else None)
rows = len(r.strata); total = int(r.strata["bed_days"].sum())
""",
    "kpcompare_spell": None,  # filled below (same code, unit="spell")
    "kpcompare_cips": None,
    "kpcompare_persons": None,
    "duckdb": """
import duckdb
from bench_aggregate import prefixes
T0 = time.perf_counter()
cases = " ".join(f"WHEN substr(replace(primary_diagnosis, '.', ''), 1, 3) IN ({', '.join(repr(p) for p in prefixes(v))})"
                 f" THEN '{k}'" for k, v in GROUPS.items())
con = duckdb.connect(); con.execute("PRAGMA threads=2"); con.execute("PRAGMA disable_progress_bar")
q = f'''SELECT system, sex, CASE WHEN age >= 90 THEN '90+' ELSE CAST(5*(age//5) AS VARCHAR) END AS age_band,
           CASE {cases} ELSE 'other' END AS condition, count(*) AS admissions,
           sum(discharge_date - admission_date) AS bed_days
    FROM read_parquet('{PATH}') GROUP BY ALL'''
df = con.execute(q).df(); rows = len(df); total = int(df["bed_days"].sum())
""",
    "pandas_naive": """
import pandas as pd, numpy as np
from bench_aggregate import prefixes
T0 = time.perf_counter()
df = pd.read_parquet(PATH, columns=["system", "sex", "age", "admission_date", "discharge_date", "primary_diagnosis"])
code = df["primary_diagnosis"].astype(str)
cond = pd.Series("other", index=df.index)
for k, v in GROUPS.items():
    cond[code.str.startswith(tuple(prefixes(v))) & (cond == "other")] = k
df["condition"] = cond
df["age_band"] = np.where(df["age"] >= 90, "90+", (5 * (df["age"] // 5)).astype(str))
df["bed_days"] = (pd.to_datetime(df["discharge_date"]) - pd.to_datetime(df["admission_date"])).dt.days
out = df.groupby(["system", "sex", "age_band", "condition"], observed=True).agg(
    admissions=("bed_days", "size"), bed_days=("bed_days", "sum"))
rows = len(out); total = int(out["bed_days"].sum())
""",
    "floor": """
import pyarrow.parquet as pq
T0 = time.perf_counter()
f = pq.ParquetFile(PATH, read_dictionary=["primary_diagnosis", "system", "sex", "episode_status"])
rows = 0
for g in range(f.num_row_groups):
    rows += f.read_row_group(g, columns=COLUMNS).num_rows
total = 0
""",
}
# DuckDB's window-function SQL for kpcompare's spell and CIPS rules (spell_sql.py; the same strata, checked in
# tests/test_benchmarks.py)
for _unit in ("spell", "cips"):
    ENGINES[f"duckdb_{_unit}"] = f"""
import duckdb
from spell_sql import {_unit}_query
T0 = time.perf_counter()
con = duckdb.connect(); con.execute("PRAGMA threads=2"); con.execute("PRAGMA disable_progress_bar")
df = con.execute({_unit}_query(PATH, GROUPS)).df(); rows = len(df); total = int(df["bed_days"].sum())
"""
# the floor as the PERFORMANCE notes measured it: the needed columns read into one table
ENGINES["floor_table"] = """
import pyarrow.parquet as pq
T0 = time.perf_counter()
t = pq.read_table(PATH, columns=COLUMNS, read_dictionary=["primary_diagnosis", "system", "sex", "episode_status"])
rows = t.num_rows
total = 0
"""
# the floor, then every column viewed as numpy (the first view imports pandas: pyarrow does, where it is installed)
ENGINES["floor_numpy"] = ENGINES["floor"].replace("    rows += f.read_row_group(g, columns=COLUMNS).num_rows", """\
    t = f.read_row_group(g, columns=COLUMNS)
    for chunk in (c for column in t.columns for c in column.chunks):
        (chunk.indices if hasattr(chunk, "indices") else chunk).to_numpy(zero_copy_only=False)
    rows += t.num_rows""")
ENGINES["kpcompare_spell"] = ENGINES["kpcompare"].replace('sys.argv[2] if len(sys.argv) > 2 else "episode"', '"spell"')
ENGINES["kpcompare_cips"] = ENGINES["kpcompare"].replace('sys.argv[2] if len(sys.argv) > 2 else "episode"', '"cips"')
# the episode unit with aggregate's defaults, which also count distinct persons per stratum and look for
# duplicate episode ids
ENGINES["kpcompare_persons"] = ENGINES["kpcompare"].replace('persons=False if UNIT == "episode" else None',
                                                            "persons=None").replace(
    'check_duplicates=False if UNIT == "episode" else None', "check_duplicates=None")
# the episode unit without persons, with the default duplicate check (partitions of episode keys)
ENGINES["kpcompare_duplicates"] = ENGINES["kpcompare"].replace(
    'check_duplicates=False if UNIT == "episode" else None', "check_duplicates=None")
# the same with the duplicate check as it was before issue 16 (whole rows partitioned by person): the
# package of the parent directory of KPCOMPARE_BASE, e.g. an older checkout's src
_BASE = "import os; sys.path.insert(0, os.environ['KPCOMPARE_BASE'])\n"
ENGINES["kpcompare_duplicates_base"] = _BASE + ENGINES["kpcompare"].replace(
    'check_duplicates=False if UNIT == "episode" else None', "check_duplicates=True")
# aggregate's defaults of that older version (before issue 16: persons counted, no duplicate check)
ENGINES["kpcompare_persons_base"] = _BASE + ENGINES["kpcompare_persons"]
# issue 21: the CIPS unit with emergency readmissions (engine.readmissions, in the same pass), and the
# per-person totals (engine.person_totals: Parquet partitions, then the top 10% share of bed days by system)
ENGINES["kpcompare_readmissions"] = ENGINES["kpcompare_cips"].replace("progress=False,",
                                                                      "progress=False, readmissions=30,")
ENGINES["kpcompare_person_totals"] = """
import kpcompare, shutil, tempfile
import kpcompare.engine, kpcompare.extract
T0 = time.perf_counter()
out = tempfile.mkdtemp(prefix="bench-person-totals-")
t = kpcompare.person_totals(kpcompare.read_episodes(PATH, coding="icd10"), out=out, progress=False)
top = kpcompare.top_share(t, value="bed_days", top=0.1, by="system")
rows = len(t); total = int(t.result.strata["bed_days"].sum())
shutil.rmtree(out)
"""
# issue 21: the CIPS strata, the readmissions and the per-person totals of ONE pass
# (aggregate(..., readmissions=30, person_totals=<dir>)), to set against kpcompare_cips alone
ENGINES["kpcompare_cips_all"] = """
import kpcompare, shutil, tempfile
import kpcompare.engine, kpcompare.extract
T0 = time.perf_counter()
out = tempfile.mkdtemp(prefix="bench-person-totals-")
r = kpcompare.aggregate(kpcompare.read_episodes(PATH, coding="icd10"), conditions=GROUPS, progress=False,
                        unit="cips", readmissions=30, person_totals=out + "/persons")
rows = len(r.strata); total = int(r.strata["bed_days"].sum())
shutil.rmtree(out)
"""
# that older version's spell and CIPS units (to compare a change in the same run)
ENGINES["kpcompare_spell_base"] = _BASE + ENGINES["kpcompare_spell"]
ENGINES["kpcompare_cips_base"] = _BASE + ENGINES["kpcompare_cips"]
ENGINES["kpcompare_cips_all_base"] = _BASE + ENGINES["kpcompare_cips_all"]
EPILOGUE = """
core = time.perf_counter() - T0
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows,
                  "bed_days": total, "core_s": core}))
"""


def run(engine: str, path: str) -> tuple[float, float, dict]:
    """One fresh process: wall time, CPU time (user + system, all its threads) and what it printed."""
    import resource

    code = PRELUDE + ENGINES[engine] + EPILOGUE
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                         cwd=__file__.rsplit("/", 1)[0], check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode:
        raise SystemExit(f"{engine} failed:\n{out.stderr}")
    return wall, cpu, json.loads(out.stdout.strip().splitlines()[-1])


# the in-process driver: CODE (engine -> code), ROUNDS and PRELUDE are defined before it
IN_PROCESS = """
import statistics
times = {name: [] for name in CODE}
for round_ in range(ROUNDS + 1):  # round 0 warms up: imports, page cache, pools
    for name, code in CODE.items():
        scope = {"__name__": "bench_" + name}
        exec(PRELUDE + code + "\\ncore = time.perf_counter() - T0\\n", scope)
        if round_:
            times[name].append(scope["core"])
print(json.dumps({"times": times}))
"""


def run_in_process(engines: list[str], path: str, rounds: int) -> None:
    """All engines in one process, alternately, after a warm-up round: the median time of each one's work."""
    code = (PRELUDE + f"PRELUDE = {PRELUDE!r}\nCODE = {dict((e, ENGINES[e]) for e in engines)!r}\n"
            f"ROUNDS = {rounds}\n" + IN_PROCESS)
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                         cwd=__file__.rsplit("/", 1)[0], check=False)
    if out.returncode:
        raise SystemExit(f"in-process run failed:\n{out.stderr}")
    times = json.loads(out.stdout.strip().splitlines()[-1])["times"]
    print(f"{'engine':<16} {'median s':>9} {'x floor':>8} {'x table':>8}  runs s")
    for engine in engines:
        runs = times[engine]
        print(f"{engine:<16} {statistics.median(runs):>9.3f} {_ratios(times, engine)}  "
              f"{' '.join(f'{r:.3f}' for r in runs)}", flush=True)


def _ratios(times: dict[str, list[float]], engine: str) -> str:
    """The engine's median time over the floor's and over floor_table's ("-" where that floor was not run)."""
    out = []
    for floor in ("floor", "floor_table"):
        ratio = statistics.median(times[engine]) / statistics.median(times[floor]) if floor in times else None
        out.append(f"{ratio:>8.2f}" if ratio is not None else f"{'-':>8}")
    return " ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines",
                        default="floor,floor_table,floor_numpy,kpcompare,duckdb,pandas_naive,kpcompare_duplicates,"
                                "kpcompare_persons,"
                                "kpcompare_spell,kpcompare_cips,duckdb_spell,duckdb_cips")
    parser.add_argument("--in-process", action="store_true",
                        help="run the engines alternately in one process after a warm-up round")
    args = parser.parse_args()
    import pyarrow.parquet as pq

    engines = args.engines.split(",")
    print(f"file: {args.path}: {pq.ParquetFile(args.path).metadata.num_rows:,} rows, "
          f"{pq.ParquetFile(args.path).metadata.num_row_groups} row groups")
    if args.in_process:
        run_in_process(engines, args.path, args.repeat)
        return
    # rounds: every engine once per round, so a change in the machine's load hits all engines alike
    walls: dict[str, list[float]] = {e: [] for e in engines}
    cores: dict[str, list[float]] = {e: [] for e in engines}
    cpus: dict[str, list[float]] = {e: [] for e in engines}
    infos: dict[str, dict] = {}
    rss: dict[str, float] = {e: 0.0 for e in engines}
    for _ in range(args.repeat):
        print(f"round {_ + 1}: load average {' '.join(open('/proc/loadavg').read().split()[:3])}"
              if os.path.exists("/proc/loadavg") else f"round {_ + 1}", flush=True)
        for engine in engines:
            wall, cpu, infos[engine] = run(engine, args.path)
            walls[engine].append(wall)
            cores[engine].append(infos[engine]["core_s"])
            cpus[engine].append(cpu)
            rss[engine] = max(rss[engine], infos[engine]["rss_mb"])
    print(f"{'engine':<16} {'median s':>9} {'x floor':>8} {'x table':>8} {'runs s':>22} {'median CPU s':>13} "
          f"{'best CPU s':>11} {'core s':>7} {'peak RSS MB':>12} {'strata':>7} {'bed days':>14}")
    for engine in engines:
        runs = " ".join(f"{w:.2f}" for w in walls[engine])
        info = infos[engine]
        print(f"{engine:<16} {statistics.median(walls[engine]):>9.2f} {_ratios(walls, engine)} {runs:>22} "
              f"{statistics.median(cpus[engine]):>13.2f} {min(cpus[engine]):>11.2f} "
              f"{statistics.median(cores[engine]):>7.2f} "
              f"{rss[engine]:>12.0f} {info['rows']:>7} "
              f"{info['bed_days']:>14,}", flush=True)


if __name__ == "__main__":
    main()
