"""Figures for cost comparisons (presentation only: no statistics are computed here).

:func:`cascade_waterfall` draws a cost cascade (:func:`kpcompare.costs.cascade`, Feachem et al BMJ 2002) as a
waterfall, one panel per system; :func:`tornado_chart` draws a sensitivity table
(:func:`kpcompare.costs.sensitivity`) as a tornado chart.  Increases and decreases differ in hatch as well as
colour, so both read in greyscale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_distinct, check_number
from ..errors import InvalidArgumentError
from ._data import missing_note, prepare
from ._labels import human
from ._style import Series, check_output_path, figure_texts, finish, new_figure

__all__ = ["tornado_chart", "cascade_waterfall"]

#: increases vermilion '///', decreases sky blue '\\\\\\' (greys 119 and 158 of 255, and told apart by hatch)
_UP = Series("#D55E00", "///", "^", "-")
_DOWN = Series("#56B4E9", "\\\\\\", "v", "--")


def tornado_chart(table: pd.DataFrame, *, ax: Any = None, threshold: float | None = None,
                  title: str | None = None, caption: str | None = None, source: str | None = None,
                  warning: str | None = None, path: str | Path | None = None) -> Any:
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
        A reference line (e.g. 0.9 for Feachem's "within 10%" on the ratio scale), dashed, in the legend.
    title, caption, source, warning : str, optional
        Title; caption kept on ``figure.kpcompare_notes`` (default: a description); source line and warning
        drawn at the bottom (on a figure of its own only: not when ``ax`` is given).
    path : str or Path, optional
        Save the figure there.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per input, from the baseline to the lowest and highest outcome over its
        settings, widest swing on top; above the baseline hatched '///', below '\\\\\\'.
    """
    texts = figure_texts(title, caption, source, warning)
    target = check_output_path(path)
    threshold = check_number(threshold, argument="threshold", allow_none=True, low=-1e15, high=1e15)
    columns = getattr(table, "columns", getattr(table, "column_names", []))
    label_column = "outcome" if "outcome" in columns and "statistic" not in columns else "statistic"
    data = prepare(table, argument="table", keys=["system", "item", label_column], numbers=["value", "baseline"])
    baseline = data["baseline"].dropna()
    if baseline.empty or not np.allclose(baseline, baseline.iloc[0], rtol=1e-9, atol=0):
        raise InvalidArgumentError("argument 'table': column 'baseline' must hold one value (the outcome at the "
                                   f"baseline), got {pd.unique(baseline)[:3]!r}.")
    baseline = float(baseline.iloc[0])
    label = data["system"].map(human) + ": " + data["item"].map(human)
    span = data.assign(label=label).groupby("label", sort=False, observed=True)["value"].agg(["min", "max"])
    lo = np.fmin(span["min"].to_numpy(float), baseline)
    hi = np.fmax(span["max"].to_numpy(float), baseline)
    order = np.argsort(hi - lo, kind="stable")
    own = ax is None
    if not own:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise InvalidArgumentError(f"argument 'ax': give matplotlib Axes to draw on (or None), got "
                                       f"{type(ax).__name__}.")
    fig = new_figure(7.5, 0.42 * max(3, len(order)) + 1.9) if own else ax.figure
    ax = fig.add_subplot(1, 1, 1) if own else ax
    _tornado_bars(ax, lo[order], hi[order], span.index.to_numpy()[order], baseline=baseline, threshold=threshold)
    ax.set_xlabel(str(data[label_column].iloc[0]))
    default = ("Range of the outcome over the settings of each input, widest on top; the solid line is the "
               "baseline" + (", the dashed line the threshold." if threshold is not None else "."))
    if not own:  # drawn on the caller's axes: leave the layout of the caller's figure alone
        if texts["title"]:
            ax.set_title(texts["title"])
        fig.kpcompare_notes = {"caption": texts["caption"] or default, "source": texts["source"] or "",
                               "warnings": (texts["warning"],) if texts["warning"] else ()}
        return fig
    warnings = [*([texts["warning"]] if texts["warning"] else []), *missing_note(data, ["value"])]
    return finish(fig, title=texts["title"], caption=texts["caption"] or default, source=texts["source"],
                  warnings=warnings, path=target)


