"""Human labels for column names, measures and causes (presentation only).

One place that turns the package's snake_case names (``bed_days``, ``heart_failure``, ``ratio_lower``) into
the words a reader sees on a figure or in a report (``Bed days``, ``Heart failure``, ``Ratio, lower limit``).
Shared by the plots and by :mod:`kpcompare.report.html`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LABELS", "UNITS", "human", "is_identifier", "is_total"]

#: names whose label is not simply the name with spaces (abbreviations, units, the all-causes total)
LABELS = {
    "alos": "Average length of stay",
    "bed_days": "Bed days",
    "admissions": "Admissions",
    "all selected": "All selected causes",
    "bronchitis_copd": "Bronchitis/COPD",
    "copd": "COPD",
    "acute_myocardial_infarction": "Acute myocardial infarction (AMI)",
    "p_value": "p",
    "ratio_lower": "Ratio, lower limit",
    "ratio_upper": "Ratio, upper limit",
    "lower": "Lower limit",
    "upper": "Upper limit",
    "age_band": "Age band",
    "los_component": "Due to length of stay",
    "admission_component": "Due to admission rate",
    "bed_day_rate": "Bed days per 1,000",
    "reference_bed_day_rate": "Reference bed days per 1,000",
    "person_share": "Share of persons",
    "total_share": "Share of the total",
    "weighted_rows": "Weighted rows",
    "sha256": "SHA-256",
    "icd10": "ICD-10",
    "icd9cm": "ICD-9-CM",
    "nhs": "NHS",
    "us": "US",
    "uk": "UK",
    "usd": "USD",
    "gbp": "GBP",
}

#: the unit each measure is drawn in (spelt once, on the axis)
UNITS = {
    "admissions": "admissions per 1,000 population",
    "bed_days": "bed days per 1,000 population",
    "alos": "days",
}

_TOTAL = re.compile(r"^all( \d+)?( selected)? causes$|^all selected$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z][a-z0-9]*$")


def is_identifier(text: Any) -> bool:
    """Whether ``text`` looks like a snake_case name (``bed_days``) rather than words written for people."""
    return isinstance(text, str) and bool(_IDENTIFIER.match(text))


def human(name: Any) -> str:
    """The label of ``name``: from :data:`LABELS`, else a snake_case name with spaces and a capital first
    letter (``heart_failure`` -> ``Heart failure``); text already written for people is kept as it is."""
    text = str(name)
    if text in LABELS:
        return LABELS[text]
    if text.lower() in LABELS and is_identifier(text.lower()):
        return LABELS[text.lower()]
    if not is_identifier(text):
        return text
    words = [LABELS.get(w, w) if w in ("nhs", "us", "uk", "copd", "icd10", "icd9cm") else w
             for w in text.split("_")]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]


def is_total(label: Any) -> bool:
    """Whether a cause label names the total over all causes (``"all selected"``, ``"All 12 causes"``)."""
    return bool(_TOTAL.match(str(label)))
