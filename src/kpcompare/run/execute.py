"""Running a validated configuration into a :class:`~kpcompare.report.bundle.ReportBundle` (no files written;
:func:`kpcompare.run.output.write_bundle` writes it).

The steps: read the extracts (aggregated to strata, every row counted or excluded), the populations and the
standard; run the declared comparison and cost analyses with the library's functions; draw the declared
figures; collect the caveats (beside the table they qualify), the method notes, the exclusions and the
provenance.  Disclosure control is applied to tables that rest on record-level extracts
(:mod:`kpcompare.run.release`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from ..report.bundle import MethodNote, ReportBundle, ReportSection
from . import methods
from .analyses import comparison_tables, cost_tables, exclusions_table
from .config import RunConfig
from .drawing import draw_figures
from .load import Loaded, read_extracts
from .provenance import build_provenance
from .release import release
from .sources import BUNDLED_CAVEATS
from .summary import summary_text

__all__ = ["run_config", "SECTION_TITLES"]

#: the title of each table's section (in the order written)
SECTION_TITLES = {
    "comparison": "Standardised rates and ratios to the reference system",
    "by_age_band": "The comparison within each age band",
    "decomposition": "Gap in bed days: admission-rate and length-of-stay parts",
    "strata": "Strata compared (counts per system, age band and cause)",
    "population": "Populations (denominators)",
    "cascade": "Cost cascade: every step of every system and assumption set",
    "assumptions": "Cost per head against the reference, assumption sets side by side",
    "sensitivity": "One-at-a-time sensitivity of the cost comparison",
    "caveats": "Caveats",
}


def _caveats(config: RunConfig) -> tuple[pd.DataFrame | None, dict[str, list[str]]]:
    """The caveats table (``topic, caveat``) and each table's caveats as text, most important first."""
    declared = config.settings["caveats"]
    if declared is None:
        return None, {}
    if isinstance(declared, str):
        rows = [(topic, text, "comparison") for topic, text in BUNDLED_CAVEATS[declared].load()]
    else:
        rows = [(c["topic"], c["text"], c["table"]) for c in declared]
    by_table: dict[str, list[str]] = {}
    for topic, text, table in rows:
        by_table.setdefault(table, []).append(f"{topic}: {text}")
    return pd.DataFrame([r[:2] for r in rows], columns=["topic", "caveat"]), by_table


def _sections(config: RunConfig, tables: dict[str, pd.DataFrame], caveats: pd.DataFrame | None,
              by_table: dict[str, list[str]]) -> tuple[ReportSection, ...]:
    figures = draw_figures(config, tables)
    digits = dict((config.settings["outputs"] or {}).get("column_digits") or {})
    if caveats is not None:
        tables = {**tables, "caveats": caveats}
    return tuple(
        ReportSection(name=f"{config.prefix}_{key}", title=SECTION_TITLES.get(key, key), table=table,
                      caveats=tuple(by_table.get(key, ())), figures=tuple(figures.get(key, ())),
                      digits={c: d for c, d in digits.items() if c in table.columns})
        for key, table in tables.items())


def _methods(config: RunConfig, loaded: Loaded) -> tuple[MethodNote, ...]:
    notes: tuple[MethodNote, ...] = ()
    if loaded.record_level:
        notes += methods.AGGREGATION_METHODS
    if config.settings["comparison"] is not None:
        notes += methods.COMPARISON_METHODS
        if config.settings["comparison"]["decompose"]:
            notes += methods.DECOMPOSITION_METHODS
    if config.settings["costs"] is not None:
        notes += methods.COST_METHODS
        if config.settings["costs"]["sensitivity"] is not None:
            notes += methods.SENSITIVITY_METHODS
    return notes


def _steps(progress: bool, total: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="kpcompare run", unit="step", disable=not progress, leave=False)


def run_config(config: RunConfig, *, date: str | None = None, progress: bool = False) -> ReportBundle:
    """Run a configuration: the tables, figures, caveats, methods, exclusions and provenance of the comparison.

    Parameters
    ----------
    config : RunConfig
        From :func:`kpcompare.run.load_config`.
    date : str, optional
        The date recorded in the provenance (``YYYY-MM-DD``); default ``SOURCE_DATE_EPOCH`` when set, else
        today (UTC).
    progress : bool
        Show a progress bar (the command line turns it on when attached to a terminal).

    Returns
    -------
    kpcompare.report.bundle.ReportBundle
    """
    with _steps(progress, 4) as bar:
        loaded = read_extracts(config, progress=progress)
        bar.update()
        tables: dict[str, pd.DataFrame] = {}
        if config.settings["comparison"] is not None:
            tables.update(comparison_tables(config, loaded))
        if config.settings["costs"] is not None:
            tables.update(cost_tables(config, loaded))
        bar.update()
        tables, disclosure = release(config, loaded, tables)
        caveats, by_table = _caveats(config)
        sections = _sections(config, tables, caveats, by_table)
        bar.update()
        bundle = ReportBundle(
            title=config.settings["title"], sections=sections, exclusions=exclusions_table(loaded),
            provenance=build_provenance(config, loaded.inputs, disclosure=disclosure, date=date, rows=loaded.rows),
            methods=_methods(config, loaded), summary="")
        bar.update()
    return replace(bundle, summary=summary_text(config, bundle))