def _tornado_bars(ax: Any, lo: np.ndarray, hi: np.ndarray, labels: np.ndarray, *, baseline: float,
                  threshold: float | None) -> None:
    """One bar per input from the baseline to its lowest and highest outcome; baseline and threshold lines."""
    ypos = np.arange(len(labels))
    ax.barh(ypos, hi - baseline, left=baseline, color=_UP.colour, hatch=_UP.hatch, edgecolor="black",
            linewidth=0.6, label="above baseline")
    ax.barh(ypos, lo - baseline, left=baseline, color=_DOWN.colour, hatch=_DOWN.hatch, edgecolor="black",
            linewidth=0.6, label="below baseline")
    ax.set_yticks(ypos, labels, fontsize=8)
    ax.axvline(baseline, color="black", linewidth=1, label=f"baseline ({baseline:,.4g})")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold ({threshold:,.4g})")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=4, frameon=False, fontsize=8)
    ax.grid(axis="x", alpha=0.3)


def _axis_start(values: np.ndarray) -> float:
    """Where the value axis starts: 0, or a round number below the smallest running total when the changes
    would otherwise be squashed by the totals (the smallest total above 60% of the largest)."""
    finite = values[np.isfinite(values)]
    if not len(finite) or finite.min() <= 0 or finite.min() < 0.6 * finite.max():
        return 0.0
    step = 10 ** np.floor(np.log10(finite.max() - 0.8 * finite.min() + 1e-300))
    return float(np.floor(0.8 * finite.min() / step) * step)


def _value_limits(values: np.ndarray, start: float) -> tuple[float, float]:
    """The value axis: from its start (or the lowest total, when below 0) to the highest total, with room for
    the printed totals; never an empty range."""
    finite = values[np.isfinite(values)]
    low = start if start > 0 or not len(finite) else min(0.0, float(finite.min()))
    high = max(float(finite.max()), low) if len(finite) else low + 1.0
    span = high - low if high > low else max(abs(low), 1.0)
    return low, high + 0.14 * span


