"""Duplicate episode ids are checked by default wherever episode ids exist, in every unit (issue 16).

The rule (docs/extracts.md section 3): a row whose (person id, episode id) an earlier row had is excluded as
``duplicate_episode_id``, among the rows passing every other row rule; the first occurrence is kept; without
person ids the episode id alone is the key.  Expected values are counted by hand, or by pandas'
``duplicated`` on the valid rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.engine import duplicates, episode_pass, streaming
from kpcompare.errors import InvalidArgumentError, MissingColumnError

d = dt.date

# HES-like: person 1's EPIKEY 7 appears twice (a duplicated record), person 2 reuses EPIKEY 7 (not a
# duplicate: another person), person 3's repeat of EPIKEY 9 follows an invalid first occurrence (sex 9)
EPISODES = pd.DataFrame({
    "person_id": [1, 1, 2, 3, 3], "episode_id": [7, 7, 7, 9, 9], "provider": ["P"] * 5, "system": ["A"] * 5,
    "sex": ["F", "F", "M", "9", "M"], "age": [60.0] * 5,
    "admission_date": [d(2020, 1, 1), d(2020, 1, 1), d(2020, 1, 2), d(2020, 1, 3), d(2020, 1, 3)],
    "discharge_date": [d(2020, 1, 4), d(2020, 1, 4), d(2020, 1, 3), d(2020, 1, 5), d(2020, 1, 5)],
})


def _excluded(result) -> dict:
    reasons = result.exclusions.set_index("reason")["rows"]
    return reasons[reasons > 0].to_dict()


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
def test_checked_by_default_in_every_unit(unit):
    result = kpcompare.aggregate(EPISODES, by=("sex",), unit=unit, progress=False)
    assert _excluded(result) == {"unknown_sex": 1, "duplicate_episode_id": 1}
    assert result.strata[["sex", "bed_days", "episodes"]].values.tolist() == [["F", 3, 1], ["M", 3, 2]]


def test_opt_out_counts_the_repeat():
    result = kpcompare.aggregate(EPISODES, by=("sex",), check_duplicates=False, progress=False)
    assert _excluded(result) == {"unknown_sex": 1}
    assert result.strata["episodes"].tolist() == [2, 2]


def test_without_person_ids_the_episode_id_alone_is_the_key():
    result = kpcompare.aggregate(EPISODES.drop(columns=["person_id"]), by=("sex",), progress=False)
    assert _excluded(result) == {"unknown_sex": 1, "duplicate_episode_id": 2}  # rows 2 and 3 repeat EPIKEY 7


def test_without_episode_ids_nothing_is_checked():
    result = kpcompare.aggregate(EPISODES.drop(columns=["episode_id"]), by=("sex",), progress=False)
    assert _excluded(result) == {"unknown_sex": 1}
    with pytest.raises(MissingColumnError, match=r"^check_duplicates=True needs the canonical column 'episode_id'"):
        kpcompare.aggregate(EPISODES.drop(columns=["episode_id"]), check_duplicates=True, progress=False)


def test_check_duplicates_must_be_none_true_or_false():
    with pytest.raises(InvalidArgumentError, match=r"^argument 'check_duplicates': expected None \(check where "
                                                   r"episode ids exist\), True or False, got 'yes'\.$"):
        kpcompare.aggregate(EPISODES, check_duplicates="yes", progress=False)


def _many(rows: int = 3000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    admit = [d(2020, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 100, rows)]
    return pd.DataFrame({
        "person_id": rng.integers(0, 400, rows), "episode_id": rng.integers(0, 2500, rows),
        "system": rng.choice(["A", "B"], rows), "sex": rng.choice(["F", "M", "0"], rows),
        "age": rng.integers(0, 100, rows).astype(float), "admission_date": admit,
        "discharge_date": [a + dt.timedelta(days=int(k)) for a, k in zip(admit, rng.integers(0, 5, rows))],
        "weight": rng.random(rows) * 3,
    })


def _expected(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    valid = frame[frame["sex"] != "0"]
    kept = valid[~valid.duplicated(keys, keep="first")]
    bed = (pd.to_datetime(kept["discharge_date"]) - pd.to_datetime(kept["admission_date"])).dt.days
    return kept.assign(bed_days=bed).groupby(["system", "sex"]).agg(
        bed_days=("bed_days", "sum"), episodes=("bed_days", "size"), persons=("person_id", "nunique"))


@pytest.mark.parametrize("threads", [1, 3])
def test_many_partitions_and_a_second_read(monkeypatch, threads):
    """Thousands of rows, about 600 of them repeats, over many partitions and row groups of 97 rows: the
    duplicates found in the partitions are excluded by the second read, as pandas' duplicated finds them."""
    monkeypatch.setattr(streaming, "PARTITION_ROWS", 100)
    frame = _many()
    seen = []
    monkeypatch.setattr(episode_pass, "duplicates_in",
                        lambda part: seen.append(len(part["row"])) or duplicates.duplicates_in(part))
    result = kpcompare.aggregate(kpcompare.read_episodes(frame, batch_rows=97), by=("system", "sex"),
                                 threads=threads, progress=False)
    want = _expected(frame, ["person_id", "episode_id"])
    got = result.strata.set_index(["system", "sex"])
    np.testing.assert_array_equal(got[["bed_days", "episodes", "persons"]].to_numpy(), want.to_numpy())
    assert _excluded(result)["duplicate_episode_id"] == int((frame["sex"] != "0").sum()) - len(
        frame[frame["sex"] != "0"].drop_duplicates(["person_id", "episode_id"]))
    assert len(seen) >= 5  # really partitioned
    one = kpcompare.aggregate(frame, by=("system", "sex"), threads=1, weights="weight", progress=False)
    two = kpcompare.aggregate(kpcompare.read_episodes(frame, batch_rows=97), by=("system", "sex"), threads=2,
                              weights="weight", progress=False)
    pd.testing.assert_frame_equal(one.exclusions, two.exclusions)
    pd.testing.assert_frame_equal(one.strata, two.strata, check_exact=False, rtol=1e-12)


