"""The self-contained HTML report of a :class:`~kpcompare.report.bundle.ReportBundle`: one file to open and
forward.

:func:`render_html` returns the document, :func:`write_html` writes it.  The file fetches nothing: figures are
SVG ``data:`` URIs (text drawn as paths, so no font is needed), the style is inline, there is no script, and a
strict Content-Security-Policy (``default-src 'none'; img-src data:``) forbids any fetch.  It holds, in order:
the title and summary; a table of contents; each section's table (rounded for presentation only, per
``ReportSection.digits``) with the caveats that qualify it beside it, most important first, then its figures
with captions and source lines; the methods used with their references and the peer each was validated
against; the exclusions, with rows read = rows counted + rows excluded per source where the bundle states
them; the provenance (versions, input files with SHA-256, date, whether disclosure control was applied, the
resolved configuration).  Every piece of text is escaped.

Rows read and counted are taken from ``bundle.provenance["rows"]`` (a mapping source -> ``{"read": n,
"counted": n}`` or a list of such records with ``source``) or from ``bundle.provenance["inputs"]`` records
with ``rows_read`` and ``rows_counted``; the rows excluded from those records (``excluded``/``rows_excluded``)
or else from the exclusions table's ``rows`` column of that source (column ``source``, ``input`` or
``system``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_output_path
from ..errors import InvalidArgumentError
from ._html_parts import CSP, STYLE, esc, figure_html, table_html, value_html
from .bundle import ReportBundle, ReportFigure, ReportSection

__all__ = ["render_html", "write_html"]

_ROUNDING = "Numbers rounded for presentation only; the CSV file holds full precision."


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-") or "section"


def _paragraphs(text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return "".join(f"<p{cls}>{esc(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def _caveats_html(section: ReportSection) -> str:
    """The caveats that qualify the section's table, most important first (the first one in bold)."""
    items = []
    for k, caveat in enumerate(section.caveats):
        text = str(caveat)
        if k == 0:
            head, sep, rest = text.partition(". ")
            body = (f"{esc(head + sep.rstrip())} <span class=\"rest\">{esc(rest)}</span>" if rest
                    else esc(text))
            items.append(f'<li class="first">{body}</li>')
        else:
            items.append(f"<li>{esc(text)}</li>")
    return (f'<aside class="caveats" aria-label="Caveats on table: {esc(section.title)}">'
            "<h3>Caveats (most important first)</h3><ol>" + "".join(items) + "</ol></aside>")


def _section_html(section: ReportSection, *, table_number: int, first_figure: int) -> str:
    """A section: its title and description, the table with its caveats beside it, then its figures."""
    slug = _slug(section.name)
    caption = f"Table {table_number}. {esc(section.title)} <small>({esc(_ROUNDING)})</small>"
    table = table_html(section.table, caption=caption, digits=dict(section.digits), table_id=f"table-{slug}")
    table = f'<div class="table-wrap">{table}</div>'
    body = (f'<div class="pair">{table}{_caveats_html(section)}</div>' if section.caveats else table)
    figures = "".join(figure_html(f, number=first_figure + k) for k, f in enumerate(section.figures))
    return (f'<section id="section-{slug}" aria-labelledby="heading-{slug}">'
            f'<h2 id="heading-{slug}">{esc(section.title)}</h2>{_paragraphs(section.description)}'
            f"{body}{figures}</section>")


def _methods_html(bundle: ReportBundle) -> str:
    if not bundle.methods:
        return ('<section id="methods"><h2>Methods</h2><p>The bundle names no method.</p></section>')
    items = []
    for note in bundle.methods:
        items.append(f"<dt>{esc(note.name)}</dt><dd>{esc(note.description)}</dd>"
                     f"<dd><strong>Reference:</strong> {esc(note.reference or 'not stated')}</dd>"
                     f"<dd><strong>Validated against:</strong> {esc(note.validated_against or 'not stated')}</dd>")
    return ('<section id="methods" aria-labelledby="heading-methods"><h2 id="heading-methods">Methods</h2>'
            '<dl class="methods">' + "".join(items) + "</dl></section>")


