"""Helpers of the Spark engine's tests: frames onto Spark, and a small stress extract."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

BENCHMARKS = str(Path(__file__).resolve().parents[2] / "benchmarks")  # the benchmark generator's module
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)


def to_spark(session, data):
    """A pandas DataFrame or pyarrow Table as a Spark DataFrame (all-missing columns as text)."""
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    fields = []
    for f in table.schema:
        kind = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        fields.append(pa.field(f.name, pa.string() if pa.types.is_null(kind) else kind))
    table = table.cast(pa.schema(fields))
    try:
        return session.createDataFrame(table)  # PySpark 4
    except TypeError:  # PySpark 3.5: through pandas
        return session.createDataFrame(table.to_pandas())


def hand_cases(module, *, skip_fixture: str | None = None) -> list:
    """The ``test_*`` functions of ``module`` as ``pytest.param(function, arguments)``, each parametrized case
    expanded (the first ``parametrize`` mark, of one argument or several); functions asking for
    ``skip_fixture`` are left out."""
    import pytest

    out = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("test_") or function.__module__ != module.__name__:
            continue
        if skip_fixture and skip_fixture in inspect.signature(function).parameters:
            continue
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
        if not marks:
            out.append(pytest.param(function, {}, id=name))
            continue
        argument, values = marks[0].args
        names = [a.strip() for a in argument.split(",")] if isinstance(argument, str) else list(argument)
        for v in values:  # several names: each value is a tuple of theirs
            arguments = {names[0]: v} if len(names) == 1 else dict(zip(names, v, strict=True))
            out.append(pytest.param(function, arguments, id=f"{name}[{'-'.join(map(str, arguments.values()))}]"))
    return out


def stress_extract(rows: int = 2000, seed: int = 7) -> pd.DataFrame:
    """A synthetic extract (benchmarks/generate_extract.py) made hard: persons with several stays, stays that
    follow one another within 0-4 days (transfers link some into CIPS), second episodes of a stay, same-day
    stays, missing dates, repeated episode ids, odd weights."""
    from generate_extract import chunk, code_list

    rng = np.random.default_rng(seed)
    frame = chunk(rows, seed, 0, code_list(), 0).to_pandas()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object)
    frame["person_id"] = rng.integers(0, rows // 4, rows)
    frame = frame.sort_values(["person_id", "admission_date"], kind="stable").reset_index(drop=True)
    same = (frame["person_id"].to_numpy()[1:] == frame["person_id"].to_numpy()[:-1])
    follow = np.flatnonzero(same & (rng.random(rows - 1) < 0.5)) + 1
    stay = frame["discharge_date"] - frame["admission_date"]
    for i in follow:  # admitted 0-4 days after the previous stay ended
        frame.loc[i, "admission_date"] = frame.loc[i - 1, "discharge_date"] + pd.Timedelta(days=int(rng.integers(0, 5)))
        frame.loc[i, "discharge_date"] = frame.loc[i, "admission_date"] + stay[i]
    second = frame.sample(frac=0.1, random_state=seed).copy()  # second episodes of a stay
    second["episode_order"] = 2
    second["episode_id"] = np.arange(len(second)) + 10 * rows
    second["discharge_date"] = second["discharge_date"] + pd.Timedelta(days=1)
    repeats = frame.sample(n=max(1, rows // 100), random_state=seed + 1)  # repeated episode ids
    frame = pd.concat([frame, second, repeats], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=seed + 2).reset_index(drop=True)
    n = len(frame)
    frame["weight"] = rng.gamma(2.0, 500.0, n)
    frame.loc[rng.choice(n, 4, replace=False), "weight"] = [np.nan, -1.0, np.inf, np.nan]
    for name, share in (("discharge_date", 0.02), ("admission_date", 0.01)):
        frame[name] = frame[name].astype(object)
        frame.loc[rng.random(n) < share, name] = None
    return frame