def test_no_second_read_without_duplicates(monkeypatch):
    frame = _many().drop_duplicates(["person_id", "episode_id"])
    passes = []
    original = episode_pass._one_pass
    monkeypatch.setattr(episode_pass, "_one_pass", lambda *a, **k: (passes.append(1), original(*a, **k))[1])
    kpcompare.aggregate(frame, by=("system",), progress=False)
    assert len(passes) == 1
    kpcompare.aggregate(_many(), by=("system",), progress=False)
    assert len(passes) == 3


@pytest.mark.parametrize("keys, distinct", [
    ([], True), ([5], True), ([3, 1, 2], True), ([3, 1, 3], False), ([0, 10**6], True),  # bitmap of the span
    ([-2**63, 2**63 - 1, 0], True), ([-2**63, 7, -2**63], False),  # hashed ids: too wide a span, a hash pass
    ([1, 2, 3, 2], False),  # more keys than values in the span
])
def test_all_distinct(keys, distinct):
    assert duplicates.all_distinct(np.array(keys, dtype=np.int64)) is distinct


def test_seen_ids_bitmap():
    seen = duplicates.SeenIds(limit=1000)
    seen.add(np.array([500, 502, 501]))
    seen.add(np.array([10, 900]))  # grows downwards and upwards
    assert not seen.repeated and not seen.overflow
    seen.add(np.array([11, 12, 13, 12]))  # a repeat within one batch
    assert seen.repeated
    seen = duplicates.SeenIds(limit=1000)
    seen.add(np.array([5, 6]))
    seen.add(np.array([7, 5]))  # a repeat across batches
    assert seen.repeated
    seen = duplicates.SeenIds(limit=1000)
    seen.add(np.array([0, 10]))
    seen.add(np.array([5000]))  # the ids span more than the bitmap may hold: left to the partitions
    assert seen.overflow and not seen.repeated


@pytest.mark.parametrize("ids", ["unique", "repeated", "strings", "wide"])
def test_without_persons_ids_are_first_marked_on_a_bitmap(monkeypatch, ids):
    """persons=False: integer ids are marked on a bitmap in one pass; a repeat (or ids too wide for the
    bitmap) sends the run through the partitions, then the second read; string ids go to the partitions."""
    frame = _many()
    if ids == "unique":
        frame = frame.drop_duplicates(["person_id", "episode_id"]).assign(episode_id=lambda f: range(len(f)))
    elif ids == "strings":
        frame = frame.assign(episode_id=frame["episode_id"].astype(str))
    elif ids == "wide":
        frame = frame.drop_duplicates(["person_id", "episode_id"]).assign(
            episode_id=lambda f: np.arange(len(f), dtype=np.int64) * 10**12)
    passes = []
    original = episode_pass._one_pass
    monkeypatch.setattr(episode_pass, "_one_pass", lambda *a, **k: (passes.append(k.get("seen")), original(*a, **k))[1])
    result = kpcompare.aggregate(frame, by=("system", "sex"), persons=False, progress=False)
    keys = ["person_id", "episode_id"]
    want = _expected(frame, keys)
    got = result.strata.set_index(["system", "sex"])
    np.testing.assert_array_equal(got[["bed_days", "episodes"]].to_numpy(), want[["bed_days", "episodes"]].to_numpy())
    bitmap = [p is not None for p in passes]
    assert bitmap == {"unique": [True], "repeated": [True, False, False], "strings": [False, False],
                      "wide": [True, False]}[ids]
