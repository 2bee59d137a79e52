"""Sources that carry ``length_of_stay`` (nights, as the NHDS after its mapping) instead of dates.

Rules under test, with where they are stated:

* ``aggregate(bed_days=...)`` docstring and docs/extracts.md section 4: "A ``length_of_stay`` column counts
  midnights, so the two rules give ``length_of_stay`` and ``max(length_of_stay, 1)``".
* ``kpcompare.extract.rules.EXCLUSION_REASONS["invalid_length_of_stay"]``: "length of stay missing or
  negative (sources without dates)"; second in precedence, so it wins over every rule but ``missing_date``.
* ``weights="weight"``: ``weighted_bed_days`` sums weight x bed days of the counted rows.
* ``bed_days_squared`` is allowed "for sources without ``episode_order`` (one row per stay, as the NHDS)".
* ``period`` needs dates: :func:`kpcompare.engine.plan.make_plan` refuses it for a length-of-stay source.

Every run also checks rows read = rows counted + rows excluded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from episode_reference import REASONS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.errors import DataQualityWarning, InvalidArgumentError

KEYS = ["system", "sex", "age_band", "condition"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(frame: pd.DataFrame, **options):
    result = kpcompare.aggregate(kpcompare.read_episodes(frame, coding="icd10"), progress=False, **options)
    assert result.rows_read == len(frame) == result.rows_counted + result.rows_excluded
    return result


def by_system(result, column: str) -> dict:
    return dict(zip(result.strata["system"].astype(str), result.strata[column].tolist(), strict=True))


# ------------------------------------------------------------------------------------------ hand-built cases

STAYS = pd.DataFrame({"system": ["0 nights", "1 night", "5 nights"], "length_of_stay": [0, 1, 5],
                      "weight": [2.0, 0.5, 3.0]})


@pytest.mark.parametrize(("rule", "expected"), [
    ("midnights", {"0 nights": 0, "1 night": 1, "5 nights": 5}),  # length_of_stay itself
    ("same_day_as_one", {"0 nights": 1, "1 night": 1, "5 nights": 5}),  # max(length_of_stay, 1)
])
def test_bed_day_rules_on_lengths_of_stay(rule, expected):
    """aggregate docstring: the two rules give length_of_stay and max(length_of_stay, 1)."""
    result = run(STAYS, by=("system",), bed_days=rule)
    assert by_system(result, "bed_days") == expected
    assert by_system(result, "admissions") == {"0 nights": 1, "1 night": 1, "5 nights": 1}  # one row = one stay
    assert by_system(result, "episodes") == {"0 nights": 1, "1 night": 1, "5 nights": 1}
    assert result.rows_excluded == 0


@pytest.mark.parametrize(("rule", "bed_days", "weighted_bed_days", "squares"), [
    ("midnights", 6, 0 * 2.0 + 1 * 0.5 + 5 * 3.0, 0 + 1 + 25),
    ("same_day_as_one", 7, 1 * 2.0 + 1 * 0.5 + 5 * 3.0, 1 + 1 + 25),
])
def test_weighted_bed_days_and_squares_from_lengths_of_stay(rule, bed_days, weighted_bed_days, squares):
    """weights="weight": weighted bed days = sum of weight x bed days; bed_days_squared = sum of squared stays
    (allowed: one row per stay, no episode_order)."""
    result = run(STAYS, by=("system",), bed_days=rule, weights="weight", bed_days_squared=True)
    strata = result.strata
    assert strata["bed_days"].sum() == bed_days
    assert strata["weighted_bed_days"].sum() == pytest.approx(weighted_bed_days)  # 15.5 / 17.5
    assert strata["weighted_admissions"].sum() == pytest.approx(5.5)
    assert strata["weighted_episodes"].sum() == pytest.approx(5.5)
    assert strata["bed_days_squared"].sum() == squares
    assert by_system(result, "weighted_bed_days")["5 nights"] == pytest.approx(15.0)


@pytest.mark.parametrize("dtype", ["float64", "Int64", "object"])
@pytest.mark.parametrize("rule", ["midnights", "same_day_as_one"])
def test_missing_or_negative_length_is_invalid_length_of_stay(dtype, rule):
    """EXCLUSION_REASONS: "length of stay missing or negative"; a length of 0 is valid (a same-day stay)."""
    frame = pd.DataFrame({"system": ["A"] * 5, "length_of_stay": pd.Series([2, None, -1, 0, -30], dtype=dtype),
                          "weight": [1.0, 4.0, 2.5, 1.0, np.nan]})
    with pytest.warns(DataQualityWarning, match=r"60% of the rows read \(3 of 5\).*'invalid_length_of_stay'"):
        result = run(frame, by=("system",), bed_days=rule, weights="weight")
    table = result.exclusions.set_index("reason")
    assert table.loc["invalid_length_of_stay", "rows"] == 3  # None, -1, -30
    assert table.loc["invalid_length_of_stay", "weighted_rows"] == pytest.approx(4.0 + 2.5)  # NaN weight: 0
    assert table["rows"].sum() == 3  # no other reason fired (the NaN weight's row broke the length rule first)
    assert result.rows_counted == 2 and result.rows_read == 5
    assert result.strata["bed_days"].tolist() == [2 if rule == "midnights" else 3]


def test_invalid_length_of_stay_comes_before_the_other_row_rules():
    """Precedence (EXCLUSION_REASONS order): a negative length with unknown sex, age 130 and a bad code is
    counted once, under invalid_length_of_stay."""
    frame = pd.DataFrame({"system": ["A", "A"], "sex": ["F", "9"], "age": [40.0, 130.0],
                          "primary_diagnosis": ["J44.1", "XYZ"], "length_of_stay": [3, -1]})
    result = run(frame, conditions={"copd": ["J44"]})
    rows = result.exclusions.set_index("reason")["rows"]
    assert rows["invalid_length_of_stay"] == 1 and rows.sum() == 1
    assert result.strata[["sex", "condition", "bed_days"]].astype(object).values.tolist() == [["F", "copd", 3]]


def test_period_is_refused_for_a_length_of_stay_source():
    """make_plan: clipping to a period needs dates; the message names the way out."""
    with pytest.raises(InvalidArgumentError) as error:
        run(STAYS, by=("system",), period=("2020-01-01", "2020-12-31"))
    assert str(error.value) == (
        "argument 'period': clipping stays to a period needs admission and discharge dates; this extract only "
        "has 'length_of_stay'. Filter the source by its own period variable instead.")


# ------------------------------------------------------------------------------------------ parity (hypothesis)

BOUNDS = [0, 15, 65, 90]
BAND_LABELS = ["0-14", "15-64", "65-89", "90+"]  # kpcompare.band_table([0, 15, 65, 90])
CONDITIONS = {"copd": ["J44"], "stroke": ["I60-I64"]}
# code as written -> its condition, None = invalid ICD-10 (normalised: upper case, no dots; blank = missing)
CODES = {"J44.1": "copd", "J441": "copd", "j44": "copd", "I64": "stroke", "i61.9": "stroke", "I65": "other",
         "K35": "other", "XYZ": None, "250.00": None, "": None, None: None}
AGES = [0.0, 4.5, 14.9, 15.0, 64.0, 65.0, 89.9, 90.0, 120.0, 120.5, 121.0, 200.0, -1.0, np.nan]

_rows = st.lists(st.fixed_dictionaries({
    "system": st.sampled_from(["A", "A", "B", None]),
    "sex": st.sampled_from(["M", "F", "M", "F", "9", None]),
    "age": st.sampled_from(AGES),
    "primary_diagnosis": st.sampled_from(list(CODES)),
    "length_of_stay": st.one_of(st.integers(0, 3), st.integers(-3, 60), st.none()),
    "weight": st.sampled_from([1.0, 2.5, 0.0, 7.25, -1.0, np.nan]),
}), min_size=0, max_size=40)


def reference(frame: pd.DataFrame, *, bed_days: str, weighted: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plain pandas: each row's first broken rule (EXCLUSION_REASONS order), then a groupby of the rest."""
    los = pd.to_numeric(frame["length_of_stay"], errors="coerce").astype(float)
    age = frame["age"].astype(float)
    band = pd.cut(age, bins=BOUNDS + [121], right=False, labels=BAND_LABELS)  # age 0 to < 121 (120 = max)
    condition = frame["primary_diagnosis"].astype(object).map(lambda c: CODES[None if pd.isna(c) else c])
    weight = frame["weight"].astype(float)
    reason = np.select([
        ~(los >= 0),  # NaN (missing) or negative
        ~frame["sex"].isin(["M", "F"]),
        band.isna(),
        condition.isna(),
        frame["system"].isna(),
        np.asarray(weighted) & ~(np.isfinite(weight) & (weight >= 0)),
    ], ["invalid_length_of_stay", "unknown_sex", "age_out_of_range", "invalid_code", "missing_stratum",
        "invalid_weight"], default="")
    w = weight if weighted else pd.Series(1.0, index=frame.index)
    tally = pd.DataFrame({"reason": reason, "rows": 1, "weighted_rows": w.fillna(0.0)})
    tally = tally[tally["reason"] != ""].groupby("reason")[["rows", "weighted_rows"]].sum()
    exclusions = tally.reindex(REASONS, fill_value=0).rename_axis("reason").reset_index()
    kept = reason == ""
    bed = los + (los == 0) if bed_days == "same_day_as_one" else los
    rows = pd.DataFrame({"system": frame["system"], "sex": frame["sex"], "age_band": band.astype(object),
                         "condition": condition, "bed_days": bed, "w": w, "wbed": w * bed})[kept]
    strata = rows.groupby(KEYS).agg(admissions=("bed_days", "size"), bed_days=("bed_days", "sum"),
                                    weighted_admissions=("w", "sum"), weighted_bed_days=("wbed", "sum"))
    return strata, exclusions


