"""The figures a configuration declares (``[[figures]]``), drawn by :mod:`kpcompare.plots`.

Causes are shown with display names (``heart_failure`` -> "Heart failure"; the total -> "All N causes");
the tables keep the condition-set group names.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..report.bundle import ReportFigure
from .config import RunConfig
from .load import blamed

__all__ = ["draw_figures"]


def _display(table: pd.DataFrame, by: str) -> pd.DataFrame:
    from ..comparison.compare import ALL_SELECTED
    from ..report.ham import cause_label

    causes = [c for c in pd.unique(table[by]) if c != ALL_SELECTED]
    return table.assign(**{by: cause_label(table[by], len(causes))})


def _draw(fig_spec: dict[str, Any], table: pd.DataFrame, by: str) -> Any:
    from .. import plots

    texts = {"title": fig_spec["title"], "caption": fig_spec["caption"] or None, "source": fig_spec["source"] or None}
    if fig_spec["plot"] == "bed_days_bars":
        return plots.bed_days_bars(_display(table, by), by=by, measure=fig_spec["measure"], **texts)
    if fig_spec["plot"] == "ratio_forest":
        return plots.ratio_forest(_display(table, by), by=by, **texts)
    if fig_spec["plot"] == "decomposition_bars":
        return plots.decomposition_bars(_display(table, by), by=by, **texts)
    if fig_spec["plot"] == "cascade_waterfall":
        return plots.cascade_waterfall(table, **texts)
    return plots.tornado_chart(table, threshold=fig_spec["threshold"], **texts)


def _drawable(table: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Rows with a value (suppressed or missing ones are not drawn), and whether any were left out."""
    if "value" not in table.columns:
        return table, False
    keep = table["value"].notna()
    return table[keep], not bool(keep.all())


def draw_figures(config: RunConfig, tables: dict[str, pd.DataFrame]) -> dict[str, list[ReportFigure]]:
    """Each declared figure, grouped by the table it draws (the section it belongs to)."""
    cmp = config.settings["comparison"] or {}
    by = cmp.get("by", "condition")
    out: dict[str, list[ReportFigure]] = {}
    for i, spec in enumerate(config.settings["figures"] or []):
        table = tables[spec["table"]]
        if spec["assumption_set"] is not None and "assumption_set" in table.columns:
            table = table[table["assumption_set"] == spec["assumption_set"]]
            if table.empty:
                raise config.error(("figures", i, "assumption_set"),
                                   f"no row of table {spec['table']!r} has assumption set {spec['assumption_set']!r}.")
        table, left_out = _drawable(table)
        caption = spec["caption"]
        if left_out:
            caption = (caption + " " if caption else "") + ("Cells without a value (suppressed by disclosure "
                                                           "control, or too few events) are not drawn.")
        with blamed(config, ("figures", i)):
            figure = _draw(spec, table, by)
        out.setdefault(spec["table"], []).append(
            ReportFigure(name=spec["name"], figure=figure, caption=caption, source=spec["source"]))
    return out
