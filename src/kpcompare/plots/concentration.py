"""Lorenz curves of concentration (presentation only: the points come from
:func:`kpcompare.concentration.lorenz`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list
from ..errors import InvalidArgumentError
from ._data import missing_note, prepare
from ._labels import human
from ._style import check_output_path, figure_texts, finish, new_figure, series

__all__ = ["lorenz_curves"]


def lorenz_curves(lorenz: pd.DataFrame, *, by: str | list[str] | None = None, title: str | None = None,
                  caption: str | None = None, source: str | None = None, warning: str | None = None,
                  path: str | Path | None = None) -> Any:
    """Lorenz curves (Lorenz 1905, doi:10.2307/2276207): the cumulative share of the total held by the
    cumulative share of persons, ordered from the smallest value up, one curve per group.

    Each group has its own line style and marker as well as colour (readable in greyscale), and a legend
    entry; the line of equality is drawn dotted.  Both axes are percentages from 0 to 100.

    Parameters
    ----------
    lorenz : pandas.DataFrame
        Output of :func:`kpcompare.concentration.lorenz` (``person_share, total_share`` and the ``by``
        columns).
    by : str or list of str, optional
        The group columns of the table (one curve per combination); default one curve.
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
    groups = as_list(by, argument="by")
    data = prepare(lorenz, argument="lorenz", keys=groups, numbers=["person_share", "total_share"])
    shares = data[["person_share", "total_share"]].to_numpy(float)
    outside = np.isfinite(shares) & ((shares < -1e-9) | (shares > 1 + 1e-9))
    if outside.any():
        column = ["person_share", "total_share"][int(np.argwhere(outside)[0][1])]
        raise InvalidArgumentError(f"argument 'lorenz': column {column!r} holds shares between 0 and 1; "
                                   f"{int(outside.sum())} values lie outside (e.g. {shares[outside][0]!r}).")
    fig = new_figure(6.2, 6.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 100], [0, 100], color="black", lw=0.9, ls=":", label="Line of equality")
    keys = data[groups].astype(str).agg(", ".join, axis=1) if groups else pd.Series("", index=data.index)
    for k, name in enumerate(dict.fromkeys(keys)):
        rows = data[keys == name].dropna(subset=["person_share", "total_share"])
        style = series(k)
        every = max(1, len(rows) // 8)
        ax.plot(100 * rows["person_share"], 100 * rows["total_share"], color=style.colour, ls=style.linestyle,
                lw=1.6, marker=style.marker, markevery=every, ms=5, mec="black", mew=0.5,
                label=human(name) if name else "All")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel("Cumulative share of persons, smallest values first (%)", fontsize=9)
    ax.set_ylabel("Cumulative share of the total (%)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    default = ("Lorenz curves: the share of the total held by each share of persons, ordered from the smallest "
               "value; the further below the line of equality, the more concentrated.")
    warnings = [*([texts["warning"]] if texts["warning"] else []),
                *missing_note(data, ["person_share", "total_share"], what="points")]
    return finish(fig, title=texts["title"] or "Concentration (Lorenz curves)", caption=texts["caption"] or default,
                  source=texts["source"], warnings=warnings, path=target)
