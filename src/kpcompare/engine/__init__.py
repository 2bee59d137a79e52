"""The aggregation engine: episode extracts -> stratum tables (Arrow, streaming, bounded memory).

Public names: :func:`aggregate`, :class:`AggregateResult`, :func:`person_totals`, :class:`PersonTotals`,
:class:`ReadmissionRules`.  Modules: ``arrow`` (aggregate), ``plan`` (the
options checked, the row stage), ``stage`` (row codes), ``streaming`` (what the passes share),
``episode_pass`` and ``spell_pass`` (the units' passes), ``units`` (partitions, spells and CIPS records),
``spells`` (the spell and CIPS rules), ``persons``, ``duplicates``, ``strata`` (sums per stratum).
"""

from __future__ import annotations

from .arrow import AggregateResult, aggregate
from .person_totals import PersonTotals, person_totals
from .readmissions import ReadmissionRules

__all__ = ["aggregate", "AggregateResult", "person_totals", "PersonTotals", "ReadmissionRules"]
