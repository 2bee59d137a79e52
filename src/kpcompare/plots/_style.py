"""The house style of every figure: a bare matplotlib Figure, series told apart without colour, readable log
ticks, and the caption, source line and warnings of a figure (presentation only).

Every series has a colour from a colour-blind-safe palette (Okabe & Ito) AND a hatch, a marker and a line style
of its own, so a figure printed in greyscale still tells the series apart.  :func:`finish` draws the title,
the source line and any warning (e.g. intervals known to be too narrow) in strips of their own, and keeps the
caption, source and warnings on the figure as ``figure.kpcompare_notes`` (a dict) for the report writers.
"""

from __future__ import annotations

import re
import textwrap
import warnings as warnings_module
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import check_output_path, check_text

__all__ = ["Series", "series", "new_figure", "finish", "check_text", "check_output_path", "figure_texts", "log_ticks",
           "unit_text", "NICE_RATIOS", "WARNING_MARK", "narrow_interval_warnings"]

#: Okabe & Ito's colour-blind-safe palette, ordered so that the first three differ in lightness by a third of
#: the grey scale or more (greys 87, 163, 119 of 255), the later ones told apart by their hatch or marker
_COLOURS = ("#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000")
_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 3)), (0, (3, 1, 1, 1, 1, 1)))
#: ratios that make readable ticks on a log axis, the roundest first
NICE_RATIOS = (1, 0.5, 2, 0.1, 10, 0.01, 100, 0.2, 5, 0.05, 20, 0.02, 50, 0.25, 4, 0.75, 1.5, 3, 0.33, 1.25, 0.67,
               0.8, 0.9, 1.1)
WARNING_MARK = "Warning: "


@dataclass(frozen=True)
class Series:
    """How series ``k`` is drawn: colour, hatch (bars), marker (points) and line style (lines)."""

    colour: str
    hatch: str
    marker: str
    linestyle: Any


def series(k: int) -> Series:
    """The style of the ``k``-th series (cycling after eight)."""
    i = k % len(_COLOURS)
    return Series(_COLOURS[i], _HATCHES[i], _MARKERS[i], _LINESTYLES[i])


def new_figure(width: float, height: float) -> Any:
    """A bare Figure on an Agg canvas (no pyplot state, no backend switch)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    return fig


def figure_texts(title: Any, caption: Any, source: Any, warning: Any) -> dict[str, str | None]:
    """The text options every figure takes (title, caption, source line, warning), checked as text."""
    return {"title": check_text(title, argument="title"), "caption": check_text(caption, argument="caption"),
            "source": check_text(source, argument="source"), "warning": check_text(warning, argument="warning")}


def unit_text(statistic: str) -> str:
    """An axis label from a result's ``statistic`` text: "bed days per 1000, standardised" -> "Bed days per
    1,000 population, standardised"; "ALOS days, ..." -> "Average length of stay (days), ..."."""
    text = re.sub(r"\b\d{4,}\b", lambda m: f"{int(m.group()):,}", str(statistic))
    text = re.sub(r"\bper ([\d,]+)(?! population)\b", r"per \1 population", text)
    text = re.sub(r"^ALOS days\b", "Average length of stay (days)", text)
    return text[:1].upper() + text[1:]


def log_ticks(ax: Any, *, axis: str = "x", width: float | None = None, fontsize: float = 8) -> None:
    """Plain-number ticks (0.5, 1, 2) on a log axis, the roundest first, as many as fit without their labels
    touching (``width``: the axis length in inches; default: its present size), and at least three within
    its limits, so that a narrow range never leaves the axis without numbers."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    if width is None:
        box = ax.get_position()
        width = (box.width if axis == "x" else box.height) * ax.figure.get_size_inches()[0 if axis == "x" else 1]
    span = np.log10(high / low) if low > 0 and high > low else 1.0
    per_decade = max(width, 0.5) / span

    def room(tick: float) -> float:  # half the label's width, in decades
        return (len(f"{tick:g}") * 0.62 * fontsize / 72 + 0.1) / 2 / per_decade

    ticks: list[float] = []
    for tick in NICE_RATIOS:
        if low <= tick <= high and all(abs(np.log10(tick / t)) >= room(tick) + room(t) for t in ticks):
            ticks.append(tick)
    if len(ticks) < 3:  # a narrow range: three ticks spread over it, with the fewest digits that tell them apart
        inner = np.geomspace(low, high, 5)[1:-1] if low > 0 and high > low else np.array([1.0])
        for digits in range(2, 8):
            spread = sorted({float(f"{v:.{digits}g}") for v in inner})
            if len(spread) == len(inner) and all(low <= t <= high for t in spread):
                ticks = spread
                break
    ticks = sorted(t for t in ticks if low <= t <= high)
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


def _wrap(text: str, width_inches: float, fontsize: float) -> str:
    chars = max(30, int(width_inches * 72 / (fontsize * 0.55)))
    return "\n".join(textwrap.fill(part, chars) for part in text.split("\n"))


def finish(fig: Any, *, title: str | None, caption: str | None, source: str | None,
           warnings: Sequence[str] = (), path: Path | None = None) -> Any:
    """Title on top, warnings and the source line in strips at the bottom, tight layout around the axes; keep
    caption, source and warnings on ``fig.kpcompare_notes``; save to ``path`` (PNG, or the suffix's format)."""
    width, height = fig.get_size_inches()
    bottom_lines = []
    if warnings:
        bottom_lines.append(("warning", _wrap(WARNING_MARK + " ".join(warnings), width, 8)))
    if source:
        bottom_lines.append(("source", _wrap(f"Source: {source}", width, 7)))
    strip = sum(0.16 * (text.count("\n") + 1) + 0.1 for _, text in bottom_lines) / height
    top = 1.0 - (0.45 / height if title else 0.02)
    if title:
        fig.suptitle(_wrap(title, width, 11), fontsize=11, y=0.995, va="top")
        top = 1.0 - (0.1 + 0.2 * (fig._suptitle.get_text().count("\n") + 1)) / height
    with warnings_module.catch_warnings():  # matplotlib's note that a layout is approximate is not the user's
        warnings_module.simplefilter("ignore", UserWarning)
        fig.tight_layout(rect=(0, min(strip, 0.45), 1, max(top, 0.5)))
    y = 0.005
    for kind, text in reversed(bottom_lines):
        box = dict(boxstyle="round,pad=0.3", facecolor="#fff3cd", edgecolor="#8a6d00") if kind == "warning" else None
        artist = fig.text(0.01, y, text, fontsize=8 if kind == "warning" else 7, ha="left", va="bottom",
                          color="#111" if kind == "warning" else "#333", bbox=box)
        artist.set_gid(f"kpcompare-{kind}")
        y += (0.16 * (text.count("\n") + 1) + 0.1) / height
    fig.kpcompare_notes = {"caption": caption or "", "source": source or "", "warnings": tuple(warnings)}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, bbox_inches="tight")
    return fig


def narrow_interval_warnings(table: Any, *, label: str = "system") -> list[str]:
    """Warnings for rows whose ``note`` says the interval is too narrow (e.g. Poisson bed days that cluster
    within stays): one sentence naming the systems."""
    if "note" not in table.columns or label not in table.columns:
        return []
    notes = table["note"].astype(str)
    narrow = notes.str.contains(r"too narrow|narrows the interval|narrows it", case=False, regex=True)
    systems = list(dict.fromkeys(table.loc[narrow, label].astype(str)))
    if not systems:
        return []
    return [f"intervals of {', '.join(systems)} are known to be too narrow (see the note column and the caveats)."]

