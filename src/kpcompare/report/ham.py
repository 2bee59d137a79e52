"""The Ham-style comparison on bundled real data: NHS England 2000-01 against US hospitals 2010.

Ham et al (BMJ 2003;327:1257) compared the bed use of people aged 65+ for
leading causes in the NHS, Kaiser Permanente and Medicare.  This report redoes
that comparison with public data that anyone can re-run:

* **NHS England 2000-01** (the year Ham used): HES primary diagnosis, ICD-10
  4-character table (ungrossed), ONS mid-2000 population;
* **US all payers 2010** and **US Medicare-paid 2010**: the NHDS 2010
  public-use microdata (ICD-9-CM first-listed diagnosis, survey weights), US
  Census Bureau 1 July 2010 population;

for ages 60-74 and 75+ (the HES age bands), each leading cause of the bundled
condition sets, standardised to the English mid-2000 population.  Every rate
and interval comes from :func:`kpcompare.compare` / :func:`kpcompare.decompose`;
this module only builds the inputs and states the caveats.  Functions return
DataFrames; :func:`format_report` renders them as text (the only place numbers
are rounded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import datasets
from ..comparison import compare, decompose
from ..comparison.compare import ALL_SELECTED
from ._text import interval_text, p_text, plain_table, wrapped

__all__ = [
    "NHS", "US_ALL", "US_MEDICARE", "AGE_BANDS", "CAVEATS",
    "FIGURES", "nhs_strata", "us_strata", "ham_population", "ham_tables", "run_ham_comparison", "format_report",
    "output_files", "cause_label", "FIGURE_SOURCE", "FIGURE_WARNING",
]

NHS = "NHS England 2000-01"
US_ALL = "US all payers 2010"
US_MEDICARE = "US Medicare-paid 2010"
#: the HES age bands compared (the HES table has no finer ages)
AGE_BANDS = ("60-74", "75+")
_HES_AGE = {"60-74": "age_60_74", "75+": "age_75_plus"}
#: population series used for the US denominators
US_POPULATION_SERIES = "estimate_2010_jul1_v2019"
#: bundled condition sets (ICD-10 for HES, ICD-9-CM for the NHDS)
CONDITION_SET = "ham2003_leading_causes"

CAVEATS: list[tuple[str, str]] = [
    ("years", "Different years: NHS England is financial year 2000-01 (April 2000 - March 2001, the year "
              "Ham et al used); the US is calendar 2010 (the NHDS public file bundled). Hospital use fell in "
              "both countries over the decade, so the US-NHS ratios are not those of 2000."),
    ("age split", "HES age columns count finished consultant episodes (FCEs), while admissions (FAE) and "
                  "bed days are given only for all ages. For each ICD-10 4-character code, admissions and "
                  "bed days of band a = the code's total x FCE(a) / FCE(all ages). FCEs of unknown age "
                  "(about 0.1% for these causes) are assigned to no band (see the exclusions table). "
                  "This assumes that within a code admissions and bed days are spread over age like "
                  "episodes; longer stays in older people make the 75+ bed days an underestimate and the "
                  "60-74 ones an overestimate."),
    ("day cases", "NHS admissions exclude HES day cases (planned same-day admissions: fae - day_case per "
                  "code, floored at 0), because the NHDS covers inpatients only. Day cases have 0 bed days, "
                  "so bed days are unaffected; they lower NHS admission rates and raise NHS ALOS."),
    ("bed days", "Bed days count midnights. HES bed days do; the NHDS counts a same-day stay as 1 day of "
                 "care, so those stays are set to 0 (the 'nhds' mapping's rule); other NHDS stays are "
                 "unchanged. HES bed days are the table's per-code bed days summed over 4-character rows "
                 "(the published Total row is 1.2% below that sum; it is not used) and are episode-based: "
                 "they count every episode whose primary diagnosis is the code, whereas admissions count "
                 "first episodes."),
    ("diagnosis", "Causes are assigned from the HES primary diagnosis of the episode (ICD-10) and the NHDS "
                  "first-listed diagnosis (ICD-9-CM); the two codings and coding practices differ (e.g. US "
                  "hospitals rarely code angina as first-listed diagnosis after a cardiac catheterisation). "
                  "The NHDS writes 3-digit codes with a '-' filler ('486-' = 486, pneumonia); the 'nhds' "
                  "mapping reads them as the 3-digit code."),
    ("survey weights", "NHDS counts are survey-weighted national estimates. The public-use file has no "
                       "design variables (no hospital, PSU or stratum codes), so a full design-based variance "
                       "cannot be computed. US intervals use the with-replacement variance of each weighted "
                       "total, the sum of (weight x y)^2 over the stratum's records (y = 1 for admissions, the "
                       "stay's bed days for bed days), and for ALOS also the with-replacement covariance of "
                       "admissions and bed days, the sum of weight^2 x bed days over the records (ALOS interval: "
                       "delta method on the log scale with that covariance, i.e. the linearised variance of a "
                       "weighted mean of stays). This accounts for unequal weights, for the spread of lengths of "
                       "stay and for admissions and bed days coming from the same stays, but not for the "
                       "clustering of discharges within hospitals and PSUs, so US intervals are still too narrow. "
                       "NCHS's approximate relative standard errors for the NHDS (generalised variance curves) "
                       "are not bundled and not used."),
    ("poisson", "NHS intervals treat admissions as independent Poisson events and bed days as Poisson "
                "counts (variance = bed days), because the HES tables give no person ids and no lengths of "
                "individual stays; repeat admissions of one person make the admission intervals too narrow, and "
                "days cluster within stays, so the NHS bed-day intervals are too narrow by a factor of roughly "
                "the square root of mean(stay^2) / mean(stay), at least the square root of the ALOS. For "
                "the same reason the NHS ALOS interval takes the covariance of admissions and bed days as 0 "
                "(delta method on the log scale with Poisson variances): the Poisson bed-day variance narrows "
                "it, the zero covariance widens it, so it is only indicative (see kpcompare.compare)."),
    ("medicare", "US Medicare-paid counts stays whose expected principal payer is Medicare (NHDS "
                 "payor_primary), per US resident of the same age: a rate of Medicare-financed hospital use "
                 "in the population, not a rate per beneficiary. From 65 almost everyone is entitled to "
                 "Medicare, so at 75+ it approximates use by the Medicare population; at 60-74 it does not "
                 "(people aged 60-64 are covered only through disability or end-stage renal disease). "
                 "Whether Medicare Advantage stays are reported as 'Medicare' or 'HMO or PPO' in the NHDS is "
                 "not documented in the bundled file."),
    ("coverage", "HES 2000-01 counts NHS hospitals only (ungrossed: no adjustment for incomplete "
                 "coverage); the NHDS covers US non-federal short-stay hospitals, so VA and military "
                 "hospital stays are missing from the numerator while the population includes everyone. "
                 "Newborn records are excluded (no one is 60+)."),
    ("sex", "The HES table has no sex split by age, so all systems are compared on age-only strata "
            "(60-74, 75+), standardised to the English mid-2000 population of those bands."),
    ("population", "Denominators: ONS mid-2000 estimates for England; US Census Bureau 1 July 2010 "
                   "estimates (vintage 2019), the mid-year matching a calendar-year count as mid-2000 matches "
                   "2000-01; the 1 April 2010 census counts are 0.8% (60-74) and 0.4% (75+) lower."),
]


def _condition_sets() -> tuple[Any, Any]:
    from ..conditions import condition_set

    return condition_set(CONDITION_SET, coding="icd10"), condition_set(CONDITION_SET, coding="icd9cm")


def nhs_strata(icd10: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NHS England 2000-01 strata (age band x cause) from the HES 4-character primary diagnosis table.

    Parameters
    ----------
    icd10 : kpcompare.ConditionSet, optional
        ICD-10 condition set (default: the bundled Ham 2003 set).

    Returns
    -------
    (strata, exclusions)
        ``strata``: ``system, age_band, condition, admissions, bed_days`` (fractional: apportioned
        estimates, see :data:`CAVEATS` "age split" and "day cases"). ``exclusions``: ``system, reason,
        rows, admissions, bed_days`` - what the selected causes lose (unknown age, blank cells).
    """
    if icd10 is None:
        icd10 = _condition_sets()[0]
    hes = datasets.hes_primary_diagnosis(year="2000-01", level="4char")
    hes = hes.assign(condition=icd10.classify(hes["code4"].to_numpy(object)))
    sel = hes[hes["condition"] != "other"].copy()
    ordinary = (sel["fae"].fillna(0) - sel["day_case"].fillna(0)).clip(lower=0)
    fce = sel["fce"].to_numpy(float)
    parts = []
    excl = []
    blank = sel["fce"].isna() | sel["fae"].isna() | sel["bed_days"].isna() | ~(sel["fce"] > 0)
    if blank.any():
        excl.append((NHS, "fce, fae or bed days blank or zero in the HES table", int(blank.sum()),
                     float(ordinary[blank].sum()), float(sel.loc[blank, "bed_days"].fillna(0).sum())))
    known = np.zeros(len(sel))
    for band, col in _HES_AGE.items():
        share = np.where(blank, 0.0, sel[col].fillna(0).to_numpy(float) / np.where(fce > 0, fce, 1.0))
        known += share
        parts.append(pd.DataFrame({
            "system": NHS, "age_band": band, "condition": sel["condition"].to_numpy(object),
            "admissions": ordinary.to_numpy(float) * share,
            "bed_days": sel["bed_days"].fillna(0).to_numpy(float) * share,
        }))
    other_ages = sel[["age_0_14", "age_15_59"]].fillna(0).sum(axis=1).to_numpy(float)
    unknown = np.where(blank, 0.0, np.clip(1.0 - known - other_ages / np.where(fce > 0, fce, 1.0), 0, None))
    excl.append((NHS, "FCEs of unknown age (share not apportioned to any band)", int((unknown > 0).sum()),
                 float((ordinary.to_numpy(float) * unknown).sum()),
                 float((sel["bed_days"].fillna(0).to_numpy(float) * unknown).sum())))
    excl.append((NHS, "day cases removed from admissions (not inpatients)", int((sel["day_case"] > 0).sum()),
                 float((sel["fae"].fillna(0) - ordinary).sum()), 0.0))
    strata = pd.concat(parts, ignore_index=True)
    strata = strata.groupby(["system", "age_band", "condition"], sort=False,
                            observed=True)[["admissions", "bed_days"]].sum().reset_index()
    exclusions = pd.DataFrame(excl, columns=["system", "reason", "rows", "admissions", "bed_days"])
    return strata, exclusions


