"""Reports: assembled analyses of bundled or user data, returned as DataFrames (no printing here).

Statistics are computed by :mod:`kpcompare.rates`; a report only prepares inputs and collects results.
"""

from __future__ import annotations

from .england_chapters import ChapterRates, england_chapter_rates

__all__ = ["ChapterRates", "england_chapter_rates"]
