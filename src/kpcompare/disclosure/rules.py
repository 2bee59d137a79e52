"""The disclosure-control rules: what is suppressed and how released counts are rounded (the specification).

A rule is a small frozen :class:`Rule`; :data:`RULES` holds the two published ones, ``"hes"`` and
``"midpoint6"``.  Applying a rule to a table is :func:`kpcompare.disclosure.suppress` (``suppress.py``);
protecting suppressed cells from their margins is ``secondary.py``.  The sources and the worked examples
are in docs/disclosure.md.

``"hes"`` -- NHS Digital, *Disclosure control methodology for Hospital Episode Statistics (HES) and Emergency
Care Data Set (ECDS)*, applied from September 2018 to HES outputs from 2017-18, and printed in the footnotes
of every HES table since (e.g. request 10641, bundled as
``data/england/hes_2017-18_ordinary_episodes_los_by_provider_age_10641.xlsx``):

* "If the national total is between 1 and 7 (inclusive), no sub-national breakdown will be displayed";
* otherwise sub-national counts 1-7 are displayed as ``*``, zeroes are unchanged and all other counts are
  rounded to the nearest 5;
* a mean, median or other simple statistic resting on 1-7 values is not calculated (``*``); national
  counts need no disclosure control.

Whole counts never fall half-way between two multiples of 5, so the tie rule matters only for fractional
(weighted) counts: ties round half up (away from zero), as Excel's ``MROUND`` and Spark's ``round`` do.

``"midpoint6"`` -- OpenSAFELY, *Releasing research outputs*, section "Midpoint 6 rounding"
(docs.opensafely.org/releasing-files, opensafely/documentation ``docs/releasing-files.md``): a count ``x`` is
released as ``ceiling(x / 6) * 6 - 3`` if ``x > 0`` and as 0 if ``x == 0`` (1-6 -> 3, 7-12 -> 9, 13-18 -> 15
...); nothing is suppressed, a released 3 stands for 1-6.  The same page asks that "any rate calculated from
counts <=7 should also be redacted": derived statistics resting on 1-7 values are suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError, KpcompareWarning, UnknownNameError

__all__ = ["Rule", "RULES", "ROUNDINGS", "REASONS", "DisclosureOffWarning", "resolve_rule", "round_counts"]

#: the rounding methods a rule may use: name -> what it does
ROUNDINGS: dict[str, str] = {
    "half_up": "to the nearest multiple of `base`; a value half-way rounds up (Excel MROUND, Spark round)",
    "half_even": "to the nearest multiple of `base`; a value half-way rounds to the even multiple (IEEE)",
    "midpoint": "up to the next multiple of `base`, less half of `base`; 0 stays 0 (OpenSAFELY midpoint 6)",
    "none": "not rounded",
}

#: the reason codes of the companion columns ``<column>_suppressed`` ("" = released)
REASONS: dict[str, str] = {
    "primary": "the count is 1 to `threshold`",
    "secondary": "suppressed so that a suppressed cell cannot be recovered from the published margins",
    "derived": "a statistic resting on a suppressed count (or on 1 to `derived_threshold` values)",
    "total_small": "the table's (national) total is 1 to `threshold`: no breakdown of it is shown",
}


class DisclosureOffWarning(KpcompareWarning):
    """Output built from record-level data is released without disclosure control (turned off explicitly)."""


@dataclass(frozen=True)
class Rule:
    """A disclosure-control rule (the specification; :func:`kpcompare.disclosure.suppress` applies it).

    Attributes
    ----------
    name : str
        Its name, recorded in the output's provenance.
    threshold : int
        Counts from 1 to ``threshold`` are suppressed (0: none is).
    base : float
        Released counts are rounded to multiples of ``base`` (1 with ``rounding="none"``: exact).
    rounding : str
        One of :data:`ROUNDINGS`: ``"half_up"``, ``"half_even"``, ``"midpoint"`` or ``"none"``.
    derived_threshold : int or None
        A derived statistic (mean, median, rate, ratio) resting on 1 to ``derived_threshold`` values is
        suppressed even where its count is released (None: ``threshold``).
    small_total : bool
        Where the table's total (its grand-total row, or the sum of its cells) is 1 to ``threshold``, every
        cell of the breakdown is suppressed (reason ``total_small``).
    exempt_total : bool
        The grand-total row (every ``totals`` key at its total label) is the national figure and released
        as it is (HES: "no disclosure control required" at national level).
    derived : tuple of (str, tuple of str) pairs
        Which derived columns follow which counts, e.g. ``(("mean_los", ("admissions",)),)``; the
        ``derived=`` argument of ``suppress`` adds to them.
    """

    name: str = "custom"
    threshold: int = 7
    base: float = 5
    rounding: str = "half_up"
    derived_threshold: int | None = None
    small_total: bool = True
    exempt_total: bool = False
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidArgumentError(f"Rule: 'name' must be non-empty text, got {self.name!r}.")
        for field, value in (("threshold", self.threshold), ("derived_threshold", self.derived_threshold)):
            if field == "derived_threshold" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise InvalidArgumentError(f"Rule {self.name!r}: {field!r} must be a whole number >= 0, got "
                                           f"{value!r}.")
        if isinstance(self.base, bool) or not isinstance(self.base, (int, float, np.integer, np.floating)) \
                or not np.isfinite(self.base) or self.base <= 0:
            raise InvalidArgumentError(f"Rule {self.name!r}: 'base' must be a finite number > 0, got {self.base!r}.")
        if self.rounding not in ROUNDINGS:
            raise UnknownNameError(f"Rule {self.name!r}: unknown rounding {self.rounding!r}; choose one of "
                                   f"{', '.join(map(repr, ROUNDINGS))}.")
        for flag in ("small_total", "exempt_total"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidArgumentError(f"Rule {self.name!r}: {flag!r} must be True or False.")
        object.__setattr__(self, "derived", derived_pairs(self.derived, argument=f"Rule {self.name!r}: derived"))

    @property
    def follows_threshold(self) -> int:
        """The threshold of derived statistics (``derived_threshold``, else ``threshold``)."""
        return self.threshold if self.derived_threshold is None else int(self.derived_threshold)

    def describe(self) -> dict[str, Any]:
        """The rule as plain values, for an output's provenance."""
        return {"rule": self.name, "threshold": int(self.threshold), "base": float(self.base),
                "rounding": self.rounding, "derived_threshold": self.follows_threshold,
                "small_total": self.small_total, "exempt_total": self.exempt_total}