def us_strata(icd9cm: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """US 2010 strata (all payers and Medicare-paid) from the NHDS public-use microdata.

    Returns
    -------
    (strata, exclusions)
        ``strata``: ``system, age_band, condition, admissions, bed_days`` (sample counts: records and
        their days), ``weighted_admissions, weighted_bed_days`` (national estimates),
        ``admissions_variance, bed_days_variance`` (with-replacement variances of the estimates,
        :math:`\\sum_j (w_j y_j)^2` over the records j of the stratum) and
        ``admissions_bed_days_covariance`` (their with-replacement covariance :math:`\\sum_j w_j^2 d_j`,
        d = the stay's bed days; see :data:`CAVEATS`).
        ``exclusions``: ``system, reason, rows, admissions, bed_days`` (weighted).
    """
    from ..engine import aggregate
    from ..extract import read_episodes

    if icd9cm is None:
        icd9cm = _condition_sets()[1]
    raw = datasets.nhds2010()
    systems = {US_ALL: raw, US_MEDICARE: raw[raw["payor_primary"] == "Medicare"]}
    strata, excl = [], []
    keys = ["system", "age_band", "condition"]

    def run(frame: pd.DataFrame, name: str) -> Any:
        extract = read_episodes(frame, mapping="nhds", constants={"system": name})
        return aggregate(extract, by=keys, age_bands=[0, 60, 75], conditions=icd9cm, weights="weight",
                         newborns="exclude", bed_days="midnights", progress=False)

    for name, frame in systems.items():
        agg = run(frame, name)
        # with-replacement variance of each weighted total, sum_j (w_j y_j)^2 (y = 1 for admissions, the
        # stay's bed days for bed days): the same aggregation of squared weights and squared days of care
        # (a same-day stay still counts 0 bed days); and their covariance sum_j w_j^2 x days_j: squared
        # weights, days unchanged
        squared = run(frame.assign(weighting=frame["weighting"] ** 2, care_days=frame["care_days"] ** 2), name)
        variance = squared.strata[[*keys, "weighted_admissions", "weighted_bed_days"]].rename(
            columns={"weighted_admissions": "admissions_variance", "weighted_bed_days": "bed_days_variance"})
        cross = run(frame.assign(weighting=frame["weighting"] ** 2), name).strata[[*keys, "weighted_bed_days"]]
        variance = variance.merge(cross.rename(columns={"weighted_bed_days": "admissions_bed_days_covariance"}),
                                  on=keys, how="left", validate="one_to_one")
        strata.append(agg.strata.merge(variance, on=keys, how="left", validate="one_to_one"))
        excl.append(agg.exclusions.assign(system=name))
    strata_all = pd.concat(strata, ignore_index=True)
    strata_all["system"] = strata_all["system"].astype(object)
    strata_all["age_band"] = strata_all["age_band"].astype(str)
    strata_all["condition"] = strata_all["condition"].astype(object)
    return strata_all, pd.concat(excl, ignore_index=True)


def ham_population() -> pd.DataFrame:
    """Populations ``system, age_band, population`` for the three systems (both sexes, 60-74 and 75+)."""
    eng = datasets.england_population(year=2000, bands="hes")
    eng = eng.groupby("age_band", sort=False, observed=True)["population"].sum()
    us = datasets.us_population(bands="single", series=US_POPULATION_SERIES)
    ages = us["age_lo"].to_numpy(int)
    us_band = np.where(ages >= 75, "75+", np.where(ages >= 60, "60-74", "under 60"))
    us = us.assign(age_band=us_band).groupby("age_band", observed=True)["population"].sum()
    rows = []
    for band in AGE_BANDS:
        rows.append((NHS, band, float(eng[band])))
        rows.append((US_ALL, band, float(us[band])))
        rows.append((US_MEDICARE, band, float(us[band])))
    return pd.DataFrame(rows, columns=["system", "age_band", "population"])


def ham_tables(*, confidence: float = 0.95, multiplier: float = 1000) -> dict[str, pd.DataFrame]:
    """All tables of the comparison (no files written).

    Returns
    -------
    dict of DataFrames
        ``comparison`` (:func:`kpcompare.compare`, reference and standard NHS England 2000-01, ages 60+),
        ``by_age_band`` (the same within 60-74 and within 75+, column ``age_band`` after ``condition``;
        at 75+ the Medicare-paid rates approximate the Medicare population's),
        ``decomposition`` (:func:`kpcompare.decompose` of each US system against the NHS), ``strata``,
        ``population``, ``exclusions`` and ``caveats`` (``topic, caveat``).
    """
    icd10, icd9 = _condition_sets()
    nhs, nhs_excl = nhs_strata(icd10)
    us, us_excl = us_strata(icd9)
    strata = pd.concat([nhs, us], ignore_index=True)
    pop = ham_population()
    levels = [g for g in icd10.groups if g in set(strata["condition"])]
    kw = dict(population=pop, standard=NHS, by="condition", age_range=(60, None), levels=levels)
    comparison = compare(strata, reference=NHS, confidence=confidence, multiplier=multiplier, **kw)
    decomposition = decompose(strata, reference=NHS, multiplier=multiplier, **kw)
    bands = []
    for band, ages in (("60-74", (60, 74)), ("75+", (75, None))):
        one = compare(strata, reference=NHS, confidence=confidence, multiplier=multiplier,
                      **{**kw, "age_range": ages})
        one.insert(2, "age_band", band)
        bands.append(one)
    return {
        "comparison": comparison,
        "by_age_band": pd.concat(bands, ignore_index=True),
        "decomposition": decomposition,
        "strata": strata,
        "population": pop,
        "exclusions": pd.concat([nhs_excl, us_excl], ignore_index=True)[
            ["system", "reason", "rows", "weighted_rows", "admissions", "bed_days"]],
        "caveats": pd.DataFrame(CAVEATS, columns=["topic", "caveat"]),
    }


#: the two figures :func:`run_ham_comparison` writes
FIGURES = {"bed_days": "ham_bed_days_by_cause.png", "forest": "ham_ratios_forest.png"}
#: the source line of the figures
FIGURE_SOURCE = ("HES 2000-01 (NHS Digital) and ONS mid-2000 population; NHDS 2010 public-use file (NCHS) and "
                 "US Census Bureau 2010 population")
#: drawn on the figures: the US intervals are too narrow (CAVEATS "survey weights"; the NHS ones say so in their
#: notes, which the figures read themselves)
FIGURE_WARNING = ("US intervals are too narrow: the NHDS public-use file has no design variables, so the "
                  "clustering of stays within hospitals is ignored (see the caveats).")

#: how causes are printed (tables and CSV files keep the condition-set group names)
CAUSE_LABELS = {
    "bronchitis_copd": "Bronchitis/COPD",
    "acute_myocardial_infarction": "Acute myocardial infarction (AMI)",
    "urinary_tract_infection": "Urinary tract infection",
    "fractured_neck_of_femur": "Fractured neck of femur",
}


def cause_label(values: pd.Series, n_causes: int | None = None) -> pd.Series:
    """Display names of causes: ``"heart_failure"`` -> ``"Heart failure"``, the total -> ``"All N causes"``."""
    def one(v: Any) -> str:
        if v == ALL_SELECTED:
            return f"All {n_causes} causes" if n_causes else "All selected causes"
        text = CAUSE_LABELS.get(str(v), str(v).replace("_", " "))
        return text[:1].upper() + text[1:]
    return pd.Series([one(v) for v in values], index=values.index, dtype=object)


def _for_display(table: pd.DataFrame) -> pd.DataFrame:
    causes = [c for c in pd.unique(table["condition"]) if c != ALL_SELECTED]
    return table.assign(condition=cause_label(table["condition"], len(causes)))


def output_files(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Names of the files :func:`run_ham_comparison` writes for ``tables``."""
    return [f"ham_{name}.csv" for name in tables] + list(FIGURES.values())


def run_ham_comparison(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Run the comparison, write every table as CSV and two PNG figures to ``out_dir``; return the tables.

    Files (:func:`output_files`): ``ham_comparison.csv``, ``ham_by_age_band.csv``, ``ham_decomposition.csv``,
    ``ham_strata.csv``, ``ham_population.csv``, ``ham_exclusions.csv``, ``ham_caveats.csv``,
    ``ham_bed_days_by_cause.png`` (grouped bars of standardised bed days per 1,000 by cause and system, with
    95% intervals) and ``ham_ratios_forest.png`` (ratios to the NHS with 95% intervals).  The CSV files hold
    full-precision numbers and the condition-set group names; the figures use display names.
    """
    from .. import plots

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = ham_tables()
    for name, table in tables.items():
        table.to_csv(out / f"ham_{name}.csv", index=False)
    cmp = _for_display(tables["comparison"])
    plots.bed_days_bars(cmp, measure="bed_days", path=out / FIGURES["bed_days"],
                        title="Bed days per 1,000 aged 60+ (standardised to England mid-2000), by cause; "
                              "95% intervals", source=FIGURE_SOURCE, warning=FIGURE_WARNING)
    plots.ratio_forest(cmp, path=out / FIGURES["forest"],
                       title=f"Ratios to {NHS} (standardised, ages 60+), 95% intervals", source=FIGURE_SOURCE,
                       warning=FIGURE_WARNING)
    return tables


def _first_only(values: pd.Series) -> pd.Series:
    """Blank a repeated value on the rows after its first (a grouped look for printed tables)."""
    return values.where(values.ne(values.shift()), "")


def _by_cause(table: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by cause (in order of appearance), systems in order within each cause."""
    order = {c: i for i, c in enumerate(dict.fromkeys(table["condition"]))}
    return table.iloc[np.argsort(table["condition"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)


def _wide(table: pd.DataFrame, index: list[str], column: str, levels: list[Any],
          cells: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per ``index`` (in order of appearance), one column per (level of ``column``, cell name)."""
    frame = table[index + [column]].assign(**cells)
    wide = frame.pivot(index=index, columns=column, values=list(cells))
    wide = wide.reindex(pd.MultiIndex.from_frame(table[index].drop_duplicates()))
    return wide[[(cell, level) for level in levels for cell in cells]].reset_index()


def format_report(tables: dict[str, pd.DataFrame]) -> str:
    """A readable text rendering of :func:`ham_tables` output (the only place numbers are rounded).

    Four tables (rates; ratios to the NHS with p-values; bed days by age band; the decomposition), a summary of
    the total over the selected causes, and the caveats.  Values in brackets are 95% confidence intervals (the
    first confidence level of the tables).
    """
    level = tables["comparison"]["confidence"].iloc[0]
    cmp = tables["comparison"]
    cmp = _by_cause(_for_display(cmp[cmp["confidence"] == level].reset_index(drop=True)))
    pct = f"{level:.0%}"
    lines = [*_introduction(tables["population"], pct), ""]
    lines += _rates_table(cmp)
    lines += _ratios_table(cmp, pct)
    if tables.get("by_age_band") is not None:
        lines += _age_band_table(tables["by_age_band"], level, pct)
    lines += _decomposition_table(tables["decomposition"])
    lines += ["Summary (all selected causes, ages 60+, standardised):", *_summary(tables, level), ""]
    lines += ["Caveats:", *wrapped((f"{topic}: {text}" for topic, text in
                                    tables["caveats"][["topic", "caveat"]].itertuples(index=False)),
                                   bullet="- ")]
    return "\n".join(lines)


def _introduction(pop: pd.DataFrame, pct: str) -> list[str]:
    """What the rates are: the standard's weights, the interval level, the rounding."""
    ref_pop = pop[pop["system"] == NHS].set_index("age_band")["population"]
    weights = ", ".join(f"{band} {ref_pop[band] / ref_pop.sum():.1%}" for band in ref_pop.index)
    return wrapped([
        "Rates per 1,000 population, directly standardised to the population of England mid-2000 aged 60-74 "
        f"and 75+ (weights {weights}); ALOS = standardised bed days / standardised admissions. In brackets: "
        f"{pct} confidence intervals. Rounded for display only; the CSV files hold full precision.",
    ])


def _rates_table(cmp: pd.DataFrame) -> list[str]:
    """Table 1: admissions, ALOS and bed days per system and cause, with their intervals."""

    def rates(measure: str, digits: int) -> pd.Series:
        sub = cmp[cmp["measure"] == measure].reset_index(drop=True)
        return interval_text(sub["value"], sub["lower"], sub["upper"], digits)

    keys = cmp[cmp["measure"] == "admissions"][["condition", "system"]].reset_index(drop=True)
    t1 = pd.DataFrame({
        "cause": _first_only(keys["condition"]), "system": keys["system"],
        "admissions per 1,000": rates("admissions", 2),
        "ALOS, days": rates("alos", 1),
        "bed days per 1,000": rates("bed_days", 1),
    })
    return ["Table 1. Admissions, average length of stay (ALOS) and bed days, ages 60+, standardised",
            plain_table(t1), ""]


def _ratios_table(cmp: pd.DataFrame, pct: str) -> list[str]:
    """Table 2: each system's ratios to the NHS (admissions, ALOS, bed days) with p-values."""
    other = cmp[cmp["system"] != NHS]
    cells = {"ratio": interval_text(other["ratio"], other["ratio_lower"], other["ratio_upper"], 2),
             "p": p_text(other["p_value"])}
    measures = {"admissions": "admissions", "alos": "ALOS", "bed_days": "bed days"}
    t2 = _wide(other, ["condition", "system"], "measure", list(measures), cells)
    t2.columns = ["cause", "system"] + [f"{name} {what}" for name in measures.values()
                                        for what in (f"ratio ({pct} CI)", "p")]
    t2["cause"] = _first_only(t2["cause"])
    return [f"Table 2. Ratios to {NHS} (system / NHS), standardised; p: test of ratio = 1",
            plain_table(t2), ""]


def _age_band_table(band: pd.DataFrame, level: float, pct: str) -> list[str]:
    """Table 3: bed days per 1,000 within each age band, and each system's ratio to the NHS."""
    band = band[(band["measure"] == "bed_days") & (band["confidence"] == level)].reset_index(drop=True)
    band = _by_cause(_for_display(band))
    cells = {"rate": band["value"].map(lambda v: "NA" if pd.isna(v) else f"{v:,.1f}"),
             "ratio": interval_text(band["ratio"], band["ratio_lower"], band["ratio_upper"], 2)
             .where(band["system"] != NHS, "")}
    names = list(dict.fromkeys(band["age_band"]))
    t3 = _wide(band, ["condition", "system"], "age_band", names, cells)
    t3.columns = ["cause", "system"] + [f"{b} {what}" for b in names
                                        for what in ("per 1,000", f"ratio ({pct} CI)")]
    t3["cause"] = _first_only(t3["cause"])
    return ["Table 3. Bed days per 1,000 within each age band, and ratio to the NHS",
            plain_table(t3, right=[c for c in t3.columns if c.endswith("per 1,000")]), ""]


def _decomposition_table(dec: pd.DataFrame) -> list[str]:
    """Table 4: the gap in standardised bed days split into admission-rate and length-of-stay parts."""
    dec = _by_cause(_for_display(dec[dec["age_band"] == "standardised"].reset_index(drop=True)))
    t4 = pd.DataFrame({
        "cause": _first_only(dec["condition"]), "system": dec["system"],
        "bed days per 1,000": dec["bed_day_rate"].map("{:,.1f}".format),
        "NHS": dec["reference_bed_day_rate"].map("{:,.1f}".format),
        "gap": dec["gap"].map("{:+,.1f}".format),
        "due to admission rate": dec["admission_component"].map("{:+,.1f}".format),
        "due to length of stay": dec["los_component"].map("{:+,.1f}".format),
    })
    return [*wrapped(["Table 4. Decomposition of the gap in standardised bed days per 1,000 (system - NHS) "
                      "into an admission-rate and a length-of-stay component (Kitagawa 1955; they sum to the "
                      "gap)"]),
            plain_table(t4, right=list(t4.columns[2:])), ""]


def _summary(tables: dict[str, pd.DataFrame], level: float) -> list[str]:
    """The total over the selected causes in words, with Ham et al's published headline for context."""
    cmp = tables["comparison"]
    tot = cmp[(cmp["condition"] == ALL_SELECTED) & (cmp["confidence"] == level)].set_index(["system", "measure"])
    dec = tables["decomposition"]
    dec = dec[(dec["condition"] == ALL_SELECTED) & (dec["age_band"] == "standardised")].set_index("system")
    nhs = tot.loc[(NHS, "bed_days")]
    notes = []
    for system in [s for s in dict.fromkeys(cmp["system"]) if s != NHS]:
        bed, adm, alos = (tot.loc[(system, m)] for m in ("bed_days", "admissions", "alos"))
        d = dec.loc[system]
        notes.append(
            f"{system}: {bed['value']:,.0f} bed days per 1,000 against {nhs['value']:,.0f} in the NHS, ratio "
            f"{bed['ratio']:.2f} ({bed['ratio_lower']:.2f} to {bed['ratio_upper']:.2f}; NHS / {system} = "
            f"{1 / bed['ratio']:.2f}); admissions ratio {adm['ratio']:.2f}, ALOS ratio {alos['ratio']:.2f}. "
            f"Of the gap of {d['gap']:+,.0f} bed days per 1,000, {d['admission_component']:+,.0f} is due to the "
            f"admission rate and {d['los_component']:+,.0f} to length of stay.")
    published = datasets.published("ham2003_headline_ratios")
    published = published[published["metric"].str.startswith("bed days")]
    if len(published):
        quoted = [f'"{r.statement_verbatim}"' for r in published.itertuples()]
        quoted = ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]
        notes.append("For context, Ham et al (ages over 65, NHS 2000-01, their 11 causes) found the NHS's "
                     f"standardised bed days {quoted} (data/published/ham2003_headline_ratios.csv). Not "
                     "comparable one to one: other years, ages, cause definitions and US systems.")
    return wrapped(notes, bullet="- ")
