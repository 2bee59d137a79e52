"""The benchmark scripts of ``benchmarks/`` (issue 3, section 3): the synthetic extract has the properties the
issue asks for, and the aggregation benchmark runs every engine and measures the computation it claims to.

No timing is asserted (speed and memory are measured by the benchmarks themselves, docs/performance.md).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import kpcompare

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _module("generate_extract")


@pytest.fixture(scope="module")
def extract(generator, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "hes.parquet"
    generator.generate(str(path), 200_000, seed=1, row_group=50_000)
    return path


def test_generator_writes_one_row_group_per_row_group_rows(extract):
    meta = pq.ParquetFile(extract).metadata
    assert meta.num_rows == 200_000
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [50_000] * 4


def test_generator_has_the_issues_shape(generator, extract):
    """Issue 3: realistic age skew, 40%+ same-day stays, Zipf-distributed codes from ~10,000 distinct codes."""
    t = pq.read_table(extract)
    same_day = pc.mean(pc.equal(t["admission_date"], t["discharge_date"]).cast("int8")).as_py()
    assert 0.40 <= same_day <= 0.44  # drawn with p = 0.42
    age = t["age"].to_numpy()
    assert age.min() >= 0 and age.max() <= 105
    assert np.median(age) >= 60  # older-skewed: Beta(4, 2) x 105 (mean 70), 8% children
    assert 0.06 <= np.mean(age < 15) <= 0.12
    assert len(set(generator.code_list(1))) == generator.N_CODES == 10_000
    counts = np.sort(pc.value_counts(t["primary_diagnosis"]).field("counts").to_numpy())[::-1]
    # Zipf(1.3): the most frequent code has 1 / zeta(1.3) = 25.4% of the rows, the next 2**-1.3 of that
    assert 0.23 <= counts[0] / len(t) <= 0.28
    assert 0.35 <= counts[1] / counts[0] <= 0.46
    unknown_sex = t["sex"].null_count / len(t)
    assert 0.001 <= unknown_sex <= 0.006  # 0.3%


def test_generator_is_seeded(generator, extract, tmp_path):
    again = tmp_path / "again.parquet"
    generator.generate(str(again), 200_000, seed=1, row_group=50_000)
    assert pq.read_table(again).equals(pq.read_table(extract))
    other = tmp_path / "other.parquet"
    generator.generate(str(other), 200_000, seed=2, row_group=50_000)
    assert not pq.read_table(other).equals(pq.read_table(extract))


def _run(*args: str) -> list[list[str]]:
    out = subprocess.run([sys.executable, str(BENCH / "bench_aggregate.py"), *args], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    return [line.split() for line in out.stdout.splitlines()]


def test_bench_aggregate_measures_kpcompares_result(extract):
    """Every engine runs in its own process; kpcompare's printed strata and bed days are those of aggregate."""
    groups = _module("bench_aggregate").GROUPS
    expected = kpcompare.aggregate(kpcompare.read_episodes(extract, coding="icd10"), conditions=groups,
                                   progress=False, persons=False).strata
    lines = {row[0]: row for row in _run(str(extract), "--repeat", "1",
                                         "--engines", "floor,floor_table,kpcompare,duckdb,pandas_naive")}
    assert {"floor", "floor_table", "kpcompare", "duckdb", "pandas_naive"} <= set(lines)
    row = lines["kpcompare"]
    assert int(row[-2]) == len(expected)
    assert int(row[-1].replace(",", "")) == int(expected["bed_days"].sum())
    assert int(lines["floor"][-2]) == 200_000  # the floors report the rows they read
    assert int(lines["floor_table"][-2]) == 200_000
    assert float(lines["floor"][2]) == 1.0  # x floor
    assert float(lines["floor_table"][3]) == 1.0  # x table


def test_bench_aggregate_in_process(extract):
    lines = {row[0]: row for row in _run(str(extract), "--in-process", "--repeat", "2",
                                         "--engines", "floor,floor_table,kpcompare")}
    assert float(lines["floor"][2]) == 1.0 and float(lines["floor_table"][3]) == 1.0
    ratios, runs = [float(x) for x in lines["kpcompare"][2:4]], [float(x) for x in lines["kpcompare"][4:]]
    assert len(runs) == 2 and all(r > 0 for r in runs) and all(r > 0 for r in ratios)


def _dense(extract, tmp_path) -> Path:
    """The benchmark extract with 4,000 persons in 3 providers over 60 days (many multi-episode spells and
    transfers, 2% of discharges missing), so every spell and CIPS rule is exercised."""
    import pyarrow as pa

    t = pq.read_table(extract).slice(0, 60_000)
    rng = np.random.default_rng(5)
    n = t.num_rows
    admission = np.datetime64("2020-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]")
    discharge = pc.if_else(pa.array(rng.random(n) < 0.02), pa.scalar(None, pa.date32()),
                           pa.array(admission + rng.integers(0, 4, n).astype("timedelta64[D]"), pa.date32()))
    for name, values in (("person_id", pa.array(rng.integers(0, 4_000, n))),
                         ("provider", pa.array(rng.choice(["A", "B", "C"], n)).dictionary_encode()),
                         ("admission_date", pa.array(admission, pa.date32())), ("discharge_date", discharge),
                         ("discharge_destination", pa.array(rng.choice(["19", "51", "87", "84"], n,
                                                                       p=[0.7, 0.1, 0.1, 0.1])))):
        t = t.set_column(t.schema.get_field_index(name), name, values)
    path = tmp_path / "dense.parquet"
    pq.write_table(t, path, row_group_size=20_000)
    return path


@pytest.mark.parametrize("unit", ["spell", "cips"])
def test_duckdb_spell_and_cips_sql_give_kpcompares_strata(extract, tmp_path, unit, monkeypatch):
    """benchmarks/spell_sql.py (DuckDB window functions) gives aggregate's strata, stratum by stratum."""
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.syspath_prepend(str(BENCH))
    spell_sql = _module("spell_sql")
    groups = _module("bench_aggregate").GROUPS
    keys = ["system", "sex", "age_band", "condition"]
    measures = ["admissions", "bed_days", "episodes", "persons"]
    for path in (extract, _dense(extract, tmp_path)):
        query = getattr(spell_sql, f"{unit}_query")(str(path), groups)
        sql = duckdb.connect().execute(query).df()
        ours = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), conditions=groups,
                                   progress=False, unit=unit).strata
        frames = [f.astype({k: str for k in keys}).set_index(keys).sort_index()[measures].astype("int64")
                  for f in (sql, ours)]
        assert len(frames[1]) > 100 and frames[0].equals(frames[1])


def test_bench_aggregate_runs_the_duckdb_spell_engines(extract):
    lines = {row[0]: row for row in _run(str(extract), "--repeat", "1",
                                         "--engines", "floor,kpcompare_spell,duckdb_spell")}
    assert lines["duckdb_spell"][-2:] == lines["kpcompare_spell"][-2:]  # strata and bed days


def test_bench_aggregate_runs_the_one_pass_cips_engine(extract):
    # issue 21: strata, readmissions and person totals of one pass; the same strata as the CIPS unit alone
    lines = {row[0]: row for row in _run(str(extract), "--repeat", "1",
                                         "--engines", "kpcompare_cips,kpcompare_cips_all")}
    assert lines["kpcompare_cips_all"][-2:] == lines["kpcompare_cips"][-2:]  # strata and bed days
