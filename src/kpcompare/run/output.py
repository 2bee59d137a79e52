"""Writing a :class:`~kpcompare.report.bundle.ReportBundle` into a folder: every section's table (CSV, Markdown,
LaTeX), the exclusions, every figure (PNG and SVG or PDF), the HTML report and provenance.json.

Everything but provenance.json's ``date`` is a function of the inputs: figures are saved without a creation
date and with a fixed SVG id salt, so two runs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..report.bundle import ReportBundle
from ..report.html import write_html
from .provenance import write_provenance
from .tables import write_csv, write_latex, write_markdown

__all__ = ["write_bundle", "save_figure"]

#: metadata that would otherwise carry the date of the run
_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


def save_figure(figure: Any, path: Path) -> Path:
    """Save a matplotlib figure reproducibly (no date in SVG or PDF metadata, fixed SVG ids)."""
    import matplotlib

    fmt = path.suffix.lstrip(".").lower()
    with matplotlib.rc_context({"svg.hashsalt": "kpcompare", "svg.fonttype": "path"}):
        figure.savefig(path, bbox_inches="tight", metadata=_NO_DATE.get(fmt))
    return path


def _table_files(name: str, table: Any, out: Path, formats: Sequence[str], *, title: str, digits: Any,
                 default_digits: int, notes: tuple[str, ...]) -> list[Path]:
    paths = []
    if "csv" in formats:
        paths.append(write_csv(table, out / f"{name}.csv"))
    if "md" in formats:
        paths.append(write_markdown(table, out / f"{name}.md", title=title, digits=digits,
                                    default_digits=default_digits, notes=notes))
    if "tex" in formats:
        paths.append(write_latex(table, out / f"{name}.tex", title=title, digits=digits,
                                 default_digits=default_digits))
    return paths


def write_bundle(bundle: ReportBundle, out: str | Path, *, prefix: str, tables: Sequence[str] = ("csv", "md", "tex"),
                 figures: Sequence[str] = ("png", "svg"), html: bool = True, digits: int = 3) -> list[Path]:
    """Write the bundle into ``out`` (created if needed); returns the files written, in order.

    Files: ``<section>.csv|md|tex`` per section, ``<prefix>_exclusions.*`` (when the run read extracts),
    ``<figure>.png|svg|pdf`` per figure, ``report.html`` (the self-contained report,
    :func:`kpcompare.report.html.write_html`) and ``provenance.json``.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for section in bundle.sections:
        written += _table_files(section.name, section.table, folder, tables, title=section.title,
                                digits=section.digits, default_digits=digits, notes=section.caveats)
    if len(bundle.exclusions):  # runs without extracts (cost cascades) exclude nothing
        written += _table_files(f"{prefix}_exclusions", bundle.exclusions, folder, tables,
                                title="Exclusions: rows not counted, with their reason", digits={},
                                default_digits=digits, notes=())
    for section in bundle.sections:
        for fig in section.figures:
            written += [save_figure(fig.figure, folder / f"{fig.name}.{fmt}") for fmt in figures]
    if html:
        written.append(write_html(bundle, folder / "report.html"))
    written.append(write_provenance(dict(bundle.provenance), folder / "provenance.json"))
    return written
