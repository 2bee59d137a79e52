"""Condition sets from files: user-defined CSV/TOML files and the bundled sets in ``data/conditions/``."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_choice
from .._paths import data_path
from ..errors import ConditionSetError, InvalidArgumentError, SourceReadError, UnknownNameError
from ._codes import CODINGS, check_coding
from ._rules import ConditionRules, load_condition_rules
from ._set import ConditionSet, split_codes
from ._toml import read_group_tables

__all__ = ["load_condition_set", "condition_set", "list_condition_sets"]

#: bundled set name -> (file in data/conditions, one-line description)
_BUNDLED: dict[str, tuple[str, str]] = {
    "ham2003_leading_causes": (
        "ham2003_leading_causes.csv",
        "Leading causes of acute bed use in people aged 65+ (Ham et al 2003 and reviewers' additions), "
        "ICD-10 and ICD-9-CM",
    ),
}

#: bundled rule sets (:class:`ConditionRules`, one coding each): name -> file in data/conditions
_BUNDLED_RULES: dict[str, str] = {
    "acsc_nhs19": "acsc_nhs19.toml",
    "acsc_billings_icd9cm": "acsc_billings_icd9cm.toml",
    "acsc_pqi": "acsc_pqi.toml",
    "acsc_pqi_16": "acsc_pqi_16.toml",
}

_COLUMNS = ("group", "coding", "codes", "source")

#: the codings the bundled plain sets (CSV) are written in; ICD-10-CM sets are rule sets (acsc_pqi)
_BUNDLED_CODINGS = ("icd10", "icd9cm")


def load_condition_set(path: str | Path, *, coding: str | None = None, name: str | None = None,
                       allow_overlap: str = "error", other: str = "other",
                       missing: str = "other") -> ConditionSet:
    """Read a user-defined condition set from a CSV or TOML file.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file with columns ``group, coding, codes, source`` (one or more rows
        per group; ``codes`` holds codes, prefixes or ranges separated by ';', ',' or
        blanks; ``source`` may be empty), or a ``.toml`` file::

            name = "my_set"
            [[group]]
            name = "stroke"
            coding = "icd10"
            codes = ["I61", "I63-I64"]
            source = "SSNAP definition"

    coding : {"icd10", "icd9cm", "icd10cm"}, optional
        Which coding to take when the file defines both; required then.
    name : str, optional
        The set's name (default: the TOML ``name`` or the file's stem).
    allow_overlap, other, missing
        As for :class:`ConditionSet`.

    Returns
    -------
    ConditionSet

    Raises
    ------
    kpcompare.errors.SourceReadError
        The file cannot be read or lacks a column/key.
    kpcompare.errors.ConditionSetError
        Invalid codes, malformed ranges, overlapping groups, or several codings in the
        file and no ``coding`` given.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(f"argument 'path': give a file path (text or pathlib.Path), got {path!r}.")
    path = Path(path)
    if not path.is_file():
        raise SourceReadError(f"condition set file {str(path)!r} does not exist.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, file_name = _read_csv(path), None
    elif suffix == ".toml":
        rows, file_name = _read_toml(path)
    else:
        raise SourceReadError(
            f"condition set file {str(path)!r}: unknown file type {suffix!r}; use a .csv or .toml file.")
    return _build(rows, path=path, coding=coding, name=name or file_name or path.stem,
                  allow_overlap=allow_overlap, other=other, missing=missing)


def condition_set(name: str, *, coding: str | None = None) -> ConditionSet:
    """Load a bundled condition set.

    Parameters
    ----------
    name : str
        A name from :func:`list_condition_sets`, optionally with the coding as suffix
        (``"ham2003_leading_causes_icd9cm"``).
    coding : {"icd10", "icd9cm", "icd10cm"}, optional
        Which coding to load; default ICD-10 (or the suffix of ``name``).  The ICD-10
        and ICD-9-CM versions of a bundled set have the same group names, so results
        from NHS (ICD-10) and US (ICD-9-CM) data line up.  The ``acsc_*`` rule sets have
        one coding each (``acsc_pqi``: ``"icd10cm"``); ``coding`` must then agree.

    Examples
    --------
    >>> condition_set("ham2003_leading_causes", coding="icd9cm").coding
    'icd9cm'
    """
    if not isinstance(name, str):
        raise InvalidArgumentError(f"argument 'name': give the name of a bundled condition set (text), got "
                                   f"{name!r}; see list_condition_sets().")
    coding = None if coding is None else check_coding(coding)
    if name in _BUNDLED_RULES:
        return _bundled_rules(name, coding)  # type: ignore[return-value]
    base, suffix_coding = name, None
    for c in _BUNDLED_CODINGS:
        if name.endswith("_" + c):
            base, suffix_coding = name[: -len(c) - 1], c
    if coding is not None and suffix_coding is not None and coding != suffix_coding:
        raise ConditionSetError(
            f"condition_set: name {name!r} asks for {suffix_coding!r} but coding={coding!r} was given.")
    chosen = check_coding(coding or suffix_coding or "icd10")
    if base not in _BUNDLED:
        raise UnknownNameError(
            f"argument 'name': unknown condition set {name!r}; bundled sets are "
            f"{', '.join(map(repr, _BUNDLED))} (each with coding 'icd10' or 'icd9cm') and "
            f"{', '.join(map(repr, _BUNDLED_RULES))}.")
    file_name, _ = _BUNDLED[base]
    return load_condition_set(data_path("conditions", file_name), coding=chosen, name=f"{base}_{chosen}")


def list_condition_sets() -> pd.DataFrame:
    """The bundled condition sets: ``name, coding, groups, description``.

    Sets named ``acsc_*`` are ambulatory care sensitive conditions, :class:`ConditionRules` whose groups
    need more than the primary diagnosis (see ``docs/conditions.md``).
    """
    rows = []
    for base, (file_name, description) in _BUNDLED.items():
        for coding in _BUNDLED_CODINGS:
            cs = load_condition_set(data_path("conditions", file_name), coding=coding)
            rows.append({"name": base, "coding": coding, "groups": len(cs.groups),
                         "description": description})
    for name in _BUNDLED_RULES:
        rules = _bundled_rules(name, None)
        rows.append({"name": name, "coding": rules.coding, "groups": len(rules.groups),
                     "description": rules.description})
    return pd.DataFrame(rows, columns=["name", "coding", "groups", "description"])


def _bundled_rules(name: str, coding: str | None) -> ConditionRules:
    """A bundled :class:`ConditionRules` (its coding is fixed; ``coding`` must agree when given)."""
    rules = load_condition_rules(data_path("conditions", _BUNDLED_RULES[name]), name=name)
    if coding is not None and check_coding(coding) != rules.coding:
        raise ConditionSetError(f"condition_set: {name!r} is coded {rules.coding!r}, not {coding!r}; "
                                "see list_condition_sets() for the sets of each coding.")
    return rules


# ---------------------------------------------------------------------------- readers
def _read_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in ("group", "codes") if c not in header]
            if missing:
                raise SourceReadError(
                    f"condition set file {str(path)!r}: column(s) {', '.join(map(repr, missing))} not found; "
                    f"expected columns {', '.join(_COLUMNS)} (coding and source optional).")
            rows = []
            for line, raw in enumerate(reader, start=2):
                row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
                if not any(row.values()):
                    continue
                row["_where"] = f"line {line}"
                rows.append(row)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceReadError(f"condition set file {str(path)!r} could not be read: {exc}") from exc
    return rows


