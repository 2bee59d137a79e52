"""The :class:`ConditionSet`: named groups of ICD codes and a fast classifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .._checks import check_choice
from ..errors import ConditionSetError
from ._codes import Rule, as_arrow_strings, check_coding, normalise_array, overlap, parse_rule, valid_mask

__all__ = ["ConditionSet", "normalise_codes"]

OVERLAP_CHOICES = ("error", "first")


def normalise_codes(codes: Any, *, coding: str = "icd10") -> np.ndarray:
    """Normalise diagnosis codes as :meth:`ConditionSet.classify` does.

    Strips blanks, upper-cases and removes dots (``"j44.1 "`` -> ``"J441"``,
    ``"410.71"`` -> ``"41071"``).  For ICD-10, trailing fillers and markers after
    the code stem are removed (HES ``"I64X"`` and ``"I64-"`` -> ``"I64"``); for ICD-9-CM a
    trailing ``"-"`` filler is removed (NHDS ``"486-"`` -> ``"486"``).
    Missing and empty codes give ``None``.

    Parameters
    ----------
    codes : sequence, numpy/pandas array or pyarrow array of str
    coding : {"icd10", "icd9cm", "icd10cm"}

    Returns
    -------
    numpy.ndarray of object
    """
    coding = check_coding(coding)
    arr = as_arrow_strings(codes)
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    return np.asarray(normalise_array(arr, coding).to_numpy(zero_copy_only=False), dtype=object)


@dataclass(frozen=True)
class ConditionSet:
    """Named groups of ICD codes (a condition set) and a classifier of diagnosis codes.

    Build one with :meth:`from_mapping`, load a bundled one with
    :func:`kpcompare.condition_set` or a user-defined file with
    :func:`kpcompare.conditions.load_condition_set`.  Instances are immutable.

    Parameters
    ----------
    groups : tuple of str
        Group names in order (the order of results and, with ``allow_overlap="first"``,
        the priority of groups).
    coding : {"icd10", "icd9cm", "icd10cm"}
        ICD-10 (WHO and its UK edition, as in HES) or ICD-9-CM (US, before October 2015).
    codes : tuple of tuple of str
        Per group, its codes, prefixes or ranges as written (``"J44"``, ``"J44.1"``, ``"I60-I64"``).
    sources : tuple of str
        Per group, where its definition comes from.
    name : str or None
    allow_overlap : {"error", "first"}
        ``"error"`` (default): a code covered by two groups is an error. ``"first"``: the
        earlier group wins.
    other : str
        Label of codes that no group covers, default ``"other"``.
    missing : str
        Label of missing or empty codes, default ``"other"`` (so the labels are the groups
        and ``other``); give e.g. ``"missing"`` to count them separately.

    Notes
    -----
    A code or prefix ``P`` of length ``L`` covers every code whose normalised first
    ``L`` characters equal ``P``; a range ``A-B`` (equal lengths) covers every code whose
    first ``L`` characters ``p`` satisfy ``A <= p <= B`` (string order, which is code
    order for codes of one form).  So ``"I60-I64"`` covers ``I64.9`` and ``"J44"``
    covers ``J44.1``.  Codes that are not well formed in the set's coding (e.g. an
    ICD-9-CM code in ICD-10 data) are labelled ``other``; :meth:`is_valid` finds them.

    References
    ----------
    World Health Organization. International Statistical Classification of Diseases and
    Related Health Problems, 10th Revision. Geneva: WHO; 1992-2016.
    National Center for Health Statistics. ICD-9-CM, Sixth Edition. Hyattsville, MD; 2011.

    Validated against: the HES 2000-01 4-character table (every 4-character code a set
    names is classified into its group; see tests/conditions) and the NHDS 2010
    first-listed diagnoses.
    """

    groups: tuple[str, ...]
    coding: str
    codes: tuple[tuple[str, ...], ...]
    sources: tuple[str, ...]
    name: str | None = None
    allow_overlap: str = "error"
    other: str = "other"
    missing: str = "other"
    _rules: tuple[Rule, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        coding = check_coding(self.coding)
        check_choice(self.allow_overlap, OVERLAP_CHOICES, argument="allow_overlap")
        groups = tuple(self.groups)
        codes = tuple(tuple(c) for c in self.codes)
        sources = tuple("" if s is None else str(s) for s in self.sources)
        where = f"condition set {self.name!r}" if self.name else "condition set"
        if not groups:
            raise ConditionSetError(f"{where}: it has no groups; give at least one group of codes.")
        if len(codes) != len(groups) or len(sources) != len(groups):
            raise ConditionSetError(
                f"{where}: {len(groups)} groups but {len(codes)} code lists and {len(sources)} sources.")
        seen: set[str] = set()
        for g in groups:
            if not isinstance(g, str) or not g.strip():
                raise ConditionSetError(f"{where}: group name {g!r} is not a non-empty string.", group=g)
            if g in seen:
                raise ConditionSetError(f"{where}: group {g!r} is defined twice.", group=g)
            if g in (self.other, self.missing):
                raise ConditionSetError(
                    f"{where}: group name {g!r} is reserved for codes no group covers (or missing codes); "
                    "rename the group.", group=g)
            seen.add(g)
        rules: list[Rule] = []
        problems: list[ConditionSetError] = []
        for g, group_codes in zip(groups, codes):
            if not group_codes:
                raise ConditionSetError(f"{where}: group {g!r} has no codes.", group=g)
            for t in group_codes:
                try:
                    rules.append(parse_rule(t, group=g, coding=coding, set_name=self.name))
                except ConditionSetError as exc:
                    problems.append(exc)
        if len(problems) == 1:
            raise problems[0]
        if problems:  # every bad code at once, so a user-written file is fixed in one pass
            raise ConditionSetError(
                f"{where}: {len(problems)} invalid codes or ranges:\n"
                + "\n".join(f"  - {str(p).removeprefix(where + ', ')}" for p in problems),
                group=problems[0].group, code=problems[0].code,
                groups=tuple(dict.fromkeys(p.group for p in problems if p.group is not None)))
        if self.allow_overlap == "error":
            _check_overlaps(rules, where, groups)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "coding", coding)
        object.__setattr__(self, "_rules", tuple(rules))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, coding: str = "icd10", name: str | None = None,
                     sources: Mapping[str, str] | None = None, allow_overlap: str = "error",
                     other: str = "other", missing: str = "other") -> ConditionSet:
        """Build a set from ``{group: codes}``; codes are a list of codes/prefixes/ranges or one string.

        Examples
        --------
        >>> cs = ConditionSet.from_mapping({"stroke": ["I60-I64"], "copd": ["J40-J44"]})
        >>> cs.classify(["I64.X", "J44.1", "K35"]).tolist()
        ['stroke', 'copd', 'other']
        """
        if isinstance(mapping, ConditionSet):
            return mapping
        if not isinstance(mapping, Mapping):
            raise ConditionSetError(
                f"argument 'mapping': expected a mapping {{group: [codes]}}, got {type(mapping).__name__}.")
        groups = tuple(mapping)
        codes = tuple(_code_list(mapping[g]) for g in groups)
        src = dict(sources or {})
        unknown = sorted(set(src) - set(groups))
        if unknown:
            raise ConditionSetError(f"argument 'sources': group(s) {unknown} are not in the mapping.")
        return cls(groups=groups, coding=coding, codes=codes, sources=tuple(src.get(g, "") for g in groups),
                   name=name, allow_overlap=allow_overlap, other=other, missing=missing)

    # ------------------------------------------------------------------ views
    @property
    def labels(self) -> tuple[str, ...]:
        """Every label :meth:`classify` can return: the groups, then ``other`` (and ``missing``)."""
        extra = (self.other,) if self.missing == self.other else (self.other, self.missing)
        return (*self.groups, *extra)

    def definition(self, group: str) -> tuple[str, ...]:
        """The codes, prefixes and ranges of ``group`` as written."""
        check_choice(group, self.groups, argument="group")
        return self.codes[self.groups.index(group)]

    def source(self, group: str) -> str:
        """Where the definition of ``group`` comes from."""
        check_choice(group, self.groups, argument="group")
        return self.sources[self.groups.index(group)]

    def to_frame(self) -> pd.DataFrame:
        """The definition as a tidy table: ``group, coding, codes, source`` (codes joined by '; ')."""
        return pd.DataFrame({
            "group": list(self.groups),
            "coding": self.coding,
            "codes": ["; ".join(c) for c in self.codes],
            "source": list(self.sources),
        })

    def __repr__(self) -> str:
        return (f"ConditionSet(name={self.name!r}, coding={self.coding!r}, "
                f"groups={list(self.groups)!r})")

    # ------------------------------------------------------------------ classification
    def classify(self, codes: Any) -> np.ndarray:
        """Label each diagnosis code with the group that covers it.

        Parameters
        ----------
        codes : sequence, numpy/pandas array, pyarrow array, chunked or dictionary array of str
            Codes in any common spelling (``"J44.1"``, ``"j441"``, HES ``"I64X"``).

        Returns
        -------
        numpy.ndarray of object, same length as ``codes``
            The group name, ``self.other`` for codes no group covers (including codes
            not well formed in the set's coding) and ``self.missing`` for missing or
            empty codes.

        Notes
        -----
        The distinct codes are normalised and classified once (a pyarrow dictionary
        array is classified through its dictionary), then broadcast back.  For each
        rule length ``L`` the prefixes ``code[:L]`` are looked up in the sorted rule
        intervals with a binary search, so the cost is O(d log r) for d distinct codes
        and r rules.
        """
        arr = as_arrow_strings(codes)
        if pa.types.is_dictionary(arr.type):
            dictionary, indices = arr.dictionary, arr.indices
        else:
            encoded = arr.dictionary_encode()
            dictionary, indices = encoded.dictionary, encoded.indices
        labels = self._classify_distinct(dictionary)
        idx = indices.to_numpy(zero_copy_only=False)
        null = np.asarray(indices.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if null.any():
            idx = np.where(null, 0, idx).astype(np.intp)
            out = labels[idx] if len(labels) else np.full(len(idx), self.missing, dtype=object)
            out[null] = self.missing
            return out
        return labels[idx.astype(np.intp, copy=False)]

    def is_valid(self, codes: Any) -> np.ndarray:
        """Boolean array: the code is well formed in the set's coding (missing -> False)."""
        arr = as_arrow_strings(codes)
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)
        return valid_mask(normalise_array(arr, self.coding), self.coding)

    def _classify_distinct(self, dictionary: pa.Array) -> np.ndarray:
        """Labels for an array of (mostly) distinct raw codes."""
        norm = normalise_array(dictionary.cast(pa.string()), self.coding)
        ok = valid_mask(norm, self.coding)
        missing = np.asarray(norm.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        out = np.full(len(norm), self.other, dtype=object)
        out[missing] = self.missing
        if not ok.any():
            return out
        text = np.asarray(norm.fill_null("").to_numpy(zero_copy_only=False), dtype=str)
        lengths = np.char.str_len(text)
        assigned = ~ok
        group_index = {g: i for i, g in enumerate(self.groups)}
        names = np.asarray(self.groups, dtype=object)
        if self.allow_overlap == "first":
            rules = sorted(self._rules, key=lambda r: group_index[r.group])
            for rule in rules:
                cand = ~assigned & (lengths >= rule.length)
                if not cand.any():
                    continue
                prefix = text[cand].astype(f"<U{rule.length}")
                hit = (prefix >= rule.lo) & (prefix <= rule.hi)
                pos = np.flatnonzero(cand)[hit]
                out[pos] = rule.group
                assigned[pos] = True
            return out
        for length, (los, his, gidx) in self._index().items():
            cand = np.flatnonzero(~assigned & (lengths >= length))
            if not len(cand):
                continue
            prefix = text[cand].astype(f"<U{length}")
            k = np.searchsorted(los, prefix, side="right") - 1
            inside = k >= 0
            inside[inside] = prefix[inside] <= his[k[inside]]
            pos = cand[inside]
            out[pos] = names[gidx[k[inside]]]
            assigned[pos] = True
        return out

    def _index(self) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per rule length: sorted, merged interval starts, ends and group indices."""
        cached = self.__dict__.get("_index_cache")
        if cached is not None:
            return cached
        group_index = {g: i for i, g in enumerate(self.groups)}
        by_length: dict[int, list[tuple[str, str, int]]] = {}
        for r in self._rules:
            by_length.setdefault(r.length, []).append((r.lo, r.hi, group_index[r.group]))
        index = {}
        for length, items in sorted(by_length.items()):
            items.sort()
            merged: list[list[Any]] = []
            for lo, hi, g in items:  # same-group overlaps merge; cross-group ones were refused
                if merged and merged[-1][2] == g and lo <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], hi)
                else:
                    merged.append([lo, hi, g])
            index[length] = (np.array([m[0] for m in merged], dtype=f"<U{length}"),
                             np.array([m[1] for m in merged], dtype=f"<U{length}"),
                             np.array([m[2] for m in merged], dtype=np.intp))
        object.__setattr__(self, "_index_cache", index)
        return index


def _code_list(value: Any) -> tuple[str, ...]:
    """One string of codes ('I60-I64; J44') or an iterable of codes -> tuple of code texts."""
    if isinstance(value, str):
        return split_codes(value)
    if isinstance(value, Iterable):
        out: list[str] = []
        for item in value:
            out.extend(split_codes(item) if isinstance(item, str) and item.strip() else [item])
        return tuple(out)
    return (value,)


def split_codes(text: str) -> tuple[str, ...]:
    """Split 'I60-I64; J44, J45 J46' into its entries (separators: ';', ',', blanks)."""
    import re

    return tuple(t for t in re.split(r"[;,\s]+", text.strip()) if t)


def _check_overlaps(rules: list[Rule], where: str, groups: tuple[str, ...]) -> None:
    """Raise :class:`ConditionSetError` naming both groups if two groups cover a common code."""
    # sort by the rule's start padded to a common length so only neighbours need comparing
    width = max(r.length for r in rules)
    keyed = sorted(rules, key=lambda r: (r.lo.ljust(width, "0"), r.hi.ljust(width, "9")))
    active: list[Rule] = []
    for rule in keyed:
        start = rule.lo.ljust(width, "0")
        active = [a for a in active if a.hi.ljust(width, "9") >= start]
        for a in active:
            if a.group != rule.group and (common := overlap(a, rule)) is not None:
                if groups.index(a.group) > groups.index(rule.group):
                    a, rule = rule, a  # name the groups in the set's order
                first, last = common
                span = first if first == last else f"{first}-{last}"
                raise ConditionSetError(
                    f"{where}: groups {a.group!r} and {rule.group!r} overlap: {a.describe()} and "
                    f"{rule.describe()} both cover codes starting {span}. Give each code to one group, "
                    "or pass allow_overlap='first' to let the earlier group win.",
                    group=a.group, code=span, groups=(a.group, rule.group))
        active.append(rule)
