"""The aggregation engine: episode extracts -> stratum tables (Arrow, streaming, bounded memory).

Public names: :func:`aggregate`, :class:`AggregateResult`.
"""

from __future__ import annotations

from .arrow import AggregateResult, aggregate

__all__ = ["aggregate", "AggregateResult"]
