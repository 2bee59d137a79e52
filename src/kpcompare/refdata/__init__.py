"""Reference data: standard populations and age bandings.

Standard populations are keyed tables (``age_band, age_lo, age_hi, population``) registered by name in
``data/standard_populations/registry.toml`` together with their edition, source and banding; they are joined
to other tables by age-band **label**, never by position.  The banding helpers turn single-year ages into band
labels and collapse populations (or counts) onto coarser bands, refusing partial overlaps.

Sex-specific standards (keyed by age band and sex) are registered too, and :func:`standard_from_population`
builds a standard keyed by any columns from a population table.

Public names: :func:`standard_population`, :func:`list_standard_populations`, :func:`standard_from_population`,
:func:`band_table`, :func:`age_to_band`, :func:`reband`.  Modules: ``labels`` (band labels; a leaf),
``standards`` (the registry), ``bands`` (band tables and re-banding), ``population_standards`` (the builder).
"""

from __future__ import annotations

from .bands import age_to_band, band_table, reband
from .population_standards import standard_from_population
from .standards import list_standard_populations, standard_population

__all__ = ["standard_population", "list_standard_populations", "standard_from_population", "band_table",
           "age_to_band", "reband"]
