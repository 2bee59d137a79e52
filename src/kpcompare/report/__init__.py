"""Reports: assembled analyses of bundled or user data, returned as DataFrames.

Statistics are computed by the library's analyses (:mod:`kpcompare.rates`, :mod:`kpcompare.comparison`); a
report only prepares inputs, collects results and renders them as text (:mod:`kpcompare.report._text`, the
only place numbers are rounded).  :mod:`kpcompare.report.demo` runs the reports on bundled data and prints
them: ``python -m kpcompare.report.demo --out output`` (what ``make demo`` runs).
"""

from __future__ import annotations

from .england_chapters import ChapterRates, england_chapter_rates

__all__ = ["ChapterRates", "england_chapter_rates"]
