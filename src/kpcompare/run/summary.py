"""What ``kpcompare run`` prints when a comparison has run (``summary = "tables" | "ham" | "costs"``).

Rounded for reading only; the tables written keep full precision.
"""

from __future__ import annotations

import pandas as pd

from ..report._text import plain_table, wrapped
from ..report.bundle import ReportBundle
from .config import RunConfig

__all__ = ["summary_text"]


def _tables(config: RunConfig, bundle: ReportBundle) -> dict[str, pd.DataFrame]:
    """The bundle's tables by their short key (``ham_comparison`` -> ``comparison``), with the exclusions."""
    cut = len(config.prefix) + 1
    tables = {s.name[cut:]: s.table for s in bundle.sections}
    tables["exclusions"] = bundle.exclusions
    return tables


def _costs(tables: dict[str, pd.DataFrame]) -> list[str]:
    side = tables["assumptions"]
    keep = [c for c in ("assumption_set", "system", "value", "reference_value", "difference", "ratio",
                        "relative_difference") if c in side.columns]
    return ["Cost per head against the reference, assumption sets side by side (rounded for display):",
            plain_table(side[keep].round(3)), ""]


def summary_text(config: RunConfig, bundle: ReportBundle, reconciliation: list[str]) -> str:
    """The readable summary of a run."""
    tables = _tables(config, bundle)
    lines: list[str] = []
    if config.settings["description"]:
        lines += [*wrapped([" ".join(config.settings["description"].split())]), ""]
    if reconciliation:
        lines += ["Rows of the record-level extracts:", *(f"  {r}" for r in reconciliation), ""]
    if config.settings["summary"] == "ham":
        from ..report.demo import ham_summary

        return "\n".join([ham_summary(tables)])
    if config.settings["summary"] == "costs" and "assumptions" in tables:
        lines += _costs(tables)
    lines += ["Tables:", *(f"  {s.name}: {s.title} ({len(s.table):,} rows)" for s in bundle.sections)]
    return "\n".join(lines)
