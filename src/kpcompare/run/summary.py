"""What a run says in words: the bundle's short summary (the first paragraphs of the HTML report) and the text
``kpcompare run`` prints (``summary = "tables" | "ham" | "costs"``).

Rounded for reading only; the tables written keep full precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..report._text import plain_table, wrapped
from ..report.bundle import ReportBundle
from .config import RunConfig

__all__ = ["summary_text", "printed_text"]


def _tables(config: RunConfig, bundle: ReportBundle) -> dict[str, pd.DataFrame]:
    """The bundle's tables by their short key (``ham_comparison`` -> ``comparison``), with the exclusions."""
    cut = len(config.prefix) + 1
    tables = {s.name[cut:]: s.table for s in bundle.sections}
    tables["exclusions"] = bundle.exclusions
    return tables


def _reconciliation(rows: Mapping[str, Any]) -> list[str]:
    return [f"{name}: rows read {r['read']:,} = counted {r['counted']:,} + excluded {r['excluded']:,}."
            for name, r in rows.items()]


def summary_text(config: RunConfig, bundle: ReportBundle) -> str:
    """The short summary: the description (for ``summary = "ham"`` the comparison's notes) and, per
    record-level extract, rows read = counted + excluded."""
    paragraphs = []
    if config.settings["summary"] == "ham":
        from ..report.demo import ham_notes

        paragraphs += ham_notes(_tables(config, bundle))
    elif config.settings["description"]:
        paragraphs.append(" ".join(config.settings["description"].split()))
    paragraphs += _reconciliation(bundle.provenance.get("rows", {}))
    return "\n\n".join(paragraphs)


def _costs(tables: dict[str, pd.DataFrame]) -> list[str]:
    side = tables["assumptions"]
    keep = [c for c in ("assumption_set", "system", "value", "reference_value", "difference", "ratio",
                        "relative_difference") if c in side.columns]
    return ["Cost per head against the reference, assumption sets side by side (rounded for display):",
            plain_table(side[keep].round(3)), ""]


def printed_text(config: RunConfig, bundle: ReportBundle) -> str:
    """What the command prints: the short summary and, by ``summary``, the Ham-style text report, the cost
    comparison, or the list of tables."""
    tables = _tables(config, bundle)
    if config.settings["summary"] == "ham":
        from ..report.demo import ham_summary

        return ham_summary(tables)
    lines = [*wrapped(p for p in summary_text(config, bundle).split("\n\n") if p), ""]
    if config.settings["summary"] == "costs" and "assumptions" in tables:
        lines += _costs(tables)
    lines += ["Tables:", *(f"  {s.name}: {s.title} ({len(s.table):,} rows)" for s in bundle.sections)]
    return "\n".join(lines)
