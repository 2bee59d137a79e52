"""Reading what a configuration declares: extracts (aggregated to strata), populations and the standard.

Each reader returns its tables and the provenance of its inputs (``path, sha256, bytes``).  A kpcompare
error raised while reading the n-th extract is re-raised as a :class:`~kpcompare.run.config.ConfigError`
naming that extract's key and line, with the library's message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._paths import data_dir
from ..errors import KpcompareError
from .config import ConfigError, RunConfig
from .sources import BUNDLED_POPULATIONS, BUNDLED_STRATA

__all__ = ["Loaded", "file_record", "read_extracts", "read_populations", "read_standard", "blamed"]


@dataclass
class Loaded:
    """Strata and exclusions of every extract, their inputs, and whether any came from record-level data."""

    strata: list[pd.DataFrame] = field(default_factory=list)
    exclusions: list[pd.DataFrame] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    record_level: list[str] = field(default_factory=list)
    #: per entry of ``strata``: whether it was aggregated from a record-level extract
    part_record_level: list[bool] = field(default_factory=list)
    #: rows read, counted and excluded per record-level extract (provenance.json ``rows``)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: Path, *, role: str, shown: str | None = None) -> list[dict[str, Any]]:
    """Provenance of an input file (or of every file under a folder): ``role, path, sha256, bytes``."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [{"role": role, "path": shown if shown and not path.is_dir() else str(p), "sha256": _sha256(p),
             "bytes": p.stat().st_size} for p in files]


def _bundled_records(files: tuple[str, ...], role: str) -> list[dict[str, Any]]:
    return [rec for name in files for rec in file_record(data_dir() / name, role=role, shown=f"bundled:{name}")]


@contextmanager
def blamed(config: RunConfig, path: tuple) -> Iterator[None]:
    """Re-raise a kpcompare error as a ConfigError naming the configuration key that led to it."""
    try:
        yield
    except ConfigError:
        raise
    except KpcompareError as exc:
        raise config.error(path, f"{type(exc).__name__}: {exc}") from exc
    except OSError as exc:
        raise config.error(path, f"cannot read {getattr(exc, 'filename', '') or 'the file'}: "
                           f"{exc.strerror or exc}.") from exc


def _conditions(value: str | None, coding: str | None, config: RunConfig) -> Any:
    from ..conditions import condition_set, load_condition_set

    if value is None:
        return None
    if value.lower().endswith((".csv", ".toml")):
        return load_condition_set(config.resolve(value), coding=coding)
    return condition_set(value, coding=coding)


def _aggregate_file(config: RunConfig, ex: dict[str, Any], progress: bool) -> Any:
    """An episode extract file aggregated by :func:`kpcompare.aggregate` with the extract's options."""
    from ..engine import aggregate
    from ..engine.spells import CipsRules
    from ..extract import read_episodes

    extract = read_episodes(config.resolve(ex["path"]), mapping=ex["mapping"], columns=ex["columns"] or None,
                            constants=ex["constants"] or None, encoding=ex["encoding"],
                            delimiter=ex["delimiter"], date_format=ex["date_format"])
    where = {k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in (ex["where"] or {}).items()}
    period = None if ex["period"] is None else tuple(None if p.strip() == "-" else p for p in ex["period"])
    return aggregate(
        extract, by=tuple(ex["by"]), age_bands=ex["age_bands"], unit=ex["unit"], bed_days=ex["bed_days"],
        conditions=_conditions(ex["conditions"], extract.coding, config), period=period,
        weights="weight" if ex["weights"] else None, progress=None if progress else False,
        newborns=ex["newborns"], bed_days_squared=ex["bed_days_squared"], spell_diagnosis=ex["spell_diagnosis"],
        cips_rules=None if ex["cips_gap_days"] is None else CipsRules(gap_days=ex["cips_gap_days"]),
        persons=None if ex["persons"] else False, check_duplicates=None if ex["check_duplicates"] else False,
        where=where or None)


def _one_extract(config: RunConfig, i: int, loaded: Loaded, progress: bool) -> None:
    ex = config.settings["extracts"][i]
    if ex["bundled"] is not None:
        entry = BUNDLED_STRATA[ex["bundled"]]
        conditions = _conditions(ex["conditions"], entry.coding, config) if ex["conditions"] else None
        strata, exclusions = entry.load()(conditions)
        loaded.inputs += _bundled_records(entry.files, role=f"extract {ex['name']}")
    elif ex["strata"] is not None:
        path = config.resolve(ex["strata"])
        strata, exclusions = pd.read_csv(path), pd.DataFrame({"extract": [], "reason": [], "rows": []})
        loaded.inputs += file_record(path, role=f"extract {ex['name']}", shown=ex["strata"])
    else:
        path = config.resolve(ex["path"])
        result = _aggregate_file(config, ex, progress)
        strata = result.strata
        exclusions = result.exclusions.assign(extract=ex["name"])
        loaded.inputs += file_record(path, role=f"extract {ex['name']}", shown=ex["path"])
        loaded.record_level.append(ex["name"])
        excluded = int(result.exclusions["rows"].sum())
        loaded.rows[ex["name"]] = {"read": int(result.rows_read), "counted": int(result.rows_counted),
                                   "excluded": excluded}
    loaded.part_record_level.append(ex["path"] is not None)
    loaded.strata.append(strata)
    loaded.exclusions.append(exclusions)


def read_extracts(config: RunConfig, *, progress: bool = False) -> Loaded:
    """Every ``[[extracts]]`` entry as strata and exclusions (in the order declared)."""
    loaded = Loaded()
    for i in range(len(config.settings["extracts"] or [])):
        with blamed(config, ("extracts", i)):
            _one_extract(config, i, loaded, progress)
    return loaded


def read_populations(config: RunConfig, loaded: Loaded) -> pd.DataFrame:
    """Every ``[[populations]]`` entry, stacked: ``system, age_band, [sex], population``."""
    parts = []
    for i, pop in enumerate(config.settings["populations"] or []):
        with blamed(config, ("populations", i)):
            if pop["bundled"] is not None:
                entry = BUNDLED_POPULATIONS[pop["bundled"]]
                table = entry.load()()
                loaded.inputs += _bundled_records(entry.files, role="populations")
            else:
                path = config.resolve(pop["path"])
                table = pd.read_csv(path)
                loaded.inputs += file_record(path, role="populations", shown=pop["path"])
            if pop["system"] is not None:
                table = table.assign(system=pop["system"])
            parts.append(table)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def read_standard(config: RunConfig, loaded: Loaded) -> Any:
    """The standard: a system's name or a registered standard's name as written, or a table read from a file."""
    cmp = config.settings["comparison"]
    standard = cmp["standard"] if cmp["standard"] is not None else cmp["reference"]
    if isinstance(standard, dict):
        path = config.resolve(standard["path"])
        with blamed(config, ("comparison", "standard", "path")):
            table = pd.read_csv(path)
        loaded.inputs += file_record(path, role="standard", shown=standard["path"])
        return table
    return standard
