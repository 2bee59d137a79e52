"""Hypothesis strategies for random canonical episode extracts (shared by the extract tests)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import strategies as st

BOUNDS = [0, 15, 65, 90]
ENGINE_GROUPS = {"copd": ["J44"], "stroke": ["I60-I64"]}
REFERENCE_GROUPS = {"copd": ["J44"], "stroke": ["I60", "I61", "I62", "I63", "I64"]}
DAY0 = dt.date(2020, 1, 1)

COLUMNS = ["person_id", "episode_id", "provider", "system", "sex", "age", "primary_diagnosis", "episode_status",
           "episode_order", "weight", "admission_source", "admission_method", "discharge_destination",
           "admission_date", "discharge_date"]

_row = st.fixed_dictionaries({
    "person_id": st.integers(0, 4),
    "episode_id": st.integers(0, 25),
    "provider": st.sampled_from(["P1", "P2"]),
    "system": st.sampled_from(["A", "A", "B", None]),
    "sex": st.sampled_from(["M", "F", "M", "F", "1", "2", "9", None]),
    "age": st.sampled_from([0.0, 4.5, 14.0, 15.0, 64.0, 65.0, 89.0, 90.0, 120.0, 121.0, -1.0, np.nan]),
    "admit": st.one_of(st.none(), st.integers(0, 15)),
    "stay": st.one_of(st.none(), st.integers(-1, 4), st.just(0)),
    "primary_diagnosis": st.sampled_from(["J44.1", "J441", "I64", "I64X", "i61.9", "K35", "XYZ", "", None]),
    "episode_status": st.sampled_from(["finished"] * 6 + ["unfinished"]),
    "episode_order": st.sampled_from([1, 1, 2, 3]),
    "weight": st.sampled_from([1.0, 2.5, 0.0, 7.25, -1.0, np.nan]),
    "admission_source": st.sampled_from(["19", "51"]),
    "admission_method": st.sampled_from(["11", "81"]),
    "discharge_destination": st.sampled_from(["19", "49"]),
})


def to_frame(rows: list[dict]) -> pd.DataFrame:
    out = []
    for r in rows:
        r = dict(r)
        admit, stay = r.pop("admit"), r.pop("stay")
        r["admission_date"] = None if admit is None else DAY0 + dt.timedelta(days=admit)
        r["discharge_date"] = None if admit is None or stay is None else DAY0 + dt.timedelta(days=admit + stay)
        out.append(r)
    frame = pd.DataFrame(out, columns=COLUMNS)
    for c in ("admission_date", "discharge_date"):
        frame[c] = frame[c].astype(object)
    return frame


extracts = st.lists(_row, min_size=0, max_size=40).map(to_frame)
