"""``by`` as a sequence of columns in compare, decompose and rate_model, and their deprecated keywords.

Reference: running the function on each level's rows (the definition of a split analysis), and the
one-column call (``by="condition"`` equals ``by=["condition"]``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpcompare

SYSTEMS = {"A": 1.0, "B": 1.3}
SEXES = {"F": 1.0, "M": 1.2}
REGIONS = {"north": 1.0, "south": 0.8}
BANDS = {"0-64": 30, "65+": 70}
CAUSES = {"angina": 0.4, "stroke": 0.6}


def _strata() -> pd.DataFrame:
    rows = []
    for system, s in SYSTEMS.items():
        for sex, x in SEXES.items():
            for region, r in REGIONS.items():
                for band, base in BANDS.items():
                    for cause, c in CAUSES.items():
                        adm = round(base * s * x * r * c)
                        rows.append({"system": system, "sex": sex, "region": region, "age_band": band,
                                     "condition": cause, "admissions": adm, "bed_days": 5 * adm + 2})
    return pd.DataFrame(rows)


def _population() -> pd.DataFrame:
    rows = [{"system": system, "sex": sex, "age_band": band, "population": 10_000 * s * x / (2 if band == "65+" else 1)}
            for system, s in SYSTEMS.items() for sex, x in SEXES.items() for band in BANDS]
    return pd.DataFrame(rows)


STRATA = _strata()
POP = _population()


def test_compare_by_one_column_as_string_or_list():
    kw = dict(population=POP, standard="A", reference="A", min_count=0)
    pd.testing.assert_frame_equal(kpcompare.compare(STRATA, by="condition", **kw),
                                  kpcompare.compare(STRATA, by=["condition"], **kw))


def test_compare_by_condition_and_sex_equals_running_each_sex():
    kw = dict(standard="A", reference="A", min_count=0, confidence=[0.9, 0.95])
    both = kpcompare.compare(STRATA, population=POP, by=["condition", "sex"], **kw)
    assert list(both.columns[:3]) == ["system", "condition", "sex"]
    for sex in SEXES:
        one = kpcompare.compare(STRATA[STRATA["sex"] == sex], population=POP[POP["sex"] == sex], **kw)
        got = both[both["sex"] == sex].drop(columns="sex").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one)
    # rows grouped by system first, as with one column
    assert list(dict.fromkeys(both["system"])) == ["A", "B"]
    assert both["system"].is_monotonic_increasing


def test_compare_by_a_column_the_population_lacks_keeps_the_whole_population():
    kw = dict(population=POP, standard="A", reference="A", min_count=0, measures="admissions")
    both = kpcompare.compare(STRATA, by=["condition", "region"], **kw)
    for region in REGIONS:
        one = kpcompare.compare(STRATA[STRATA["region"] == region], **kw)
        got = both[both["region"] == region].drop(columns="region").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one)


def test_decompose_by_condition_and_sex_equals_running_each_sex():
    both = kpcompare.decompose(STRATA, population=POP, standard="A", reference="A", by=["condition", "sex"])
    assert list(both.columns[:5]) == ["system", "reference", "condition", "sex", "age_band"]
    for sex in SEXES:
        one = kpcompare.decompose(STRATA[STRATA["sex"] == sex], population=POP[POP["sex"] == sex],
                                  standard="A", reference="A")
        got = both[both["sex"] == sex].reset_index(drop=True)
        # the per-sex run carries sex as a stratum key ("all" on the standardised rows); the split names the level
        one = one.assign(sex=sex)[got.columns]
        pd.testing.assert_frame_equal(got, one)
        assert (got["gap"] - got["admission_component"] - got["los_component"]).abs().max() < 1e-9


def test_rate_model_by_two_columns_equals_one_model_per_level():
    kw = dict(population=POP, reference="A")
    both = kpcompare.rate_model(STRATA, by=["condition", "region"], **kw)
    assert list(both.columns[:3]) == ["condition", "region", "system"]
    for region in REGIONS:
        one = kpcompare.rate_model(STRATA[STRATA["region"] == region], by="condition", **kw)
        got = both[both["region"] == region].drop(columns="region").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one)
    # B's counts and populations are both 1.3 x A's: rate ratio 1 (up to the rounding of the counts)
    assert both["value"].between(0.97, 1.03).all()


def test_rate_model_levels_select_the_first_by_column():
    out = kpcompare.rate_model(STRATA, population=POP, by=["condition", "region"], levels=["stroke"])
    assert set(out["condition"]) == {"stroke"} and set(out["region"]) == set(REGIONS)


@pytest.mark.parametrize("func, kw", [
    (kpcompare.compare, dict(population=POP, standard="A", reference="A", min_count=0)),
    (kpcompare.decompose, dict(population=POP, standard="A", reference="A")),
    (kpcompare.rate_model, dict(population=POP, reference="A")),
])
def test_strata_keyword_is_a_deprecated_alias_of_data(func, kw):
    with pytest.warns(DeprecationWarning, match=rf"{func.__name__}\(strata=...\) is deprecated.*"
                                                rf"{func.__name__}\(data=...\)"):
        old = func(strata=STRATA, **kw)
    pd.testing.assert_frame_equal(old, func(STRATA, **kw))
    pd.testing.assert_frame_equal(old, func(data=STRATA, **kw))


def test_rate_model_outcome_is_a_deprecated_alias_of_count():
    with pytest.warns(DeprecationWarning, match=r"rate_model\(outcome=...\) is deprecated.*rate_model\(count=...\)"):
        old = kpcompare.rate_model(STRATA, population=POP, outcome="bed_days")
    new = kpcompare.rate_model(STRATA, population=POP, count="bed_days")
    pd.testing.assert_frame_equal(old, new)
    assert (new["measure"] == "bed_days").all()


def test_compare_multiplier_default_is_100000():
    """Changes to results: compare/decompose rates were per 1,000 by default, now per 100,000 as every rate."""
    kw = dict(population=POP, standard="A", reference="A", min_count=0)
    default = kpcompare.compare(STRATA, **kw)
    per_1000 = kpcompare.compare(STRATA, multiplier=1000, **kw)
    rates = default["measure"] != "alos"
    pd.testing.assert_series_equal(default.loc[rates, "value"], per_1000.loc[rates, "value"] * 100)
    assert default.loc[rates, "statistic"].str.contains("per 100000").all()
    dec = kpcompare.decompose(STRATA, population=POP, standard="A", reference="A")
    assert dec["statistic"].iloc[0] == "bed days per 100000; components per 100000"


@pytest.mark.parametrize("func", [kpcompare.compare, kpcompare.decompose])
@pytest.mark.parametrize("by", [["condition", "system"], ["age_band"], ["condition", "condition"], [], [1]])
def test_by_of_a_comparison_is_checked(func, by):
    from kpcompare.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match=r"argument 'by': "):
        func(STRATA, population=POP, standard="A", reference="A", by=by)


@settings(max_examples=15, deadline=None)
@given(counts=st.lists(st.integers(min_value=0, max_value=400), min_size=len(STRATA), max_size=len(STRATA)))
def test_split_decomposition_is_the_per_level_decomposition_for_any_counts(counts):
    """Property: for any admissions, decompose by (condition, region) = decompose run on each region's rows."""
    strata = STRATA.assign(admissions=counts, bed_days=[3 * c + (i % 5) for i, c in enumerate(counts)])
    kw = dict(population=POP, standard="A", reference="A")
    both = kpcompare.decompose(strata, by=["condition", "region"], **kw)
    for region in REGIONS:
        one = kpcompare.decompose(strata[strata["region"] == region], **kw)
        got = both[both["region"] == region].drop(columns="region").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one)
        assert (got["gap"] - got["admission_component"] - got["los_component"]).abs().max() < 1e-6
