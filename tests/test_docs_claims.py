"""Every number the README and docs/*.md claim kpcompare computes passes the figures registry's own rules.

A claim is a sentence of a page (``fragment``, which must still be on the page, so an edit of the sentence
fails here until the claim below is updated with it), the number as printed there, the wording that says
what the number means (``kpcompare.figures.bounds``: ``printed`` = half a unit of the last printed digit,
``within``, ``about`` with a stated tolerance ...) and the computation from bundled data that the sentence
is about.  The check is the registry's: the computed value must lie in ``figures.bounds(...)``.

(Issue 17: the README said the NHDS file reproduces CDC's "167.7 million" days of care; it computes
167,773,626, which is 167.8 million as printed.  The pages now say what CDC printed and what the file gives.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kpcompare import concentration, datasets, figures, profiles

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _nhds_adults() -> pd.DataFrame:
    nhds = datasets.nhds2010()
    return nhds[~nhds["newborn"].astype(bool)]


def _nhds_discharges_m() -> float:
    return _nhds_adults()["weighting"].sum() / 1e6


def _nhds_days_m() -> float:
    a = _nhds_adults()
    return (a["weighting"] * a["care_days"]).sum() / 1e6


def _nhds_alos() -> float:
    return _nhds_days_m() / _nhds_discharges_m()


def _nhds_days_vs_cdc_percent() -> float:
    return (_nhds_days_m() / 167.7 - 1) * 100  # CDC/NCHS printed 167.7 million days of care (2010)


@functools.cache
def _hes_totals() -> pd.Series:
    return datasets.hes_primary_diagnosis_totals().set_index("year").loc["2000-01"]


def _hes_unknown_age_percent() -> float:
    hes = datasets.hes_primary_diagnosis(year="2000-01", level="4char")
    ages = ["age_0_14", "age_15_59", "age_60_74", "age_75_plus"]
    return (1 - hes[ages].sum().sum() / hes["fce"].sum()) * 100


def _hes_bed_days_total_row_below_percent() -> float:
    t = _hes_totals()
    return (1 - t["bed_days_total_row"] / t["bed_days_sum"]) * 100


def _nhds_top15_share_percent() -> float:
    stays = _nhds_adults()[["care_days", "weighting"]]
    out = concentration.check_concentration(stays, value="care_days", frequency="weighting", top=0.15,
                                            claimed=0.70)
    return float(out["computed"].iloc[0]) * 100


def _specialist_ratio(measure: str) -> float:
    spec = profiles.profile_table("feachem2002_specialists")
    r = profiles.ratios(spec, numerator="Kaiser California", denominator="NHS")
    return float(r.set_index("measure").loc[measure, "value"])


@dataclass(frozen=True)
class Claim:
    page: str
    fragment: str
    printed: str
    value: float
    wording: str
    compute: Callable[[], float]
    tolerance: float | None = None


NHDS_DAYS = "167.8 million days of care"
CLAIMS = [
    Claim("README.md", "35.1 million discharges as", "35.1", 35.1, "printed", _nhds_discharges_m),
    Claim("README.md", NHDS_DAYS, "167.8", 167.8, "printed", _nhds_days_m),
    Claim("README.md", "(CDC printed 167.7 million: within 0.1%)", "0.1", 0.1, "within",
          _nhds_days_vs_cdc_percent),
    Claim("docs/data.md", "2010 totals of 35.1 million discharges", "35.1", 35.1, "printed", _nhds_discharges_m),
    Claim("docs/data.md", "average stay of 4.8 days", "4.8", 4.8, "printed", _nhds_alos),
    Claim("docs/data.md", "They give 167.8 million days of care (167,773,626)", "167,773,626", 167.773626,
          "printed", _nhds_days_m, ),
    Claim("docs/data.md", "within 0.1% of CDC's estimate", "0.1", 0.1, "within", _nhds_days_vs_cdc_percent),
    Claim("docs/data.md", "(0.34% of FCEs in 2000-01)", "0.34", 0.34, "printed", _hes_unknown_age_percent),
    Claim("docs/data.md", "the Total row's bed days are 1.2% below the rows", "1.2", 1.2, "printed",
          _hes_bed_days_total_row_below_percent),
    Claim("docs/extracts.md", "totals of 35.1 million discharges and an average stay of 4.8 days", "35.1", 35.1,
          "printed", _nhds_discharges_m),
    Claim("docs/extracts.md", "average stay of 4.8 days", "4.8", 4.8, "printed", _nhds_alos),
    Claim("docs/extracts.md", NHDS_DAYS, "167.8", 167.8, "printed", _nhds_days_m),
    Claim("docs/extracts.md", "come within 0.1% of it", "0.1", 0.1, "within", _nhds_days_vs_cdc_percent),
    Claim("docs/figures.md", "stays account for about 47% of bed days", "47", 47, "printed",
          _nhds_top15_share_percent),
    Claim("docs/figures.md", "8.3/4.1 = 2.02", "2.02", 2.02, "printed",
          lambda: _specialist_ratio("Obstetrician/gynaecologists")),
    Claim("docs/figures.md", "2.4/0.8 =\n3.0", "3.0", 3.0, "printed", lambda: _specialist_ratio("Cardiologists")),
    Claim("docs/figures.md", "radiologists (1.40)", "1.40", 1.40, "printed",
          lambda: _specialist_ratio("Radiologists")),
    Claim("docs/figures.md", "oncologists (1.89)", "1.89", 1.89, "printed", lambda: _specialist_ratio("Oncologists")),
]


def _bounds(claim: Claim) -> figures.Bounds:
    if claim.wording == "printed":
        return figures.bounds(claim.value, wording="printed", printed=claim.printed)
    return figures.bounds(claim.value, wording=claim.wording, tolerance=claim.tolerance)


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c.page}:{c.fragment[:40]}" for c in CLAIMS])
def test_claim_passes_the_figures_checker(claim):
    text = (ROOT / claim.page).read_text(encoding="utf-8")
    assert claim.fragment in text, f"{claim.page} no longer says {claim.fragment!r}: update the claim here"
    computed = claim.compute()
    bounds = _bounds(claim)
    assert bounds.contains(computed), (f"{claim.page}: {claim.fragment!r} claims {claim.printed} "
                                       f"({claim.wording}, {bounds}); kpcompare computes {computed!r}")


def test_the_old_nhds_claim_fails_the_checker():
    """The claim the issue found: "167.7 million" days of care, read as printed, rejects 167,773,626."""
    assert not figures.bounds(167.7, wording="printed", printed="167.7 million").contains(_nhds_days_m())
    for page in ("README.md", "docs/data.md", "docs/extracts.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "167.7 million days of care" not in text.replace("\n", " "), page