def _read_toml(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    doc, entries = read_group_tables(path, what="condition set file", hint="; each group is a [[group]] table "
                                     "with keys name, coding, codes and source")
    rows = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "name" not in entry or "codes" not in entry:
            raise SourceReadError(
                f"condition set file {str(path)!r}: [[group]] number {i} lacks 'name' or 'codes'.")
        codes = entry["codes"]
        rows.append({"group": str(entry["name"]).strip(),
                     "coding": str(entry.get("coding", doc.get("coding", ""))).strip(),
                     "codes": codes if isinstance(codes, list) else str(codes),
                     "source": str(entry.get("source", "")).strip(),
                     "_where": f"[[group]] number {i}"})
    name = doc.get("name")
    return rows, (str(name) if name else None)


def _build(rows: Iterable[dict[str, Any]], *, path: Path, coding: str | None, name: str,
           allow_overlap: str, other: str, missing: str) -> ConditionSet:
    rows = list(rows)
    if not rows:
        raise SourceReadError(f"condition set file {str(path)!r} defines no groups.")
    for row in rows:
        row_coding = (row.get("coding") or "").strip()
        if not row_coding and coding is None:
            raise ConditionSetError(
                f"condition set file {str(path)!r}, {row['_where']}: group {row['group']!r} has no coding; "
                "fill the coding column ('icd10' or 'icd9cm') or pass coding=.", group=row["group"])
        row["coding"] = row_coding or coding
        if row["coding"] not in CODINGS:
            raise ConditionSetError(
                f"condition set file {str(path)!r}, {row['_where']}: unknown coding {row['coding']!r}; "
                f"use one of {', '.join(map(repr, CODINGS))}.", group=row["group"])
        if not row["group"]:
            raise ConditionSetError(f"condition set file {str(path)!r}, {row['_where']}: empty group name.")
    present = list(dict.fromkeys(r["coding"] for r in rows))
    if coding is None:
        if len(present) > 1:
            raise ConditionSetError(
                f"condition set file {str(path)!r} defines codings {', '.join(map(repr, present))}; "
                "pass coding= to choose one.")
        coding = present[0]
    check_choice(coding, CODINGS, argument="coding")
    chosen = [r for r in rows if r["coding"] == coding]
    if not chosen:
        raise ConditionSetError(
            f"condition set file {str(path)!r} has no groups coded {coding!r} (it has "
            f"{', '.join(map(repr, present))}).")
    codes: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for row in chosen:
        entries = row["codes"] if isinstance(row["codes"], list) else split_codes(row["codes"])
        if not entries:
            raise ConditionSetError(
                f"condition set file {str(path)!r}, {row['_where']}: group {row['group']!r} has no codes.",
                group=row["group"])
        codes.setdefault(row["group"], []).extend(entries)
        src = sources.setdefault(row["group"], [])
        if row.get("source") and row["source"] not in src:
            src.append(row["source"])
    try:
        return ConditionSet.from_mapping(
            codes, coding=coding, name=name, sources={g: " ".join(s) for g, s in sources.items()},
            allow_overlap=allow_overlap, other=other, missing=missing)
    except ConditionSetError as exc:  # say where in the file the group(s) named by the error are defined
        named = list(exc.groups) or ([exc.group] if exc.group is not None else [])
        places = [f"{r['group']!r} at {r['_where']}" for r in chosen if r["group"] in named]
        if not places:
            raise
        label = "group" if len(places) == 1 else "groups"
        raise ConditionSetError(f"condition set file {str(path)!r} ({label} {' and '.join(places)}): {exc}",
                                group=exc.group, code=exc.code, groups=exc.groups) from None
