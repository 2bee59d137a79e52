"""Applying :class:`ConditionRules` to episode records: each code once, then each combination once.

1. Every distinct diagnosis code (of the primary column and of the flattened ``diagnoses`` lists) is
   matched once against every diagnosis code list of the rules; every distinct procedure code once against
   every procedure list; every distinct admission method once against the admission filter.
2. Per record these per-code answers are gathered into a row of booleans (the primary's hits, the hits in
   any and in secondary positions, per group the procedure exclusions, required procedures and procedures of
   an excluding pair, the age limits per group, the admission filters).
3. The distinct rows of booleans are decided once each (first group whose rule holds) and the decision is
   joined back to the records.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import MissingColumnError
from ._codes import normalise_array
from ._rules import ConditionRules, normalise_procedure, parse_procedure

__all__ = ["group_index", "classify_records"]

_DIAGNOSIS_KINDS = ("primary", "any_position", "require_secondary", "exclude_secondary", "exclude_primary",
                    "exclude_any_position", "exclude_pair_diagnoses")


def classify_records(data: Any, *, conditions: Any) -> np.ndarray:
    """The group of each record of ``data`` under condition rules (labels: the groups, ``other``, ``missing``).

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        Canonical episode columns (see :func:`kpcompare.extract.describe_columns`): ``primary_diagnosis``
        and the others ``rules.columns()`` names (``diagnoses`` and ``procedures`` as lists of codes,
        primary diagnosis first; ``age`` in completed years; ``admission_method`` as text).
    conditions : ConditionRules or str
        The rules, or the name of a bundled set (``"acsc_nhs19"``, see :func:`list_condition_sets`).

    Returns
    -------
    numpy.ndarray of object
        One label per record; a missing primary diagnosis gives ``conditions.missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> records = pd.DataFrame({"primary_diagnosis": ["I20.9", "I20.9"], "diagnoses": [["I209"], ["I209"]],
    ...                         "procedures": [[], ["K40.1"]], "admission_method": ["21", "21"]})
    >>> classify_records(records, conditions="acsc_nhs19").tolist()
    ['angina', 'other']
    """
    rules = _rules_of(conditions)
    table = _as_table(data, rules.columns())
    col = {name: _plain(table.column(name)) for name in table.column_names}
    index = group_index(rules, col)
    labels = np.array([*rules.groups, rules.other], dtype=object)
    out = labels[index]
    primary = normalise_array(_strings(col["primary_diagnosis"]), rules.coding)
    out[np.asarray(primary.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = rules.missing
    return out


def _rules_of(conditions: Any) -> ConditionRules:
    if isinstance(conditions, ConditionRules):
        return conditions
    if isinstance(conditions, str):
        from ._files import condition_set

        rules = condition_set(conditions)
        if isinstance(rules, ConditionRules):
            return rules
    from ..errors import InvalidArgumentError

    raise InvalidArgumentError(f"argument 'conditions': expected ConditionRules or the name of a bundled rule set "
                               f"(acsc_*), got {conditions!r}.")


def group_index(rules: ConditionRules, col: Mapping[str, pa.Array]) -> np.ndarray:
    """Per record, the position of its group in ``rules.groups`` (``len(groups)``: other).

    ``col`` holds the (non-chunked) Arrow arrays of ``rules.columns()``.
    """
    n = len(col["primary_diagnosis"])
    lists = _diagnosis_lists(rules)
    features: list[np.ndarray] = []
    primary_hits = _code_hits(_strings(col["primary_diagnosis"]), lists, rules.coding)
    features.append(primary_hits)
    if "diagnoses" in col:
        flat, parents, position = _flatten(col["diagnoses"])
        hits = _code_hits(flat, lists, rules.coding)
        features.append(_any_per_row(hits, parents, n))
        features.append(_any_per_row(hits[position >= 1], parents[position >= 1], n))
    else:
        features += [primary_hits, np.zeros_like(primary_hits)]
    features += _procedure_features(rules, col.get("procedures"), n)
    features.append(_age_ok(rules, col.get("age"), n))
    admitted = _admission_ok(rules, col.get("admission_method"), n)
    admitted &= _source_ok(rules, col.get("admission_source"), n)
    features.append(admitted[:, None])
    matrix = np.concatenate(features, axis=1)
    keys = np.packbits(matrix, axis=1)
    keys = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).ravel()
    combos, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    decided = _decide(rules, matrix[first], len(lists))
    return decided[inverse.ravel()].astype(np.int32)


def _decide(rules: ConditionRules, rows: np.ndarray, n_lists: int) -> np.ndarray:
    """The group of each distinct row of features (first group whose rule holds; len(groups) = other)."""
    lists = _diagnosis_lists(rules)
    primary, anyp, second = rows[:, :n_lists], rows[:, n_lists:2 * n_lists], rows[:, 2 * n_lists:3 * n_lists]
    g = len(rules.rules)
    position = {name: i for i, name in enumerate(rules.groups)}
    excluded, required, pair, age_ok = (rows[:, 3 * n_lists + i * g:3 * n_lists + (i + 1) * g] for i in range(4))
    admitted = rows[:, -1]
    out = np.full(len(rows), len(position), dtype=np.int64)
    for j in range(g - 1, -1, -1):  # the first rule that holds wins: assign in reverse order
        rule = rules.rules[j]
        k = {kind: lists.index(getattr(rule, kind)) for kind in _DIAGNOSIS_KINDS if getattr(rule, kind)}
        hold = np.zeros(len(rows), dtype=bool)
        if "primary" in k:
            hold |= primary[:, k["primary"]]
        if "any_position" in k:
            hold |= anyp[:, k["any_position"]]
        if "require_secondary" in k:
            hold &= second[:, k["require_secondary"]]
        if "exclude_secondary" in k:
            hold &= ~second[:, k["exclude_secondary"]]
        if "exclude_primary" in k:
            hold &= ~primary[:, k["exclude_primary"]]
        if "exclude_any_position" in k:
            hold &= ~anyp[:, k["exclude_any_position"]]
        if "exclude_pair_diagnoses" in k:
            hold &= ~(anyp[:, k["exclude_pair_diagnoses"]] & pair[:, j])
        if rule.require_procedures:
            hold &= required[:, j]
        hold &= ~excluded[:, j] & age_ok[:, j] & admitted
        out[hold] = position[rule.name]
    return out


def _diagnosis_lists(rules: ConditionRules) -> list[tuple[str, ...]]:
    """The distinct diagnosis code lists of the rules (one feature column each)."""
    return list(dict.fromkeys(getattr(r, k) for r in rules.rules for k in _DIAGNOSIS_KINDS if getattr(r, k)))


def _code_hits(values: pa.Array, lists: list[tuple[str, ...]], coding: str) -> np.ndarray:
    """Bool matrix (records x lists): the code is covered by each list; each distinct code matched once."""
    encoded = pc.dictionary_encode(_strings(values))
    dictionary = normalise_array(encoded.dictionary, coding)  # normalise the distinct codes only
    table = np.zeros((len(dictionary) + 1, max(len(lists), 1)), dtype=bool)  # last row: missing code
    for j, codes in enumerate(lists):
        table[:-1, j] = _matcher(codes, coding).classify(dictionary) == "hit"
    index = encoded.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False)
    return table[index][:, :len(lists)]


@lru_cache(maxsize=256)
def _matcher(codes: tuple[str, ...], coding: str) -> Any:
    """A one-group condition set of a code list (built once per list)."""
    from ._set import ConditionSet

    return ConditionSet.from_mapping({"hit": list(codes)}, coding=coding)


def _flatten(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The codes of list records, their record number and their position in the record (0 = first)."""
    flat = pc.list_flatten(values)
    parents = pc.list_parent_indices(values).to_numpy(zero_copy_only=False).astype(np.int64)
    lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    position = np.arange(len(flat), dtype=np.int64) - starts[parents] if len(flat) else parents
    return flat, parents, position


