"""``aggregate(..., person_totals=...)``: the CIPS (or spell) strata, the readmissions and the per-person totals
of ONE pass.  The strata must equal those of separate runs, and the per-person table that of
``kpcompare.person_totals`` with the same options (itself checked against hand cases and a pandas groupby in
test_person_totals.py); ``regroup`` against a plain pandas sum of the persons' rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, KpcompareError

D0 = dt.date(2021, 1, 1)
PERIOD = (D0 + dt.timedelta(days=30), D0 + dt.timedelta(days=300))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 4000
    admit = rng.integers(0, 365, n)
    return pd.DataFrame({
        "person_id": rng.integers(1, 500, n), "provider": rng.choice(["P", "Q"], n), "system": rng.choice(["A", "B"], n),
        "sex": rng.choice(["F", "M"], n), "age": rng.integers(0, 95, n).astype(float),
        "admission_date": [D0 + dt.timedelta(days=int(a)) for a in admit],
        "discharge_date": [D0 + dt.timedelta(days=int(a + d)) for a, d in zip(admit, rng.integers(0, 9, n))],
        "episode_id": np.arange(n), "admission_method": rng.choice(["11", "21", "22", "2B"], n),
        "admission_source": rng.choice(["19", "19", "51"], n), "discharge_method": rng.choice(["1", "1", "4"], n),
        "discharge_destination": rng.choice(["19", "19", "51"], n),
        "primary_diagnosis": rng.choice(["I209", "J459", "R509", "C509"], n)})


def _sorted(table: pd.DataFrame, by) -> pd.DataFrame:
    return table.sort_values([*by, "person_id"]).reset_index(drop=True)


@pytest.mark.parametrize(("unit", "period"), [("cips", None), ("cips", PERIOD), ("spell", PERIOD)])
def test_one_pass_strata_equal_separate_runs(frame, unit, period):
    both = kpcompare.aggregate(frame, unit=unit, period=period, readmissions=30, person_totals=True, progress=False)
    alone = kpcompare.aggregate(frame, unit=unit, period=period, readmissions=30, progress=False)
    plain = kpcompare.aggregate(frame, unit=unit, period=period, progress=False)
    assert both.rows_read == both.rows_counted + both.rows_excluded == len(frame)
    pd.testing.assert_frame_equal(both.strata, alone.strata)
    pd.testing.assert_frame_equal(both.strata[list(plain.strata.columns)], plain.strata)
    pd.testing.assert_frame_equal(both.exclusions, plain.exclusions)
    pd.testing.assert_frame_equal(both.readmission_exclusions, alone.readmission_exclusions)
    assert alone.person_totals is None and plain.person_totals is None
    assert both.strata["readmissions"].sum() > 0  # not vacuous


@pytest.mark.parametrize("options", [dict(unit="cips"), dict(unit="cips", period=PERIOD),
                                     dict(unit="spell", period=PERIOD, where={"system": "A"}),
                                     dict(unit="cips", cips_rules=kpcompare.engine.spells.CipsRules.preset("epidm"))])
def test_one_pass_person_totals_equal_person_totals(frame, options):
    by = ("system", "sex", "age_band")
    both = kpcompare.aggregate(frame, by=by, readmissions=30, person_totals=True, progress=False, **options)
    alone = kpcompare.person_totals(frame, by=by, progress=False, **options)
    got, want = _sorted(both.person_totals.to_pandas(), by), _sorted(alone.to_pandas(), by)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) > 500 and both.person_totals.result is None  # no reference cycle
    pd.testing.assert_frame_equal(both.strata[list(alone.result.strata.columns)], alone.result.strata)


def test_regroup_sums_each_person_over_the_other_strata(frame):
    both = kpcompare.aggregate(frame, unit="cips", person_totals=True, progress=False)  # default strata
    fine = both.person_totals.to_pandas()
    coarse = both.person_totals.regroup(["system"])
    got = _sorted(coarse.to_pandas(), ["system"])
    totals = ["admissions", "emergency_admissions", "bed_days", "spells", "episodes"]
    want = fine.groupby(["system", "person_id"], as_index=False)[totals].sum()
    pd.testing.assert_frame_equal(got, _sorted(want, ["system"]), check_dtype=False)
    assert len(fine) > len(got)  # persons were split over strata before
    assert coarse.by == ["system"]
    alone = kpcompare.person_totals(frame, progress=False)  # by system
    pd.testing.assert_frame_equal(got, _sorted(alone.to_pandas(), ["system"]), check_dtype=False)
    top = kpcompare.top_share(coarse, value="bed_days", top=0.1, by="system")
    assert list(top["system"]) == ["A", "B"]


def test_regroup_refuses_a_column_not_in_the_strata(frame):
    totals = kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=True, progress=False)
    with pytest.raises(InvalidArgumentError, match=r"argument 'by': 'sex' is not a stratum column of these totals"):
        totals.person_totals.regroup(["sex"])


def test_person_totals_written_to_the_directory_given(frame, tmp_path):
    out = tmp_path / "persons"
    result = kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=str(out), progress=False)
    assert result.person_totals.path == out and sorted(p.name for p in out.glob("part-*.parquet"))
    with pytest.raises(InvalidArgumentError, match=r"argument 'person_totals': .* already holds part-\*.parquet"):
        kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=out, progress=False)


@pytest.mark.parametrize(("options", "message"), [
    (dict(unit="episode"), r"argument 'person_totals': .* need unit='cips' or unit='spell', not unit='episode'"),
    (dict(unit="cips", person_totals=3), r"argument 'person_totals': expected True, None or a directory path, got int"),
])
def test_person_totals_refusals(frame, options, message):
    options = {"person_totals": True, **options}
    with pytest.raises(InvalidArgumentError, match=message):
        kpcompare.aggregate(frame, progress=False, **options)


def test_person_totals_refused_with_weights(frame):
    weighted = frame.assign(weight=2.0)
    with pytest.raises(KpcompareError, match=r"argument 'person_totals': not available with weights"):
        kpcompare.aggregate(weighted, unit="cips", weights="weight", person_totals=True, progress=False)


def test_person_totals_false_adds_nothing(frame):
    result = kpcompare.aggregate(frame, by=("system",), unit="cips", person_totals=False, progress=False)
    assert result.person_totals is None


def test_person_codes_from_sorted_keys_and_by_hashing():
    from kpcompare.engine.person_table import _person_codes

    codes, n = _person_codes(np.array([3, 3, 7, 9, 9, 9]))  # sorted (how units come): where the key changes
    assert codes.tolist() == [0, 0, 1, 2, 2, 2] and n == 3
    codes, n = _person_codes(np.array([9, 3, 9, 7]))  # not sorted: by hashing, still one code per person
    assert n == 3 and codes[0] == codes[2] and len({codes[0], codes[1], codes[3]}) == 3
    assert _person_codes(np.array([], dtype=np.int64))[1] == 0