def _first(record: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((record[k] for k in keys if k in record and record[k] is not None), None)


def _records(rows: Any) -> list[Mapping[str, Any]]:
    if isinstance(rows, Mapping):
        return [{"source": k, **v} for k, v in rows.items() if isinstance(v, Mapping)]
    if isinstance(rows, Sequence) and not isinstance(rows, str):
        return [r for r in rows if isinstance(r, Mapping)]
    return []


def _excluded_of(exclusions: pd.DataFrame, source: Any) -> int | None:
    if "rows" not in exclusions.columns:
        return None
    for column in ("source", "input", "system"):
        if column in exclusions.columns:
            mine = exclusions[exclusions[column].astype(str) == str(source)]
            if len(mine):
                return int(pd.to_numeric(mine["rows"], errors="coerce").fillna(0).sum())
    return 0 if any(c in exclusions.columns for c in ("source", "input", "system")) else None


def accounting(bundle: ReportBundle) -> pd.DataFrame:
    """Rows read, counted and excluded per source, with whether read = counted + excluded (``balanced``)."""
    prov = bundle.provenance if isinstance(bundle.provenance, Mapping) else {}
    records = _records(prov.get("rows")) or [r for r in _records(prov.get("inputs"))
                                              if _first(r, ("rows_read", "read")) is not None]
    out = []
    for record in records:
        source = _first(record, ("source", "name", "path", "system", "input"))
        read = _first(record, ("read", "rows_read"))
        counted = _first(record, ("counted", "rows_counted"))
        excluded = _first(record, ("excluded", "rows_excluded"))
        if excluded is None:
            excluded = _excluded_of(bundle.exclusions, source)
        balanced = None if None in (read, counted, excluded) else int(read) == int(counted) + int(excluded)
        out.append({"source": str(source), "read": read, "counted": counted, "excluded": excluded,
                    "balanced": balanced})
    return pd.DataFrame(out, columns=["source", "read", "counted", "excluded", "balanced"])


def _exclusions_html(bundle: ReportBundle) -> str:
    """Every row accounted for: read = counted + excluded per source, then the exclusions by reason."""
    table = accounting(bundle)
    lines = []
    for row in table.itertuples(index=False):
        if row.balanced is None:
            lines.append(f"<li>{esc(row.source)}: rows read {esc(row.read)}, counted {esc(row.counted)}, "
                         f"excluded {esc(row.excluded)} (not all stated).</li>")
            continue
        mark = '<span class="ok">✓ every row accounted for</span>' if row.balanced else \
            '<span class="broken">✗ rows unaccounted for</span>'
        lines.append(f"<li>{esc(row.source)}: read {int(row.read):,} = counted {int(row.counted):,} + excluded "
                     f"{int(row.excluded):,} {mark}</li>")
    excl = bundle.exclusions
    if "rows" in excl.columns:
        total = f"{int(pd.to_numeric(excl['rows'], errors='coerce').fillna(0).sum()):,}"
    else:
        total = "not stated"
    if not lines:
        lines.append(f"<li>Rows excluded: {total} in all (by reason below). The bundle does not state the rows "
                     "read and counted per source.</li>")
    listing = table_html(excl, caption="Exclusions: rows not counted, by source and reason", digits={},
                         table_id="table-exclusions")
    return ('<section id="exclusions" aria-labelledby="heading-exclusions">'
            '<h2 id="heading-exclusions">Exclusions: every row accounted for</h2>'
            f'<ul class="accounting">{"".join(lines)}</ul><div class="table-wrap">{listing}</div></section>')


def _disclosure(prov: Mapping[str, Any]) -> str:
    value = _first(prov, ("disclosure", "disclosure_control", "disclosure_applied"))
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "applied" if value else "not applied"
    if isinstance(value, Mapping):
        applied = _first(value, ("applied",))
        rule = _first(value, ("rule", "name", "description"))
        state = "not stated" if applied is None else ("applied" if applied else "not applied")
        return f"{state} ({rule})" if rule else state
    return str(value)


def _provenance_html(bundle: ReportBundle) -> str:
    """Key facts first (versions, date, disclosure, inputs with SHA-256), then everything the bundle holds."""
    prov = dict(bundle.provenance) if isinstance(bundle.provenance, Mapping) else {}
    versions = prov.get("versions") or {}
    kp = _first(prov, ("kpcompare", "kpcompare_version")) or (
        versions.get("kpcompare") if isinstance(versions, Mapping) else None)
    date = _first(prov, ("date", "created", "timestamp"))
    inputs = _records(prov.get("inputs"))
    hashed = sum(1 for r in inputs if _first(r, ("sha256", "SHA-256")))
    facts = [f"<li>kpcompare version: {esc(kp or 'not stated')}</li>",
             f"<li>Date: {esc(date or 'not stated')}</li>",
             f"<li>Disclosure control: {esc(_disclosure(prov))}</li>",
             f"<li>Input files: {len(inputs)} ({hashed} with SHA-256)</li>"]
    config = prov.pop("configuration", None)
    details = value_html(prov) if prov else "<p>The bundle holds no provenance.</p>"
    config_html = (f"<h3>Resolved configuration</h3><pre>{esc(json.dumps(config, indent=2, default=str))}</pre>"
                   if config is not None else "")
    return ('<section id="provenance" aria-labelledby="heading-provenance">'
            f'<h2 id="heading-provenance">Provenance</h2><ul>{"".join(facts)}</ul>{details}{config_html}'
            "</section>")


def _contents(bundle: ReportBundle) -> str:
    links = [f'<li><a href="#section-{_slug(s.name)}">{esc(s.title)}</a></li>' for s in bundle.sections]
    links += ['<li><a href="#methods">Methods</a></li>', '<li><a href="#exclusions">Exclusions</a></li>',
              '<li><a href="#provenance">Provenance</a></li>']
    return f'<nav aria-label="Contents"><h2>Contents</h2><ol>{"".join(links)}</ol></nav>'


def _check_bundle(bundle: Any) -> ReportBundle:
    if not isinstance(bundle, ReportBundle):
        raise InvalidArgumentError(
            f"argument 'bundle': expected a kpcompare.report.bundle.ReportBundle, got {type(bundle).__name__}; "
            "build one with ReportBundle(title=..., sections=(...), exclusions=..., provenance=...).")
    bad = [s for s in bundle.sections if not isinstance(s, ReportSection)]
    if bad:
        raise InvalidArgumentError(f"argument 'bundle': sections must be ReportSection objects, got "
                                   f"{type(bad[0]).__name__} ({len(bad)} of {len(bundle.sections)}).")
    for section in bundle.sections:
        if not isinstance(section.table, pd.DataFrame):
            raise InvalidArgumentError(f"argument 'bundle': the table of section {section.name!r} is a "
                                       f"{type(section.table).__name__}, not a pandas DataFrame.")
        odd = [f for f in section.figures if not isinstance(f, ReportFigure) or not hasattr(f.figure, "savefig")]
        if odd:
            raise InvalidArgumentError(f"argument 'bundle': the figures of section {section.name!r} must be "
                                       "ReportFigure objects holding a matplotlib Figure; got "
                                       f"{type(getattr(odd[0], 'figure', odd[0])).__name__}.")
    if not isinstance(bundle.exclusions, pd.DataFrame):
        raise InvalidArgumentError(f"argument 'bundle': exclusions is a {type(bundle.exclusions).__name__}, not a "
                                   "pandas DataFrame (one row per source and reason with its row count).")
    return bundle


def render_html(bundle: ReportBundle) -> str:
    """The report as one self-contained HTML document (see the module docstring for what it holds).

    Parameters
    ----------
    bundle : kpcompare.report.bundle.ReportBundle

    Returns
    -------
    str
        The document; nothing in it refers to anything outside it.
    """
    bundle = _check_bundle(bundle)
    parts, figure_number = [], 1
    for k, section in enumerate(bundle.sections, start=1):
        parts.append(_section_html(section, table_number=k, first_figure=figure_number))
        figure_number += len(section.figures)
    head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(bundle.title)}</title>\n<style>{STYLE}</style>\n</head>\n")
    body = (f'<body>\n<header><h1>{esc(bundle.title)}</h1>{_paragraphs(bundle.summary, "summary")}</header>\n'
            f"{_contents(bundle)}\n<main>\n" + "\n".join(parts)
            + f"\n{_methods_html(bundle)}\n{_exclusions_html(bundle)}\n{_provenance_html(bundle)}\n</main>\n"
            "<footer>Written by kpcompare. This file is self-contained: it loads nothing from elsewhere."
            "</footer>\n</body>\n</html>\n")
    return head + body


def write_html(bundle: ReportBundle, path: str | Path) -> Path:
    """Write :func:`render_html`'s document to ``path`` (UTF-8; folders made as needed); return the path."""
    target = check_output_path(path, allow_none=False)
    text = render_html(bundle)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