def _any_per_row(hits: np.ndarray, parents: np.ndarray, n: int) -> np.ndarray:
    """OR of the hits of each record's codes (records without codes: False); hits are sparse."""
    out = np.zeros((n, hits.shape[1]), dtype=bool)
    position, column = np.nonzero(hits)
    out[parents[position], column] = True
    return out


def _procedure_features(rules: ConditionRules, procedures: pa.Array | None, n: int) -> list[np.ndarray]:
    """Three bool matrices (records x rules): a procedure excludes the record from the rule; a procedure the
    rule requires is present; a procedure of the rule's excluding pair is present."""
    out = [np.zeros((n, len(rules.rules)), dtype=bool) for _ in range(3)]
    kinds = ("exclude_procedures", "exclude_main_procedure", "require_procedures", "exclude_pair_procedures")
    if procedures is None or not any(getattr(r, kind) for r in rules.rules for kind in kinds):
        return out
    flat, parents, position = _flatten(procedures)
    encoded = pc.dictionary_encode(_strings(flat))
    distinct = [normalise_procedure(v) if v is not None else "" for v in encoded.dictionary.to_pylist()]
    index = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    for j, rule in enumerate(rules.rules):
        keep = ~_procedure_hits(distinct, rule.procedure_exceptions, rules)
        for kind, target, where, exceptions in (("exclude_procedures", 0, None, True),
                                                ("exclude_main_procedure", 0, 0, True),
                                                ("require_procedures", 1, None, False),
                                                ("exclude_pair_procedures", 2, None, False)):
            codes = getattr(rule, kind)
            if not codes:
                continue
            hits = _procedure_hits(distinct, codes, rules)
            hit = np.append(hits & keep if exceptions else hits, False)[index]
            if where is not None:
                hit &= position == where
            out[target][parents[hit], j] = True
    return out


