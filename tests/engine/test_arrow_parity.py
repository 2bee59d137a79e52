"""Parity of kpcompare.aggregate with a plain pandas/Python reference on random extracts (hypothesis).

The reference (tests/_support/episode_reference.py) loops over rows and persons and was written from the rules
in docs/extracts.md, independently of the engine.  Every example also checks rows read = counted + excluded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from episode_reference import reference_aggregate
from episode_strategies import BOUNDS, ENGINE_GROUPS, REFERENCE_GROUPS, extracts, to_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpcompare

# random extracts exclude most of their rows by design: the DataQualityWarning that follows is tested in
# tests/engine/test_arrow_quality.py; here only the counts are compared
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")

KEYS = ["system", "sex", "age_band", "condition"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _frame_for(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    return frame if unit != "episode" else frame.drop(columns=["person_id", "provider", "episode_id"],
                                                      errors="ignore")


def check_reconciles(result) -> None:
    assert result.rows_read == int(result.strata["episodes"].sum()) + int(result.exclusions["rows"].sum())


def compare(frame: pd.DataFrame, *, unit: str, bed_days: str, period=None, weighted=False,
            squares=False, cips_rules=None, person_ids=False, spell_diagnosis="first", where=None,
            episode_ids=False) -> None:
    """``person_ids``: keep the person ids in the episode unit (whose strata then count persons by default);
    ``episode_ids``: keep the episode ids there too (checked for duplicates by default); ``where``: {column:
    accepted values as text}."""
    if episode_ids:
        source = frame if person_ids else frame.drop(columns=["person_id"])
    else:
        source = frame.drop(columns=["episode_id"], errors="ignore") if person_ids else _frame_for(frame, unit)
    extract = kpcompare.read_episodes(source, coding="icd10")
    got = kpcompare.aggregate(extract, age_bands=BOUNDS, conditions=ENGINE_GROUPS, unit=unit, bed_days=bed_days,
                              period=period, weights="weight" if weighted else None, progress=False,
                              bed_days_squared=squares, cips_rules=cips_rules, spell_diagnosis=spell_diagnosis,
                              where=None if where is None else {c: sorted(v, key=str) for c, v in where.items()})
    check_reconciles(got)
    assert got.rows_read == len(frame)
    rules = {} if cips_rules is None else dict(
        gap_days=cips_rules.gap_days, dest=set(cips_rules.transfer_destinations),
        source=set(cips_rules.transfer_sources), method=set(cips_rules.transfer_methods))
    strata, exclusions = reference_aggregate(source, bounds=BOUNDS, groups=REFERENCE_GROUPS, unit=unit,
                                             bed_days=bed_days, period=period, weighted=weighted,
                                             spell_diagnosis=spell_diagnosis, where=where, **rules)
    counts_persons = unit != "episode" or person_ids
    measures = ["admissions", "bed_days", "episodes"] + (["persons"] if counts_persons else []) + \
        (["bed_days_squared"] if squares else [])
    assert ("bed_days_squared" in got.strata.columns) == squares
    assert ("persons" in got.strata.columns) == counts_persons
    left = got.strata.astype({k: object for k in KEYS}).set_index(KEYS).sort_index()
    right = strata.astype({k: object for k in KEYS}).set_index(KEYS).sort_index()
    assert list(left.index) == list(right.index)
    for m in measures:
        np.testing.assert_array_equal(left[m].to_numpy(), right[m].to_numpy().astype(np.int64), err_msg=m)
    if weighted:
        for m in ["weighted_admissions", "weighted_bed_days", "weighted_episodes"]:
            np.testing.assert_allclose(left[m].to_numpy(), right[m].to_numpy(dtype=float), err_msg=m)
    assert list(got.exclusions["reason"]) == list(exclusions["reason"])
    np.testing.assert_array_equal(got.exclusions["rows"].to_numpy(), exclusions["rows"].to_numpy())
    np.testing.assert_allclose(got.exclusions["weighted_rows"].to_numpy(), exclusions["weighted_rows"].to_numpy())


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@pytest.mark.parametrize("bed_days", ["midnights", "same_day_as_one"])
@SETTINGS
@given(frame=extracts)
def test_parity_with_pandas_reference(frame, unit, bed_days):
    compare(frame, unit=unit, bed_days=bed_days, squares=unit != "episode")


@pytest.mark.parametrize("bed_days", ["midnights", "same_day_as_one"])
@SETTINGS
@given(frame=extracts)
def test_parity_of_persons_in_the_episode_unit(frame, bed_days):
    """Where person ids exist the episode unit counts each stratum's distinct persons by default (issue 3:
    "persons where person ids exist"), through the path partitioned by person."""
    compare(frame, unit="episode", bed_days=bed_days, person_ids=True)
    compare(frame, unit="episode", bed_days=bed_days, period=("2020-01-05", "2020-01-12"), weighted=True,
            person_ids=True)


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts, data=st.data())
def test_parity_with_missing_person_ids(frame, unit, data):
    """Episodes without a person id cannot be linked into spells (``missing_person_id``); in the episode unit
    they are counted and add no person."""
    missing = data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
    ids = [None if gone else person for gone, person in zip(missing, frame["person_id"], strict=True)]
    frame = frame.assign(person_id=pd.array(ids, dtype="Int64"))
    compare(frame, unit=unit, bed_days="midnights", person_ids=unit == "episode")


@pytest.mark.parametrize("bed_days", ["midnights", "same_day_as_one"])
@SETTINGS
@given(frame=extracts)
def test_parity_of_squared_stays_with_one_row_per_stay(frame, bed_days):
    """bed_days_squared in the episode unit, for a source with one row per stay (no episode_order)."""
    compare(frame.drop(columns=["episode_order"]), unit="episode", bed_days=bed_days, squares=True)


_CODES = ["11", "19", "49", "51", "81", "87"]
# valid stays of few persons close together, so that gaps and transfer codes decide the CIPS
_linked_stays = st.lists(st.fixed_dictionaries({
    "person_id": st.integers(0, 2), "episode_id": st.integers(0, 10**6), "provider": st.sampled_from(["P1", "P2"]),
    "system": st.just("A"), "sex": st.sampled_from(["M", "F"]), "age": st.sampled_from([30.0, 70.0]),
    "admit": st.integers(0, 20), "stay": st.integers(0, 4), "primary_diagnosis": st.sampled_from(["J44.1", "I64"]),
    "episode_status": st.just("finished"), "episode_order": st.just(1), "weight": st.just(1.0),
    "admission_source": st.sampled_from(_CODES), "admission_method": st.sampled_from(_CODES),
    "discharge_destination": st.sampled_from(_CODES),
}), min_size=2, max_size=12, unique_by=lambda r: r["episode_id"]).map(to_frame)


@SETTINGS
@given(frame=_linked_stays, gap=st.integers(0, 6), dest=st.sets(st.sampled_from(_CODES)),
       source=st.sets(st.sampled_from(_CODES)), method=st.sets(st.sampled_from(_CODES)))
def test_parity_of_cips_with_other_rules(frame, gap, dest, source, method):
    """``cips_rules``: any gap and any code lists give the reference's CIPS."""
    rules = kpcompare.engine.spells.CipsRules(gap_days=gap, transfer_destinations=tuple(sorted(dest)),
                                       transfer_sources=tuple(sorted(source)), transfer_methods=tuple(sorted(method)))
    compare(frame, unit="cips", bed_days="midnights", squares=True, cips_rules=rules)


