"""Condition rule sets: condition groups whose definitions need more than the primary diagnosis.

A :class:`ConditionRules` is a condition set (it has ``groups``, ``coding``, ``name`` and a primary-diagnosis
:meth:`~ConditionRules.classify`) whose groups are *rules* read from a TOML file: a diagnosis in the primary or
in any position, a required or an excluding secondary diagnosis, excluding procedures (any or the main one,
with exceptions), a required procedure, a diagnosis-and-procedure pair that excludes, age limits, a set-wide
admission-method filter (e.g. emergency admissions only) and set-wide excluded admission sources (transfers).  The
rules are data (``data/conditions/acsc_*.toml``); :mod:`._classify` applies them to episode records, once per
distinct code and then once per distinct combination of what a record's codes say.  The format and every
rule are described in ``docs/conditions.md``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConditionSetError, InvalidArgumentError, SourceReadError
from ._codes import check_coding
from ._toml import read_group_tables

__all__ = ["ConditionRules", "GroupRule", "load_condition_rules", "PROCEDURE_CODINGS", "RULE_KINDS"]

#: procedure codings: OPCS-4 (NHS England), ICD-9-CM volume 3 procedures (US, before October 2015) and
#: ICD-10-PCS (US inpatient procedures from October 2015: seven characters, digits and letters but I and O)
PROCEDURE_CODINGS: dict[str, str] = {
    "opcs4": r"^[A-Z][0-9]{0,3}$",
    "icd9cm_procedure": r"^[0-9]{2}[0-9]{0,2}$",
    "icd10pcs": r"^[0-9A-HJ-NP-Z]{1,7}$",
}
_PROCEDURE_SHAPES = {
    "opcs4": "a letter and two or three digits (e.g. 'K40', 'K401')",
    "icd9cm_procedure": "two to four digits (e.g. '36', '36.06')",
    "icd10pcs": "one to seven digits or letters other than I and O (e.g. '0Y6', '0Y6C0Z3')",
}

#: the diagnosis-code lists a group rule may hold, the column each reads and what it does
RULE_KINDS: dict[str, tuple[str, str]] = {
    "primary": ("primary_diagnosis", "the primary diagnosis is one of these codes"),
    "any_position": ("diagnoses", "a diagnosis in any position is one of these codes"),
    "require_secondary": ("diagnoses", "and a secondary diagnosis (position 2 or later) is one of these codes"),
    "exclude_secondary": ("diagnoses", "unless a secondary diagnosis is one of these codes"),
    "exclude_procedures": ("procedures", "unless a procedure in any position is one of these codes"),
    "exclude_main_procedure": ("procedures", "unless the main (first) procedure is one of these codes"),
    "exclude_primary": ("primary_diagnosis", "unless the primary diagnosis is one of these codes"),
    "exclude_any_position": ("diagnoses", "unless a diagnosis in any position (the primary too) is one of these "
                                          "codes"),
    "require_procedures": ("procedures", "and a procedure in any position is one of these codes"),
    "exclude_pair_diagnoses": ("diagnoses", "unless a diagnosis in any position is one of these codes and a "
                                            "procedure in any position is one of 'exclude_pair_procedures'"),
    "exclude_pair_procedures": ("procedures", "the procedures of the pair (see 'exclude_pair_diagnoses')"),
}
_PROCEDURE_KINDS = ("exclude_procedures", "exclude_main_procedure", "require_procedures", "exclude_pair_procedures")
_KEYS = {"name", "source", "age_min", "age_max", "procedure_exceptions", *RULE_KINDS}


@dataclass(frozen=True)
class GroupRule:
    """One group of a :class:`ConditionRules`: a record belongs to it when every part of the rule holds.

    The record's diagnosis must match ``primary`` or ``any_position`` (at least one of the two is given);
    when ``require_secondary`` is given a secondary diagnosis must match it; no secondary diagnosis may match
    ``exclude_secondary``; the primary may not match ``exclude_primary``; no diagnosis in any position may
    match ``exclude_any_position``; no procedure may match ``exclude_procedures`` (and the first procedure may
    not match ``exclude_main_procedure``) unless it also matches ``procedure_exceptions``; when
    ``require_procedures`` is given a procedure must match it; a diagnosis matching ``exclude_pair_diagnoses``
    together with a procedure matching ``exclude_pair_procedures`` excludes; the age in completed years must
    lie in ``[age_min, age_max]`` (a record of unknown age fails a group with an age limit).
    """

    name: str
    primary: tuple[str, ...] = ()
    any_position: tuple[str, ...] = ()
    require_secondary: tuple[str, ...] = ()
    exclude_secondary: tuple[str, ...] = ()
    exclude_procedures: tuple[str, ...] = ()
    exclude_main_procedure: tuple[str, ...] = ()
    procedure_exceptions: tuple[str, ...] = ()
    exclude_primary: tuple[str, ...] = ()
    exclude_any_position: tuple[str, ...] = ()
    require_procedures: tuple[str, ...] = ()
    exclude_pair_diagnoses: tuple[str, ...] = ()
    exclude_pair_procedures: tuple[str, ...] = ()
    age_min: float | None = None
    age_max: float | None = None
    source: str = ""

    def lists(self) -> dict[str, tuple[str, ...]]:
        """The non-empty code lists of the rule, by kind (``procedure_exceptions`` included)."""
        kinds = [*RULE_KINDS, "procedure_exceptions"]
        return {k: getattr(self, k) for k in kinds if getattr(self, k)}

    def columns(self) -> list[str]:
        """The canonical columns the rule reads."""
        cols = [RULE_KINDS[k][0] for k in RULE_KINDS if getattr(self, k)]
        cols += ["age"] if self.age_min is not None or self.age_max is not None else []
        return list(dict.fromkeys(cols))


@dataclass(frozen=True)
class ConditionRules:
    """A condition set whose groups are rules over several columns (see :class:`GroupRule`).

    A record gets the group of the first rule (in file order) that holds, else ``other``; a group may have
    several rules (several ``[[group]]`` tables with one name), which are alternatives.  When
    ``admission_methods`` is given, only records whose ``admission_method`` starts with one of them (e.g.
    ``"2"``: the HES emergency methods 21-2D) can belong to a group; the others are ``other`` too.  Records
    whose ``admission_source`` is one of ``exclude_admission_sources`` (whole values, e.g. the UB-04 point of
    origin codes ``"4"``, ``"5"``, ``"6"``: transfers) are ``other``; an unknown source does not exclude.

    Build one with :func:`load_condition_rules` or :func:`kpcompare.condition_set` (bundled ``acsc_*``
    sets); classify records with :func:`kpcompare.conditions.classify_records` or by passing the rules as
    ``conditions=`` to :func:`kpcompare.aggregate`.
    """

    name: str
    coding: str
    rules: tuple[GroupRule, ...]
    procedure_coding: str | None = None
    admission_methods: tuple[str, ...] = ()
    exclude_admission_sources: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    other: str = "other"
    missing: str = "other"
    _primary: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_coding(self.coding)
        where = f"condition rules {self.name!r}"
        if not self.rules:
            raise ConditionSetError(f"{where}: it has no groups; give at least one [[group]].")
        names = [r.name for r in self.rules]
        if self.other in names:
            raise ConditionSetError(f"{where}: a group may not be called {self.other!r} (the label of "
                                    "records in no group).", group=self.other)
        for rule in self.rules:
            _check_rule(rule, self.coding, self.procedure_coding, where)
        from ._set import ConditionSet

        primary: dict[str, list[str]] = {}
        for r in self.rules:
            if r.primary:
                primary.setdefault(r.name, []).extend(r.primary)
        object.__setattr__(self, "_primary", ConditionSet.from_mapping(
            primary, coding=self.coding, name=self.name, allow_overlap="first") if primary else None)

    @property
    def groups(self) -> tuple[str, ...]:
        """The group names, in the order of their first rule."""
        return tuple(dict.fromkeys(r.name for r in self.rules))

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels records can get: the groups and ``other``."""
        return (*self.groups, self.other)

    def rule(self, group: str) -> tuple[GroupRule, ...]:
        """The rules of one group (a group holds when any of them holds)."""
        found = tuple(r for r in self.rules if r.name == group)
        if found:
            return found
        raise InvalidArgumentError(f"argument 'group': {group!r} is not a group of {self.name!r}; groups are "
                                   f"{', '.join(map(repr, self.groups))}.")

    def columns(self) -> list[str]:
        """Canonical columns the rules read (``primary_diagnosis`` always first)."""
        cols = ["primary_diagnosis"] + [c for r in self.rules for c in r.columns()]
        cols += ["admission_method"] if self.admission_methods else []
        cols += ["admission_source"] if self.exclude_admission_sources else []
        return list(dict.fromkeys(cols))

    def classify(self, codes: Any) -> np.ndarray:
        """Primary-diagnosis part of the rules only: the group whose ``primary`` list holds each code.

        This ignores every other part of the rules (any-position diagnoses, procedures, age, admission
        method); use :func:`kpcompare.conditions.classify_records` for the full rules.
        """
        if self._primary is None:
            from ._codes import as_arrow_strings

            return np.full(len(as_arrow_strings(codes)), self.other, dtype=object)
        return self._primary.classify(codes)

    def primary_reading(self) -> Any:
        """The rules read on a table of primary diagnoses only, as a plain :class:`ConditionSet`.

        Each group's ``primary`` and ``any_position`` codes are both read in the primary position (an
        any-position rule then finds only the records whose *primary* diagnosis matches: a lower bound);
        rules that need a secondary diagnosis or a procedure (``require_secondary``, ``require_procedures``) are
        left out; exclusions by secondary
        diagnosis or procedure, age limits and the admission-method filter are not applied.
        :meth:`applicability` lists what is lost.  For aggregated tables such as the HES primary-diagnosis
        tables, which have no other columns.
        """
        from ._set import ConditionSet

        codes: dict[str, list[str]] = {}
        for r in self.rules:
            if not (r.require_secondary or r.require_procedures):
                codes.setdefault(r.name, []).extend([*r.primary, *r.any_position])
        return ConditionSet.from_mapping(codes, coding=self.coding, name=f"{self.name}_primary_reading",
                                         allow_overlap="first")

    def to_frame(self) -> pd.DataFrame:
        """One row per group and part of its rule: ``group, rule, column, codes, source``."""
        rows = []
        for r in self.rules:
            for kind, codes in r.lists().items():
                column = RULE_KINDS[kind][0] if kind in RULE_KINDS else "procedures"
                rows.append((r.name, kind, column, "; ".join(codes), r.source))
            for kind in ("age_min", "age_max"):
                if getattr(r, kind) is not None:
                    rows.append((r.name, kind, "age", str(getattr(r, kind)), r.source))
            if self.admission_methods:
                rows.append((r.name, "admission_methods", "admission_method", "; ".join(self.admission_methods),
                             self.source))
            if self.exclude_admission_sources:
                rows.append((r.name, "exclude_admission_sources", "admission_source",
                             "; ".join(self.exclude_admission_sources), self.source))
        return pd.DataFrame(rows, columns=["group", "rule", "column", "codes", "source"])

    def applicability(self, columns: Any) -> pd.DataFrame:
        """Which parts of the rules can be applied to data holding ``columns`` (canonical names).

        Returns ``group, rule, column, applied`` (bool), one row per part of each group's rule: the caveats
        to state when a table lacks secondary diagnoses, procedures, ages or admission methods.
        """
        have = set(columns)
        table = self.to_frame()
        return table.assign(applied=table["column"].isin(have))[["group", "rule", "column", "applied"]]

    def __repr__(self) -> str:
        return f"ConditionRules({self.name!r}, coding={self.coding!r}, {len(self.groups)} groups)"


