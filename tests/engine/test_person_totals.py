"""kpcompare.person_totals: per-person totals over a period, written as Parquet partitions, feeding
kpcompare.concentration.  Expected values are counted by hand from the rows (or, for the random extracts, by a
plain pandas groupby written here from the documented meaning of each column)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

import kpcompare
from kpcompare.engine import streaming as engine_streaming
from kpcompare.errors import InvalidArgumentError

D0 = dt.date(2020, 1, 1)


def ep(person, admit, discharge, *, method="21", system="NHS", provider="P", order=1):
    return {"person_id": person, "provider": provider, "system": system, "sex": "F", "age": 60.0,
            "admission_date": D0 + dt.timedelta(days=admit), "discharge_date": D0 + dt.timedelta(days=discharge),
            "admission_method": method, "episode_order": order, "primary_diagnosis": "J441"}


def test_person_totals_hand_case():
    rows = [ep("a", 0, 4), ep("a", 0, 4, order=2), ep("a", 10, 11, method="11"), ep("b", 3, 3, method="11"),
            ep("c", 5, 9, system="Other")]
    got = kpcompare.person_totals(pd.DataFrame(rows), progress=False).to_pandas()
    got = got.sort_values(["system", "person_id"]).reset_index(drop=True)
    want = pd.DataFrame({"system": ["NHS", "NHS", "Other"], "person_id": ["a", "b", "c"],
                         "admissions": [2, 1, 1], "emergency_admissions": [1, 0, 1], "bed_days": [4 + 1, 0, 4],
                         "spells": [2, 1, 1], "episodes": [3, 1, 1]})
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_person_totals_period_clips_bed_days_and_admissions():
    # period days 5-20: a's stay 0-8 adds 3 bed days (nights 5, 6, 7... to 8) and no admission
    rows = [ep("a", 0, 8), ep("a", 15, 30), ep("b", 25, 26)]
    got = kpcompare.person_totals(pd.DataFrame(rows), period=(D0 + dt.timedelta(days=5), D0 + dt.timedelta(days=20)),
                                  progress=False).to_pandas().set_index("person_id")
    assert list(got.index) == ["a"]  # b's stay is outside the period
    assert got.loc["a", "admissions"] == 1 and got.loc["a", "spells"] == 2
    assert got.loc["a", "bed_days"] == (8 - 5) + (21 - 15)  # clipped to the period's last midnight


def test_person_totals_integer_ids_kept():
    rows = [ep(7, 0, 2), ep(7, 5, 6), ep(12, 1, 1)]
    got = kpcompare.person_totals(pd.DataFrame(rows), progress=False).to_pandas().set_index("person_id")
    assert sorted(got.index) == [7, 12] and got.loc[7, "admissions"] == 2


def test_top_share_of_bed_days_known_answer():
    # system A: ten persons with 1, 2, ..., 10 bed days: the top 10% (one person) hold 10 / 55;
    # system B: four persons with 5 bed days each: the top 25% hold 1/4
    rows = [ep(f"a{k}", 0, k, system="A") for k in range(1, 11)] + [ep(f"b{k}", 0, 5, system="B") for k in range(4)]
    totals = kpcompare.person_totals(pd.DataFrame(rows), progress=False)
    top = kpcompare.top_share(totals, value="bed_days", top=0.1, by="system").set_index("system")  # one call
    assert top.loc["A", "value"] == pytest.approx(10 / 55)
    assert top.loc["A", "persons"] == 10 and top.loc["A", "total"] == 55
    quarter = kpcompare.top_share(totals, value="bed_days", top=0.25, by="system").set_index("system")
    assert quarter.loc["B", "value"] == pytest.approx(0.25)
    # the same through the person-level table
    direct = kpcompare.top_share(totals.to_pandas(), value="bed_days", top=0.1, by="system").set_index("system")
    assert direct.loc["A", "value"] == pytest.approx(10 / 55)
    assert kpcompare.gini(totals, value="bed_days", by="system").set_index("system").loc["B", "value"] == \
        pytest.approx(0.0)
    # across systems: 14 persons, 55 + 20 bed days, the top person (10 days) holds 10/75 of the top 1/14
    overall = kpcompare.top_share(totals, value="bed_days", top=1 / 14)
    assert overall["value"].iloc[0] == pytest.approx(10 / 75)


def test_concentration_of_a_measure_that_is_not_a_total_refused():
    totals = kpcompare.person_totals(pd.DataFrame([ep("a", 0, 3)]), progress=False)
    with pytest.raises(InvalidArgumentError, match="argument 'value'"):
        kpcompare.top_share(totals, value="cost", top=0.1)


def test_written_as_parquet_partitions(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_streaming, "PARTITION_ROWS", 5)  # many partitions
    rng = np.random.default_rng(3)
    rows = [ep(int(p), int(a), int(a) + int(d)) for p, a, d in
            zip(rng.integers(0, 40, 200), rng.integers(0, 300, 200), rng.integers(0, 9, 200))]
    frame = pd.DataFrame(rows).drop_duplicates(["person_id", "provider", "admission_date"])
    totals = kpcompare.person_totals(frame, out=tmp_path / "persons", progress=False)
    files = sorted((tmp_path / "persons").glob("part-*.parquet"))
    assert len(files) > 3
    assert isinstance(totals.dataset, ds.Dataset)
    table = totals.to_pandas()
    assert table["person_id"].is_unique  # a person is in one partition only
    assert len(totals) == len(table) == frame["person_id"].nunique()
    # the plain reference: one episode per stay, so a person's totals are sums over their rows
    frame = frame.assign(bed=(pd.to_datetime(frame["discharge_date"]) - pd.to_datetime(frame["admission_date"])).dt.days)
    want = frame.groupby("person_id").agg(admissions=("bed", "size"), bed_days=("bed", "sum"))
    got = table.set_index("person_id").sort_index()
    np.testing.assert_array_equal(got["admissions"], want["admissions"])
    np.testing.assert_array_equal(got["bed_days"], want["bed_days"])
    # the same pass's strata agree with the persons' sums
    assert totals.result.strata["bed_days"].sum() == got["bed_days"].sum()
    assert totals.result.rows_read == len(frame)


def test_text_ids_through_spilled_partitions(monkeypatch):
    monkeypatch.setattr(engine_streaming, "PARTITION_ROWS", 3)
    rows = [ep(f"p{k % 7}", 10 * k, 10 * k + k % 4) for k in range(30)]
    got = kpcompare.person_totals(pd.DataFrame(rows), progress=False).to_pandas().set_index("person_id")
    assert sorted(got.index) == [f"p{k}" for k in range(7)]
    assert got.loc["p3", "spells"] == len(range(3, 30, 7)) and got.loc["p3", "bed_days"] == 3 + 2 + 1 + 0  # k = 3, 10, 17, 24: k % 4 nights


def test_frequencies_are_counts_of_persons():
    rows = [ep("a", 0, 3), ep("b", 0, 3), ep("c", 0, 1)]
    freq = kpcompare.person_totals(pd.DataFrame(rows), progress=False).frequencies("bed_days")
    assert freq.to_dict("list") == {"system": ["NHS", "NHS"], "bed_days": [1, 3], "persons": [1, 2]}


def test_no_admission_method_gives_missing_emergency_admissions():
    rows = [{k: v for k, v in ep("a", 0, 3).items() if k != "admission_method"}]
    got = kpcompare.person_totals(pd.DataFrame(rows), progress=False).to_pandas()
    assert got["emergency_admissions"].isna().all() and got["admissions"].tolist() == [1]


def test_out_with_earlier_files_refused(tmp_path):
    kpcompare.person_totals(pd.DataFrame([ep("a", 0, 3)]), out=tmp_path, progress=False)
    with pytest.raises(InvalidArgumentError, match="already holds part-\\*.parquet files"):
        kpcompare.person_totals(pd.DataFrame([ep("a", 0, 3)]), out=tmp_path, progress=False)


def test_unit_must_link_stays():
    with pytest.raises(InvalidArgumentError, match="argument 'unit'"):
        kpcompare.person_totals(pd.DataFrame([ep("a", 0, 3)]), unit="episode", progress=False)


def test_empty_result_reads_as_empty_table():
    rows = [ep("a", 0, 3)]
    totals = kpcompare.person_totals(pd.DataFrame(rows), period=("2030-01-01", "2030-12-31"), progress=False)
    assert len(totals.to_pandas()) == 0 and len(totals.frequencies()) == 0


@pytest.mark.parametrize("with_method", [True, False])
def test_frequencies_merged_in_steps_equal_a_plain_count(monkeypatch, with_method):
    # many small partitions and a merge after every batch: the counts must equal a plain count of the person
    # table (pandas value counts, missing values and NaN kept as their own value)
    from kpcompare.engine import person_table

    monkeypatch.setattr(engine_streaming, "PARTITION_ROWS", 5)
    monkeypatch.setattr(person_table, "_MERGE_ROWS", 1)
    rng = np.random.default_rng(7)
    rows = [ep(f"p{rng.integers(40)}", int(day), int(day + rng.integers(0, 6)), system=str(rng.choice(["A", "B"])),
               method=str(rng.choice(["11", "21"]))) for day in rng.integers(0, 300, size=200)]
    frame = pd.DataFrame(rows) if with_method else pd.DataFrame(rows).drop(columns="admission_method")
    totals = kpcompare.person_totals(frame, progress=False)
    table = totals.to_pandas()
    for value in ("bed_days", "admissions", "emergency_admissions"):
        want = (table.groupby(["system", value], dropna=False).size().rename("persons").reset_index()
                .sort_values(["system", value], na_position="last").reset_index(drop=True))
        got = totals.frequencies(value)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
        assert got["persons"].sum() == len(table)