@pytest.mark.parametrize("unit", ["spell", "cips"])
@SETTINGS
@given(frame=extracts)
def test_parity_of_the_last_episodes_diagnosis(frame, unit):
    """``spell_diagnosis="last"``: the condition of a spell's (a CIPS's) last episode, the rest of its first."""
    compare(frame, unit=unit, bed_days="midnights", squares=True, spell_diagnosis="last")


@SETTINGS
@given(frame=_linked_stays)
def test_parity_of_the_last_diagnosis_of_linked_cips(frame):
    compare(frame, unit="cips", bed_days="same_day_as_one", spell_diagnosis="last")


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts)
def test_parity_with_period_and_weights(frame, unit):
    compare(frame, unit=unit, bed_days="same_day_as_one", period=("2020-01-05", "2020-01-12"), weighted=True)


@SETTINGS
@given(frame=extracts)
def test_parity_for_arrow_table_input(frame):
    table = pa.Table.from_pandas(_frame_for(frame, "episode"), preserve_index=False)
    got = kpcompare.aggregate(kpcompare.read_episodes(table, coding="icd10"), age_bands=BOUNDS,
                              conditions=ENGINE_GROUPS, progress=False)
    check_reconciles(got)
    want = kpcompare.aggregate(kpcompare.read_episodes(_frame_for(frame, "episode"), coding="icd10"),
                               age_bands=BOUNDS, conditions=ENGINE_GROUPS, progress=False)
    pd.testing.assert_frame_equal(got.strata, want.strata)
    pd.testing.assert_frame_equal(got.exclusions, want.exclusions)


