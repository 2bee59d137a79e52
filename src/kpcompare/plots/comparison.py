"""Figures for system comparisons (presentation only: no statistics are computed here).

Both functions draw from the output of :func:`kpcompare.compare` with
matplotlib's object-oriented API on an Agg canvas (no pyplot, no global
backend switch), and optionally save a PNG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_pandas, require_columns
from ..errors import InvalidArgumentError

__all__ = ["bed_days_bars", "ratio_forest"]

_LABELS = {"admissions": "Admissions", "bed_days": "Bed days", "alos": "Average length of stay (days)"}


def _select(comparison: Any, *, by: str, measure: str, confidence: float | None) -> pd.DataFrame:
    res = as_pandas(comparison, argument="comparison")
    require_columns(res, ["system", by, "measure", "value", "lower", "upper", "confidence"], argument="comparison")
    res = res[res["measure"] == measure]
    if res.empty:
        raise InvalidArgumentError(f"argument 'measure': no rows with measure {measure!r} in the comparison.")
    level = res["confidence"].iloc[0] if confidence is None else confidence
    return res[np.isclose(res["confidence"].to_numpy(float), level)]


def _null_formatter():
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


def _plain_formatter():
    """Ratios on a log axis written as plain numbers (0.1, 1, 2), not powers of ten."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:g}")


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: str | Path | None) -> None:
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, bbox_inches="tight")


def bed_days_bars(comparison: Any, *, by: str = "condition", measure: str = "bed_days",
                  confidence: float | None = None, title: str | None = None,
                  path: str | Path | None = None):
    """Grouped bars of a standardised rate by cause (groups) and system (bars), with interval whiskers.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`kpcompare.compare`.
    by : str
        The cause column.
    measure : str
        Which measure to draw (default ``"bed_days"``).
    confidence : float, optional
        Which confidence level's interval to draw (default: the first in the table).
    title : str, optional
    path : str or Path, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    res = _select(comparison, by=by, measure=measure, confidence=confidence)
    systems = list(dict.fromkeys(res["system"]))
    causes = list(dict.fromkeys(res[by]))
    wide = res.pivot_table(index=by, columns="system", values=["value", "lower", "upper"], sort=False)
    fig = _figure(max(8.0, 0.9 * len(causes) + 2), 4.8)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(causes))
    width = 0.8 / max(len(systems), 1)
    for k, system in enumerate(systems):
        val = wide["value"][system].reindex(causes).to_numpy(float)
        lo = wide["lower"][system].reindex(causes).to_numpy(float)
        hi = wide["upper"][system].reindex(causes).to_numpy(float)
        err = np.vstack([np.clip(val - lo, 0, None), np.clip(hi - val, 0, None)])
        ax.bar(x + (k - (len(systems) - 1) / 2) * width, val, width, label=str(system),
               yerr=np.nan_to_num(err), capsize=2)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in causes], rotation=40, ha="right")
    statistic = res["statistic"].iloc[0] if "statistic" in res.columns else _LABELS.get(measure, measure)
    ax.set_ylabel(str(statistic))
    ax.set_title(title or f"{_LABELS.get(measure, measure)} by cause and system")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    _save(fig, path)
    return fig


def ratio_forest(comparison: Any, *, by: str = "condition", measures: tuple[str, ...] = ("admissions", "alos",
                 "bed_days"), confidence: float | None = None, title: str | None = None,
                 path: str | Path | None = None):
    """Forest plot of the ratios to the reference system with their intervals (log scale).

    One panel per measure; one row per cause x non-reference system.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`kpcompare.compare` (columns ``ratio, ratio_lower, ratio_upper``).
    by : str
        The cause column.
    measures : tuple of str
        Panels, left to right.
    confidence : float, optional
        Which confidence level to draw (default: the first in the table).
    title : str, optional
    path : str or Path, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    base = as_pandas(comparison, argument="comparison")
    require_columns(base, ["ratio", "ratio_lower", "ratio_upper"], argument="comparison")
    present = [m for m in measures if (base["measure"] == m).any()]
    if not present:
        raise InvalidArgumentError(f"argument 'measures': none of {measures!r} is in the comparison.")
    first = _select(base, by=by, measure=present[0], confidence=confidence)
    reference = first.loc[first["ratio"].eq(1.0) & first["ratio_lower"].eq(1.0), "system"]
    ref = reference.iloc[0] if len(reference) else None
    rows = first[first["system"] != ref][[by, "system"]].drop_duplicates()
    n = len(rows)
    fig = _figure(4.0 * len(present) + 2.5, max(3.0, 0.28 * n + 1.5))
    labels = [f"{c} | {s}" for c, s in zip(rows[by], rows["system"])]
    y = np.arange(n)[::-1]
    axes = []
    for k, measure in enumerate(present):
        ax = fig.add_subplot(1, len(present), k + 1)
        res = _select(base, by=by, measure=measure, confidence=confidence)
        m = rows.merge(res, on=[by, "system"], how="left")
        r = m["ratio"].to_numpy(float)
        lo, hi = m["ratio_lower"].to_numpy(float), m["ratio_upper"].to_numpy(float)
        ok = np.isfinite(r) & (r > 0)
        ax.errorbar(r[ok], y[ok], xerr=np.vstack([r[ok] - lo[ok], hi[ok] - r[ok]]).clip(0), fmt="o",
                    ms=3, capsize=2)
        ax.axvline(1.0, color="grey", lw=0.8)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(_plain_formatter())
        ax.xaxis.set_minor_formatter(_null_formatter())
        ax.set_title(_LABELS.get(measure, measure), fontsize=9)
        ax.set_yticks(y)
        ax.set_yticklabels(labels if k == 0 else [""] * n, fontsize=7)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel(f"ratio to {ref}" if ref is not None else "ratio", fontsize=8)
        axes.append(ax)
    lims = np.array([ax.get_xlim() for ax in axes])
    for ax in axes:  # one scale for all panels, so the sizes of the ratios can be compared
        ax.set_xlim(lims[:, 0].min(), lims[:, 1].max())
    fig.suptitle(title or "Ratios to the reference system (standardised)", fontsize=10)
    _save(fig, path)
    return fig
