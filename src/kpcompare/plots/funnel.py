"""The funnel plot (presentation only: the limits come from :func:`kpcompare.funnel_limits`).

Drawn from the output of :func:`kpcompare.funnel` with matplotlib's object-oriented API on an Agg canvas.
Readable in greyscale: each confidence level has its own line style (95% dashed, 99.8% dotted, others
dash-dotted), the target is a solid line, units above the limits are upward triangles and units below
downward triangles, and every unit outside the widest limits drawn is labelled with its name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (as_pandas, check_columns_arg, check_keys, check_measure, check_no_missing,
                       require_columns)
from ..errors import InvalidArgumentError
from ._style import new_figure as _figure

__all__ = ["funnel_plot"]

#: line style of each confidence level's limits (others: dash-dot)
_STYLES = {0.95: "--", 0.998: ":"}
_X_LABELS = {"ratio": "Expected count E (events)", "rate": "Population (person-years)",
             "proportion": "Denominator (cases)"}
_COLUMNS = ["observed", "denominator", "value", "lower", "upper", "confidence", "target", "position", "method",
            "overdispersion", "tau2", "statistic"]


def _kind(table: pd.DataFrame) -> str:
    statistic = str(table["statistic"].iloc[0])
    return "ratio" if statistic.startswith("ratio") else "rate" if " rate " in f" {statistic} " else "proportion"


def _curves(table: pd.DataFrame, kind: str, levels: list[float]) -> pd.DataFrame:
    from ..funnels import funnel_limits

    x = table["denominator"].to_numpy(float)
    x = x[np.isfinite(x) & (x > 0)]
    if not len(x):
        raise InvalidArgumentError("argument 'funnel': no unit has a denominator > 0 to draw.")
    grid = np.unique(np.concatenate([np.geomspace(max(x.min() / 2, 1e-9), x.max() * 1.1, 200), x]))
    methods = {"exact Poisson prediction limits": "exact", "exact binomial prediction limits": "exact",
               "Wilson score limits": "wilson"}
    method = methods.get(str(table["method"].iloc[0]), "garwood" if kind != "proportion" else "exact")
    statistic = str(table["statistic"].iloc[0])
    found = re.search(r" (?:per|x) ([0-9.e+]+)$", statistic)
    multiplier = float(found.group(1)) if found else 1.0
    return funnel_limits(grid, kind=kind, target=float(table["target"].iloc[0]), confidence=levels,
                         overdispersion=table[["overdispersion", "tau2"]], method=method, multiplier=multiplier)


def _points(ax: Any, units: pd.DataFrame, by: list[str], outside: pd.Series) -> None:
    markers = {"above": ("^", "black"), "below": ("v", "white"), "other": ("o", "0.6")}
    for side, (marker, face) in markers.items():
        mask = units["position"].str.startswith(side) if side != "other" else \
            ~units["position"].str.startswith(("above", "below"))
        part = units[mask]
        label = {"above": "above the limits", "below": "below the limits", "other": "within"}[side]
        ax.scatter(part["denominator"], part["value"], marker=marker, s=36, facecolors=face, edgecolors="black",
                   linewidths=0.8, label=f"unit {label}" if len(part) else None, zorder=3)
    for _, row in units[outside].iterrows():
        name = ", ".join(str(row[k]) for k in by)
        ax.annotate(name, (row["denominator"], row["value"]), xytext=(4, 4), textcoords="offset points",
                    fontsize=7)


def funnel_plot(funnel: Any, *, by: str | Sequence[str], confidence: float | Sequence[float] | None = None,
                title: str | None = None, caption: str | None = None, path: str | Path | None = None):
    """Funnel plot of :func:`kpcompare.funnel`'s table: each unit's value against its denominator.

    Parameters
    ----------
    funnel : pandas.DataFrame
        Output of :func:`kpcompare.funnel`.
    by : str or list of str
        The unit columns of that table (their values label the outliers).
    confidence : float or sequence of float, optional
        The levels whose limits are drawn (default: every level in the table).
    title : str, optional
    caption : str, optional
        Text under the figure, e.g. the data source.
    path : str or Path, optional
        Save the figure there (format from the suffix).

    Returns
    -------
    matplotlib.figure.Figure
        x: the expected count (ratio), population (rate) or denominator (proportion); y: the value.  The
        limits are those of the table (the same method and overdispersion), from :func:`kpcompare.funnel_limits`.
    """
    table = as_pandas(funnel, argument="funnel")
    keys = check_columns_arg(by, argument="by", allow_none=False, allow_empty=False)
    require_columns(table, [*keys, *_COLUMNS], argument="funnel")
    if table.empty:
        raise InvalidArgumentError("argument 'funnel': the table has no rows.")
    check_keys(table, [*keys, "position", "method", "overdispersion", "statistic"], labels=True)
    check_measure(table, ["observed", "denominator", "value", "lower", "upper", "confidence", "target", "tau2"],
                  missing="allow")
    check_no_missing(table, ["confidence", "target", "position", "method", "overdispersion", "statistic"])
    in_table = sorted(set(table["confidence"].astype(float)))
    levels = in_table if confidence is None else [float(c) for c in np.atleast_1d(confidence)]
    if any(not np.isclose(in_table, c).any() for c in levels):
        raise InvalidArgumentError(f"argument 'confidence': levels {levels} not all in the table ({in_table}).")
    kind = _kind(table)
    curves = _curves(table, kind, levels)
    units = table.drop_duplicates(subset=keys).reset_index(drop=True)
    units["position"] = units["position"].astype(str)
    fig = _figure(8.0, 5.4)
    ax = fig.add_subplot(1, 1, 1)
    for level in levels:
        part = curves[np.isclose(curves["confidence"], level)]
        style = _STYLES.get(round(level, 6), "-.")
        label = f"{level * 100:g}% limits"
        ax.plot(part["denominator"], part["lower"], color="black", lw=1.0, ls=style, label=label)
        ax.plot(part["denominator"], part["upper"], color="black", lw=1.0, ls=style)
    ax.axhline(float(table["target"].iloc[0]), color="0.35", lw=1.2, label="target")
    widest = f"{max(levels) * 100:g}%"
    outside = units["position"].isin([f"above {widest}", f"below {widest}"])
    _points(ax, units, keys, outside)
    ax.set_xlabel(_X_LABELS[kind])
    ax.set_ylabel(str(table["statistic"].iloc[0]))
    ax.set_title(title or f"Funnel plot: {table['statistic'].iloc[0]} ({table['method'].iloc[0]})", fontsize=10)
    ax.grid(alpha=0.25)
    ax.legend(frameon=False, fontsize=8)
    if caption:
        fig.text(0.01, 0.01, caption, fontsize=7, ha="left", va="bottom")
        fig.subplots_adjust(bottom=0.16)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, bbox_inches="tight")
    return fig
