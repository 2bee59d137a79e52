"""The bundled sources a configuration may name (``bundled = "..."``): what each is, where it is computed,
which bundled files it reads (hashed into provenance.json).

Only names and descriptions live here; the functions are imported when a run needs them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

__all__ = ["Bundled", "BUNDLED_STRATA", "BUNDLED_POPULATIONS", "BUNDLED_CAVEATS", "bundled_sources"]


@dataclass(frozen=True)
class Bundled:
    """A bundled source: ``module:attribute`` computes (or holds) it; ``files`` are the bundled data it reads
    (relative to the data folder); ``coding`` is the coding of its condition set, if it takes one."""

    target: str
    description: str
    files: tuple[str, ...] = ()
    coding: str | None = None

    def load(self) -> Any:
        """The function (or constant) named by ``target``."""
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


_HES = "england/hes_2000-01_primary_diagnosis_4char.csv"
_NHDS = "us/nhds2010_us_hospital_discharges_microdata.csv.gz"
_CONDITIONS = "conditions/ham2003_leading_causes.csv"

#: stratum tables: ``function(condition_set) -> (strata, exclusions)``
BUNDLED_STRATA: dict[str, Bundled] = {
    "ham_nhs": Bundled("kpcompare.report.ham:nhs_strata", "NHS England 2000-01: the HES primary diagnosis "
                       "table (published, aggregate), admissions and bed days apportioned to 60-74 and 75+",
                       (_HES, _CONDITIONS), coding="icd10"),
    "ham_us": Bundled("kpcompare.report.ham:us_strata", "US all payers and US Medicare-paid 2010: the NHDS "
                      "public-use microdata (released by NCHS), survey-weighted, ages 60-74 and 75+",
                      (_NHDS, _CONDITIONS), coding="icd9cm"),
}

#: population tables ``system, age_band, population``: ``function() -> DataFrame``
BUNDLED_POPULATIONS: dict[str, Bundled] = {
    "ham": Bundled("kpcompare.report.ham:ham_population", "ONS mid-2000 England and US Census Bureau 1 July "
                   "2010 populations aged 60-74 and 75+ for the three Ham-style systems",
                   ("england/england_mid_year_population_single_year_by_sex_1971_2018.csv",
                    "us/us_2010_population_single_year_by_sex.csv")),
}

#: caveat lists: ``[(topic, text), ...]``
BUNDLED_CAVEATS: dict[str, Bundled] = {
    "ham": Bundled("kpcompare.report.ham:CAVEATS", "the caveats of the Ham-style comparison"),
}


def bundled_sources() -> list[tuple[str, str, str]]:
    """``(kind, name, description)`` of every bundled source, for ``kpcompare run --list``."""
    out = []
    for kind, table in (("extract", BUNDLED_STRATA), ("populations", BUNDLED_POPULATIONS),
                        ("caveats", BUNDLED_CAVEATS)):
        out += [(kind, name, entry.description) for name, entry in table.items()]
    return out
