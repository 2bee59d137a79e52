"""Pieces of the self-contained HTML report: tables, figures as ``data:`` URIs, generic values, the style.

Presentation only: numbers are rounded here (per :attr:`ReportSection.digits`), never in the tables the
report is given.  Every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from ..plots._labels import human, is_identifier

__all__ = ["STYLE", "CSP", "esc", "format_cell", "table_html", "figure_data_uri", "figure_html", "value_html"]

#: the Content-Security-Policy of the report: nothing may be fetched, images only from ``data:`` URIs
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; script-src 'none'; "
       "connect-src 'none'; base-uri 'none'; form-action 'none'")

_DIGEST = re.compile(r"[0-9a-fA-F]{64}")

STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff;
       margin: 0 auto; max-width: 92rem; padding: 1.5rem 2rem 3rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; margin: 0 0 .6rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2.4rem; }
h3 { font-size: 1.02rem; margin: .2rem 0 .4rem; }
.summary { font-size: 1.05rem; background: #f3f3f3; border-left: 5px solid #333; padding: .6rem 1rem; }
nav ol { columns: 2; padding-left: 1.4rem; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(14rem, 1.15fr); gap: 1.4rem;
        align-items: start; }
@media (max-width: 60rem) { .pair { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .84rem; margin: .3rem 0 1rem; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: .2rem 0 .4rem; }
th, td { padding: .22rem .55rem; border-bottom: 1px solid #ccc; vertical-align: top; }
thead th { border-bottom: 2px solid #333; text-align: left; background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na { color: #666; }
td.nw { white-space: nowrap; }
aside.caveats { position: sticky; top: .5rem; border: 1px solid #b8860b; background: #fffaf0;
                padding: .5rem .9rem; font-size: .86rem; }
aside.caveats ol { padding-left: 1.2rem; margin: .2rem 0; }
aside.caveats li { margin-bottom: .45rem; }
aside.caveats li.first { font-weight: bold; }
aside.caveats li.first span.rest { font-weight: normal; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .88rem; max-width: 60rem; }
figcaption .source { display: block; color: #444; margin-top: .2rem; }
figcaption .warning { display: block; margin-top: .2rem; padding: .1rem .4rem; border-left: 4px solid #8a6d00;
                      background: #fff3cd; }
.accounting { font-size: 1rem; }
.accounting .ok { font-weight: bold; }
.accounting .broken { font-weight: bold; color: #a00; }
dl.methods dt { font-weight: bold; margin-top: .7rem; }
dl.methods dd { margin-left: 1.2rem; }
dl.value { margin: 0; }
dl.value dt { font-weight: bold; float: left; clear: left; margin-right: .6rem; }
dl.value dd { margin: 0 0 .2rem 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .82rem; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; }
footer { margin-top: 3rem; font-size: .8rem; color: #555; }
@media print { nav { display: none; } .pair { grid-template-columns: 1fr; } h2 { break-before: auto; } }
"""


def esc(value: Any) -> str:
    """``value`` as escaped HTML text (quotes included)."""
    return escape("" if value is None else str(value), quote=True)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:  # pragma: no cover - defensive
        return False


def _significant(value: float) -> str:
    """A float without a stated number of decimals: three significant digits, whole numbers from 100 up."""
    size = abs(value)
    if size >= 100 or value == 0:
        return f"{value:,.0f}"
    decimals = max(0, 2 - int(math.floor(math.log10(size))))
    return f"{value:,.{decimals}f}"


def format_cell(value: Any, digits: int | None = None, *, names: bool = False) -> tuple[str, str]:
    """``(text, css class)`` of one cell, rounded for presentation only.

    Integers get thousands separators; floats ``digits`` decimals when given, else three significant digits
    (whole numbers from 100 up); infinite values ``∞``; missing values ``NA``; with ``names`` (a column of
    snake_case names such as ``bed_days``) text gets its human label.
    """
    if _is_missing(value):
        return "NA", "num na"
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), ""
    if isinstance(value, int | np.integer):
        return f"{int(value):,}", "num"
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isinf(value):
            return ("∞" if value > 0 else "−∞"), "num"
        text = f"{value:,.{digits}f}" if digits is not None else _significant(value)
        return text.replace("-", "−", 1) if text.startswith("-") else text, "num"
    text = human(value) if names else str(value)
    return text, ("nw" if len(text) <= 24 else "")