def _los_column(values: list, dtype: str) -> pd.Series:
    if dtype == "object":  # Python ints and None: read by pyarrow as int64 with nulls
        return pd.Series(values, dtype=object)
    return pd.Series([np.nan if v is None else v for v in values], dtype=dtype)


@pytest.mark.filterwarnings("ignore::kpcompare.errors.DataQualityWarning")  # random rows: mostly excluded
@pytest.mark.parametrize("bed_days", ["midnights", "same_day_as_one"])
@SETTINGS
@given(rows=_rows, weighted=st.booleans(), data=st.data())
def test_parity_of_length_of_stay_sources_with_pandas(rows, weighted, bed_days, data):
    frame = pd.DataFrame(rows, columns=["system", "sex", "age", "primary_diagnosis", "length_of_stay", "weight"])
    lengths = [r["length_of_stay"] for r in rows]
    dtypes = ["float64", "Int64", "object"] + (["int16", "int64"] if None not in lengths else [])
    frame["length_of_stay"] = _los_column(lengths, data.draw(st.sampled_from(dtypes), label="dtype"))
    got = run(frame, age_bands=BOUNDS, conditions=CONDITIONS, bed_days=bed_days,
              weights="weight" if weighted else None)
    strata, exclusions = reference(frame, bed_days=bed_days, weighted=weighted)

    left = got.strata.astype({k: object for k in KEYS}).set_index(KEYS).sort_index()
    right = strata.sort_index()
    assert list(left.index) == list(right.index)
    for m in ["admissions", "bed_days"]:
        np.testing.assert_array_equal(left[m].to_numpy(), right[m].to_numpy().astype(np.int64), err_msg=m)
    np.testing.assert_array_equal(left["episodes"].to_numpy(), right["admissions"].to_numpy())
    assert ("weighted_bed_days" in left.columns) == weighted
    if weighted:
        for m in ["weighted_admissions", "weighted_bed_days"]:
            np.testing.assert_allclose(left[m].to_numpy(), right[m].to_numpy(dtype=float), err_msg=m)
        np.testing.assert_allclose(left["weighted_episodes"].to_numpy(), right["weighted_admissions"].to_numpy())
    assert list(got.exclusions["reason"]) == REASONS
    np.testing.assert_array_equal(got.exclusions["rows"].to_numpy(), exclusions["rows"].to_numpy())
    np.testing.assert_allclose(got.exclusions["weighted_rows"].to_numpy(),
                               exclusions["weighted_rows"].to_numpy(dtype=float))
    assert got.rows_read == int(left["episodes"].sum()) + int(got.exclusions["rows"].sum())
