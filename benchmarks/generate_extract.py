"""Seeded generator of a synthetic HES-like episode extract in Parquet (canonical column names).

Usage: python benchmarks/generate_extract.py OUT.parquet --rows 20000000 [--seed 1] [--row-group 1000000]

Columns: episode_id, person_id, provider (150 values), system (3), sex (M/F, 0.3% unknown), age (0-105,
older-skewed), admission_date / discharge_date (one financial year, 42% same-day stays, long tail),
episode_order (1 for 86% of rows), episode_status ("finished", 0.5% "unfinished"), admission_method,
admission_source, discharge_destination (a few % transfers), primary_diagnosis (ICD-10 codes such as 'J44.1'
from ~10,000 distinct codes with Zipf frequencies).  One row group per ``--row-group`` rows; each chunk is
generated from its own seed (seed, chunk number), so the file does not depend on memory or chunking.
"""

from __future__ import annotations

import argparse
import string
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

N_CODES = 10_000
START = np.datetime64("2017-04-01")


def code_list(seed: int = 0) -> np.ndarray:
    """~10,000 distinct ICD-10-like codes ('A00.0' ... 'Z99.9')."""
    rng = np.random.default_rng(seed)
    letters = np.array(list(string.ascii_uppercase))
    codes = set()
    while len(codes) < N_CODES:
        codes.add(f"{rng.choice(letters)}{rng.integers(0, 100):02d}.{rng.integers(0, 10)}")
    out = np.array(sorted(codes), dtype=object)
    rng.shuffle(out)  # Zipf rank is unrelated to the code's order
    return out


def chunk(n: int, seed: int, chunk_no: int, codes: np.ndarray, first_id: int) -> pa.Table:
    rng = np.random.default_rng([seed, chunk_no])
    age = np.clip(np.round(rng.beta(4.0, 2.0, n) * 105), 0, 105).astype(np.int16)
    young = rng.random(n) < 0.08
    age[young] = rng.integers(0, 15, young.sum())
    sex = np.where(rng.random(n) < 0.47, "M", "F").astype(object)
    sex[rng.random(n) < 0.003] = None
    admission = START + rng.integers(0, 365, n).astype("timedelta64[D]")
    same_day = rng.random(n) < 0.42
    stay = np.where(same_day, 0, 1 + rng.geometric(0.18, n)).astype("timedelta64[D]")
    rank = np.minimum(rng.zipf(1.3, n), N_CODES) - 1
    transfer = rng.random(n) < 0.03
    return pa.table({
        "episode_id": pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
        "person_id": pa.array(rng.integers(0, max(1, int(first_id + n) // 3 + 1_000_000), n, dtype=np.int64)),
        "provider": pa.array(np.char.add("R", rng.integers(100, 250, n).astype(str))).dictionary_encode(),
        "system": pa.array(rng.choice(np.array(["NHS England", "Kaiser", "Medicare"], dtype=object), n,
                                      p=[0.6, 0.25, 0.15])).dictionary_encode(),
        "sex": pa.array(sex, pa.string()).dictionary_encode(),
        "age": pa.array(age),
        "admission_date": pa.array(admission, pa.date32()),
        "discharge_date": pa.array(admission + stay, pa.date32()),
        "episode_order": pa.array(np.where(rng.random(n) < 0.86, 1, rng.integers(2, 5, n)).astype(np.int16)),
        "episode_status": pa.array(np.where(rng.random(n) < 0.995, "finished", "unfinished")).dictionary_encode(),
        "admission_method": pa.array(np.where(transfer, "81", rng.choice(["11", "12", "21", "22"], n))
                                     ).dictionary_encode(),
        "admission_source": pa.array(np.where(transfer, "51", "19")).dictionary_encode(),
        "discharge_destination": pa.array(np.where(rng.random(n) < 0.03, "51", "19")).dictionary_encode(),
        "primary_diagnosis": pa.array(codes[rank], pa.string()).dictionary_encode(),
    })


def generate(path: str, rows: int, *, seed: int = 1, row_group: int = 1_000_000) -> None:
    codes = code_list(seed)
    writer = None
    done = 0
    chunk_no = 0
    while done < rows:
        n = min(row_group, rows - done)
        table = chunk(n, seed, chunk_no, codes, done)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=row_group)
        done += n
        chunk_no += 1
    if writer is not None:
        writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--row-group", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    generate(args.out, args.rows, seed=args.seed, row_group=args.row_group)
    print(f"wrote {args.rows:,} rows to {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