def _waterfall_panel(ax: Any, steps: pd.DataFrame, *, start: float) -> None:
    """One system's cascade, top to bottom: the start and the subtotals as full bars from the axis start, each
    change as a floating bar from the running total before it to the one after it, the running total printed."""
    values = steps["value"].to_numpy(float)
    kinds = steps["kind"].to_numpy(object)
    y = -np.arange(len(steps), dtype=float)
    previous = np.concatenate([[0.0], values[:-1]])
    full = (kinds == "start") | (kinds == "net") | (np.arange(len(steps)) == 0)
    for k in range(len(steps)):
        if np.isnan(values[k]):
            continue
        if full[k]:
            left, width, style = start, values[k] - start, None
        else:
            left, width = previous[k], values[k] - previous[k]
            style = _UP if width > 0 else _DOWN
        ax.barh(y[k], width, left=left, height=0.62, color="#d9d9d9" if style is None else style.colour,
                hatch="" if style is None else style.hatch, edgecolor="black", linewidth=0.6)
        ax.text(max(values[k], previous[k]) if not full[k] else values[k], y[k], f" {values[k]:,.0f}",
                va="center", ha="left", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([human(i) for i in steps["item"]], fontsize=8)
    ax.set_ylim(y.min() - 0.6, 0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def cascade_waterfall(cascade: pd.DataFrame, *, systems: list[str] | None = None, title: str | None = None,
                      caption: str | None = None, source: str | None = None, warning: str | None = None,
                      path: str | Path | None = None) -> Any:
    """Draw a cost cascade (:func:`kpcompare.costs.cascade`) as a waterfall, one panel per system.

    Top to bottom, each step of the cascade: the gross expenditure per head and the net subtotal as grey bars
    from 0; each adjustment and factor as a floating bar from the running total before it to the one after
    it (increases hatched '///', decreases '\\\\\\'), the running total printed at its end.  The panels share
    one scale, so systems compare at a glance (Feachem et al BMJ 2002;324:135, the chain from gross
    expenditure to the adjusted cost per head).

    Parameters
    ----------
    cascade : pandas.DataFrame
        Output of :func:`kpcompare.costs.cascade` (``system, step, kind, item, value``; ``currency`` gives
        the axis unit).
    systems : list of str, optional
        Systems drawn, in this order (default: all, in order of appearance).
    title, caption, source, warning : str, optional
        Title; caption kept on ``figure.kpcompare_notes`` (default: a description); source line and a
        warning drawn at the bottom.
    path : str or Path, optional
        Save the figure there.

    Returns
    -------
    matplotlib.figure.Figure
    """
    texts = figure_texts(title, caption, source, warning)
    target = check_output_path(path)
    chosen = check_distinct(systems, argument="systems")
    if chosen is not None and not chosen:
        raise InvalidArgumentError("argument 'systems': give at least one system to draw (or None for all).")
    data = prepare(cascade, argument="cascade", keys=["system", "kind", "item"], numbers=["step", "value"],
                   optional=["currency"])
    present = list(dict.fromkeys(data["system"]))
    if chosen is not None:
        absent = [s for s in chosen if str(s) not in present]
        if absent:
            raise InvalidArgumentError(f"argument 'systems': {absent[0]!r} is not in the cascade (it has "
                                       f"{', '.join(map(repr, present[:6]))}).")
    names = [str(s) for s in chosen] if chosen is not None else present
    n_steps = int(data.groupby("system", observed=True)["step"].size().max())
    fig = new_figure(max(7.5, 4.4 * len(names)), 0.34 * n_steps + 2.6)
    axes = fig.subplots(1, len(names), sharex=True, squeeze=False)[0]
    items = [tuple(data.loc[data["system"] == n].sort_values("step", kind="stable")["item"]) for n in names]
    start = _axis_start(data.loc[data["system"].isin(names), "value"].to_numpy(float))
    for k, (ax, name) in enumerate(zip(axes, names)):
        steps = data[data["system"] == name].sort_values("step", kind="stable")
        _waterfall_panel(ax, steps, start=start)
        ax.set_title(human(name), fontsize=9)
        if k and items[k] == items[0]:
            ax.tick_params(labelleft=False)  # the same steps: labelled once, on the left
    currency = ", ".join(dict.fromkeys(c for c in data.get("currency", pd.Series([], dtype=object)) if c)) or ""
    unit = f"Cost per head ({currency})" if currency else "Cost per head"
    axes[0].set_xlabel(unit + (f"; the axis starts at {start:,.0f}, not 0" if start > 0 else ""), fontsize=9,
                       loc="left")
    axes[0].set_xlim(*_value_limits(data.loc[data["system"].isin(names), "value"].to_numpy(float), start))
    _waterfall_legend(axes[0])
    default = ("Each system's cost per head from gross expenditure through each adjustment and factor to the "
               "adjusted cost (grey: start and subtotal; hatched: increases and decreases; running total printed).")
    warnings = [*([texts["warning"]] if texts["warning"] else []), *missing_note(data, ["value"], what="steps")]
    return finish(fig, title=texts["title"] or "Cost cascade per head", caption=texts["caption"] or default,
                  source=texts["source"], warnings=warnings, path=target)


def _waterfall_legend(ax: Any) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="#d9d9d9", edgecolor="black", label="start and subtotal"),
               Patch(facecolor=_UP.colour, hatch=_UP.hatch, edgecolor="black", label="increase"),
               Patch(facecolor=_DOWN.colour, hatch=_DOWN.hatch, edgecolor="black", label="decrease")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.06), ncol=3, frameon=False, fontsize=8)
