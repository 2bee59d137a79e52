"""Parity of the Spark engine with the Arrow engine (issue 19): identical strata and exclusions.

The Arrow engine is the reference here (its own rules are checked against independent references in
tests/engine/test_arrow_parity.py, test_spells.py and test_arrow_nhds_published.py); each example runs on a
classic local session and on Spark Connect.  Integer measures must be equal; the weighted sums, which Spark
adds in another order, to 1e-9 relative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from spark_frames import stress_extract, to_spark

import kpcompare
from kpcompare._paths import data_path

pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning",
                                        "ignore::FutureWarning", "ignore::DeprecationWarning")

BANDS = [0, 15, 45, 65, 75, 85]
CONDITIONS = {"respiratory": ["J00-J99"], "circulatory": ["I00-I99"], "injury": ["S00-T98"]}

#: every unit, bed-day rule, period (closed and open), weights, admissions_by, where and diagnosis choice
OPTIONS = {
    "episode": dict(unit="episode"),
    "episode-same-day-period-weights": dict(unit="episode", bed_days="same_day_as_one", weights="weight",
                                            period=("2017-07-01", "2018-01-31")),
    "episode-open-period-where": dict(unit="episode", period=(None, "2017-12-31"), admissions_by="discharge",
                                      where={"admission_method": ["21", "22"]}),
    "spell-weights": dict(unit="spell", weights="weight"),
    "spell-same-day-open-period-last": dict(unit="spell", bed_days="same_day_as_one",
                                            period=("2017-07-01", None), spell_diagnosis="last"),
    "cips": dict(unit="cips", bed_days_squared=True),
    "cips-weights-period-where": dict(unit="cips", weights="weight", period=("2017-06-01", "2017-12-31"),
                                      where={"sex": "F"}, newborns="include"),
}


def assert_same(got, want) -> None:
    """Equal strata and exclusions (weighted sums to 1e-9), and rows read = counted + excluded."""
    assert got.rows_read == want.rows_read == got.rows_counted + got.rows_excluded
    for name in ("strata", "exclusions"):
        a, b = getattr(got, name), getattr(want, name)
        weighted = [c for c in b.columns if c.startswith("weighted_")]
        pd.testing.assert_frame_equal(a.drop(columns=weighted), b.drop(columns=weighted))
        for column in weighted:
            np.testing.assert_allclose(a[column].to_numpy(), b[column].to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.fixture(scope="module")
def stress():
    return stress_extract()


@pytest.fixture(scope="module")
def frames():
    return {}


def _on_spark(spark, frames, key, frame):
    """One Spark DataFrame per session and extract (created once)."""
    if (id(spark), key) not in frames:
        frames[(id(spark), key)] = to_spark(spark, frame)
    return frames[(id(spark), key)]


@pytest.mark.parametrize("name", list(OPTIONS))
def test_stress_extract_same_on_spark(spark, frames, stress, name):
    options = dict(by=("system", "sex", "age_band", "condition"), age_bands=BANDS, conditions=CONDITIONS,
                   progress=False, **OPTIONS[name])
    want = kpcompare.aggregate(kpcompare.read_episodes(stress, coding="icd10"), **options)
    got = kpcompare.aggregate(kpcompare.read_episodes(_on_spark(spark, frames, "stress", stress), coding="icd10"),
                              **options)
    assert_same(got, want)
    reasons = want.exclusions.set_index("reason")["rows"]
    assert reasons["missing_date"] > 0  # the stress extract exercises what it claims to
    if OPTIONS[name]["unit"] == "episode":
        assert reasons["duplicate_episode_id"] > 0 and "persons" in got.strata


@pytest.mark.parametrize("preset", ["epidm", "che_york"])
def test_stress_extract_with_a_cips_preset_same_on_spark(spark, frames, stress, preset):
    """The presets whose rules read more columns (epidm: rule C5's flags; che_york: C6's discharge method,
    C7's episode dates, standing in for by admission and discharge dates here), with discharge methods 1,
    8 and 9 added."""
    rng = np.random.default_rng(11)
    frame = stress.assign(discharge_method=rng.choice(["1", "8", "9"], len(stress)),
                          admission_source=rng.choice(["19", "51"], len(stress)))
    options = dict(by=("system", "condition"), conditions=CONDITIONS, progress=False, unit="cips",
                   cips_rules=kpcompare.engine.spells.CipsRules.preset(preset))
    want = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10"), **options)
    got = kpcompare.aggregate(kpcompare.read_episodes(_on_spark(spark, frames, "stress-dismeth", frame),
                                                      coding="icd10"), **options)
    assert_same(got, want)
    spells = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10"), **{**options, "unit": "spell",
                                                                                    "cips_rules": None})
    assert want.strata["admissions"].sum() < spells.strata["admissions"].sum()  # some spells linked


def test_synthetic_extract_without_person_ids_same_on_spark(spark, frames):
    """The benchmark generator's extract, episode ids without person ids (duplicates by episode id alone)."""
    from generate_extract import chunk, code_list

    table = chunk(3000, 3, 0, code_list(), 0).drop_columns(["person_id"])
    want = kpcompare.aggregate(table, progress=False)
    got = kpcompare.aggregate(_on_spark(spark, frames, "synthetic", table), progress=False)
    assert_same(got, want)


@pytest.fixture(scope="module")
def nhds_arrow():
    extract = kpcompare.read_episodes(data_path("us", "nhds2010_us_hospital_discharges_microdata.csv.gz"),
                                      mapping="nhds")
    return kpcompare.aggregate(extract, by=("sex", "age_band", "condition"), age_bands=BANDS,
                               conditions={"heart_attack": ["410"], "chf": ["428"]}, weights="weight",
                               bed_days="same_day_as_one", newborns="exclude", progress=False)


def test_bundled_nhds_file_read_by_spark_same_result(spark, nhds_arrow):
    """The bundled NHDS 2010 file, read by Spark from the .csv.gz (every column text), mapping "nhds"."""
    path = str(data_path("us", "nhds2010_us_hospital_discharges_microdata.csv.gz"))
    frame = spark.read.csv(path, header=True)
    got = kpcompare.aggregate(kpcompare.read_episodes(frame, mapping="nhds"), by=("sex", "age_band", "condition"),
                              age_bands=BANDS, conditions={"heart_attack": ["410"], "chf": ["428"]},
                              weights="weight", bed_days="same_day_as_one", newborns="exclude", progress=False)
    assert got.rows_read == 151_551  # CDC/NCHS's public-use file
    assert_same(got, nhds_arrow)
