"""The main job on bundled real data: ``python -m kpcompare.report.demo --out DIR``.

``make demo`` runs the same Ham-style comparison through ``kpcompare run ham`` (the shipped configuration
``kpcompare/run/configs/ham.toml``), which writes the same CSV files and also Markdown, LaTeX, SVG and
provenance; :func:`ham_summary` is the text both print.

The demo is a list of sections (:data:`SECTIONS`).  Each section computes its tables with a library function
(no statistics here), writes them (CSV, and PNG figures) into the output folder and returns the text to print.
By default only the main job runs, the Ham-style comparison (``--section ham``); the foundation's England
by ICD-10 chapter tables are kept as ``--section england_chapters`` and the avoidable-admissions (ACSC)
comparison is ``--section acsc`` (``--section all`` runs every section).  Add a
section by appending a :class:`Section` to :data:`SECTIONS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._text import interval_text as _interval
from ._text import plain_table as _table
from ._text import wrapped

if TYPE_CHECKING:
    from .england_chapters import ChapterRates

__all__ = ["Section", "SECTIONS", "main", "ham_section", "ham_notes", "ham_summary", "england_chapters_section",
           "acsc_section"]


@dataclass(frozen=True)
class Section:
    """One part of the demo: ``run(out_dir)`` writes its CSV files and returns the text to print."""

    name: str
    title: str
    run: Callable[[Path], str]
    #: run when no ``--section`` is given
    default: bool = True


# ----------------------------------------------------------------------------------------- presentation


def _write(tables: dict[str, pd.DataFrame], out: Path, prefix: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = out / f"{prefix}_{name}.csv"
        table.to_csv(path, index=False)
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------------------- sections


def ham_notes(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The Ham-style comparison's notes in words: the condition set, the sources, what was excluded."""
    from . import ham

    causes = [c for c in pd.unique(tables["comparison"]["condition"]) if c != ham.ALL_SELECTED]
    excl = tables["exclusions"]
    unknown_age = excl[excl["reason"].str.startswith("FCEs of unknown age")]
    return [
        f"Ham et al (BMJ 2003;327:1257) compared bed use of people aged 65+ for 11 leading causes; their "
        f"definitions were not published, so this uses the bundled condition set '{ham.CONDITION_SET}' "
        f"({len(causes)} causes, ICD-10 and ICD-9-CM, sources in data/conditions/SOURCES.md).",
        f"{ham.NHS}: Hospital Episode Statistics, primary diagnosis, ICD-10 4-character table (NHS Digital; "
        "ordinary admissions = FAE - day cases, bed days; split into 60-74 and 75+ by FCEs, see caveats); ONS "
        "mid-2000 population. "
        f"{ham.US_ALL} and {ham.US_MEDICARE}: NHDS 2010 public-use microdata (NCHS; first-listed diagnosis, "
        "ICD-9-CM, survey-weighted; Medicare-paid = expected principal payer Medicare); US Census Bureau "
        "1 July 2010 population (vintage 2019).",
        "Counts lost to the comparison (unknown age, newborns, ...) are in ham_exclusions.csv"
        + (f"; NHS admissions of unknown age: {unknown_age['admissions'].sum():,.0f}." if len(unknown_age) else "."),
    ]


def ham_summary(tables: dict[str, pd.DataFrame]) -> str:
    """The Ham-style comparison's notes and its text report, as printed."""
    from . import ham

    return "\n".join([*wrapped(ham_notes(tables)), "", ham.format_report(tables)])


def ham_section(out: Path) -> str:
    """The Ham-style comparison: NHS England 2000-01 against US hospitals 2010, ages 60-74 and 75+."""
    from . import ham

    tables = ham.run_ham_comparison(out)
    files = ham.output_files(tables)
    lines = [
        ham_summary(tables),
        "",
        f"Written to {out.resolve()}:",
        *wrapped([", ".join(f for f in files if f.endswith(".csv")) + " (tables, full precision)",
                  ", ".join(f for f in files if f.endswith(".png")) + " (figures: bed days per 1,000 by "
                  "cause and system; forest plot of the ratios to the NHS)"], bullet="  "),
    ]
    return "\n".join(lines)


