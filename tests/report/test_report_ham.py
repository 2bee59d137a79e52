"""The Ham-style comparison on the bundled real data, re-derived with plain pandas from the raw CSVs.

For two causes (fractured neck of femur and acute myocardial infarction, whose code lists are plain
prefixes) the admissions, bed days, ALOS, ratios to the NHS and the decomposition printed by the demo are
recomputed here directly from the bundled files, without any kpcompare function except ``data_path``:

* HES 2000-01 4-character table: per code, ordinary admissions = fae - day_case (floored at 0) and bed days,
  split into 60-74 / 75+ in proportion to the code's FCEs by age (age column / fce);
* ONS mid-2000 population from the *HES-band* file (the report uses the single-year file, so this is
  also a cross-check of the population);
* NHDS 2010 microdata: non-newborn records, age in years, first-listed diagnosis, weighted counts,
  a same-day stay counted as 0 bed days; Medicare-paid = payor_primary "Medicare"; the variance of each
  weighted total is the with-replacement sum of (weight x y)^2 over its records, and the covariance of
  admissions and bed days the with-replacement sum of weight^2 x days (used by the ALOS interval);
* US 1 July 2010 estimates (vintage 2019) summed over single years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from kpcompare._paths import data_path
from kpcompare.report import ham

BANDS = ["60-74", "75+"]
CAUSES = {
    # group: (ICD-10 4-character prefixes, ICD-9-CM prefixes) - as in data/conditions/ham2003_leading_causes.csv
    "fractured_neck_of_femur": (("S72.0", "S72.1", "S72.2"), ("820",)),
    "acute_myocardial_infarction": (("I21", "I22"), ("410",)),
}


def test_code_lists_used_here_are_the_bundled_ones():
    cs = pd.read_csv(data_path("conditions", "ham2003_leading_causes.csv"))
    got = cs.set_index(["group", "coding"])["codes"]
    assert got[("fractured_neck_of_femur", "icd10")] == "S72.0; S72.1; S72.2"
    assert got[("fractured_neck_of_femur", "icd9cm")] == "820"
    assert got[("acute_myocardial_infarction", "icd10")] == "I21-I22"
    assert got[("acute_myocardial_infarction", "icd9cm")] == "410"


@pytest.fixture(scope="module")
def tables():
    return ham.ham_tables()


@pytest.fixture(scope="module")
def raw():
    hes = pd.read_csv(data_path("england", "hes_2000-01_primary_diagnosis_4char.csv"))
    eng = pd.read_csv(data_path("england", "england_mid_year_population_hes_bands_by_sex_2000_2001_2017.csv"))
    eng = eng[(eng["year"] == 2000) & (eng["geography"] == "England")].groupby("age_band")["population"].sum()
    nhds = pd.read_csv(data_path("us", "nhds2010_us_hospital_discharges_microdata.csv.gz"),
                       dtype={"dx01": str}, low_memory=False)
    nhds = nhds[~nhds["newborn"]]
    nhds = nhds.assign(band=np.where(nhds["age_years"] >= 75, "75+",
                                     np.where(nhds["age_years"] >= 60, "60-74", "young")),
                       days=np.where(nhds["dc_same_day"], 0, nhds["care_days"]))
    uspop = pd.read_csv(data_path("us", "us_2010_population_single_year_by_sex.csv"))
    uspop = uspop.assign(band=np.where(uspop["age"] >= 75, "75+", np.where(uspop["age"] >= 60, "60-74", "young")))
    uspop = uspop.groupby("band")["estimate_2010_jul1_v2019"].sum()
    return hes, eng, nhds, uspop


def _nhs_rates(hes, eng, cause):
    prefixes = CAUSES[cause][0]
    sel = hes[hes["code4"].str.startswith(prefixes)]
    ordinary = (sel["fae"] - sel["day_case"].fillna(0)).clip(lower=0)
    out = {}
    for band, col in (("60-74", "age_60_74"), ("75+", "age_75_plus")):
        share = sel[col] / sel["fce"]
        out[band] = ((ordinary * share).sum(), (sel["bed_days"] * share).sum(), eng[band])
    return out


def _us_rates(nhds, uspop, cause, medicare):
    d = nhds[nhds["dx01"].str.startswith(CAUSES[cause][1], na=False)]
    if medicare:
        d = d[d["payor_primary"] == "Medicare"]
    out = {}
    for band in BANDS:
        b = d[d["band"] == band]
        # estimates, population, the with-replacement variances sum (w)^2 and sum (w x days)^2, and the
        # with-replacement covariance of admissions and bed days sum w^2 x days
        out[band] = (b["weighting"].sum(), (b["weighting"] * b["days"]).sum(), uspop[band],
                     (b["weighting"] ** 2).sum(), ((b["weighting"] * b["days"]) ** 2).sum(),
                     (b["weighting"] ** 2 * b["days"]).sum())
    return out


def _standardise(rates, weights):
    adm = sum(weights[b] * rates[b][0] / rates[b][2] for b in BANDS) * 1000
    bed = sum(weights[b] * rates[b][1] / rates[b][2] for b in BANDS) * 1000
    return adm, bed


@pytest.mark.parametrize("cause", list(CAUSES))
def test_demo_figures_rederived_from_raw_csvs(tables, raw, cause):
    hes, eng, nhds, uspop = raw
    weights = {b: eng[b] / eng[BANDS].sum() for b in BANDS}  # standard: England mid-2000, 60-74 and 75+
    cmp = tables["comparison"]
    cmp = cmp[(cmp["condition"] == cause) & (cmp["confidence"] == 0.95)].set_index(["system", "measure"])
    nhs_adm, nhs_bed = _standardise(_nhs_rates(hes, eng, cause), weights)
    assert cmp.loc[(ham.NHS, "admissions"), "value"] == pytest.approx(nhs_adm, rel=1e-9)
    assert cmp.loc[(ham.NHS, "bed_days"), "value"] == pytest.approx(nhs_bed, rel=1e-9)
    assert cmp.loc[(ham.NHS, "alos"), "value"] == pytest.approx(nhs_bed / nhs_adm, rel=1e-9)
    # NHS counts (apportioned, fractional) are treated as Poisson: variance sum_b (w_b / pop_b x 1000)^2 x count_b
    nhs = _nhs_rates(hes, eng, cause)
    nhs_var_adm = sum((weights[b] / nhs[b][2] * 1000) ** 2 * nhs[b][0] for b in BANDS)
    assert cmp.loc[(ham.NHS, "admissions"), "variance"] == pytest.approx(nhs_var_adm, rel=1e-9)
    # no stays in the HES tables: bed days Poisson and the ALOS covariance 0 (the documented fallback), noted
    nhs_var_bed = sum((weights[b] / nhs[b][2] * 1000) ** 2 * nhs[b][1] for b in BANDS)
    assert cmp.loc[(ham.NHS, "alos"), "variance"] == pytest.approx(
        (nhs_bed / nhs_adm) ** 2 * (nhs_var_bed / nhs_bed**2 + nhs_var_adm / nhs_adm**2), rel=1e-9)
    assert "bed days treated as Poisson counts" in cmp.loc[(ham.NHS, "bed_days"), "note"]
    assert "covariance 0" in cmp.loc[(ham.NHS, "alos"), "method"]
    dec = tables["decomposition"]
    dec = dec[(dec["condition"] == cause) & (dec["age_band"] == "standardised")].set_index("system")
    for system, medicare in ((ham.US_ALL, False), (ham.US_MEDICARE, True)):
        rates = _us_rates(nhds, uspop, cause, medicare)
        adm, bed = _standardise(rates, weights)
        assert cmp.loc[(system, "admissions"), "value"] == pytest.approx(adm, rel=1e-9)
        assert cmp.loc[(system, "bed_days"), "value"] == pytest.approx(bed, rel=1e-9)
        assert cmp.loc[(system, "alos"), "value"] == pytest.approx(bed / adm, rel=1e-9)
        assert cmp.loc[(system, "admissions"), "ratio"] == pytest.approx(adm / nhs_adm, rel=1e-9)
        assert cmp.loc[(system, "bed_days"), "ratio"] == pytest.approx(bed / nhs_bed, rel=1e-9)
        assert cmp.loc[(system, "alos"), "ratio"] == pytest.approx((bed / adm) / (nhs_bed / nhs_adm), rel=1e-9)
        # variance of a standardised rate: sum over bands of (w_b / pop_b x 1000)^2 x sum_j (w_j y_j)^2
        var_adm = sum((weights[b] / rates[b][2] * 1000) ** 2 * rates[b][3] for b in BANDS)
        var_bed = sum((weights[b] / rates[b][2] * 1000) ** 2 * rates[b][4] for b in BANDS)
        assert cmp.loc[(system, "admissions"), "variance"] == pytest.approx(var_adm, rel=1e-9)
        assert cmp.loc[(system, "bed_days"), "variance"] == pytest.approx(var_bed, rel=1e-9)
        # ALOS: delta method on the log scale with the covariance of the two standardised rates,
        # sum over bands of (w_b / pop_b x 1000)^2 x sum_j w_j^2 days_j
        cov = sum((weights[b] / rates[b][2] * 1000) ** 2 * rates[b][5] for b in BANDS)
        var_log = var_bed / bed**2 + var_adm / adm**2 - 2 * cov / (adm * bed)
        alos = cmp.loc[(system, "alos")]
        assert alos["variance"] == pytest.approx((bed / adm) ** 2 * var_log, rel=1e-9)
        assert alos["upper"] == pytest.approx(bed / adm * np.exp(norm.ppf(0.975) * np.sqrt(var_log)), rel=1e-9)
        assert "covariance from 'admissions_bed_days_covariance'" in alos["method"]
        assert dec.loc[system, "gap"] == pytest.approx(bed - nhs_bed, rel=1e-9)
        assert dec.loc[system, "admission_component"] + dec.loc[system, "los_component"] == \
            pytest.approx(bed - nhs_bed, rel=1e-12)


def test_nhs_against_itself(tables):
    cmp = tables["comparison"]
    nhs = cmp[cmp["system"] == ham.NHS]
    assert (nhs["ratio"] == 1.0).all()


def test_every_cause_and_total_present(tables):
    cmp = tables["comparison"]
    assert cmp["condition"].iloc[-1] == "all selected"
    assert {ham.NHS, ham.US_ALL, ham.US_MEDICARE} == set(cmp["system"])
    assert len(tables["caveats"]) >= 8


def test_run_writes_csvs_and_pngs(tmp_path, monkeypatch, tables):
    monkeypatch.setattr(ham, "ham_tables", lambda **_: tables)
    out = ham.run_ham_comparison(tmp_path)
    assert set(out) == set(tables)
    for name in ("comparison", "by_age_band", "decomposition", "caveats", "exclusions", "strata", "population"):
        assert (tmp_path / f"ham_{name}.csv").stat().st_size > 0
    for png in ("ham_bed_days_by_cause.png", "ham_ratios_forest.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = ham.format_report(tables)
    assert "Caveats" in text and "survey" in text


def test_no_nhds_record_lost_to_invalid_codes(tables):
    # 6,463 NHDS records have a 3-digit code with a '-' filler ("486-"); they must be counted, not excluded
    ex = tables["exclusions"]
    assert ex.loc[ex["reason"] == "invalid_code", "rows"].sum() == 0
    assert ex.loc[(ex["reason"] == "newborn") & (ex["system"] == ham.US_ALL), "rows"].sum() == 14092


def test_demo_main_runs_the_comparison_by_default(tmp_path, capsys, monkeypatch, tables):
    # `make demo` = `python -m kpcompare.report.demo --out output`; ham_tables is the module fixture (computed once)
    from kpcompare.report import demo

    monkeypatch.setattr(ham, "ham_tables", lambda **_: tables)
    assert demo.main(["--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    files = ham.output_files(tables)
    assert len(files) == len(tables) + 2
    for name in files:
        assert (tmp_path / name).stat().st_size > 0, name
    for png in ham.FIGURES.values():
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("england_chapters_*"))  # the chapters section runs only on request
    assert f"Written to {tmp_path.resolve()}" in printed
    # every caveat is printed in full (lines are wrapped, so compare with whitespace collapsed)
    flat = " ".join(printed.split())
    for topic, caveat in ham.CAVEATS:
        assert f"- {topic}: {' '.join(caveat.split())}" in flat
    for title in ("Table 1.", "Table 2.", "Table 3.", "Table 4.", "Summary", "Caveats:"):
        assert title in printed
    assert '"three and a half times that of Kaiser\'s standardised rate"' in flat  # Ham's headline, quoted
    # the ratios table puts each ratio under its own heading (admissions, ALOS, bed days)
    cmp = tables["comparison"]
    stroke = cmp[(cmp["condition"] == "stroke") & (cmp["system"] == ham.US_ALL)].set_index("measure")
    text = {m: f"{stroke.loc[m, 'ratio']:.2f} ({stroke.loc[m, 'ratio_lower']:.2f} to "
               f"{stroke.loc[m, 'ratio_upper']:.2f})" for m in ("admissions", "alos", "bed_days")}
    table2 = printed.split("Table 2.")[1].split("Table 3.")[0]
    line = next(row for row in table2.splitlines() if row.startswith("Stroke"))
    assert line.index(text["admissions"]) < line.index(text["alos"]) < line.index(text["bed_days"])