def _procedure_hits(distinct: list[str], codes: tuple[str, ...], rules: ConditionRules) -> np.ndarray:
    """Bool per distinct procedure code: one of ``codes`` (codes, prefixes, ranges) covers it."""
    out = np.zeros(len(distinct), dtype=bool)
    if not codes or not distinct:
        return out
    exact, ranges = _procedure_table(codes, rules.procedure_coding, rules.name)
    for width, starts in exact.items():  # codes and prefixes: one set look-up per distinct code and width
        out |= np.array([len(v) >= width and v[:width] in starts for v in distinct], dtype=bool)
    for lo, hi in ranges:
        width = len(lo)
        out |= np.array([lo <= v[:width] <= hi and len(v) >= width for v in distinct], dtype=bool)
    return out


@lru_cache(maxsize=256)
def _procedure_table(codes: tuple[str, ...], coding: str, name: str) -> tuple[dict[int, frozenset], list]:
    """The parsed procedure list: ``{width: codes and prefixes of that width}`` and the ranges (lo, hi)."""
    exact: dict[int, set[str]] = {}
    ranges = []
    for code in codes:
        lo, hi = parse_procedure(code, coding, where=f"condition rules {name!r}")
        if lo == hi:
            exact.setdefault(len(lo), set()).add(lo)
        else:
            ranges.append((lo, hi))
    return {w: frozenset(v) for w, v in exact.items()}, ranges


