"""Avoidable admissions on bundled real data: emergency admissions for ambulatory care sensitive conditions.

The Department of Health's lesson from Kaiser Permanente was "keeping patients out of hospital"; the usual
measure is the rate of emergency admissions for ambulatory care sensitive conditions (ACSCs).  This report
puts side by side, standardised to the English mid-2000 population:

* **NHS England 2000-01**: the NHS Institute's 19 ACSCs (``acsc_nhs19``) read on the HES primary-diagnosis
  table (ICD-10 4-character codes; emergency admissions), which has no secondary diagnoses, procedures or
  admission methods per record, so only the primary-diagnosis part of the rules can be applied (listed in the
  ``applicability`` table);
* **US all payers 2010**: Billings' ACSCs (``acsc_billings_icd9cm``) applied in full to the NHDS 2010
  microdata (all diagnoses, procedures, age), emergency and urgent admissions, survey-weighted.

Every rate and interval comes from :func:`kpcompare.compare`; this module only builds the inputs and states
the caveats.  :func:`format_report` renders the tables as text (the only place numbers are rounded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import datasets
from ..comparison import compare
from ..comparison.compare import ALL_SELECTED
from ._text import interval_text, plain_table

__all__ = ["NHS", "US", "NHS_SET", "US_SET", "AGE_BANDS", "CAVEATS", "ALL_ACSC", "nhs_strata", "us_strata",
           "acsc_population", "acsc_tables", "run_acsc_comparison", "format_report"]

NHS = "NHS England 2000-01"
US = "US all payers 2010"
#: the condition sets of each system
NHS_SET, US_SET = "acsc_nhs19", "acsc_billings_icd9cm"
#: the HES age bands (the HES table has no finer ages)
AGE_BANDS = ("0-14", "15-59", "60-74", "75+")
_HES_AGE = {"0-14": "age_0_14", "15-59": "age_15_59", "60-74": "age_60_74", "75+": "age_75_plus"}
#: NHDS admission types counted as emergency admissions
US_EMERGENCY = ("emergency", "urgent")
#: label of the total of every group of a system's own set
ALL_ACSC = "all_acsc_own_set"
US_POPULATION_SERIES = "estimate_2010_jul1_v2019"

CAVEATS: list[tuple[str, str]] = [
    ("definitions", "The two systems use different published ACSC definitions: the NHS Institute's 19 "
                    "conditions (ICD-10) for England, Billings' list (ICD-9-CM) for the US. The per-condition "
                    "table compares only the conditions both lists name alike, and their definitions still "
                    "differ in detail (data/conditions/SOURCES.md); the totals table compares each system's "
                    "whole list."),
    ("any position (US)", "Billings counts dehydration (276.5), iron deficiency anaemia (ages 0-5) and nutritional "
                          "deficiencies in any diagnosis position, the NHS Institute list as primary diagnosis "
                          "only; so those US rates count many admissions for other causes, and their ratios "
                          "are not like for like."),
    ("rules not applied (England)", "The HES table gives counts per primary diagnosis only: no secondary "
                                    "diagnoses, procedures, ages per record or admission methods per record. "
                                    "So for England the procedure exclusions (angina, heart failure, "
                                    "hypertension, cellulitis) and the sickle-cell exclusion of pneumonia are "
                                    "not applied (rates too high); COPD admissions with primary J20 are left "
                                    "out (they need a secondary J41-J44/J47: too low); diabetes complications, "
                                    "influenza and pneumonia, other vaccine-preventable conditions and "
                                    "gangrene count any diagnosis position in the definition but only the "
                                    "primary here (too low). See acsc_applicability.csv, rule by rule."),
    ("emergency", "England: the HES 'emergency' column (emergency admissions, all ages, per code). US: NHDS "
                  "admission type 'emergency' or 'urgent' (UB-04 types 1 and 2); the other NHDS discharges are "
                  "in the exclusions table. The two are not the same administrative category."),
    ("age split", "HES age columns count finished consultant episodes (FCEs) of every admission method; "
                  "emergency admissions are given for all ages only. For each ICD-10 code, emergency admissions "
                  "of band a = the code's emergency admissions x FCE(a) / FCE(all ages) (as in the Ham "
                  "section); FCEs of unknown age go to no band (exclusions table)."),
    ("years and coding", "England is financial year 2000-01 (ICD-10, HES), the US calendar 2010 (ICD-9-CM, "
                         "NHDS); coding practice differs between the countries and the decade."),
    ("survey weights", "US counts are survey-weighted national estimates with the with-replacement variance "
                       "of each weighted total (sum of squared weights); the public file has no design "
                       "variables, so US intervals are too narrow (see the Ham section's caveats)."),
    ("unit", "HES counts admissions (first episodes of emergency spells); the NHDS counts discharges. "
             "Neither links a person's admissions, so intervals treat admissions as independent Poisson events."),
]


def nhs_strata() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """England 2000-01 emergency ACSC admissions by HES age band and condition (``acsc_nhs19``, primary reading).

    Returns
    -------
    (strata, exclusions, applicability)
        ``strata``: ``system, age_band, condition, admissions`` (fractional: apportioned by the FCE age
        split, see :data:`CAVEATS`); ``exclusions``: ``system, reason, rows, admissions``; ``applicability``:
        ``group, rule, column, applied`` of :meth:`ConditionRules.applicability` for a primary-diagnosis table.
    """
    from ..conditions import condition_set

    rules = condition_set(NHS_SET)
    hes = datasets.hes_primary_diagnosis(year="2000-01", level="4char")
    hes = hes.assign(condition=rules.primary_reading().classify(hes["code4"].to_numpy(object)))
    sel = hes[hes["condition"] != "other"]
    emergency = sel["emergency"].fillna(0).to_numpy(float)
    fce = sel["fce"].fillna(0).to_numpy(float)
    blank = ~(fce > 0)
    parts, known = [], np.zeros(len(sel))
    for band, column in _HES_AGE.items():
        share = np.where(blank, 0.0, sel[column].fillna(0).to_numpy(float) / np.where(blank, 1.0, fce))
        known += share
        parts.append(pd.DataFrame({"system": NHS, "age_band": band, "condition": sel["condition"].to_numpy(object),
                                   "admissions": emergency * share}))
    strata = pd.concat(parts, ignore_index=True).groupby(["system", "age_band", "condition"], sort=False,
                                                         as_index=False, observed=True)["admissions"].sum()
    unknown = np.clip(1.0 - known, 0, None)
    exclusions = pd.DataFrame([
        (NHS, "emergency admissions of unknown age (share of FCEs in no age column)", int((unknown > 0).sum()),
         float((emergency * unknown).sum())),
        (NHS, "codes with no FCEs or a blank FCE cell", int(blank.sum()), float(emergency[blank].sum())),
    ], columns=["system", "reason", "rows", "admissions"])
    applicability = rules.applicability(["primary_diagnosis"])
    return strata, exclusions, applicability


def us_strata() -> tuple[pd.DataFrame, pd.DataFrame]:
    """US 2010 emergency ACSC discharges by age band and condition (``acsc_billings_icd9cm``, full rules).

    Returns
    -------
    (strata, exclusions)
        ``strata``: ``system, age_band, condition, admissions`` (sample), ``weighted_admissions``,
        ``weighted_bed_days`` (which :func:`kpcompare.compare` needs to read the strata as weighted; not
        reported) and ``admissions_variance`` (with-replacement, :math:`\\sum_j w_j^2`); ``exclusions``: the engine's
        exclusions (``reason, rows, weighted_rows``) with ``system``.
    """
    from ..conditions import condition_set
    from ..engine import aggregate
    from ..extract import read_episodes

    rules = condition_set(US_SET)
    raw = datasets.nhds2010()
    keys = ["system", "age_band", "condition"]

    def run(frame: pd.DataFrame) -> Any:
        extract = read_episodes(frame, mapping="nhds", constants={"system": US})
        return aggregate(extract, by=keys, age_bands=[0, 15, 60, 75], conditions=rules, weights="weight",
                         newborns="exclude", where={"admission_method": list(US_EMERGENCY)}, progress=False)

    result = run(raw)
    squared = run(raw.assign(weighting=raw["weighting"] ** 2)).strata[[*keys, "weighted_admissions"]]
    strata = result.strata[[*keys, "admissions", "weighted_admissions", "weighted_bed_days"]].merge(
        squared.rename(columns={"weighted_admissions": "admissions_variance"}), on=keys, validate="one_to_one")
    for column in keys:
        strata[column] = strata[column].astype(str).astype(object)
    return strata, result.exclusions.assign(system=US)


def acsc_population() -> pd.DataFrame:
    """``system, age_band, population``: England mid-2000 (ONS) and US 1 July 2010 (Census Bureau), HES bands."""
    eng = (datasets.england_population(year=2000, bands="hes")
           .groupby("age_band", sort=False, observed=True)["population"].sum())
    us = datasets.us_population(bands="single", series=US_POPULATION_SERIES)
    ages = us["age_lo"].to_numpy(int)
    band = np.select([ages >= 75, ages >= 60, ages >= 15], ["75+", "60-74", "15-59"], default="0-14")
    us = us.assign(age_band=band).groupby("age_band", observed=True)["population"].sum()
    rows = [(system, b, float(pop[b])) for b in AGE_BANDS for system, pop in ((NHS, eng), (US, us))]
    return pd.DataFrame(rows, columns=["system", "age_band", "population"])


def acsc_tables(*, confidence: float = 0.95, multiplier: float = 100_000) -> dict[str, pd.DataFrame]:
    """All tables of the section (no files written).

    Returns
    -------
    dict of DataFrames
        ``comparison`` (:func:`kpcompare.compare` of the conditions both sets name alike, reference and
        standard NHS England 2000-01, all ages), ``totals`` (each system's whole set as one level),
        ``strata``, ``population``, ``exclusions``, ``applicability`` and ``caveats``.
    """
    from ..conditions import condition_set

    nhs, nhs_excl, applicability = nhs_strata()
    us, us_excl = us_strata()
    strata = pd.concat([nhs, us], ignore_index=True)
    # compare() checks a bed_days column but measures="admissions" does not read it; HES gives bed days of all
    # admission methods, not of emergency admissions, so this section reports none (placeholder 0, not written)
    inputs = strata.assign(bed_days=0.0)
    strata = strata.drop(columns="weighted_bed_days")
    pop = acsc_population()
    common = [g for g in condition_set(NHS_SET).groups if g in set(condition_set(US_SET).groups)]
    kw = dict(population=pop, standard=NHS, reference=NHS, by="condition", measures="admissions",
              confidence=confidence, multiplier=multiplier)
    comparison = compare(inputs, levels=common, **kw)
    own = inputs.assign(condition=np.where(inputs["condition"] == "other", "other", ALL_ACSC))
    totals = compare(own, levels=[ALL_ACSC], **kw)
    totals = totals[totals["condition"] == ALL_ACSC].reset_index(drop=True)
    exclusions = pd.concat([nhs_excl, us_excl], ignore_index=True)
    return {"comparison": comparison, "totals": totals, "strata": strata, "population": pop,
            "exclusions": exclusions, "applicability": applicability,
            "caveats": pd.DataFrame(CAVEATS, columns=["topic", "caveat"])}


def run_acsc_comparison(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Run the section and write every table as ``acsc_<name>.csv`` in ``out_dir``; return the tables."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = acsc_tables()
    for name, table in tables.items():
        table.to_csv(out / f"acsc_{name}.csv", index=False)
    return tables


def format_report(tables: dict[str, pd.DataFrame]) -> str:
    """The section as text: standardised emergency ACSC admission rates per 100,000 and ratios to the NHS."""
    def ci(row: pd.Series, names: tuple[str, str, str], digits: int) -> str:
        return interval_text(*(pd.Series([row[n]]) for n in names), digits).iloc[0]

    def rows(table: pd.DataFrame) -> pd.DataFrame:
        wide = []
        for condition, part in table.groupby("condition", sort=False, observed=True):
            nhs = part[part["system"] == NHS].iloc[0]
            us = part[part["system"] == US].iloc[0]
            wide.append({
                "condition": "all conditions above" if condition == ALL_SELECTED else str(condition),
                f"{NHS} per 100,000 (95% CI)": ci(nhs, ("value", "lower", "upper"), 1),
                f"{US} per 100,000 (95% CI)": ci(us, ("value", "lower", "upper"), 1),
                "US / NHS (95% CI)": ci(us, ("ratio", "ratio_lower", "ratio_upper"), 2),
            })
        return pd.DataFrame(wide)

    not_applied = tables["applicability"]
    lost = not_applied[~not_applied["applied"] & (not_applied["rule"] != "admission_methods")]
    lines = [
        "Emergency admissions for ambulatory care sensitive conditions, all ages, standardised to the English "
        "mid-2000 population (HES age bands), per 100,000:",
        plain_table(rows(tables["comparison"])),
        "",
        "Each system's whole ACSC list (England: NHS Institute's 19; US: Billings):",
        plain_table(rows(tables["totals"])),
        "",
        "Rules of acsc_nhs19 that the HES primary-diagnosis table cannot apply: "
        + "; ".join(f"{g}: {', '.join(part['rule'])}"
                    for g, part in lost.groupby("group", sort=False, observed=True)) + ".",
    ]
    return "\n".join(lines)