def _check_rule(rule: GroupRule, coding: str, procedure_coding: str | None, where: str) -> None:
    """Every code list parses in its coding; a rule has a diagnosis part; age limits are sensible."""
    from ._codes import parse_rule

    where = f"{where}, group {rule.name!r}"
    if not (rule.primary or rule.any_position):
        raise ConditionSetError(f"{where}: give 'primary' or 'any_position' diagnosis codes.", group=rule.name)
    for kind, codes in rule.lists().items():
        if kind in _PROCEDURE_KINDS or kind == "procedure_exceptions":
            if procedure_coding is None:
                raise ConditionSetError(f"{where}: {kind!r} needs the set's 'procedure_coding' "
                                        f"({', '.join(map(repr, PROCEDURE_CODINGS))}).", group=rule.name)
            for code in codes:
                parse_procedure(code, procedure_coding, where=where)
        else:
            for code in codes:
                parse_rule(code, group=rule.name, coding=coding, set_name=None)
    if bool(rule.exclude_pair_diagnoses) != bool(rule.exclude_pair_procedures):
        raise ConditionSetError(f"{where}: 'exclude_pair_diagnoses' and 'exclude_pair_procedures' go together "
                                "(the pair excludes a record holding both); give both or neither.",
                                group=rule.name)
    lo, hi = rule.age_min, rule.age_max
    for value, key in ((lo, "age_min"), (hi, "age_max")):
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0):
            raise ConditionSetError(f"{where}: {key} must be a number of years >= 0, got {value!r}.",
                                    group=rule.name)
    if lo is not None and hi is not None and lo > hi:
        raise ConditionSetError(f"{where}: age_min {lo} is above age_max {hi}.", group=rule.name)