def derived_pairs(value: Any, *, argument: str = "derived") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{derived column: count column or columns}`` (or pairs of them) as a tuple of pairs."""
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(value, (str, bytes)) or not isinstance(items, (list, tuple, type({}.items()))):
        raise InvalidArgumentError(f"argument {argument!r}: give a mapping {{derived column: count column(s)}}, "
                                   f"got {value!r}.")
    out = []
    for item in items:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise InvalidArgumentError(f"argument {argument!r}: {item!r} is not a pair (derived column, count "
                                       "column(s)).")
        column, counts = item
        counts = (counts,) if isinstance(counts, str) else counts
        if not isinstance(column, str) or not column or not isinstance(counts, (list, tuple)) or not counts \
                or not all(isinstance(c, str) and c for c in counts):
            raise InvalidArgumentError(f"argument {argument!r}: {item!r} must pair a column name with the name "
                                       "(or names) of the count column(s) it rests on.")
        out.append((column, tuple(counts)))
    names = [c for c, _ in out]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"argument {argument!r}: a derived column is named twice in {value!r}.")
    return tuple(out)


#: the published rules
RULES: dict[str, Rule] = {
    "hes": Rule(name="hes", threshold=7, base=5, rounding="half_up", derived_threshold=7, small_total=True,
                exempt_total=True),
    "midpoint6": Rule(name="midpoint6", threshold=0, base=6, rounding="midpoint", derived_threshold=7,
                      small_total=False, exempt_total=False),
}


def resolve_rule(rule: Any, *, argument: str = "rule") -> Rule:
    """A registered rule name or a :class:`Rule` -> the rule."""
    if isinstance(rule, Rule):
        return rule
    if not isinstance(rule, str):
        raise InvalidArgumentError(f"argument {argument!r}: give a rule name ({', '.join(map(repr, RULES))}) or a "
                                   f"kpcompare.disclosure.Rule, got {type(rule).__name__} ({rule!r}).")
    if rule not in RULES:
        raise UnknownNameError(f"argument {argument!r}: unknown rule {rule!r}; choose one of "
                               f"{', '.join(map(repr, RULES))} or give a kpcompare.disclosure.Rule.")
    return RULES[rule]


def round_counts(values: np.ndarray, rule: Rule) -> np.ndarray:
    """``values`` (non-negative floats) rounded as ``rule`` says (see :data:`ROUNDINGS`)."""
    x = np.asarray(values, dtype=float)
    base = float(rule.base)
    if rule.rounding == "none":
        return x.copy()
    if rule.rounding == "half_up":
        return np.floor(x / base + 0.5) * base
    if rule.rounding == "half_even":
        return np.round(x / base) * base
    return np.ceil(x / base) * base - np.floor(base / 2) * (x != 0)  # midpoint