def _age_ok(rules: ConditionRules, age: pa.Array | None, n: int) -> np.ndarray:
    """Bool (records x groups): the age lies within the group's limits (unknown age fails a limit)."""
    out = np.ones((n, len(rules.rules)), dtype=bool)
    if age is None:
        return out
    years = np.asarray(pc.cast(age, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    with np.errstate(invalid="ignore"):
        for j, rule in enumerate(rules.rules):
            if rule.age_min is not None:
                out[:, j] &= years >= rule.age_min
            if rule.age_max is not None:
                out[:, j] &= years <= rule.age_max
    return out


def _admission_ok(rules: ConditionRules, methods: pa.Array | None, n: int) -> np.ndarray:
    """Bool per record: the admission method passes the set's filter (no filter: all pass)."""
    if not rules.admission_methods:
        return np.ones(n, dtype=bool)
    if methods is None:
        raise MissingColumnError(f"condition rules {rules.name!r} count only admission methods "
                                 f"{', '.join(rules.admission_methods)}; the data have no 'admission_method'.")
    encoded = pc.dictionary_encode(pc.utf8_trim_whitespace(_strings(methods)))
    ok = np.array([v is not None and v.startswith(rules.admission_methods)
                   for v in encoded.dictionary.to_pylist()] + [False], dtype=bool)
    return ok[encoded.indices.fill_null(len(ok) - 1).to_numpy(zero_copy_only=False)]


def _source_ok(rules: ConditionRules, sources: pa.Array | None, n: int) -> np.ndarray:
    """Bool per record: the admission source is not one the set excludes (unknown sources pass)."""
    if not rules.exclude_admission_sources:
        return np.ones(n, dtype=bool)
    if sources is None:
        raise MissingColumnError(f"condition rules {rules.name!r} exclude admission sources "
                                 f"{', '.join(rules.exclude_admission_sources)}; the data have no "
                                 "'admission_source'.")
    encoded = pc.dictionary_encode(pc.utf8_trim_whitespace(_strings(sources)))
    ok = np.array([v not in rules.exclude_admission_sources for v in encoded.dictionary.to_pylist()] + [True],
                  dtype=bool)
    return ok[encoded.indices.fill_null(len(ok) - 1).to_numpy(zero_copy_only=False)]


# --------------------------------------------------------------------------------------------- input
def _plain(array: Any) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    return array


def _strings(array: pa.Array) -> pa.Array:
    array = _plain(array)
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.string())
    return array


def _as_table(data: Any, columns: list[str]) -> pa.Table:
    """The rule columns of ``data`` as an Arrow table of checked types (strings, lists of strings, float age)."""
    import pandas as pd

    from .._checks import check_frame_columns, require_columns
    from ..errors import InvalidArgumentError

    if isinstance(data, (pa.Table, pa.RecordBatch)):
        data = data.to_pandas()
    if not isinstance(data, pd.DataFrame):
        raise InvalidArgumentError(f"argument 'data': expected a pandas DataFrame or a pyarrow Table, got "
                                   f"{type(data).__name__}.")
    check_frame_columns(data, argument="data")
    require_columns(data, columns, argument="data")
    arrays = {name: _column(data[name], name) for name in columns}
    return pa.table(arrays)


_KINDS = {"diagnoses": "list", "procedures": "list", "age": "number"}


def _column(values: Any, name: str) -> pa.Array:
    """One column: codes as text, ``diagnoses``/``procedures`` as lists of text, ``age`` as numbers."""
    import pandas as pd

    from ..errors import row_problem

    kind = _KINDS.get(name, "text")
    cells = list(values)
    missing = [c is None or (isinstance(c, float) and np.isnan(c)) or c is pd.NA for c in cells]
    if kind == "list":
        ok = [m or isinstance(c, (list, tuple, np.ndarray)) for c, m in zip(cells, missing)]
    elif kind == "text":
        ok = [m or isinstance(c, str) for c, m in zip(cells, missing)]
    else:
        ok = [m or (isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, bool))
              for c, m in zip(cells, missing)]
    if not all(ok):
        bad = [c for c, good in zip(cells, ok) if not good]
        rule = {"list": "lists of codes (primary first)", "number": "ages in years (numbers)",
                "text": "codes as text"}[kind]
        raise row_problem(name, rule, len(bad), bad[0])
    if kind == "list":
        return pa.array([None if m else [None if v is None else str(v) for v in c] for c, m in zip(cells, missing)],
                        type=pa.list_(pa.string()))
    if kind == "text":
        return pa.array([None if m else c for c, m in zip(cells, missing)], type=pa.string())
    return pa.array([None if m else float(c) for c, m in zip(cells, missing)], type=pa.float64())
