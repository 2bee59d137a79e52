"""Readmissions and per-person totals on Spark (issues 19 and 21): the hand cases of
tests/engine/test_readmissions.py and test_person_totals.py run again with every extract aggregated on Spark
(each expected value there was counted by hand from the rows, not by the engine), and random extracts (the
stress extract, the benchmark generator) giving the Arrow engine's strata, exclusions, readmission accounts
and person tables exactly, on a classic session and on Spark Connect."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
import test_person_totals
import test_readmissions
from spark_frames import hand_cases, stress_extract, to_spark
from test_spark_parity import assert_same

import kpcompare
from kpcompare.errors import InvalidArgumentError

pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning",
                                        "ignore::FutureWarning", "ignore::DeprecationWarning")


def _run_on_spark(request, monkeypatch, session, name: str, case, arguments) -> list[str]:
    """Run a hand case with ``kpcompare.<name>`` given a Spark DataFrame for every pandas extract; the
    fixtures the case asks for (``tmp_path``, ``monkeypatch``) are given too.  Returns the extracts' types."""
    real = getattr(kpcompare, name)
    calls = []

    def on_spark(extract, **options):
        if isinstance(extract, pd.DataFrame):
            extract = to_spark(session, extract)
            calls.append(type(extract).__name__)
        return real(extract, **options)

    monkeypatch.setattr(kpcompare, name, on_spark)
    fixtures = {p: request.getfixturevalue(p) for p in inspect.signature(case).parameters if p not in arguments}
    case(**arguments, **fixtures)
    return calls


@pytest.mark.parametrize(("case", "arguments"), hand_cases(test_readmissions))
def test_readmission_case_on_spark(request, spark_classic, monkeypatch, case, arguments):
    calls = _run_on_spark(request, monkeypatch, spark_classic, "aggregate", case, arguments)
    assert all(name == "DataFrame" for name in calls)


@pytest.mark.parametrize(("case", "arguments"), hand_cases(test_person_totals))
def test_person_totals_case_on_spark(request, spark_classic, monkeypatch, case, arguments):
    calls = _run_on_spark(request, monkeypatch, spark_classic, "person_totals", case, arguments)
    assert calls and all(name == "DataFrame" for name in calls)  # every extract went to Spark


def test_cases_on_spark_connect(request, spark_connect, monkeypatch):
    """A readmission and a person-totals case through Spark Connect too (the rest of Connect's parity below)."""
    for name, case in (("aggregate", test_readmissions.test_accounts_cover_every_counted_unit),
                       ("person_totals", test_person_totals.test_person_totals_hand_case)):
        assert _run_on_spark(request, monkeypatch, spark_connect, name, case, {})


# ------------------------------------------------------------------------------ random extracts: parity


@pytest.fixture(scope="module")
def stress():
    frame = stress_extract(rows=1500, seed=11)
    frame["discharge_method"] = frame["episode_id"].map(lambda k: "4" if k % 37 == 0 else "1")
    return frame


@pytest.fixture(scope="module")
def synthetic():
    from generate_extract import chunk, code_list

    return chunk(2000, 5, 0, code_list(), 0)


def _sorted(totals) -> pd.DataFrame:
    table = totals.to_pandas()
    return table.sort_values(list(table.columns)).reset_index(drop=True)


def assert_same_pass(got, want) -> None:
    """Equal strata, exclusions, readmission accounts, notes and person tables."""
    assert_same(got, want)
    pd.testing.assert_frame_equal(got.readmission_exclusions, want.readmission_exclusions)
    assert got.notes == want.notes
    if want.person_totals is not None:
        assert len(want.person_totals) > 0
        pd.testing.assert_frame_equal(_sorted(got.person_totals), _sorted(want.person_totals))
        assert got.person_totals.dataset.schema.equals(want.person_totals.dataset.schema)
        # a person's rows are in one of Spark's files, as regroup needs (it sums file by file)
        pd.testing.assert_frame_equal(_sorted(got.person_totals.regroup(["system"])),
                                      _sorted(want.person_totals.regroup(["system"])))


PASSES = {
    "cips-all": dict(unit="cips", readmissions=30, person_totals=True),
    "spell-period": dict(unit="spell", readmissions=30, period=("2017-06-01", "2017-12-31"), person_totals=True),
    "cips-where-last": dict(unit="cips", readmissions=14, where={"sex": "F"}, spell_diagnosis="last"),
}


@pytest.mark.parametrize("name", list(PASSES))
def test_stress_extract_one_pass_same_on_spark(spark, stress, name):
    options = dict(by=("system", "sex", "age_band", "condition"), age_bands=[0, 45, 75],
                   conditions={"respiratory": ["J00-J99"], "circulatory": ["I00-I99"]}, progress=False,
                   **PASSES[name])
    want = kpcompare.aggregate(kpcompare.read_episodes(stress, coding="icd10"), **options)
    got = kpcompare.aggregate(kpcompare.read_episodes(to_spark(spark, stress), coding="icd10"), **options)
    assert_same_pass(got, want)
    accounts = want.readmission_exclusions.set_index(["stage", "reason"])["units"]
    assert accounts["readmission", "counted"] > 20 and accounts["index", "died"] > 0  # not vacuous


def test_synthetic_person_totals_same_on_spark(spark, synthetic, tmp_path):
    """kpcompare.person_totals of the benchmark generator's extract (integer person ids), into a directory."""
    want = kpcompare.person_totals(synthetic, by=("system", "sex"), progress=False)
    out = tmp_path / f"persons-{id(spark)}"
    got = kpcompare.person_totals(to_spark(spark, synthetic), by=("system", "sex"), out=out, progress=False)
    assert got.path == out and sorted(out.glob("part-*.parquet"))
    pd.testing.assert_frame_equal(_sorted(got), _sorted(want))
    assert_same(got.result, want.result)
    top = kpcompare.top_share(got, value="bed_days", top=0.1, by="system")
    pd.testing.assert_frame_equal(top, kpcompare.top_share(want, value="bed_days", top=0.1, by="system"))


def test_person_totals_directory_refused_when_it_holds_files(spark_classic, synthetic, tmp_path):
    frame = to_spark(spark_classic, synthetic)
    kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=tmp_path, progress=False)
    with pytest.raises(InvalidArgumentError, match="already holds part-\\*.parquet files"):
        kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=tmp_path, progress=False)


def test_files_the_driver_cannot_read_refused(spark_classic, synthetic, tmp_path, monkeypatch):
    """A cluster whose executors write where this process cannot read (a driver's temporary directory on a
    multi-machine cluster): simulated by a writer that writes nowhere; the count check names the argument."""
    from kpcompare.engine.spark import run as spark_run

    monkeypatch.setattr(spark_run, "_write_persons", lambda units, plan, totals: None)
    with pytest.raises(InvalidArgumentError, match="argument 'person_totals': Spark wrote [0-9,]+ per-person rows, "
                                                   "but 0 can be read from"):
        kpcompare.aggregate(to_spark(spark_classic, synthetic), by=("system",), unit="cips",
                            person_totals=tmp_path / "persons", progress=False)
