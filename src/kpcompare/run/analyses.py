"""The analyses a configuration declares, done by the library's functions (no statistics here).

:func:`comparison_tables` runs :func:`kpcompare.compare` (and, per ``[[comparison.within]]`` age range, again
with an ``age_band`` column; and :func:`kpcompare.decompose`); :func:`cost_tables` runs the cost cascade,
the assumption sets side by side and the sensitivity analysis of :mod:`kpcompare.costs`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import RunConfig
from .load import Loaded, blamed, file_record, read_populations, read_standard

__all__ = ["comparison_tables", "cost_tables", "exclusions_table"]

#: column order of the exclusions table (other columns follow)
EXCLUSION_COLUMNS = ["extract", "system", "reason", "rows", "weighted_rows", "admissions", "bed_days"]


def _levels(cmp: dict[str, Any], strata: pd.DataFrame) -> list[Any] | None:
    """The causes compared, in order: ``levels``, or the groups of ``condition_order`` present in the strata."""
    if cmp["levels"] is not None:
        return list(cmp["levels"])
    if cmp["condition_order"] is None:
        return None
    from ..conditions import condition_set

    groups = condition_set(cmp["condition_order"]).groups
    present = set(strata[cmp["by"]]) if cmp["by"] in strata.columns else set()
    return [g for g in groups if g in present]


def _age_range(table: dict[str, Any]) -> tuple[Any, Any] | None:
    if table["age_min"] is None and table["age_max"] is None:
        return None
    return (table["age_min"], table["age_max"])


def comparison_tables(config: RunConfig, loaded: Loaded) -> dict[str, pd.DataFrame]:
    """``comparison``, ``by_age_band`` (with ``within``), ``decomposition`` (with ``decompose``), ``strata``
    and ``population``."""
    from ..comparison import compare, decompose

    cmp = config.settings["comparison"]
    strata = pd.concat(loaded.strata, ignore_index=True) if len(loaded.strata) > 1 else loaded.strata[0]
    if cmp["systems"] is not None and "system" in strata.columns:
        strata = strata[strata["system"].isin(cmp["systems"])]
    population = read_populations(config, loaded)
    standard = read_standard(config, loaded)
    with blamed(config, ("comparison",)):
        levels = _levels(cmp, strata)
        common = dict(population=population, standard=standard, by=cmp["by"], levels=levels,
                      multiplier=cmp["multiplier"])
        options = dict(common, measures=cmp["measures"], method=cmp["method"], confidence=cmp["confidence"],
                       min_count=cmp["min_count"])
        tables = {"comparison": compare(strata, reference=cmp["reference"], age_range=_age_range(cmp), **options)}
        if cmp["within"]:
            parts = []
            for band in cmp["within"]:
                one = compare(strata, reference=cmp["reference"], age_range=_age_range(band), **options)
                one.insert(2, "age_band", band["age_band"])
                parts.append(one)
            tables["by_age_band"] = pd.concat(parts, ignore_index=True)
        if cmp["decompose"]:
            tables["decomposition"] = decompose(strata, reference=cmp["reference"], age_range=_age_range(cmp),
                                                **common)
    tables["strata"] = strata
    tables["population"] = population
    return tables


def exclusions_table(loaded: Loaded) -> pd.DataFrame:
    """Every extract's exclusions stacked: ``[extract], [system], reason, rows, ...`` (known columns first)."""
    frames = [f for f in loaded.exclusions if len(f.columns)]
    if not frames:
        return pd.DataFrame({"extract": [], "reason": [], "rows": []})
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    first = [c for c in EXCLUSION_COLUMNS if c in table.columns]
    return table[first + [c for c in table.columns if c not in first]]


def _cost_inputs(config: RunConfig, loaded: Loaded) -> Any:
    from .. import costs

    spec = config.settings["costs"]
    if spec["assumption_sets"]:
        return costs.assumptions(*spec["assumption_sets"])
    lines = pd.read_csv(config.resolve(spec["lines"]))
    factors = pd.read_csv(config.resolve(spec["factors"]))
    for key in ("lines", "factors"):
        loaded.inputs += file_record(config.resolve(spec[key]), role=f"costs {key}", shown=spec[key])
    return costs.CostAssumptions(lines=costs.validate_lines(lines), factors=costs.validate_factors(factors))


def cost_tables(config: RunConfig, loaded: Loaded) -> dict[str, pd.DataFrame]:
    """``cascade`` (every step of every system and set), ``assumptions`` (sets side by side against the
    reference) and, with ``[costs.sensitivity]``, ``sensitivity``."""
    from .. import costs

    spec = config.settings["costs"]
    with blamed(config, ("costs",)):
        declared = _cost_inputs(config, loaded)
        if spec["assumption_sets"]:
            loaded.inputs += [rec for name in ("cost_lines.csv", "cost_factors.csv")
                              for rec in _bundled(name)]
        kw = dict(factors=declared.factors, currency=spec["currency"])
        tables = {"cascade": costs.cascade(declared.lines, **kw),
                  "assumptions": costs.compare_assumptions(declared.lines, reference=spec["reference"], **kw)}
    sens = spec["sensitivity"]
    if sens is not None:
        with blamed(config, ("costs", "sensitivity")):
            ranges = pd.DataFrame(sens["ranges"]) if sens["ranges"] else None
            tables["sensitivity"] = costs.sensitivity(
                declared.lines, assumption_set=sens["assumption_set"], system=sens["system"],
                reference=spec["reference"], kind=sens["kind"], ranges=ranges, **kw)
    return tables


def _bundled(name: str) -> list[dict[str, Any]]:
    from .._paths import data_dir

    return file_record(data_dir() / "costs" / name, role="costs", shown=f"bundled:costs/{name}")