_WHOLE_AGES = [-3, -1, 0, 14, 15, 64, 65, 89, 90, 120, 121, 300]


@pytest.mark.parametrize("dtype", ["int16", "int64", "int32", "Int16"])
@SETTINGS
@given(frame=extracts, data=st.data())
def test_parity_for_integer_ages_and_orders(frame, dtype, data):
    """Integer columns are read as they are (no cast to float64/int64), out-of-range ages included; a nullable
    integer column with missing ages takes the float path.  Both must match the reference."""
    ages = data.draw(st.lists(st.sampled_from(_WHOLE_AGES), min_size=len(frame), max_size=len(frame)))
    frame = frame.assign(age=pd.array(ages, dtype=dtype), episode_order=frame["episode_order"].astype("int16"))
    if dtype == "Int16" and len(frame):
        frame.loc[frame.index[0], "age"] = pd.NA
    compare(frame, unit="episode", bed_days="midnights")
    compare(frame, unit="spell", bed_days="same_day_as_one")


def test_unsigned_ages_match_signed_ages():
    frame = pd.DataFrame({"system": ["A"] * 5, "sex": ["F"] * 5, "age": [0, 15, 90, 120, 250],
                          "primary_diagnosis": ["J44.1"] * 5, "admission_date": [pd.Timestamp("2020-01-05").date()] * 5,
                          "discharge_date": [pd.Timestamp("2020-01-06").date()] * 5})
    results = [kpcompare.aggregate(frame.astype({"age": t}), age_bands=BOUNDS, conditions=ENGINE_GROUPS,
                                   progress=False) for t in ("uint8", "float64")]
    pd.testing.assert_frame_equal(results[0].strata, results[1].strata)
    pd.testing.assert_frame_equal(results[0].exclusions, results[1].exclusions)
    assert results[0].exclusions.set_index("reason").loc["age_out_of_range", "rows"] == 1  # 250


_WHERE = st.sampled_from([{"admission_method": {"81"}}, {"admission_method": {"11"}, "system": {"A", "B"}},
                          {"system": {"B"}}, {"admission_method": {"11", "81"}}])


@pytest.mark.parametrize("unit", ["episode", "spell", "cips"])
@SETTINGS
@given(frame=extracts, where=_WHERE)
def test_parity_with_where(frame, unit, where):
    """``where``: the reference filters episodes (episode unit) or spells by their first episode, after every
    validity rule and the duplicate check."""
    compare(frame, unit=unit, bed_days="midnights", where=where, person_ids=True, episode_ids=True)
    compare(frame, unit=unit, bed_days="same_day_as_one", period=("2020-01-05", "2020-01-12"), weighted=True,
            where=where)


@pytest.mark.parametrize("person_ids", [True, False])
@SETTINGS
@given(frame=extracts)
def test_parity_of_duplicates_in_the_episode_unit(frame, person_ids):
    """Episode ids are checked for duplicates by default in the episode unit too (of a person, or alone
    without person ids); the duplicated rows are excluded by a second read."""
    compare(frame, unit="episode", bed_days="midnights", person_ids=person_ids, episode_ids=True)
    compare(frame, unit="episode", bed_days="midnights", weighted=True, person_ids=person_ids, episode_ids=True)
