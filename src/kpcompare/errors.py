"""Exceptions and warnings raised by kpcompare.

Every error about user input is a :class:`KpcompareError`, which is also a
:class:`ValueError`, so ``except ValueError`` keeps working.  Messages name the
column (or argument), the rule that was broken, how many rows broke it and one
example, and where possible say what to do next.

Warnings for legal but statistically dubious use derive from
:class:`KpcompareWarning` (e.g. :class:`SmallCountWarning`).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "KpcompareError",
    "ColumnError",
    "MissingColumnError",
    "InvalidValueError",
    "InvalidArgumentError",
    "BandMismatchError",
    "KeyMismatchError",
    "DuplicateKeyError",
    "SourceReadError",
    "UnknownNameError",
    "KpcompareWarning",
    "SmallCountWarning",
    "ZeroPopulationWarning",
    "DataQualityWarning",
    "row_problem",
    "missing_row",
]


class KpcompareError(ValueError):
    """Base class of every kpcompare input error (also a ``ValueError``)."""


class ColumnError(KpcompareError):
    """A column is missing, has the wrong type or holds invalid values."""

    def __init__(self, message: str, *, column: str | None = None, rule: str | None = None,
                 n_rows: int | None = None, example: Any = None) -> None:
        super().__init__(message)
        self.column = column
        self.rule = rule
        self.n_rows = n_rows
        self.example = example


class MissingColumnError(ColumnError, KeyError):
    """A column that the computation needs is not in the data."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class InvalidValueError(ColumnError):
    """Values in a column break a rule (negative counts, missing keys, ...)."""


class InvalidArgumentError(KpcompareError):
    """A keyword argument has an invalid value (confidence, method, multiplier, ...)."""


class UnknownNameError(InvalidArgumentError, KeyError):
    """A name (method, standard population, mapping, dataset, system) is not known."""

    def __str__(self) -> str:
        return str(self.args[0])


class BandMismatchError(KpcompareError):
    """Age bands of two tables do not match (missing, extra or partially overlapping bands)."""

    def __init__(self, message: str, *, missing: list[str] | None = None,
                 extra: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = list(missing or [])
        self.extra = list(extra or [])


class KeyMismatchError(BandMismatchError):
    """A key column of the strata (e.g. ``sex``) is missing from the standard: ``missing`` names it.

    A :class:`BandMismatchError` too (strata of two tables do not match), so existing handlers keep working.
    """


class DuplicateKeyError(InvalidValueError):
    """Key columns identify more than one row."""


class SourceReadError(KpcompareError):
    """A file could not be read (corrupt Parquet, malformed CSV line, ...); names the file."""


class KpcompareWarning(UserWarning):
    """Base class of kpcompare's warnings: legal, but statistically dubious or lossy."""


class SmallCountWarning(KpcompareWarning):
    """Results rest on small counts and were suppressed or are unreliable."""


class ZeroPopulationWarning(KpcompareWarning):
    """Events were recorded in a stratum with zero population."""


class DataQualityWarning(KpcompareWarning):
    """Input data were usable but look suspicious (e.g. published totals disagree)."""


def counted(n: int, noun: str) -> str:
    """``1 system``, ``2 systems``: a count with its noun for error messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def missing_row(label: Any) -> str:
    """The example of a missing value: ``"row 2 is missing"`` (a numpy scalar label as a plain number, not
    ``np.int64(2)``)."""
    label = label.item() if hasattr(label, "item") and getattr(label, "ndim", 1) == 0 else label
    return f"row {label!r} is missing"


def row_problem(column: str, rule: str, n_rows: int, example: Any, *, hint: str = "",
                cls: type[ColumnError] = InvalidValueError) -> ColumnError:
    """Build the standard error for rows that break a rule.

    The message has the fixed shape
    ``column 'pop': rule 'non-negative' broken by 3 rows (e.g. -5). <hint>``.
    """
    msg = f"column {column!r}: rule {rule!r} broken by {counted(n_rows, 'row')} (e.g. {example!r})."
    if hint:
        msg += " " + hint
    return cls(msg, column=column, rule=rule, n_rows=n_rows, example=example)


class MissingStratumError(InvalidValueError):
    """A stratum (e.g. system x age band x sex) that a comparison needs has no row in a table."""


__all__.append("MissingStratumError")


class ColumnTypeError(ColumnError):
    """A source column has a type its canonical column cannot be made from (text where numbers are needed)."""


__all__.append("ColumnTypeError")


class ConditionSetError(InvalidArgumentError):
    """A condition-set definition is invalid: a bad code, a malformed or reversed range, overlapping groups."""

    def __init__(self, message: str, *, group: str | None = None, code: Any = None,
                 groups: tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.group = group
        self.code = code
        self.groups = tuple(groups or ())


__all__.append("ConditionSetError")
