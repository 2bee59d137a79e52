"""The decomposition of a gap in bed days into admissions and length of stay, as bars (presentation only).

:func:`decomposition_bars` draws the output of :func:`kpcompare.decompose`: per cause and system, the part of
the gap in standardised bed days due to the admission rate and the part due to the length of stay (Kitagawa
1955; they sum to the gap, marked by a diamond).  The total over all causes gets a panel of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, row_problem
from ._data import check_one_name, missing_note, prepare
from ._labels import human, is_total
from ._style import check_output_path, figure_texts, finish, new_figure, series, unit_text

__all__ = ["decomposition_bars"]

_PARTS = (("admission_component", "Due to admission rate"), ("los_component", "Due to length of stay"))


def _rows(decomposition: Any, by: str) -> pd.DataFrame:
    by = check_one_name(by, argument="by")
    keys = ["system", by] + (["age_band"] if _has(decomposition, "age_band") else [])
    table = prepare(decomposition, argument="decomposition", keys=keys,
                    numbers=["gap", "admission_component", "los_component"],
                    optional=["reference", "statistic", "note"])
    if "age_band" in table.columns and (table["age_band"] == "standardised").any():
        table = table[table["age_band"] == "standardised"]
    repeated = table.duplicated(["system", by]).to_numpy()
    if repeated.any():
        raise row_problem(by, "one row per system and cause (e.g. the 'standardised' age band)", int(repeated.sum()),
                          table.loc[repeated, by].iloc[0], cls=DuplicateKeyError,
                          hint="Draw one age band at a time: pass its rows only.")
    return table.rename(columns={by: "cause"}).reset_index(drop=True)


def _has(data: Any, column: str) -> bool:
    names = getattr(data, "columns", None)
    if names is None:
        names = getattr(data, "column_names", [])
    return column in list(names)


def _panel(ax: Any, rows: pd.DataFrame, *, label_systems: bool) -> None:
    """Horizontal bars: the two parts side by side from 0 (stacked where they share a sign), the gap marked."""
    labels = [f"{human(c)}: {s}" if label_systems else human(c) for c, s in zip(rows["cause"], rows["system"])]
    y = -np.arange(len(rows), dtype=float)
    first = rows["admission_component"].to_numpy(float)
    second = rows["los_component"].to_numpy(float)
    stacked = np.where(np.sign(first) == np.sign(second), np.nan_to_num(first), 0.0)
    for k, (values, left, (column, label)) in enumerate(zip((first, second), (np.zeros(len(y)), stacked),
                                                               _PARTS)):
        style = series(k)
        ax.barh(y, np.nan_to_num(values), left=left, height=0.6, color=style.colour, hatch=style.hatch,
                edgecolor="black", linewidth=0.6, label=label)
    ax.plot(rows["gap"].to_numpy(float), y, "D", color="black", ms=5, label="Gap (their sum)")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_ylim(y.min() - 0.6, 0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def decomposition_bars(decomposition: Any, *, by: str = "condition", title: str | None = None,
                       caption: str | None = None, source: str | None = None, warning: str | None = None,
                       path: str | Path | None = None) -> Any:
    """Bars of the gap in standardised bed days split into an admission-rate and a length-of-stay part.

    One row per cause (and system, when there are several), the two parts as hatched bars (stacked where they
    have the same sign, else on either side of 0) and the gap, their sum, as a black diamond.  The total over
    all causes is drawn in a panel of its own below, on its own scale.

    Parameters
    ----------
    decomposition : pandas.DataFrame
        Output of :func:`kpcompare.decompose` (``system, <by>, gap, admission_component, los_component``;
        of ``age_band`` only the ``"standardised"`` rows are drawn; ``reference`` and ``statistic`` give the
        axis label).
    by : str
        The cause column.
    title, caption, source, warning : str, optional
        Title on top; caption kept on ``figure.kpcompare_notes`` (default: a description); source line and a
        warning drawn at the bottom.
    path : str or Path, optional
        Save the figure there.

    Returns
    -------
    matplotlib.figure.Figure
    """
    opts = figure_texts(title, caption, source, warning)
    target = check_output_path(path)
    rows = _rows(decomposition, by)
    totals = rows[rows["cause"].map(is_total)]
    causes = rows[~rows["cause"].map(is_total)]
    several = rows["system"].nunique() > 1
    main_rows = causes if len(causes) else totals
    fig = new_figure(8.5, max(3.4, 0.3 * (len(main_rows) + len(totals)) + 2.4))
    heights = [max(len(main_rows), 1), max(len(totals), 1) + 0.8] if len(causes) and len(totals) else [1]
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    main = fig.add_subplot(grid[0, 0])
    _panel(main, main_rows, label_systems=several)
    bottom = main
    if len(heights) == 2:
        bottom = fig.add_subplot(grid[1, 0])
        _panel(bottom, totals, label_systems=several)
        bottom.set_title("Total over all causes (own scale)", fontsize=8, loc="left")
    reference = rows["reference"].iloc[0] if "reference" in rows.columns and rows["reference"].iloc[0] else \
        "the reference"
    unit = unit_text(rows["statistic"].iloc[0].split(";")[0]) if "statistic" in rows.columns \
        and rows["statistic"].iloc[0] else "Bed days per 1,000 population"
    bottom.set_xlabel(f"Difference from {reference}: {unit[:1].lower() + unit[1:]} (standardised)", fontsize=9)
    handles, labels = main.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i].startswith("Gap"))  # the parts, then their sum
    main.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower left",
                bbox_to_anchor=(0, 1.01), ncol=3, frameon=False, fontsize=8)
    default = (f"Gap in standardised bed days from {reference} (diamond), split into the part due to the "
               "admission rate and the part due to the length of stay (Kitagawa 1955; the parts sum to the gap).")
    warnings = [*([opts["warning"]] if opts["warning"] else []),
                *missing_note(rows, ["gap", "admission_component", "los_component"])]
    return finish(fig, title=opts["title"] or "Gap in bed days: admissions against length of stay",
                  caption=opts["caption"] or default, source=opts["source"], warnings=warnings, path=target)
