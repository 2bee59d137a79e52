"""Figures for cost comparisons: the tornado chart of a sensitivity table (presentation only: no statistics
are computed here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_pandas, require_columns

__all__ = ["tornado_chart"]


def tornado_chart(table: pd.DataFrame, *, ax: Any = None, threshold: float | None = None,
                  title: str | None = None) -> Any:
    """Draw the output of :func:`kpcompare.costs.sensitivity` as a tornado chart.

    Parameters
    ----------
    table : pandas.DataFrame
        A sensitivity table (columns ``system, item, value, baseline`` and the label of what was computed,
        ``statistic``; ``outcome`` in tables of kpcompare 0.1).
    ax : matplotlib Axes, optional
        Where to draw; a new :class:`matplotlib.figure.Figure` is made when omitted (no pyplot state,
        no backend change; ``fig.savefig`` renders with Agg).
    threshold : float, optional
        A reference line (e.g. 0.9 for Feachem's "within 10%" on the ratio scale).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per input, from the baseline to the lowest and highest outcome over its
        settings, widest swing on top.
    """
    data = as_pandas(table, argument="table")
    label_column = "outcome" if "outcome" in data.columns and "statistic" not in data.columns else "statistic"
    require_columns(data, ["system", "item", "value", "baseline", label_column], argument="table")
    if ax is None:
        # a bare Figure (no pyplot, no global backend change): renders with Agg on savefig
        from matplotlib.figure import Figure

        n_inputs = data[["system", "item"]].drop_duplicates().shape[0]
        fig = Figure(figsize=(7, 0.45 * max(3, n_inputs) + 1))
        ax = fig.subplots()
    else:
        fig = ax.figure
    label = data["system"].astype(str) + ": " + data["item"].astype(str)
    span = data.assign(label=label).groupby("label", sort=False)["value"].agg(["min", "max"])
    baseline = float(data["baseline"].iloc[0])
    lo = np.minimum(span["min"].to_numpy(), baseline)
    hi = np.maximum(span["max"].to_numpy(), baseline)
    order = np.argsort(hi - lo)
    ypos = np.arange(len(order))
    ax.barh(ypos, hi[order] - baseline, left=baseline, color="#c0504d", label="above baseline")
    ax.barh(ypos, lo[order] - baseline, left=baseline, color="#4f81bd", label="below baseline")
    ax.set_yticks(ypos, span.index.to_numpy()[order])
    ax.axvline(baseline, color="black", linewidth=1)
    if threshold is not None:
        ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(str(data[label_column].iloc[0]))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
