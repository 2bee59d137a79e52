"""Figures for system comparisons (presentation only: no statistics are computed here).

:func:`bed_days_bars` (grouped bars of a standardised rate by cause and system, Ham style) and
:func:`ratio_forest` (a forest plot of the ratios to the reference system, the numbers printed beside the
intervals) draw the output of :func:`kpcompare.compare` on a bare matplotlib Figure (house style:
:mod:`kpcompare.plots._style`; every series told apart by hatch or marker as well as colour), and optionally
save it.  The total over all causes is drawn in a panel of its own, on its own scale, so that it does not
squash the causes.  Rows whose ``note`` says their interval is too narrow get a warning on the figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError
from ._data import at_confidence, check_names, check_one_name, missing_note, prepare
from ._labels import UNITS, human, is_total
from ._style import check_output_path, figure_texts, finish, log_ticks, narrow_interval_warnings, new_figure, series, unit_text

__all__ = ["bed_days_bars", "ratio_forest"]

def _options(title: Any, caption: Any, source: Any, warning: Any, path: Any) -> dict[str, Any]:
    return {**figure_texts(title, caption, source, warning), "path": check_output_path(path)}


def _warnings(rows: pd.DataFrame, warning: str | None, missing: list[str]) -> list[str]:
    return [*narrow_interval_warnings(rows), *([warning] if warning else []), *missing]


def _measure_rows(comparison: Any, *, by: str, measure: str, confidence: Any) -> pd.DataFrame:
    by = check_one_name(by, argument="by")
    measure = check_one_name(measure, argument="measure")
    base = prepare(comparison, argument="comparison", keys=["system", by, "measure"],
                   numbers=["value", "lower", "upper", "confidence"], optional=["statistic", "note"])
    rows = base[base["measure"] == measure]
    if rows.empty:
        have = ", ".join(map(repr, pd.unique(base["measure"])[:8]))
        raise InvalidArgumentError(f"argument 'measure': no rows with measure {measure!r} in the comparison "
                                   f"(it has {have}).")
    return at_confidence(rows.reset_index(drop=True), confidence)


def _bars(ax: Any, rows: pd.DataFrame, *, by: str, causes: list[str], systems: list[str]) -> None:
    """Grouped bars (one group per cause, one bar per system) with black interval whiskers."""
    x = np.arange(len(causes))
    width = 0.8 / max(len(systems), 1)
    for k, system in enumerate(systems):
        mine = rows[rows["system"] == system].drop_duplicates(by).set_index(by).reindex(causes)
        val, lo, hi = (mine[c].to_numpy(float) for c in ("value", "lower", "upper"))
        err = np.vstack([np.clip(val - lo, 0, None), np.clip(hi - val, 0, None)])
        style = series(k)
        ax.bar(x + (k - (len(systems) - 1) / 2) * width, np.nan_to_num(val), width, label=human(system),
               color=style.colour, hatch=style.hatch, edgecolor="black", linewidth=0.6,
               yerr=np.nan_to_num(err), capsize=2, error_kw={"ecolor": "black", "elinewidth": 0.8})
    ax.set_xticks(x)
    ax.set_xticklabels([human(c) for c in causes], rotation=35, ha="right", fontsize=8)
    ax.set_xlim(-0.6, len(causes) - 0.4)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def bed_days_bars(comparison: Any, *, by: str = "condition", measure: str = "bed_days",
                  confidence: float | None = None, title: str | None = None, caption: str | None = None,
                  source: str | None = None, warning: str | None = None, path: str | Path | None = None) -> Any:
    """Grouped bars of a standardised rate by cause (groups) and system (bars), with interval whiskers.

    The total over all causes (``"all selected"``, or a label like ``"All 12 causes"``) is drawn in its own
    panel on its own scale.  Each system has a colour and a hatch (readable in greyscale) and a legend entry.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`kpcompare.compare` (``system, <by>, measure, value, lower, upper, confidence``;
        ``statistic`` gives the axis label, ``note`` the warnings).
    by : str
        The cause column.
    measure : str
        Which measure to draw (default ``"bed_days"``).
    confidence : float, optional
        Which confidence level's interval to draw (default: the first in the table).
    title, caption, source, warning : str, optional
        Title on top; the caption kept on ``figure.kpcompare_notes`` (default: a description of the figure);
        the source line drawn at the bottom; a warning drawn on the figure (besides the automatic one for
        rows whose ``note`` says their interval is too narrow).
    path : str or Path, optional
        Save the figure there (PNG, or the format of the suffix).

    Returns
    -------
    matplotlib.figure.Figure
    """
    opts = _options(title, caption, source, warning, path)
    rows = _measure_rows(comparison, by=by, measure=measure, confidence=confidence)
    systems = list(dict.fromkeys(rows["system"]))
    causes = [c for c in dict.fromkeys(rows[by]) if not is_total(c)]
    totals = [c for c in dict.fromkeys(rows[by]) if is_total(c)]
    fig = new_figure(max(7.5, 0.75 * len(causes) + 3.5), 5.2)
    grid = fig.add_gridspec(1, 2, width_ratios=[max(len(causes), 1), 1.6]) if totals and causes else None
    main = fig.add_subplot(grid[0, 0] if grid is not None else 111)
    _bars(main, rows, by=by, causes=causes or totals, systems=systems)
    unit = unit_text(rows["statistic"].iloc[0]) if "statistic" in rows.columns and rows["statistic"].iloc[0] \
        else UNITS.get(measure, human(measure))
    main.set_ylabel(unit, fontsize=9)
    if grid is not None:
        side = fig.add_subplot(grid[0, 1])
        _bars(side, rows, by=by, causes=totals, systems=systems)
        side.set_title("Total (own scale)", fontsize=8)
    main.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=min(len(systems), 3), frameon=False, fontsize=8)
    level = rows["confidence"].iloc[0] if "confidence" in rows.columns else np.nan
    interval = f"whiskers: {level:.0%} confidence intervals" if np.isfinite(level) else "whiskers: intervals"
    default = (f"{unit} by cause (groups) and system (bars); {interval}."
               + (" The total over all causes is drawn apart, on its own scale." if grid is not None else ""))
    warnings = _warnings(rows, opts["warning"], missing_note(rows, ["value"]))
    return finish(fig, title=opts["title"] or f"{human(measure)} by cause and system",
                  caption=opts["caption"] or default, source=opts["source"], warnings=warnings, path=opts["path"])


def _forest_rows(base: pd.DataFrame, *, by: str, measure: str) -> tuple[pd.DataFrame, str | None]:
    """The reference system (ratio 1 with limits 1) and the rows of the other systems, grouped by cause."""
    rows = base[base["measure"] == measure]
    one = rows["ratio"].eq(1.0) & rows["ratio_lower"].eq(1.0) & rows["ratio_upper"].eq(1.0)
    ref = rows.loc[one, "system"].iloc[0] if one.any() else None
    return rows[rows["system"] != ref], ref


def _forest_panel(ax: Any, text_ax: Any, rows: pd.DataFrame, *, ypos: dict, systems: list[str]) -> None:
    """One measure: a marker and interval per (cause, system), and the numbers printed beside them."""
    for k, system in enumerate(systems):
        mine = rows[rows["system"] == system]
        r, lo, hi = (mine[c].to_numpy(float) for c in ("ratio", "ratio_lower", "ratio_upper"))
        y = np.array([ypos[(c, system)] for c in mine["cause"]], dtype=float)
        ok = np.isfinite(r) & (r > 0) & np.isfinite(lo) & (lo > 0) & np.isfinite(hi)
        style = series(k)
        ax.errorbar(r[ok], y[ok], xerr=np.vstack([r[ok] - lo[ok], hi[ok] - r[ok]]).clip(0), fmt=style.marker,
                    color=style.colour, mec="black", mew=0.5, ms=5, ecolor="black", elinewidth=0.9, capsize=2,
                    label=human(system))
        for value, low, high, at in zip(r, lo, hi, y):
            text = "no estimate" if not (np.isfinite(value) and value > 0) else \
                f"{value:.2f} ({low:.2f} to {high:.2f})"
            text_ax.text(0.02, at, text, va="center", ha="left", fontsize=7, family="DejaVu Sans Mono")
    ax.axvline(1.0, color="black", lw=0.8, ls="--")
    ax.grid(axis="x", alpha=0.3)


def _forest_positions(rows: pd.DataFrame, systems: list[str]) -> tuple[dict, list[float], list[str]]:
    """y position of each (cause, system), top to bottom, a gap between causes; a label per cause."""
    ypos, ticks, labels, y = {}, [], [], 0.0
    for cause in dict.fromkeys(rows["cause"]):
        present = [s for s in systems if ((rows["cause"] == cause) & (rows["system"] == s)).any()]
        start = y
        for system in present:
            ypos[(cause, system)] = -y
            y += 1
        ticks.append(-(start + y - 1) / 2)
        labels.append(human(cause))
        y += 0.6
    return ypos, ticks, labels


def ratio_forest(comparison: Any, *, by: str = "condition", measures: tuple[str, ...] = ("admissions", "alos",
                 "bed_days"), confidence: float | None = None, title: str | None = None, caption: str | None = None,
                 source: str | None = None, warning: str | None = None, path: str | Path | None = None) -> Any:
    """Forest plot of the ratios to the reference system with their intervals (log scale), the numbers
    printed beside each interval.

    One panel per measure, all on one scale; one row per cause x non-reference system, causes grouped (the
    total over all causes last, as in the table), systems told apart by marker and colour with a legend.
    Ticks are plain numbers (0.5, 1, 2), at least three on the axis however narrow the range.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`kpcompare.compare` (columns ``system, <by>, measure, ratio, ratio_lower,
        ratio_upper, confidence``; ``note`` gives the warnings).  The reference system is the one whose
        ratio and limits are 1.
    by : str
        The cause column.
    measures : tuple of str
        Panels, left to right (those absent from the comparison are left out).
    confidence : float, optional
        Which confidence level to draw (default: the first in the table).
    title, caption, source, warning : str, optional
        As for :func:`bed_days_bars`.
    path : str or Path, optional
        Save the figure there.

    Returns
    -------
    matplotlib.figure.Figure
    """
    opts = _options(title, caption, source, warning, path)
    by = check_one_name(by, argument="by")
    measures = check_names(measures, argument="measures")
    base = prepare(comparison, argument="comparison", keys=["system", by, "measure"],
                   numbers=["ratio", "ratio_lower", "ratio_upper", "confidence"], optional=["note"])
    base = at_confidence(base, confidence).rename(columns={by: "cause"})
    present = [m for m in measures if (base["measure"] == m).any()]
    if not present:
        raise InvalidArgumentError(f"argument 'measures': none of {tuple(measures)!r} is in the comparison.")
    panels = [(m, *_forest_rows(base, by="cause", measure=m)) for m in present]
    ref = next((r for _, _, r in panels if r is not None), None)
    every = pd.concat([rows for _, rows, _ in panels], ignore_index=True)
    systems = list(dict.fromkeys(every["system"]))
    ypos, ticks, labels = _forest_positions(every, systems)
    fig = new_figure(4.6 * len(present) + 2.2, max(3.2, 0.24 * len(ypos) + 0.3 * len(ticks) + 2.0))
    grid = fig.add_gridspec(1, 2 * len(present), width_ratios=[2.6, 1.5] * len(present), wspace=0.05)
    axes = []
    for k, (measure, rows, _) in enumerate(panels):
        ax, text_ax = fig.add_subplot(grid[0, 2 * k]), fig.add_subplot(grid[0, 2 * k + 1])
        _forest_panel(ax, text_ax, rows, ypos=ypos, systems=systems)
        ax.set_xscale("log")
        ax.set_title(human(measure), fontsize=9)
        ax.set_yticks(ticks)
        ax.set_yticklabels(labels if k == 0 else [""] * len(labels), fontsize=8)
        text_ax.set_axis_off()
        text_ax.set_title("ratio (interval)", fontsize=7, loc="left")
        axes.append((ax, text_ax))
    _same_scale(axes, lowest=min(ypos.values(), default=0.0),
                width=fig.get_size_inches()[0] / len(present) * 2.6 / 4.1 * 0.8)
    level = base["confidence"].iloc[0] if "confidence" in base.columns else np.nan
    axes[0][0].set_xlabel(f"Ratio to {ref} (log scale)" if ref is not None else "Ratio (log scale)", fontsize=9,
                          loc="left")
    axes[0][0].legend(loc="lower left", bbox_to_anchor=(0, 1.06), ncol=min(len(systems), 3), frameon=False,
                      fontsize=8)
    default = (f"Ratios to {ref if ref is not None else 'the reference'} with "
               f"{f'{level:.0%} ' if np.isfinite(level) else ''}confidence intervals, by cause and system "
               "(log scale; 1 = no difference); the numbers are printed beside each interval.")
    warnings = _warnings(base, opts["warning"], missing_note(every, ["ratio"]))
    return finish(fig, title=opts["title"] or "Ratios to the reference system (standardised)",
                  caption=opts["caption"] or default, source=opts["source"], warnings=warnings, path=opts["path"])


def _same_scale(axes: list, *, lowest: float, width: float) -> None:
    """One x scale for every panel (so ratios compare across measures), readable log ticks, rows aligned."""
    limits = np.array([ax.get_xlim() for ax, _ in axes] + [(0.9, 1.1)])
    low, high = limits[:, 0].min() / 1.1, limits[:, 1].max() * 1.1
    for ax, text_ax in axes:
        ax.set_xlim(low, high)
        log_ticks(ax, width=width)
        ax.set_ylim(lowest - 0.8, 0.8)
        text_ax.set_ylim(lowest - 0.8, 0.8)
