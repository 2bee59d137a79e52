"""The pandera schema is the specification of the row rules, and the engine's fast path agrees with it.

``kpcompare.extract.schema.episode_schema(**options)`` has one check per exclusion reason, named after it and
built from the rule functions the engine uses; ``first_reasons_by_schema`` reads each row's reason off a lazy
validation.  Here (a) hypothesis draws small extracts and ``aggregate`` options and checks that the engine's
exclusion counts per reason, and the rows behind them, are what the schema says; (b) one hand case per reason
shows the failure case is named after that reason.

How the test was checked to fail: monkeypatching the schema side only (the engine calls the same functions
through the module, so patching one that both use changes both and shows nothing) with ``age_out_of_range``
comparing the age itself instead of completed years, ``duplicate_episode_id`` keeping the last occurrence, the
duplicate rule judged on every row instead of the rows passing the other rules, duplicates judged without
``person_id``, the dates taken from admission/discharge when episode_start/end exist, and the last band's upper
limit one year lower: ``test_schema_agrees_with_the_engine`` failed with each (the ``@example`` alone catches
the duplicate and age changes).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pandera.errors
import pytest
from exclusion_cases import CASES as ALL_CASES
from exclusion_cases import GOOD
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import InvalidArgumentError, UnknownNameError
from kpcompare.extract.rules import EXCLUSION_REASONS
from kpcompare.extract.schema import episode_schema, first_reasons_by_schema

# random rows are mostly excluded by design: the DataQualityWarning is tested in tests/engine/test_arrow_quality.py
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")

MAX_ROWS = 20  # the weights below encode row numbers exactly in float64 up to about 25 rows
CLOSED_BANDS = pd.DataFrame({"age_band": ["0-14", "15-64"], "age_lo": [0, 15], "age_hi": [14, 64]})
# a gap (15-19) between two bands: ages in it are outside every band
GAPPED_BANDS = pd.DataFrame({"age_band": ["0-14", "20-64"], "age_lo": [0, 20], "age_hi": [14, 64]})
DAY0 = dt.date(2020, 1, 1)

_row = st.fixed_dictionaries({
    "person_id": st.sampled_from([1, 1, 1, 2, None]),
    "episode_id": st.sampled_from([1, 1, 2, None]),
    "system": st.sampled_from(["A", "B"] * 4 + ["", None]),
    "sex": st.sampled_from(["M", "F"] * 4 + ["1", "2", "9", "U", None]),
    "age": st.sampled_from([0.0, 14.5, 15.0, 17.0, 64.9, 65.0, 89.0, 120.0] * 2 + [120.5, 121.0, -0.5, np.nan]),
    "admit": st.sampled_from(list(range(13)) + [None, "2020-02-30", "1800-01-01"]),  # days after DAY0
    "stay": st.sampled_from([0, 1, 2, 3, 4] * 3 + [-1, -2, None]),
    "primary_diagnosis": st.sampled_from(["J44.1", "J441", "I64", "i61.9", "K35"] * 2 + ["XYZ", "250.00", "",
                                                                                          None]),
    "episode_status": st.sampled_from(["finished"] * 8 + ["unfinished", None]),
    "weight": st.sampled_from(["valid"] * 8 + ["negative", "nan", "inf"]),
    "newborn": st.sampled_from([False, False, True, None]),
})

_options = st.fixed_dictionaries({
    "by": st.sampled_from([("system", "sex", "age_band", "condition"), ("sex", "age_band"), ("condition",),
                           ("system",)]),
    "age_bands": st.sampled_from([[0, 15, 65, 90], [15, 65], CLOSED_BANDS, GAPPED_BANDS]),
    "period": st.sampled_from([None, ("2020-01-04", "2020-01-09")]),
    "weights": st.sampled_from([None, "weight", "weight"]),  # weighted runs are compared row by row
    "newborns": st.sampled_from(["include", "exclude"]),
    "check_duplicates": st.sampled_from([None, True, True, False]),
    "where": st.sampled_from([None, None, {"system": "A"}, {"primary_diagnosis": ["J44.1", "I64"], "sex": "F"},
                              {"episode_status": [None, "unfinished"]}]),
})


def _weight(kind: str, i: int) -> float:
    """Row i weighs 2**i, or -2**-(i + 1) when its weight is negative: every sum of weights names its rows."""
    return {"valid": 2.0 ** i, "negative": -(2.0 ** -(i + 1)), "nan": np.nan, "inf": np.inf}[kind]


def _rows_of(weighted: float, n: int) -> set[int]:
    """The rows (with finite weights) whose weights sum to ``weighted`` (see :func:`_weight`)."""
    whole = math.ceil(weighted)  # the valid weights: an integer; the negative ones add a fraction in (-1, 0)
    fraction = round((whole - weighted) * 2 ** n)
    return {i for i in range(n) if whole >> i & 1} | {i for i in range(n) if fraction >> (n - i - 1) & 1}


def _date(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return (DAY0 + dt.timedelta(days=value)).isoformat()


def _frame(rows: list[dict], dates: str, dropped: set[str]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        r = dict(r)
        admit, stay = r.pop("admit"), r.pop("stay")
        r["weight"] = _weight(r["weight"], i)
        start = _date(admit)
        end = None if stay is None else _date(stay + (admit if isinstance(admit, int) else 3))
        if dates == "length_of_stay":
            r["length_of_stay"] = stay
        elif dates == "episode":  # the engine takes episode_start/end over admission/discharge when it has both
            r.update(episode_start=start, episode_end=end, admission_date="2020-01-01", discharge_date=None)
        else:
            r.update(admission_date=start, discharge_date=end)
        out.append(r)
    frame = pd.DataFrame(out)
    return frame.drop(columns=[c for c in dropped if c in frame])


ROW = {"person_id": 1, "episode_id": 1, "system": "A", "sex": "F", "age": 70.0, "admit": 5, "stay": 2,
       "primary_diagnosis": "J44.1", "episode_status": "finished", "weight": "valid", "newborn": False}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(  # always tried: of three equal ids the first is kept (the second is excluded anyway), another person's
    # equal id is no duplicate, and 120.5 is a valid age (120 completed years)
    rows=[ROW, {**ROW, "sex": "9"}, ROW, {**ROW, "person_id": 2}, {**ROW, "episode_id": 2, "age": 120.5}],
    options={"by": ("system", "sex", "age_band", "condition"), "age_bands": [0, 15, 65, 90], "period": None,
             "weights": "weight", "newborns": "include", "check_duplicates": True, "where": None},
    dates="admission", dropped=set())
@given(rows=st.lists(_row, min_size=1, max_size=MAX_ROWS), options=_options,
       dates=st.sampled_from(["admission", "admission", "episode", "length_of_stay"]),
       dropped=st.sets(st.sampled_from(["episode_status", "person_id", "episode_id"])))
def test_schema_agrees_with_the_engine(rows, options, dates, dropped):
    if dates == "length_of_stay":
        options = {**options, "period": None}  # a period needs dates
    if "episode_id" in dropped and options["check_duplicates"]:
        options = {**options, "check_duplicates": None}  # True needs episode ids
    if options["where"] is not None and not set(options["where"]) <= set(_frame(rows, dates, dropped)):
        options = {**options, "where": None}  # the engine needs the columns it filters on
    frame = _frame(rows, dates, dropped)
    extract = kpcompare.read_episodes(frame, coding="icd10")
    result = kpcompare.aggregate(extract, progress=False, **options)
    reasons = first_reasons_by_schema(frame, coding="icd10", **options)
    # the schema judges canonical values: the frame as given and as read give the same reasons
    pd.testing.assert_series_equal(first_reasons_by_schema(extract.to_pandas(), coding="icd10", **options),
                                   reasons)

    engine = result.exclusions.set_index("reason")
    spec = reasons[reasons != ""].value_counts().reindex(list(engine.index), fill_value=0)
    assert set(reasons[reasons != ""]) <= set(engine.index)
    assert engine["rows"].to_dict() == spec.to_dict()
    assert result.rows_counted == int((reasons == "").sum())
    if options["weights"] is not None:  # row by row: the weighted tally of each reason names its rows
        finite = np.isfinite(frame["weight"].to_numpy())
        for reason in engine.index:
            expected = set(np.flatnonzero((reasons == reason).to_numpy() & finite))
            got = _rows_of(engine.loc[reason, "weighted_rows"], len(frame))
            assert got == expected, f"{reason}: engine rows {sorted(got)}, schema rows {sorted(expected)}"


# ------------------------------------------------------------------------------------------- one case a reason

BY = ("system", "sex", "age_band", "condition")
# reason -> (changes to a copy of GOOD that break exactly that rule, options): the shared cases without the
# engine test's own flags, and without missing_person_id (see ROW_REASONS)
CASES = {reason: (changes, {k: v for k, v in options.items() if k not in ("los", "same_id")})
         for reason, (changes, options) in ALL_CASES.items() if reason != "missing_person_id"}


def _case(reason: str) -> tuple[pd.DataFrame, dict]:
    changes, options = CASES[reason]
    bad = {**GOOD, "episode_id": 1 if reason == "duplicate_episode_id" else 2, **changes}
    frame = pd.DataFrame([GOOD, bad])
    if reason == "invalid_length_of_stay":
        frame = frame.drop(columns=["admission_date", "discharge_date"]).assign(length_of_stay=[2, -1])
    return frame, {"by": BY, "age_bands": [0, 65], **options}


#: the schema describes the episode unit; missing_person_id applies only when episodes are linked into spells
#: (tests/engine/test_arrow_exclusions.py has its case), like the spell rules
ROW_REASONS = [r for r in EXCLUSION_REASONS if r != "missing_person_id"]


def test_every_reason_has_a_case_and_a_check():
    assert set(CASES) == set(ROW_REASONS)
    schema = episode_schema(coding="icd10", by=BY, period=("2020-01-01", "2020-12-31"), weights="weight",
                            newborns="exclude", check_duplicates=True, where={"admission_method": "21"})
    names = [c.name for c in schema.checks] + [c.name for col in schema.columns.values() for c in col.checks]
    assert sorted(names) == sorted(ROW_REASONS)


@pytest.mark.parametrize("reason", list(CASES))
def test_failure_case_is_named_after_the_reason(reason):
    frame, options = _case(reason)
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        episode_schema(coding="icd10", **options).validate(frame, lazy=True)
    cases = info.value.failure_cases
    assert set(cases["check"]) == {reason}
    assert set(cases["index"]) == {1}
    assert first_reasons_by_schema(frame, coding="icd10", **options).tolist() == ["", reason]
    result = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10"), progress=False, **options)
    table = result.exclusions.set_index("reason")["rows"]
    assert table[reason] == 1 and table.sum() == 1
    episode_schema(coding="icd10", **options).validate(frame.iloc[:1])  # the good row passes every check


def test_first_broken_rule_wins_and_duplicates_come_after_the_row_rules():
    # row 1 breaks unknown_sex, invalid_code and unfinished_episode: one reason, the earliest
    # row 2 repeats row 1's id, but row 1 is excluded, so row 2 is counted; row 3 repeats row 2's id
    rows = [GOOD, {**GOOD, "episode_id": 2, "sex": None, "primary_diagnosis": "??", "episode_status": "unfinished"},
            {**GOOD, "episode_id": 2}, {**GOOD, "episode_id": 2, "primary_diagnosis": "??"}, {**GOOD, "episode_id": 2}]
    options = {"by": BY, "age_bands": [0, 65], "check_duplicates": True}
    reasons = first_reasons_by_schema(pd.DataFrame(rows, index=list("abcde")), coding="icd10", **options)
    assert reasons.to_dict() == {"a": "", "b": "unknown_sex", "c": "", "d": "invalid_code",
                                 "e": "duplicate_episode_id"}


def test_completed_years_of_age():
    frame = pd.DataFrame([{**GOOD, "age": 120.5}, {**GOOD, "episode_id": 2, "age": 14.9},
                          {**GOOD, "episode_id": 3, "age": 65.0}])
    reasons = first_reasons_by_schema(frame, coding="icd10", by=("age_band",), age_bands=CLOSED_BANDS)
    assert reasons.tolist() == ["age_out_of_range", "", "age_out_of_range"]
    assert first_reasons_by_schema(frame, by=("age_band",)).tolist() == ["", "", ""]  # 120.5 is 120 years


def test_an_age_between_two_bands_is_out_of_range():
    """Bands 0-14 and 20-64: ages 15-19 (17, 19.9) are outside every band, in the schema and in the engine,
    for float and integer ages alike."""
    ages = [10.0, 17.0, 19.9, 20.0, 64.0, 65.0]
    frame = pd.DataFrame([{**GOOD, "episode_id": i, "age": a} for i, a in enumerate(ages)])
    reasons = first_reasons_by_schema(frame, coding="icd10", by=("age_band",), age_bands=GAPPED_BANDS)
    out = ["", "age_out_of_range", "age_out_of_range", "", "", "age_out_of_range"]
    assert reasons.tolist() == out
    for column in (frame["age"], frame["age"].astype(int)):
        result = kpcompare.aggregate(frame.assign(age=column), by=("age_band",), age_bands=GAPPED_BANDS,
                                     progress=False)
        assert result.strata[["age_band", "episodes"]].values.tolist() == [["0-14", 1], ["20-64", 2]]
        assert result.exclusions.set_index("reason").loc["age_out_of_range", "rows"] == 3


def test_older_form_without_by():
    frame = pd.DataFrame([GOOD, {**GOOD, "episode_id": 2, "sex": "0", "system": None}])
    assert first_reasons_by_schema(frame, coding="icd10").tolist() == ["", "unknown_sex"]
    assert first_reasons_by_schema(frame, coding="icd10", by_sex=False).tolist() == ["", ""]


def test_option_errors():
    with pytest.raises(InvalidArgumentError) as info:
        episode_schema(weights="w")
    assert str(info.value) == "argument 'weights': give weights='weight' (the canonical weight column) or None, " \
        "not 'w'."
    with pytest.raises(UnknownNameError) as info:
        episode_schema(newborns="drop")
    assert str(info.value) == "argument 'newborns': unknown value 'drop'; choose one of 'include', 'exclude'."
    with pytest.raises(InvalidArgumentError) as info:
        episode_schema(period="2020")
    assert str(info.value) == "argument 'period': expected (first_day, last_day), got '2020'."