def england_chapters_section(out: Path) -> str:
    """England's hospital activity by ICD-10 chapter, 2000-01 and 2001-02 (HES FCEs, ONS, ESP 2013)."""
    from .england_chapters import england_chapter_rates

    years = ("2000-01", "2001-02")
    result = england_chapter_rates(years=years)
    paths = _write(result.tables(), out, "england_chapters")
    lines = [
        *wrapped(_chapter_notes(result, years)),
        "",
        "FCE rates per 100,000 population:",
        _table(_chapter_rates_text(result)),
        "",
        f"Rate ratio {years[1]} / {years[0]} (log method, SAS PROC STDRATE):",
        _table(_chapter_ratios_text(result, years)),
        "",
        f"Tables written to {out}: " + ", ".join(p.name for p in paths),
    ]
    return "\n".join(lines)


def _chapter_rates_text(result: ChapterRates) -> pd.DataFrame:
    """Crude and ESP 2013 rates per chapter and year, as printed."""
    keys = ["icd10_chapter", "chapter_range", "chapter_name"]
    rates = result.crude[["year", *keys, "count"]].copy()
    rates["crude per 100,000 (95% CI)"] = _interval(result.crude["value"], result.crude["lower"],
                                                    result.crude["upper"], 1)
    rates["ESP2013 per 100,000 (95% CI)"] = _interval(result.dsr["value"], result.dsr["lower"],
                                                      result.dsr["upper"], 1)
    rates = rates.rename(columns={"icd10_chapter": "chapter", "chapter_range": "ICD-10",
                                  "chapter_name": "diagnoses", "count": "FCEs (known age)"})
    rates["diagnoses"] = rates["diagnoses"].str.slice(0, 34)
    return rates[["chapter", "ICD-10", "diagnoses", "year", "FCEs (known age)",
                  "crude per 100,000 (95% CI)", "ESP2013 per 100,000 (95% CI)"]]


def _chapter_ratios_text(result: ChapterRates, years: tuple[str, str]) -> pd.DataFrame:
    """The later year's crude and ESP 2013 rate ratios per chapter, with the unknown-age shares, as printed."""
    later = result.ratios[result.ratios["year"] == years[1]]
    crude_r = later[later["rate"] == "crude"].reset_index(drop=True)
    dsr_r = later[later["rate"] == "dsr"].reset_index(drop=True)
    gap = result.age_gap.pivot(index="icd10_chapter", columns="year", values="unknown_age_percent")
    return pd.DataFrame({
        "chapter": crude_r["icd10_chapter"],
        "diagnoses": crude_r["chapter_name"].str.slice(0, 34),
        "crude ratio (95% CI)": _interval(crude_r["value"], crude_r["lower"], crude_r["upper"], 3),
        "ESP2013 ratio (95% CI)": _interval(dsr_r["value"], dsr_r["lower"], dsr_r["upper"], 3),
        f"unknown age % {years[0]}": gap.loc[crude_r["icd10_chapter"], years[0]].round(2).to_numpy(),
        f"unknown age % {years[1]}": gap.loc[crude_r["icd10_chapter"], years[1]].round(2).to_numpy(),
    })


