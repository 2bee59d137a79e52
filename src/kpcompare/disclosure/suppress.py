"""Applying a disclosure rule to a table: :func:`suppress`, and :func:`present` for printing it.

The numeric table keeps numbers only: a suppressed cell is NaN and its companion column
``<column>_suppressed`` says why (``primary``, ``secondary``, ``derived``, ``total_small``; ``""`` when the
cell is released).  The ``*`` of published tables appears only in :func:`present`.  The rules are in
``rules.py``, secondary suppression in ``secondary.py``; docs/disclosure.md has the worked examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (as_pandas, check_columns_arg, check_flag, check_keys, check_measure, check_no_missing,
                       not_a_measure, require_columns, TOTAL_LABELS)
from ..errors import DuplicateKeyError, InvalidArgumentError, InvalidValueError, row_problem
from .rules import Rule, derived_pairs, resolve_rule, round_counts
from .secondary import Layout, layout, protect

__all__ = ["suppress", "present", "COUNT_COLUMNS", "SUFFIX"]

#: the count columns of kpcompare's stratum tables, controlled when ``counts`` is not given
COUNT_COLUMNS = ("admissions", "bed_days", "episodes", "persons", "bed_days_squared", "count", "observed",
                 "events", "deaths")

#: the companion column of a controlled column ``c`` is ``c + SUFFIX``
SUFFIX = "_suppressed"


def suppress(table: Any, *, rule: str | Rule = "hes", counts: str | list[str] | None = None,
             derived: Mapping[str, Any] | None = None, totals: Mapping[str, Any] | None = None,
             by: str | list[str] | None = None, secondary: bool = True, resum: bool = False) -> pd.DataFrame:
    """Apply a disclosure-control rule: suppress small counts and what rests on them, round the rest.

    Parameters
    ----------
    table : pandas.DataFrame or pyarrow.Table
        One row per cell: key columns, count columns and derived statistics.
    rule : str or Rule, default "hes"
        ``"hes"`` (NHS Digital: counts 1-7 suppressed, 0 kept, others rounded to the nearest 5, half up;
        statistics resting on 1-7 values suppressed; a national total of 1-7 suppresses its whole
        breakdown), ``"midpoint6"`` (OpenSAFELY: ``ceiling(x/6)*6 - 3``, 0 kept) or a :class:`Rule`.
    counts : str or list of str, optional
        The count columns (of events or persons) controlled.  Default: the columns of
        :data:`COUNT_COLUMNS` present (``admissions``, ``bed_days``, ``episodes``, ``persons`` ...).
    derived : mapping, optional
        ``{derived column: count column or columns it rests on}``: means, medians, rates and ratios; a
        derived cell is suppressed where one of its counts is (reason ``derived``).  Added to the rule's own.
    totals : mapping, optional
        ``{key column: total label}``: rows whose key holds the label are margins (sums of the rows
        beside them), e.g. ``{"age_band": "All ages", "provider": "England"}``.  They are protected by
        secondary suppression; the row with every key at its label is the table (national) total.
    by : str or list of str, optional
        The key columns identifying a cell (default: the text and categorical columns, and ``totals``'s).
    secondary : bool, default True
        Suppress further cells so that no suppressed cell can be recovered from the margins (see
        :mod:`kpcompare.disclosure.secondary`).  NHS Digital's own HES tables rely on rounding instead.
    resum : bool, default False
        Publish each margin as the sum of the released cells beneath it (suppressed cells count 0) instead
        of its own rounded value; nothing can then be recovered from it and no secondary suppression is
        needed.

    Returns
    -------
    pandas.DataFrame
        The table's columns, counts released (rounded; NaN where suppressed) as floats, derived
        statistics unrounded (NaN where suppressed), then ``<column>_suppressed`` per controlled column
        with the reason code (``""`` when released).  ``attrs["disclosure"]`` records the rule and what was
        done (provenance).

    Notes
    -----
    Sources and worked examples: docs/disclosure.md.  The rules are checked against NHS Digital request
    10641 (HES 2017-18, published as ``*`` and multiples of 5) in tests/disclosure.
    """
    spec = resolve_rule(rule)
    frame, counts_, derived_, keys, totals_ = _prepare(table, spec, counts, derived, totals, by)
    secondary = bool(check_flag(secondary, argument="secondary"))
    resum = bool(check_flag(resum, argument="resum"))
    shape = layout(frame[keys], totals_)
    out = frame.copy()
    reasons: dict[str, np.ndarray] = {}
    added = 0
    for column in counts_:
        values = pd.to_numeric(frame[column]).to_numpy(dtype=float)
        released, why, n_added = _control(values, spec, shape, secondary=secondary and not resum, resum=resum)
        out[column] = released
        reasons[column] = why
        added += n_added
    for column, sources in derived_:
        why = _follow(frame, sources, reasons, spec, shape)
        values = pd.to_numeric(frame[column]).to_numpy(dtype=float, na_value=np.nan)
        out[column] = np.where(why != "", np.nan, values)
        reasons[column] = why
    for column, why in reasons.items():
        out[column + SUFFIX] = pd.Series(why, index=out.index, dtype=object)
    out.attrs["disclosure"] = {**spec.describe(), "applied": True, "counts": list(counts_),
                               "derived": {c: list(s) for c, s in derived_}, "totals": dict(totals_),
                               "secondary": secondary and not resum, "secondary_cells": int(added),
                               "resum": resum, "suppressed_cells": int(sum((r != "").sum() for r in reasons.values()))}
    return out


def _control(values: np.ndarray, rule: Rule, shape: Layout, *, secondary: bool,
             resum: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """One count column: released values, reason codes, cells added by secondary suppression."""
    why = np.full(len(values), "", dtype=object)
    exempt = shape.grand & rule.exempt_total
    total = shape.total(values)
    if rule.small_total and 0 < total <= rule.threshold:
        why[~exempt] = "total_small"
    small = (values > 0) & (values <= rule.threshold) & (why == "") & ~exempt
    why[small] = "primary"
    added = np.array([], dtype=int)
    if secondary and shape.groups:
        suppressed = why != ""
        added = protect(values, suppressed, shape.groups, frozen=exempt)
        why[added] = "secondary"
    released = round_counts(values, rule)
    released[exempt] = values[exempt]
    released[why != ""] = np.nan
    if resum:
        summed = shape.resum(np.where(shape.margin, np.nan, released))
        keep = shape.margin & (why == "")
        released[keep] = summed[keep]
    return released, why, len(added)


def _follow(frame: pd.DataFrame, sources: tuple[str, ...], reasons: dict[str, np.ndarray], rule: Rule,
            shape: Layout) -> np.ndarray:
    """Reason codes of a derived column: ``derived`` where a count it rests on is suppressed or small."""
    hit = np.zeros(len(frame), dtype=bool)
    exempt = shape.grand & rule.exempt_total
    for source in sources:
        values = pd.to_numeric(frame[source]).to_numpy(dtype=float)
        hit |= reasons[source] != ""
        hit |= (values > 0) & (values <= rule.follows_threshold) & ~exempt
    return np.where(hit, "derived", "").astype(object)


def _prepare(table: Any, rule: Rule, counts: Any, derived: Any, totals: Any,
             by: Any) -> tuple[pd.DataFrame, list[str], tuple, list[str], dict]:
    """Check the arguments; the frame (index 0..n-1), counts, derived pairs, keys and totals."""
    frame = as_pandas(table, argument="table").reset_index(drop=True)
    if counts is None:
        counts_ = [c for c in COUNT_COLUMNS if c in frame.columns]
        if not counts_:
            raise InvalidArgumentError(
                f"argument 'counts': the table has none of kpcompare's count columns ({', '.join(COUNT_COLUMNS)}); "
                "name the count columns to control, e.g. counts=['admissions'].")
    else:
        counts_ = check_columns_arg(counts, argument="counts", allow_none=False, allow_empty=False)
    pairs = dict(rule.derived)
    pairs.update(dict(derived_pairs(derived)))
    derived_ = tuple(pairs.items())
    require_columns(frame, counts_ + [c for c, _ in derived_], argument="table")
    _check_roles(frame, counts_, derived_)
    check_measure(frame, counts_, missing="refuse")
    for column, _ in derived_:
        bad, kind = not_a_measure(frame[column])
        if bad.any():
            raise row_problem(column, "numeric", int(bad.sum()), frame[column][bad].iloc[0],
                              hint=f"A derived statistic must be a number; the column holds {kind}.")
    totals_ = _totals(totals)
    keys = _keys(frame, by, counts_, derived_, totals_)
    _check_keys(frame, keys, totals_)
    return frame, counts_, derived_, keys, totals_


def _check_roles(frame: pd.DataFrame, counts: list[str], derived: tuple) -> None:
    """A column is a count or a derived statistic, not both; derived ones rest on counts; no second pass."""
    names = [c for c, _ in derived]
    both = sorted(set(counts) & set(names))
    if both:
        raise InvalidArgumentError(f"column {both[0]!r} is named both in 'counts' and in 'derived'; a column is "
                                   "either a count or a statistic derived from counts.")
    for column, sources in derived:
        unknown = [s for s in sources if s not in counts]
        if unknown:
            raise InvalidArgumentError(
                f"argument 'derived': {column!r} rests on {unknown[0]!r}, which is not one of the counts "
                f"controlled ({', '.join(map(repr, counts))}); add it to counts=.")
    done = [c for c in frame.columns if isinstance(c, str) and c.endswith(SUFFIX)]
    if done:
        raise InvalidArgumentError(
            f"argument 'table': it already has the disclosure column {done[0]!r} (suppressed once already?); "
            "apply suppress to the original table, once.")


def _totals(totals: Any) -> dict[str, Any]:
    if totals is None:
        return {}
    if not isinstance(totals, Mapping) or not totals:
        raise InvalidArgumentError(f"argument 'totals': give a mapping {{key column: total label}}, e.g. "
                                   f"{{'age_band': 'All ages'}}, got {totals!r}.")
    bad = [k for k in totals if not isinstance(k, str) or not k]
    if bad:
        raise InvalidArgumentError(f"argument 'totals': keys must be column names, got {bad[0]!r}.")
    return dict(totals)


def _keys(frame: pd.DataFrame, by: Any, counts: list[str], derived: tuple, totals: dict) -> list[str]:
    roles = set(counts) | {c for c, _ in derived}
    if by is not None:
        keys = check_columns_arg(by, argument="by", allow_none=False, allow_empty=False)
        clash = [k for k in keys if k in roles]
        if clash:
            raise InvalidArgumentError(f"argument 'by': {clash[0]!r} is a count or derived column, not a key.")
    else:
        keys = [c for c in frame.columns if c not in roles and not pd.api.types.is_numeric_dtype(frame[c].dtype)
                or isinstance(frame[c].dtype, pd.CategoricalDtype)]
    keys += [k for k in totals if k not in keys]
    require_columns(frame, keys, argument="table")
    return keys


def _check_keys(frame: pd.DataFrame, keys: list[str], totals: dict) -> None:
    """Keys present, one kind each, unique together; total rows declared; declared labels present."""
    check_keys(frame, keys)
    check_no_missing(frame, keys)
    for key, label in totals.items():
        if not (frame[key] == label).any():
            raise InvalidValueError(
                f"argument 'totals': column {key!r} has no row labelled {label!r} (e.g. {frame[key].iloc[0]!r}); "
                "give the label of its total rows.", column=key, rule="total label present", n_rows=0,
                example=label)
    for key in keys:
        if key in totals:
            continue
        mask = np.array([isinstance(v, str) and v.strip().casefold() in TOTAL_LABELS for v in frame[key]], bool)
        if mask.any() and not mask.all():
            raise row_problem(key, "total rows declared", int(mask.sum()), frame[key][mask].iloc[0],
                              hint=f"These rows look like totals; declare them with totals={{{key!r}: "
                                   f"{frame[key][mask].iloc[0]!r}}} so that secondary suppression protects them.")
    if keys and frame.duplicated(keys).any():
        mask = frame.duplicated(keys, keep=False).to_numpy()
        raise row_problem(", ".join(keys), "one row per cell", int(mask.sum()),
                          frame.loc[mask, keys].iloc[0].to_dict(), cls=DuplicateKeyError,
                          hint="Aggregate the rows first, or name all the key columns with by=.")


def present(table: Any, *, symbol: str = "*") -> pd.DataFrame:
    """The output of :func:`suppress` as published: suppressed cells as ``symbol``, counts as whole numbers.

    A presentation helper (text cells): never compute on its output.  The companion columns are dropped.
    """
    frame = as_pandas(table, argument="table")
    if not isinstance(symbol, str):
        raise InvalidArgumentError(f"argument 'symbol': give the text shown for a suppressed cell, got {symbol!r}.")
    companions = [c for c in frame.columns if c.endswith(SUFFIX) and c[: -len(SUFFIX)] in frame.columns]
    if not companions:
        raise InvalidArgumentError("argument 'table': it has no <column>_suppressed columns; give the output of "
                                   "kpcompare.disclosure.suppress.")
    counts = frame.attrs.get("disclosure", {}).get("counts", [])
    out = frame.drop(columns=companions)
    for companion in companions:
        column = companion[: -len(SUFFIX)]
        bad, kind = not_a_measure(frame[column])
        if bad.any():
            raise row_problem(column, "numeric", int(bad.sum()), frame[column][bad].iloc[0],
                              hint=f"give the output of kpcompare.disclosure.suppress; the column holds {kind}.")
        shown = frame[column].map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if column in counts else f"{v:g}"))
        out[column] = np.where(frame[companion].astype(str) != "", symbol, shown)
    return out