def _holds_names(column: pd.Series) -> bool:
    """Whether a text column holds snake_case names (some with an underscore): shown as human labels."""
    values = [v for v in pd.unique(column.dropna()) if isinstance(v, str)][:200]
    return bool(values) and all(is_identifier(v) or v == "all selected" for v in values) \
        and any("_" in v for v in values)


def table_html(frame: pd.DataFrame, *, caption: str, digits: Mapping[str, int], table_id: str = "") -> str:
    """One table: a caption, column headers (``scope="col"``) and every row, numbers right-aligned."""
    columns = list(frame.columns)
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    head = "".join(f'<th scope="col" class="num">{esc(human(c))}</th>' if c in numeric
                   else f'<th scope="col">{esc(human(c))}</th>' for c in columns)
    names = {c for c in columns if c not in numeric and _holds_names(frame[c])}
    body = []
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(columns, row):
            text, css = format_cell(value, digits.get(col), names=col in names)
            shown = f"<code>{text}</code>" if _DIGEST.fullmatch(text) else esc(text)
            cells.append(f'<td class="{css}">{shown}</td>' if css else f"<td>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{max(len(columns), 1)}">No rows.</td></tr>')
    caption_html = f"<caption>{caption}</caption>" if caption else ""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<table{ident} class="data">{caption_html}'
            f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>")


def figure_data_uri(figure: Any) -> str:
    """The figure as an SVG ``data:`` URI (text as paths: no font is fetched; no date, fixed ids: the same
    figure gives the same bytes)."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context({"svg.hashsalt": "kpcompare", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure_title(figure: Any) -> str:
    """The figure's own title (suptitle or the first axes title), for its alternative text."""
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return suptitle.get_text()
    for ax in getattr(figure, "axes", []):
        if ax.get_title():
            return ax.get_title()
    return ""


def figure_html(report_figure: Any, *, number: int) -> str:
    """``<figure>`` with the image (alternative text: title and caption), its caption and source line."""
    title = _figure_title(report_figure.figure)
    notes = getattr(report_figure.figure, "kpcompare_notes", None)
    warnings = [str(w) for w in notes.get("warnings", ())] if isinstance(notes, dict) else []
    alt = ". ".join(t.rstrip(".") for t in (title, report_figure.caption, *warnings) if t) + "." \
        if (title or report_figure.caption or warnings) else f"Figure {number}: {report_figure.name}"
    source = (f'<span class="source">Source: {esc(report_figure.source)}</span>'
              if report_figure.source else "")
    source += "".join(f'<span class="warning">Warning: {esc(w)}</span>' for w in warnings)
    return (f'<figure id="figure-{esc(report_figure.name)}">'
            f'<img src="{figure_data_uri(report_figure.figure)}" alt="{esc(alt)}">'
            f'<figcaption><strong>Figure {number}.</strong> {esc(report_figure.caption or title)}{source}'
            "</figcaption></figure>")


def value_html(value: Any, *, depth: int = 0) -> str:
    """Any provenance value: mappings as definition lists, lists of mappings as tables, lists as lists."""
    if isinstance(value, Mapping):
        if not value:
            return "<em>none</em>"
        items = "".join(f"<dt>{esc(human(k))}</dt><dd>{value_html(v, depth=depth + 1)}</dd>"
                        for k, v in value.items())
        return f'<dl class="value">{items}</dl>'
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if value and all(isinstance(v, Mapping) for v in value):
            frame = pd.DataFrame([{k: _plain(v) for k, v in item.items()} for item in value])
            return table_html(frame, caption="", digits={})
        return "<ul>" + "".join(f"<li>{value_html(v, depth=depth + 1)}</li>" for v in value) + "</ul>" \
            if value else "<em>none</em>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"<code>{esc(value)}</code>" if isinstance(value, str) and _DIGEST.fullmatch(value) else esc(value)


def _plain(value: Any) -> Any:
    """A nested value as one table cell (JSON text)."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str, sort_keys=True)
    return value
