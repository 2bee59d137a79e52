"""Report bundles built from bundled data, for the tests of the report writers and of the figures.

``ham_bundle()`` is the Ham-style comparison (:func:`kpcompare.report.ham.ham_tables`) with its caveats and
figures; ``feachem_bundle()`` the Feachem cost cascade with its sensitivity; ``combined_bundle()`` both, as
one report.  Built once per process (the Ham tables take seconds).
"""

from __future__ import annotations

import functools
import hashlib

import pandas as pd

from kpcompare import costs, plots
from kpcompare.datasets.us import nhds2010_path
from kpcompare.report import ham
from kpcompare.report.bundle import MethodNote, ReportBundle, ReportFigure, ReportSection

SOURCE_HAM = ("HES 2000-01 (NHS Digital), ONS mid-2000; NHDS 2010 public-use file (NCHS), US Census Bureau "
              "2010 (vintage 2019)")
SOURCE_FEACHEM = "Feachem et al BMJ 2002;324:135; Talbot-Smith et al BJGP 2004;54:415"


@functools.lru_cache(maxsize=1)
def ham_data() -> dict[str, pd.DataFrame]:
    return ham.ham_tables()


def _comparison_figures(tables: dict[str, pd.DataFrame]) -> tuple[ReportFigure, ...]:
    cmp = ham._for_display(tables["comparison"])
    notes = {"source": ham.FIGURE_SOURCE, "warning": ham.FIGURE_WARNING}
    bars = plots.bed_days_bars(cmp, measure="bed_days", **notes)
    forest = plots.ratio_forest(cmp, title="Ratios to NHS England 2000-01", **notes)
    return tuple(ReportFigure(name, fig, fig.kpcompare_notes["caption"], fig.kpcompare_notes["source"])
                 for name, fig in (("ham_bed_days_by_cause", bars), ("ham_ratios_forest", forest)))


def _provenance(inputs: list[dict]) -> dict:
    return {"kpcompare": "test", "date": "2026-12-05", "versions": {"pandas": pd.__version__},
            "disclosure": {"applied": False}, "inputs": inputs,
            "configuration": {"name": "test", "confidence": [0.95]}}


def _nhds_input() -> dict:
    path = nhds2010_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"path": "data/us/" + path.name, "sha256": digest}


def ham_sections() -> tuple[ReportSection, ...]:
    tables = ham_data()
    caveats = dict(ham.CAVEATS)
    cmp = tables["comparison"]
    rates = ReportSection(
        "ham_comparison", "Standardised rates and ratios to the NHS, ages 60+",
        cmp[["system", "condition", "measure", "value", "lower", "upper", "ratio", "ratio_lower", "ratio_upper",
             "p_value", "confidence"]],
        caveats=(caveats["survey weights"], caveats["poisson"], caveats["years"]),
        figures=_comparison_figures(tables),
        description="Directly standardised to England mid-2000; rates per 1,000.",
        digits={"value": 1, "lower": 1, "upper": 1, "ratio": 2, "ratio_lower": 2, "ratio_upper": 2,
                "p_value": 3, "confidence": 2})
    dec = ReportSection(
        "ham_decomposition", "Decomposition of the gap in bed days", tables["decomposition"],
        caveats=(caveats["age split"], caveats["day cases"]),
        figures=(ReportFigure("ham_decomposition", plots.decomposition_bars(tables["decomposition"]),
                              "The gap in bed days split into admissions and length of stay.", SOURCE_HAM),),
        digits={c: 1 for c in ("gap", "admission_component", "los_component", "bed_day_rate")})
    return rates, dec


def feachem_sections() -> tuple[ReportSection, ...]:
    a = costs.assumptions("feachem2002")
    chain = costs.cascade(a.lines, factors=a.factors)
    ranges = pd.DataFrame({"system": ["NHS", "NHS"], "item": ["Administrative costs", "age_need"],
                           "low": [0, 0.8], "high": [1900, 1.0]})
    sens = costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system="NHS",
                             reference="Kaiser California", ranges=ranges)
    tornado = plots.tornado_chart(sens, title="Sensitivity of the NHS - Kaiser difference")
    return (ReportSection(
        "feachem_cascade", "Feachem's cost cascade, per head (USD)",
        chain[["system", "step", "item", "amount", "factor", "value", "currency"]],
        caveats=("Contested lines follow Talbot-Smith et al 2004; the age/need factor is Feachem's.",),
        figures=(ReportFigure("feachem_waterfall", plots.cascade_waterfall(chain), "Feachem's cascade per head.",
                              SOURCE_FEACHEM),
                 ReportFigure("feachem_tornado", tornado, "Range of the difference per head over each contested "
                              "input.", SOURCE_FEACHEM)),
        digits={"amount": 0, "factor": 4, "value": 0}),)


METHODS = (
    MethodNote("Direct standardisation", "Weighted sum of age-specific rates, weights from the standard "
               "population.", "Breslow & Day 1987", "R epitools::ageadjust.direct"),
    MethodNote("Kitagawa decomposition", "The gap in bed days split into admission-rate and length-of-stay "
               "parts that sum to the gap.", "Kitagawa E. JASA 1955;50:1168. doi:10.1080/01621459.1955.10501299",
               "hand computation"),
)


def ham_bundle() -> ReportBundle:
    tables = ham_data()
    return ReportBundle("Bed use aged 60+: NHS England against US hospitals", ham_sections(),
                        exclusions=tables["exclusions"], provenance=_provenance([_nhds_input()]),
                        methods=METHODS, summary="The Ham-style comparison on bundled data.")


def combined_bundle() -> ReportBundle:
    tables = ham_data()
    return ReportBundle("Ham and Feachem <comparisons> & costs", ham_sections() + feachem_sections(),
                        exclusions=tables["exclusions"], provenance=_provenance([_nhds_input()]),
                        methods=METHODS, summary="Two comparisons on bundled data.\n\nSecond paragraph.")
