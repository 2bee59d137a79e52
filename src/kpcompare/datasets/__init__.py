"""Bundled real public data: HES and ONS (England), NHDS and Census (US), published figures.

Every loader returns a pandas DataFrame read from the package's ``data/`` folder (never from the network);
provenance of every file is in ``data/SOURCES.md`` and :func:`list_datasets` lists the loaders with their
source and licence.  UK data: Open Government Licence v3 ("Source: Hospital Episode Statistics (HES), NHS
Digital"; "Source: Office for National Statistics").  US data: US-government works, public domain.
"""

from __future__ import annotations

from .england import (
    england_population,
    england_population_totals,
    hes_los_by_provider_age_2017,
    hes_primary_diagnosis,
    hes_primary_diagnosis_totals,
    hes_summary_groups,
)
from .manifest import list_datasets, published
from .us import (
    nhds2010,
    nhds2010_by_age_sex,
    nhds2010_path,
    us_census2000_population,
    us_population,
)

__all__ = [
    "list_datasets",
    "published",
    "nhds2010",
    "nhds2010_path",
    "nhds2010_by_age_sex",
    "us_population",
    "us_census2000_population",
    "hes_primary_diagnosis",
    "hes_primary_diagnosis_totals",
    "hes_summary_groups",
    "hes_los_by_provider_age_2017",
    "england_population",
    "england_population_totals",
]
