"""Diagnosis codes are validated and classified once per distinct code, not once per row.

The issue asks: "Classify the distinct codes (the column's dictionary), not every row".  The engine stages
the ``primary_diagnosis`` column through its dictionary (``kpcompare.engine.stage.dictionary_factor``) and a
per-plan ``ValueMemo`` that remembers the codes already judged, across row groups; only unseen codes reach
its ``compute`` callback (``Plan._value_rules`` in ``kpcompare/engine/plan.py``), which validates them with
``kpcompare.extract.rules.valid_code_values`` and classifies them with ``ConditionSet.classify``.

These tests count the code values handed to those two functions on a Parquet file of 200,000 rows in four
row groups, holding 344 distinct codes: 100 shared by every row group, 60 of its own in each, and 4 invalid
codes in every row group.  They guard against:

* classification per row: the counters would see 200,000 values (or at least a row group's 50,000);
* classification per row group (the memo forgotten between row groups): they would see the sum of the row
  groups' dictionaries, 4 x 104 + 4 x 60 = 656 values, with the shared codes passed four times each;
* either change to the results: admissions and bed days per condition equal a plain pandas computation.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.conditions import ConditionSet
from kpcompare.extract import rules

ROW_GROUPS, GROUP_ROWS = 4, 50_000
SHARED = [f"J{i:02d}" for i in range(100)]  # in every row group (J44: copd)
OWN = [  # 60 codes found in one row group only
    [f"I{i:02d}" for i in range(20, 80)],  # I60-I64: stroke
    [f"K{i:02d}" for i in range(10, 70)],  # K35-K37: appendicitis
    [f"C{i:02d}1" for i in range(60)],
    [f"N{i:02d}9" for i in range(60)],
]
INVALID = ["XYZ", "1234", "J4", "Q9"]  # not ICD-10 codes: excluded as invalid_code, still judged once each
CONDITIONS = {"copd": ["J44"], "stroke": ["I60-I64"], "appendicitis": ["K35-K37"]}
DAY0 = dt.date(2020, 1, 1)


def _condition(code: str) -> str:
    """Hand-written grouping of CONDITIONS (the codes here are already normalised: no dots, upper case)."""
    if code.startswith("J44"):
        return "copd"
    if "I60" <= code[:3] <= "I64":
        return "stroke"
    if "K35" <= code[:3] <= "K37":
        return "appendicitis"
    return "other"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The Parquet file, and its codes and nights (discharge - admission) as a pandas frame, in file order."""
    rng = np.random.default_rng(20240611)
    diagnoses, admits, stays = [], [], []
    for group in range(ROW_GROUPS):
        own = np.array(SHARED + OWN[group] + INVALID, dtype=object)
        # every code of the row group at least once, then random draws; 1% missing diagnoses
        drawn = np.concatenate([own, rng.choice(own, GROUP_ROWS - len(own))])
        drawn[rng.random(GROUP_ROWS) < 0.01] = None
        diagnoses += drawn.tolist()
        admits.append(rng.integers(0, 365, GROUP_ROWS))
        stays.append(rng.integers(0, 12, GROUP_ROWS))
    admit, stay = np.concatenate(admits), np.concatenate(stays)
    day0 = np.datetime64(DAY0, "D")
    table = pa.table({
        "primary_diagnosis": pa.array(diagnoses, pa.string()),
        "admission_date": pa.array(day0 + admit, pa.date32()),
        "discharge_date": pa.array(day0 + admit + stay, pa.date32()),
    })
    frame = pd.DataFrame({"primary_diagnosis": pd.Series(diagnoses, dtype=object), "nights": stay})
    path = tmp_path_factory.mktemp("distinct") / "episodes.parquet"
    pq.write_table(table, path, row_group_size=GROUP_ROWS)
    return path, frame


def test_the_file_separates_the_three_counts(source):
    """Preconditions: rows, the sum of the row groups' dictionaries and the distinct codes all differ."""
    path, frame = source
    file = pq.ParquetFile(path, read_dictionary=["primary_diagnosis"])
    assert file.metadata.num_row_groups == ROW_GROUPS
    sizes = [len(file.read_row_group(g, columns=["primary_diagnosis"]).column(0).chunk(0).dictionary)
             for g in range(ROW_GROUPS)]
    assert sizes == [len(SHARED) + 60 + len(INVALID)] * ROW_GROUPS  # 164 each
    distinct = frame["primary_diagnosis"].dropna().nunique()
    assert distinct == len(SHARED) + 4 * 60 + len(INVALID) == 344
    assert sum(sizes) == 656 != distinct
    assert len(frame) == 200_000


