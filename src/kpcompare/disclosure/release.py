"""Disclosure control on by default: the one function every writer of output calls, :func:`for_release`.

Output built from record-level data (an extract aggregated by :func:`kpcompare.aggregate`, whose result
says ``record_level=True``) leaves kpcompare only through :func:`for_release`, which applies the ``"hes"``
rule unless told otherwise.  Turning it off is explicit (``rule=False``): the table's provenance
(``attrs["disclosure"]``) records it and a :class:`DisclosureOffWarning` is printed.  Tables built from
published aggregates or public-use files (``record_level=False``) pass unchanged, and say so.

:func:`strata_for_release` is the same for an :class:`~kpcompare.engine.arrow.AggregateResult`: its
counts, and its weighted totals as statistics resting on them; :func:`cli_strata` is what the
``kpcompare aggregate`` command calls (``--disclosure RULE`` / ``--no-disclosure``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._checks import as_pandas, check_flag
from ..errors import InvalidArgumentError
from .rules import DisclosureOffWarning, Rule, resolve_rule
from .suppress import suppress

__all__ = ["for_release", "strata_for_release", "cli_strata", "DEFAULT_RULE", "STRATA_COUNTS", "STRATA_DERIVED"]

#: the rule applied when none is named
DEFAULT_RULE = "hes"

#: the count columns of an aggregate's stratum table
STRATA_COUNTS = ("admissions", "bed_days", "episodes", "persons", "bed_days_squared")

#: the weighted totals of a stratum table and the counts of records they rest on
STRATA_DERIVED = {"weighted_admissions": ("admissions",), "weighted_bed_days": ("admissions",),
                  "weighted_episodes": ("episodes",)}


def for_release(table: Any, *, record_level: bool = True, rule: str | Rule | bool | None = DEFAULT_RULE,
                counts: str | list[str] | None = None, derived: Mapping[str, Any] | None = None,
                totals: Mapping[str, Any] | None = None, by: str | list[str] | None = None) -> pd.DataFrame:
    """A table as it may leave kpcompare: disclosure-controlled when built from record-level data.

    Parameters
    ----------
    table : pandas.DataFrame or pyarrow.Table
        The table to write or report.
    record_level : bool, default True
        Whether it was built from record-level data (``AggregateResult.record_level``).  False for tables
        from published aggregates or public-use files: returned unchanged.
    rule : str, Rule, None or False, default "hes"
        The rule (see :func:`kpcompare.disclosure.suppress`); None: the default ``"hes"``.  ``False`` turns
        disclosure control off: the table is returned unchanged, its provenance says so and a
        :class:`DisclosureOffWarning` is issued.
    counts, derived, totals, by
        As :func:`kpcompare.disclosure.suppress`.

    Returns
    -------
    pandas.DataFrame
        The released table; ``attrs["disclosure"]`` holds the provenance: ``applied`` (bool),
        ``record_level``, ``turned_off`` and, when applied, the rule and what it did.
    """
    record_level = bool(check_flag(record_level, argument="record_level"))
    if rule is True:
        raise InvalidArgumentError("argument 'rule': give a rule name (e.g. 'hes'), a Rule, or False to turn "
                                   "disclosure control off; True is not a rule.")
    if rule is False or not record_level:
        out = as_pandas(table, argument="table").copy()
        out.attrs["disclosure"] = {"applied": False, "record_level": record_level,
                                   "turned_off": rule is False and record_level,
                                   "rule": None if rule is False else _name(rule)}
        if rule is False and record_level:
            warnings.warn("disclosure control turned off (rule=False): a table built from record-level data "
                          "is released with its exact counts; check it before it leaves the secure environment.",
                          DisclosureOffWarning, stacklevel=2)
        return out
    spec = resolve_rule(DEFAULT_RULE if rule is None else rule)
    out = suppress(table, rule=spec, counts=counts, derived=derived, totals=totals, by=by)
    out.attrs["disclosure"] = {**out.attrs["disclosure"], "record_level": True, "turned_off": False}
    return out


def _name(rule: Any) -> str | None:
    if rule is None:
        return DEFAULT_RULE
    return rule.name if isinstance(rule, Rule) else str(rule)


def strata_for_release(result: Any, *, rule: str | Rule | bool | None = DEFAULT_RULE) -> pd.DataFrame:
    """An aggregate's stratum table for release: :func:`for_release` with its counts and weighted totals.

    ``result`` is an :class:`~kpcompare.engine.arrow.AggregateResult` (its ``strata`` and ``record_level``).
    The counts are those of :data:`STRATA_COUNTS` present; the weighted totals (survey-weighted estimates)
    are statistics resting on the records counted (:data:`STRATA_DERIVED`): suppressed with them, not rounded.
    """
    strata = getattr(result, "strata", None)
    if not isinstance(strata, pd.DataFrame):
        raise InvalidArgumentError(f"argument 'result': give the result of kpcompare.aggregate (an AggregateResult), "
                                   f"got {type(result).__name__}.")
    record_level = getattr(result, "record_level", True)
    counts = [c for c in STRATA_COUNTS if c in strata.columns]
    derived = {c: s for c, s in STRATA_DERIVED.items() if c in strata.columns and all(x in counts for x in s)}
    by = list(getattr(result, "by", None) or [c for c in strata.columns if c not in counts and c not in derived])
    return for_release(strata, record_level=bool(record_level), rule=rule, counts=counts, derived=derived or None,
                       by=by or None)


def cli_strata(result: Any, out: Any, *, rule: str | None = None, off: bool = False) -> str:
    """What ``kpcompare aggregate`` writes: the released strata to ``out`` (CSV) and their provenance beside it
    (``<out stem>.disclosure.json``); returns the line the command prints.

    ``rule`` is ``--disclosure RULE`` (None: ``"hes"``), ``off`` is ``--no-disclosure`` (warned, recorded).
    """
    import json
    from pathlib import Path

    if off and rule is not None:
        raise InvalidArgumentError("options --disclosure and --no-disclosure contradict each other; give one.")
    released = strata_for_release(result, rule=False if off else (rule or DEFAULT_RULE))
    out = Path(out)
    info = released.attrs["disclosure"]
    written = released.copy()
    for column in info.get("counts", []):  # whole released counts are written without ".0"
        values = written[column]
        if ((values.dropna() % 1) == 0).all():
            written[column] = values.astype("Int64")
    written.to_csv(out, index=False)
    out.with_name(out.stem + ".disclosure.json").write_text(json.dumps(info, indent=2, default=str) + "\n")
    if not info["applied"]:
        why = "turned off by --no-disclosure" if info["turned_off"] else "not record-level data"
        return f"disclosure control: not applied ({why})"
    small = f"counts 1-{info['threshold']} suppressed, " if info["threshold"] else ""
    return (f"disclosure control: rule {info['rule']!r} applied: {small}counts rounded "
            f"({info['rounding']}, base {info['base']:g}); {info['suppressed_cells']:,} cells suppressed, reasons in "
            "the *_suppressed columns")
