"""kpcompare: reproducible comparisons of health systems.

Standardised admission rates, lengths of stay and bed days (Ham et al, BMJ 2003),
per-capita cost cascades (Feachem et al, BMJ 2002), with confidence intervals
and tests, from episode extracts of any size.

The public API is re-exported here.  Names are resolved lazily (PEP 562) so
``import kpcompare`` stays cheap and a submodule's heavy imports (statsmodels,
matplotlib) load only when used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # rates core (foundation)
    "poisson_ci": "kpcompare.rates",
    "crude_rate": "kpcompare.rates",
    "dsr": "kpcompare.rates",
    "smr": "kpcompare.rates",
    "isr": "kpcompare.rates",
    "compare_rates": "kpcompare.rates",
    # reference data
    "standard_population": "kpcompare.refdata",
    "list_standard_populations": "kpcompare.refdata",
    "standard_from_population": "kpcompare.refdata",
    "reband": "kpcompare.refdata",
    "age_to_band": "kpcompare.refdata",
    "band_table": "kpcompare.refdata",
    # episode extracts and aggregation
    "read_episodes": "kpcompare.extract",
    "aggregate": "kpcompare.engine",
    "person_totals": "kpcompare.engine.person_totals",
    "spell_diagnostics": "kpcompare.engine",
    # condition sets
    "ConditionSet": "kpcompare.conditions",
    "condition_set": "kpcompare.conditions",
    "load_condition_set": "kpcompare.conditions",
    "list_condition_sets": "kpcompare.conditions",
    # system comparison (Ham-style)
    "compare": "kpcompare.comparison",
    "decompose": "kpcompare.comparison",
    "rate_model": "kpcompare.comparison",
    # cost comparisons (Feachem-style)
    "cascade": "kpcompare.costs",
    "compare_assumptions": "kpcompare.costs",
    "age_need_factor": "kpcompare.costs",
    # concentration of use and cost
    "gini": "kpcompare.concentration",
    "lorenz": "kpcompare.concentration",
    "top_share": "kpcompare.concentration",
    # funnel plots (issue 20)
    "funnel": "kpcompare.funnels",
    "funnel_limits": "kpcompare.funnels",
}

# submodules reachable as attributes (kpcompare.errors, kpcompare.datasets, ...); ``spells`` and ``demo``
# are deprecated shims (moved to kpcompare.engine.spells and kpcompare.report.demo), reachable until 0.3.0
_SUBMODULES = {
    "errors", "wording", "refdata", "rates", "extract", "engine", "conditions", "comparison",
    "datasets", "costs", "figures", "profiles", "concentration", "schemas", "plots", "report", "cli",
    "spells", "demo",
    "disclosure", "funnels",
}

__all__ = sorted([*_EXPORTS, "errors", "datasets", "costs", "figures", "plots", "profiles",
                  "concentration", "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"kpcompare.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kpcompare' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