class _Calls:
    """The values each call of a patched function received (from any worker thread)."""

    def __init__(self) -> None:
        self.values: list[list] = []
        self._lock = threading.Lock()

    def record(self, values) -> None:
        as_list = values.to_pylist() if hasattr(values, "to_pylist") else list(values)
        with self._lock:
            self.values.append(as_list)

    def wrap(self, function):
        def counted(values, *args, **kwargs):
            self.record(values)
            return function(values, *args, **kwargs)
        return counted

    def wrap_method(self, method):
        def counted(owner, values, *args, **kwargs):
            self.record(values)
            return method(owner, values, *args, **kwargs)
        return counted

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.values)

    def per_value(self) -> Counter:
        return Counter(v for call in self.values for v in call)


@pytest.fixture
def calls(monkeypatch):
    """Counters on the validation (``valid_code_values``) and classification (``ConditionSet.classify``)."""
    validated, classified = _Calls(), _Calls()
    monkeypatch.setattr(rules, "valid_code_values", validated.wrap(rules.valid_code_values))
    monkeypatch.setattr(ConditionSet, "classify", classified.wrap_method(ConditionSet.classify))
    return validated, classified


def _reference(frame: pd.DataFrame, *, grouped: bool) -> tuple[pd.DataFrame, int]:
    """Plain pandas: admissions and bed days (midnights) per condition; rows with an invalid code."""
    valid = set(SHARED).union(*OWN)
    ok = frame["primary_diagnosis"].isin(valid)
    kept = frame[ok]
    nights = kept["nights"]  # discharge - admission, as drawn
    label = kept["primary_diagnosis"].map(_condition) if grouped else kept["primary_diagnosis"]
    table = pd.DataFrame({"condition": label.astype(object), "bed_days": nights})
    out = table.groupby("condition").agg(admissions=("bed_days", "size"), bed_days=("bed_days", "sum"))
    return out.sort_index(), int((~ok).sum())


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("grouped", [True, False], ids=["condition_set", "codes_as_conditions"])
def test_each_distinct_code_is_judged_once_across_row_groups(source, calls, grouped, threads):
    path, frame = source
    validated, classified = calls
    result = kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), by=("condition",),
                                 conditions=CONDITIONS if grouped else None, threads=threads, progress=False)

    distinct = set(frame["primary_diagnosis"].dropna())
    # validation: every distinct code exactly once (not 200,000 rows, not 656 = 4 dictionaries of 164)
    assert validated.total == len(distinct) == 344
    assert validated.per_value() == Counter({code: 1 for code in distinct})
    if grouped:  # classification: the same distinct codes, once each
        assert classified.total == 344
        assert classified.per_value() == Counter({code: 1 for code in distinct})
    else:  # conditions=None: the code itself is the label; the classifier is never called
        assert classified.total == 0

    # the results: admissions and bed days per condition as plain pandas computes them
    want, invalid = _reference(frame, grouped=grouped)
    got = result.strata.astype({"condition": object}).set_index("condition").sort_index()
    assert list(got.index) == list(want.index)
    np.testing.assert_array_equal(got["admissions"].to_numpy(), want["admissions"].to_numpy())
    np.testing.assert_array_equal(got["episodes"].to_numpy(), want["admissions"].to_numpy())
    np.testing.assert_array_equal(got["bed_days"].to_numpy(), want["bed_days"].to_numpy())
    excluded = result.exclusions.set_index("reason")["rows"]
    assert excluded["invalid_code"] == invalid == int(frame["primary_diagnosis"].isin(INVALID).sum()) + \
        int(frame["primary_diagnosis"].isna().sum())
    assert excluded.sum() == invalid  # no other rule fired
    assert result.rows_read == len(frame) == result.rows_counted + result.rows_excluded


def test_a_second_run_judges_the_codes_again(source, calls):
    """The memo belongs to one aggregate() call (its plan): a second run sees the 344 codes once more, so
    the counts above are not an artefact of a cache shared between runs."""
    path, _ = source
    validated, _ = calls
    for run in (1, 2):
        kpcompare.aggregate(kpcompare.read_episodes(path, coding="icd10"), by=("condition",),
                            conditions=CONDITIONS, progress=False)
        assert validated.total == 344 * run