def _chapter_notes(result: ChapterRates, years: tuple[str, str]) -> list[str]:
    """Sources, denominators, standard, unknown ages and the check of the counts, in words."""
    from ..datasets import hes_primary_diagnosis_totals

    pops = result.populations.groupby(["year", "mid_year"], as_index=False, observed=True)["population"].sum()
    pop_text = "; ".join(f"{r.year}: ONS mid-{r.mid_year} estimate, {r.population:,}" for r in pops.itertuples())
    std_text = ", ".join(f"{r.age_band} {r.population:,.0f}" for r in result.standard.itertuples())
    total_gap = result.age_gap[result.age_gap["icd10_chapter"] == "All"]
    gap_text = "; ".join(f"{r.year}: {r.fce_unknown_age:,.0f} of {r.fce:,.0f} FCEs ({r.unknown_age_percent:.2f}%)"
                         for r in total_gap.itertuples())
    worst = result.age_gap[result.age_gap["icd10_chapter"] != "All"].sort_values("unknown_age_percent").iloc[-1]
    checks = hes_primary_diagnosis_totals().set_index("year")
    check_text = "; ".join(
        f"{y}: rows {checks.loc[y, 'fce_sum']:,.0f} vs published Total row {checks.loc[y, 'fce_total_row']:,.0f}"
        for y in years if y in checks.index)
    return [
        "England, NHS hospitals: finished consultant episodes (FCEs) by ICD-10 chapter of the primary diagnosis, "
        f"HES financial years {years[0]} and {years[1]} (1 April to 31 March), persons, all ages. "
        "Source: Hospital Episode Statistics (HES), NHS Digital; Office for National Statistics (OGL v3.0).",
        f"Denominators: {pop_text}. Each financial year uses the ONS mid-year estimate (30 June) of the "
        "calendar year in which it starts, the mid-year nearest its centre.",
        f"Standard: ESP 2013 collapsed onto the HES age bands ({std_text}).",
        f"Unknown age: {gap_text} are in no HES age column and so are left out of every rate below (crude and "
        f"standardised alike); most affected: chapter {worst['icd10_chapter']} ({worst['chapter_name']}), "
        f"{worst['unknown_age_percent']:.2f}% in {worst['year']}. Per chapter: england_chapters_age_gap.csv.",
        f"FCE counts are sums of the 4-character rows ({check_text}).",
        "Counts are episodes, not patients or admissions; the intervals treat them as Poisson counts, which "
        "understates the uncertainty when one patient has several episodes.",
    ]


def acsc_section(out: Path) -> str:
    """Avoidable admissions: emergency ACSC admission rates, NHS England 2000-01 against US hospitals 2010."""
    from . import acsc

    tables = acsc.run_acsc_comparison(out)
    notes = [
        f"{acsc.NHS}: the NHS Institute's 19 ambulatory care sensitive conditions ('{acsc.NHS_SET}') on the HES "
        "primary-diagnosis table (emergency admissions; only the primary-diagnosis part of the rules can be "
        f"applied). {acsc.US}: Billings' ACSCs ('{acsc.US_SET}') applied in full to the NHDS 2010 microdata "
        "(emergency and urgent admissions, survey-weighted). Sources: data/conditions/SOURCES.md.",
    ]
    lines = [*wrapped(notes), "", acsc.format_report(tables), "", "Caveats:",
             *wrapped([f"{topic}: {text}" for topic, text in acsc.CAVEATS], bullet="- "), "",
             f"Tables written to {out}: " + ", ".join(f"acsc_{name}.csv" for name in tables)]
    return "\n".join(lines)


#: the demo's sections, in the order they are run and printed
SECTIONS: list[Section] = [
    Section("ham", "Bed use of people aged 60+, NHS England 2000-01 against US hospitals 2010 (Ham et al 2003, "
                   "redone)", ham_section),
    # the foundation's demo, kept for reference: run it with --section england_chapters (or --section all)
    Section("england_chapters", "England's hospital activity by ICD-10 chapter, 2000-01 and 2001-02",
            england_chapters_section, default=False),
    # issue 21: avoidable admissions; not run by default (make demo output unchanged): --section acsc
    Section("acsc", "Avoidable admissions: emergency admissions for ambulatory care sensitive conditions, NHS "
                    "England 2000-01 against US hospitals 2010", acsc_section, default=False),
]


# ----------------------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo sections; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m kpcompare.report.demo",
                                     description="kpcompare's main job on bundled real data.")
    parser.add_argument("--out", default="output", type=Path,
                        help="folder for the CSV tables and PNG figures (default: output)")
    parser.add_argument("--section", action="append", choices=[*(s.name for s in SECTIONS), "all"],
                        help="run this section (repeatable; 'all' runs every section; default: "
                             + ", ".join(s.name for s in SECTIONS if s.default) + ")")
    args = parser.parse_args(argv)
    if not args.section:
        chosen = [s for s in SECTIONS if s.default]
    else:
        chosen = [s for s in SECTIONS if "all" in args.section or s.name in args.section]
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        for section in chosen:
            print("=" * 100)
            print(section.title)
            print("=" * 100)
            print(section.run(args.out))
            print()
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by `make demo`
    sys.exit(main())
