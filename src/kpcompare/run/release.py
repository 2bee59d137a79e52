"""Disclosure control of a run's tables (:func:`kpcompare.disclosure.suppress`), on by default for tables that
rest on record-level extracts (``[[extracts]] path = ...``).

What is controlled, with the ``[disclosure]`` rule (default ``"hes"``: counts 1-7 suppressed, others rounded
to 5; statistics resting on a suppressed count suppressed):

* ``strata``: the rows of record-level extracts (the counts and weighted totals of
  :mod:`kpcompare.disclosure.release`, the same as ``kpcompare aggregate`` writes); rows of published or
  public-use sources are unchanged;
* ``comparison`` and ``by_age_band``: ``count`` is the count, every rate, interval, ratio and test resting
  on it is suppressed with it;
* ``decomposition``: a row is suppressed where the comparison count of its system or of the reference
  (admissions or bed days, same cause) is suppressed, or, for an age band, the stratum of either.

The comparison is computed on the exact counts; only what is written is controlled.  ``population`` (not
counts of persons in the data) and the exclusions (counts of rows by reason, which must add up to the rows
read) are not controlled.  ``[disclosure] apply = false`` writes every table as computed, with a
:class:`~kpcompare.disclosure.DisclosureOffWarning`; provenance.json records either way.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..disclosure import DisclosureOffWarning, suppress
from ..disclosure.release import STRATA_COUNTS, STRATA_DERIVED
from .config import RunConfig
from .load import Loaded, blamed

__all__ = ["release", "COMPARISON_DERIVED"]
#: the statistics of a comparison row, all resting on its ``count``
COMPARISON_DERIVED = ("crude", "value", "lower", "upper", "variance", "ratio", "ratio_lower", "ratio_upper", "z",
                      "p_value")
SUFFIX = "_suppressed"


def _strata(loaded: Loaded, rule: str, systems: list[str] | None) -> pd.DataFrame:
    parts = []
    for part, record_level in zip(loaded.strata, loaded.part_record_level):
        if record_level:
            counts = [c for c in STRATA_COUNTS if c in part.columns]
            derived = {c: s for c, s in STRATA_DERIVED.items() if c in part.columns and set(s) <= set(counts)}
            keys = [c for c in part.columns if c not in counts and c not in derived and not c.endswith("_variance")
                    and c != "admissions_bed_days_covariance"]
            part = suppress(part, rule=rule, counts=counts, derived=derived or None, by=keys)
        parts.append(part)
    strata = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if systems is not None and "system" in strata.columns:
        strata = strata[strata["system"].isin(systems)]
    return strata


def _comparison(table: pd.DataFrame, rule: str) -> pd.DataFrame:
    derived = {c: "count" for c in COMPARISON_DERIVED if c in table.columns}
    numeric = {"count", "population", *derived}
    keys = [c for c in table.columns if c not in numeric and c not in ("method", "statistic", "note")]
    return suppress(table, rule=rule, counts=["count"], derived=derived, by=keys)


def _decomposition(table: pd.DataFrame, comparison: pd.DataFrame, strata: pd.DataFrame, by: str) -> pd.DataFrame:
    """Rows whose system's or reference's count (comparison; for a band, the stratum) was suppressed."""
    hit = comparison[comparison["measure"].isin(["admissions", "bed_days"])
                     & comparison["count" + SUFFIX].ne("")]
    gone = set(zip(hit["system"], hit[by]))
    cells: set[tuple] = set()
    if "admissions" + SUFFIX in strata.columns:
        bad = strata[strata["admissions" + SUFFIX].fillna("").ne("") | strata["bed_days" + SUFFIX].fillna("").ne("")]
        cells = set(zip(bad["system"], bad["age_band"], bad[by]))
    mask = np.array([(s, c) in gone or (r, c) in gone or (s, a, c) in cells or (r, a, c) in cells
                     for s, r, c, a in zip(table["system"], table["reference"], table[by], table["age_band"])],
                    dtype=bool)
    out = table.copy()
    for column in [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]:
        out[column] = out[column].where(~mask)
        out[column + SUFFIX] = np.where(mask, "derived", "")
    return out


def release(config: RunConfig, loaded: Loaded, tables: dict[str, pd.DataFrame]) -> tuple[dict, dict[str, Any]]:
    """The tables as they may be written, and what disclosure control did (for provenance.json)."""
    spec = config.settings["disclosure"] or {"rule": "hes", "apply": True}
    # "rule" only once applied: the HTML report shows "applied (rule)" or "not applied (description)"
    record: dict[str, Any] = {"declared_rule": spec["rule"], "requested": spec["apply"], "applied": False,
                              "record_level_extracts": list(loaded.record_level), "tables": {}}
    if not loaded.record_level:
        record["reason"] = record["description"] = (
            "no table rests on a record-level extract: the sources are published aggregate tables, public-use "
            "files or stratum tables")
        return tables, record
    if not spec["apply"]:
        warnings.warn(f"{config.path.name}: disclosure control is off ([disclosure] apply = false): tables from "
                      f"the record-level extracts {', '.join(loaded.record_level)} are written with their exact "
                      "counts; check them before they leave the secure environment.", DisclosureOffWarning,
                      stacklevel=3)
        record["reason"] = record["description"] = "turned off by [disclosure] apply = false"
        return tables, record
    out = dict(tables)
    with blamed(config, ("disclosure", "rule")):
        cmp = config.settings["comparison"] or {}
        if "strata" in out:
            out["strata"] = _strata(loaded, spec["rule"], cmp.get("systems"))
        for key in ("comparison", "by_age_band"):
            if key in out:
                out[key] = _comparison(out[key], spec["rule"])
        if "decomposition" in out:
            out["decomposition"] = _decomposition(out["decomposition"], out["comparison"], out["strata"],
                                                  cmp.get("by", "condition"))
    for key in ("strata", "comparison", "by_age_band", "decomposition"):
        if key in out:
            flags = out[key][[c for c in out[key].columns if c.endswith(SUFFIX)]]
            record["tables"][f"{config.prefix}_{key}"] = int(flags.fillna("").ne("").to_numpy().sum())
    record["applied"] = True
    record["rule"] = spec["rule"]
    return out, record
