"""The demo's computation: England's FCE rates by ICD-10 chapter, 2000-01 and 2001-02.

Reference values are recomputed here with plain pandas directly from the raw bundled CSV files (HES tables of
NHS Digital, ONS mid-year estimates, Eurostat's ESP 2013), not from kpcompare's loaders or rates core.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare._paths import data_path
from kpcompare.report.demo import main
from kpcompare.errors import InvalidArgumentError
from kpcompare.report import england_chapter_rates

AGE_COLUMNS = ["age_0_14", "age_15_59", "age_60_74", "age_75_plus"]
HES_BANDS = {"0-14": (0, 14), "15-59": (15, 59), "60-74": (60, 74), "75+": (75, 200)}


@pytest.fixture(scope="module")
def result():
    return england_chapter_rates()


def _raw_counts(year: str, chapter: str) -> pd.Series:
    raw = pd.read_csv(data_path("england", f"hes_{year}_primary_diagnosis_4char.csv"))
    return raw.loc[raw["icd10_chapter"] == chapter, AGE_COLUMNS].sum()  # blanks skipped


def _raw_population(mid_year: int) -> pd.Series:
    raw = pd.read_csv(data_path("england", "england_mid_year_population_single_year_by_sex_1971_2018.csv"))
    raw = raw[(raw["year"] == mid_year) & raw["sex"].isin(["M", "F"]) & raw["age"].notna()]
    return pd.Series({band: raw.loc[raw["age"].between(lo, hi), "population"].sum()
                      for band, (lo, hi) in HES_BANDS.items()})


def _row(table: pd.DataFrame, year: str, chapter: str) -> pd.Series:
    rows = table[(table["year"] == year) & (table["icd10_chapter"] == chapter)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("year, mid_year, chapter", [("2000-01", 2000, "IX"), ("2001-02", 2001, "X")])
def test_crude_rate_matches_plain_pandas_from_raw_csv(result, year, mid_year, chapter):
    count = _raw_counts(year, chapter).sum()
    population = _raw_population(mid_year).sum()
    row = _row(result.crude, year, chapter)
    assert row["count"] == count
    assert row["population"] == population
    assert row["value"] == pytest.approx(count / population * 100_000, rel=1e-12)
    assert row["lower"] < row["value"] < row["upper"]


def test_standardised_rate_matches_plain_pandas_from_raw_csv(result):
    esp = pd.read_csv(data_path("standard_populations", "esp2013_19bands_0-4_to_90plus.csv"))
    weights = pd.Series({band: esp.loc[esp["age_lo"].between(lo, hi), "weight"].sum()
                         for band, (lo, hi) in HES_BANDS.items()})
    assert weights.tolist() == [16000, 58500, 16500, 9000]
    counts = _raw_counts("2000-01", "IX")
    counts.index = list(HES_BANDS)
    population = _raw_population(2000)
    expected = (counts / population * weights).sum() / weights.sum() * 100_000
    assert _row(result.dsr, "2000-01", "IX")["value"] == pytest.approx(expected, rel=1e-12)


def test_unknown_age_gap_is_reported(result):
    gap = _row(result.age_gap, "2000-01", "All")
    # hes_4char_totals_check.csv (NHS Digital workbook): FCE rows sum 12,264,618; the age columns sum to
    # 1,625,634 + 5,681,751 + 2,503,044 + 2,412,601 = 12,223,030, so 41,588 FCEs have unknown age
    assert gap["fce"] == 12_264_618
    assert gap["fce_known_age"] == 12_223_030
    assert gap["fce_unknown_age"] == 41_588
    assert _row(result.crude, "2000-01", "All")["count"] == 12_223_030


def test_tables_shapes_and_ratios(result):
    assert len(result.crude) == len(result.dsr) == 42  # 20 chapters + "All", two years
    assert result.crude["icd10_chapter"].iloc[-1] == "All"
    ref = result.ratios[result.ratios["year"] == "2000-01"]
    assert (ref["value"] == 1).all() and set(result.ratios["rate"]) == {"crude", "dsr"}
    assert result.populations.groupby("year")["population"].sum().tolist() == [49_233_311, 49_449_746]


def test_mid_years_option(result):
    other = england_chapter_rates(years=("2000-01",), mid_years={"2000-01": 2001})
    assert other.populations["population"].sum() == 49_449_746


def test_bad_years_message():
    with pytest.raises(InvalidArgumentError, match=r"argument 'years': give distinct financial years"):
        england_chapter_rates(years=("2000-01", "2000-01"))


def test_demo_cli_writes_tables(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--section", "england_chapters"]) == 0
    printed = capsys.readouterr().out
    assert "ONS mid-2000 estimate, 49,233,311" in printed
    assert "41,588 of 12,264,618 FCEs" in printed
    written = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert "england_chapters_dsr.csv" in written and "england_chapters_age_gap.csv" in written
    dsr = pd.read_csv(tmp_path / "england_chapters_dsr.csv")
    assert len(dsr) == 42
