"""The rates core: Poisson limits, crude rates, directly and indirectly standardised rates, comparisons.

Every statistic about a rate in kpcompare is computed here; other modules call
these functions rather than re-implementing an interval.
"""

from __future__ import annotations

from .comparison import compare_rates
from .crude import crude_rate
from .direct import DSR_METHODS, dsr
from .indirect import isr, smr
from .poisson import POISSON_METHODS, poisson_ci

__all__ = ["poisson_ci", "crude_rate", "dsr", "smr", "isr", "compare_rates", "POISSON_METHODS", "DSR_METHODS"]
