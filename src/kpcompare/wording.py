"""What a published statement's wording means, as an interval of values that make it true.

A leaf module (it imports only :mod:`kpcompare.errors` and :mod:`kpcompare._checks`): shared by
:mod:`kpcompare.figures` (the registry of published figures), :mod:`kpcompare.profiles` (claims about
profiles) and :mod:`kpcompare.concentration` (claims about shares).  :mod:`kpcompare.figures` re-exports
its names (``kpcompare.figures.bounds`` ...).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from ._checks import check_choice, check_number
from .errors import InvalidArgumentError

__all__ = ["Bounds", "bounds", "printed_precision", "WORDINGS", "DEFAULT_TOLERANCE"]

WORDINGS = ("printed", "almost", "more_than", "less_than", "at_least", "within", "about", "multiple", "range")
#: default tolerances, stated: "almost v" means [v - 10% of v, v]; word multiples ("twice", "a quarter")
#: mean v within ±12.5% of v (halfway to the next simpler multiple such as 2.5 or 1/3 is ≥ 25%/33% away).
DEFAULT_TOLERANCE = {"almost": 0.10, "multiple": 0.125}
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.(\d+))?")


@dataclass(frozen=True)
class Bounds:
    """An interval; ``lower_closed``/``upper_closed`` say whether the ends belong to it."""

    lower: float
    upper: float
    lower_closed: bool = True
    upper_closed: bool = False

    def contains(self, x: float) -> bool:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return False
        above = x >= self.lower if self.lower_closed else x > self.lower
        below = x <= self.upper if self.upper_closed else x < self.upper
        return bool(above and below)

    def overlaps(self, lo: float, hi: float) -> bool:
        """Whether the closed interval [lo, hi] meets these bounds."""
        if math.isnan(lo) or math.isnan(hi):
            return False
        return self.contains(lo) or self.contains(hi) or (lo <= self.lower and hi >= self.upper)

    def __str__(self) -> str:
        def fmt(v: float) -> str:
            return "inf" if math.isinf(v) else f"{v:.6g}"

        return (("[" if self.lower_closed else "(") + f"{fmt(self.lower)}, {fmt(self.upper)}"
                + ("]" if self.upper_closed else ")"))


def printed_precision(printed: str) -> float:
    """Unit of the last printed digit of the first number in ``printed`` ("$1,402" -> 1, "3.5" -> 0.1)."""
    match = _NUMBER.search(str(printed))
    if match is None:
        raise InvalidArgumentError(f"argument 'printed': {printed!r} holds no number to take the precision from.")
    decimals = len(match.group(1) or "")
    return 10.0 ** (-decimals)


def bounds(value: float, *, wording: str, printed: str | None = None, precision: float | None = None,
           tolerance: float | None = None, lower: float | None = None, upper: float | None = None) -> Bounds:
    """The values that make a published statement true.

    Parameters
    ----------
    value : float
        The number in the statement (2 for "almost twice", 0.10 for "within 10%").
    wording : str
        ``"printed"``: a rounded number, [v - h, v + h) with h half the unit of the last printed digit
        ("$1,402" -> [1401.5, 1402.5); "3.5 times" -> [3.45, 3.55)).  ``"almost"``: [v - tol, v]
        (default tol 10% of v).  ``"more_than"``: (v, inf).  ``"less_than"``: (-inf, v).
        ``"at_least"``: [v, inf).  ``"within"``: [-v, v] (e.g. a relative difference "within 10%").
        ``"about"``: [v - tol, v + tol] (tol required).  ``"multiple"``: a word multiple ("twice",
        "three times", "a quarter"): [v(1 - tol), v(1 + tol)], default tol 0.125.  ``"range"``:
        [lower, upper].
    printed : str, optional
        The figure as printed, to read the precision from (``"printed"`` wording).
    precision : float, optional
        Unit of the last printed digit, overriding ``printed``.
    tolerance : float, optional
        Absolute for ``"almost"``/``"about"`` (default for "almost": 10% of v); relative for ``"multiple"``.
    lower, upper : float, optional
        Ends of a ``"range"``.
    """
    check_choice(wording, WORDINGS, argument="wording")
    v = check_number(value, argument="value")
    precision, tolerance, lower, upper = (
        None if _missing(x) else check_number(x, argument=arg, low=0 if arg in ("precision", "tolerance") else None,
                                              low_open=arg == "precision")
        for arg, x in (("precision", precision), ("tolerance", tolerance), ("lower", lower), ("upper", upper)))
    if wording == "printed":
        unit = float(precision) if precision is not None else (
            printed_precision(printed) if printed is not None else None)
        if unit is None:
            raise InvalidArgumentError("wording 'printed' needs 'printed' (the text as printed) or 'precision'.")
        return Bounds(v - unit / 2, v + unit / 2, True, False)
    if wording == "almost":
        tol = DEFAULT_TOLERANCE["almost"] * abs(v) if _missing(tolerance) else float(tolerance)
        return Bounds(v - tol, v, True, True)
    if wording == "more_than":
        return Bounds(v, math.inf, False, False)
    if wording == "less_than":
        return Bounds(-math.inf, v, False, False)
    if wording == "at_least":
        return Bounds(v, math.inf, True, False)
    if wording == "within":
        return Bounds(-abs(v), abs(v), True, True)
    if wording == "about":
        if _missing(tolerance):
            raise InvalidArgumentError("wording 'about' needs an explicit 'tolerance' (state it with the figure).")
        return Bounds(v - float(tolerance), v + float(tolerance), True, True)
    if wording == "multiple":
        tol = DEFAULT_TOLERANCE["multiple"] if _missing(tolerance) else float(tolerance)
        return Bounds(v * (1 - tol), v * (1 + tol), True, True)
    if _missing(lower) or _missing(upper):
        raise InvalidArgumentError("wording 'range' needs 'lower' and 'upper'.")
    return Bounds(float(lower), float(upper), True, True)


def _isnan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _missing(x: object) -> bool:
    """An option left blank: None, NaN, NA or empty text (a registry cell)."""
    if isinstance(x, str):
        return not x.strip()
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # a list or an array: not blank, refused by check_number
        return False
