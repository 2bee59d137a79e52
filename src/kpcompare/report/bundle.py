"""What a finished comparison hands over, as data: the spec shared by ``kpcompare run`` and the writers.

A :class:`ReportBundle` holds everything a report shows: sections (each a table with the caveats that qualify
it, most important first, and its figures), the methods used, the exclusions (every input row accounted for)
and the provenance.  ``kpcompare run`` builds one from a configuration; the writers (CSV, Markdown, LaTeX,
figures, the self-contained HTML report) only present it.  Nothing here computes a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["MethodNote", "ReportBundle", "ReportFigure", "ReportSection"]


@dataclass(frozen=True)
class MethodNote:
    """One method used: what it is, its formula in words, its reference (with DOI) and the peer it was checked
    against."""

    name: str
    description: str
    reference: str = ""
    validated_against: str = ""


@dataclass(frozen=True)
class ReportFigure:
    """A figure with its caption and source line; ``name`` is the file stem it is written under."""

    name: str
    figure: Figure
    caption: str = ""
    source: str = ""


@dataclass(frozen=True)
class ReportSection:
    """A table, the caveats that qualify it (most important first) and its figures.

    ``name`` is the file stem the table is written under (``<name>.csv``, ``.md``, ``.tex``); ``table`` is at
    full precision (rounding happens only when it is presented); ``digits`` maps a column to the decimal places
    it is shown with.
    """

    name: str
    title: str
    table: pd.DataFrame
    caveats: tuple[str, ...] = ()
    figures: tuple[ReportFigure, ...] = ()
    description: str = ""
    digits: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportBundle:
    """Everything one run of a comparison hands over.

    ``exclusions`` is the tidy exclusions table (one row per source and reason with its row count);
    ``provenance`` is what ``provenance.json`` holds (versions, input files with SHA-256, the resolved
    configuration, the date, whether disclosure control was applied).
    """

    title: str
    sections: tuple[ReportSection, ...]
    exclusions: pd.DataFrame
    provenance: Mapping[str, Any]
    methods: tuple[MethodNote, ...] = ()
    summary: str = ""
