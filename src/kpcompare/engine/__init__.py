"""The aggregation engine: episode extracts -> stratum tables (Arrow, streaming, bounded memory).

Public names: :func:`aggregate`, :class:`AggregateResult`, :class:`ReadmissionRules`; ``person_totals`` (the
module of :func:`kpcompare.person_totals`).  Modules: ``arrow`` (aggregate), ``plan`` (the
options checked, the row stage), ``stage`` (row codes), ``streaming`` (what the passes share),
``episode_pass`` and ``spell_pass`` (the units' passes), ``units`` (partitions, spells and CIPS records),
``spells`` (the spell and CIPS rules), ``spell_diagnostics`` (same-day and duplicate spells), ``persons``, ``duplicates``, ``strata`` (sums per stratum).
"""

from __future__ import annotations

from .arrow import AggregateResult, aggregate
from .readmissions import ReadmissionRules
from .spell_diagnostics import spell_diagnostics

__all__ = ["aggregate", "AggregateResult", "ReadmissionRules", "spell_diagnostics"]