def normalise_procedure(code: str) -> str:
    """Upper case without dots and blanks: ``'k40.1'`` -> ``'K401'``, ``'36.06'`` -> ``'3606'``."""
    return re.sub(r"[.\s]", "", str(code).strip().upper())


def parse_procedure(text: Any, coding: str, *, where: str) -> tuple[str, str]:
    """A procedure code, prefix or range of equal-length prefixes -> (lo, hi) normalised."""
    pattern = re.compile(PROCEDURE_CODINGS[coding])
    parts = text.split("-") if isinstance(text, str) else [None]
    ends = [normalise_procedure(p) if p else "" for p in parts]
    if len(ends) > 2 or not all(ends) or any(not pattern.match(e) for e in ends) \
            or (len(ends) == 2 and (len(ends[0]) != len(ends[1]) or ends[0] > ends[1])):
        shape = _PROCEDURE_SHAPES[coding]
        raise ConditionSetError(f"{where}: procedure code {text!r} is not a valid {coding} code or range of "
                                f"equal-length codes: expected {shape}.", code=text)
    return ends[0], ends[-1]


# --------------------------------------------------------------------------------------------- files
def load_condition_rules(path: str | Path, *, name: str | None = None) -> ConditionRules:
    """Read condition rules from a TOML file (the format of ``data/conditions/acsc_*.toml``).

    Parameters
    ----------
    path : str or Path
        A ``.toml`` file with top-level ``name``, ``coding`` (``"icd10"``, ``"icd9cm"`` or ``"icd10cm"``),
        optional ``procedure_coding`` (``"opcs4"``, ``"icd9cm_procedure"`` or ``"icd10pcs"``),
        ``admission_methods`` (prefixes of ``admission_method`` values that may count),
        ``exclude_admission_sources`` (``admission_source`` values that may not), ``description``, ``source``,
        and one ``[[group]]`` table per group with ``name``, ``source`` and the rule keys of :class:`GroupRule`.
    name : str, optional
        The set's name (default: the file's ``name``, else its stem).

    Returns
    -------
    ConditionRules

    Raises
    ------
    kpcompare.errors.SourceReadError
        The file cannot be read, is not TOML or has no ``[[group]]``.
    kpcompare.errors.ConditionSetError
        An unknown key, an invalid code, a group without diagnosis codes, bad age limits.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(f"argument 'path': give a file path (text or pathlib.Path), got {path!r}.")
    path = Path(path)
    doc, entries = read_group_tables(path, what="condition rules file")
    rules = [_group_rule(entry, i, path) for i, entry in enumerate(entries, start=1)]
    methods, sources = (_text_list(doc, key, path) for key in ("admission_methods", "exclude_admission_sources"))
    return ConditionRules(
        name=str(name or doc.get("name") or path.stem), coding=str(doc.get("coding", "")), rules=tuple(rules),
        procedure_coding=doc.get("procedure_coding"), admission_methods=methods, exclude_admission_sources=sources,
        description=str(doc.get("description", "")), source=str(doc.get("source", "")))


def _group_rule(entry: Any, number: int, path: Path) -> GroupRule:
    where = f"condition rules file {str(path)!r}, [[group]] number {number}"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise SourceReadError(f"{where}: a [[group]] needs a 'name'.")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ConditionSetError(f"{where} ({entry['name']!r}): unknown key {unknown[0]!r}; keys are "
                                f"{', '.join(sorted(_KEYS))}.", group=entry["name"])
    lists = {}
    for key in (*RULE_KINDS, "procedure_exceptions"):
        value = entry.get(key, [])
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ConditionSetError(f"{where} ({entry['name']!r}): {key!r} must be a list of code strings.",
                                    group=entry["name"])
        lists[key] = tuple(value)
    return GroupRule(name=entry["name"].strip(), age_min=entry.get("age_min"), age_max=entry.get("age_max"),
                     source=str(entry.get("source", "")).strip(), **lists)


def _text_list(doc: dict, key: str, path: Path) -> tuple[str, ...]:
    """A set-wide list of values (``admission_methods``, ``exclude_admission_sources``): texts, none empty."""
    value = doc.get(key, [])
    if isinstance(value, str) or not isinstance(value, list) \
            or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConditionSetError(f"condition rules file {str(path)!r}: {key!r} must be a list of non-empty texts "
                                f"(e.g. {key} = [\"4\", \"5\"]), got {value!r}.")
    return tuple(v.strip() for v in value)
