"""The fuzz properties, checked on one call: what may escape, and what every result must keep.

Properties (issue 17):

1. only a ``KpcompareError`` (or an exception the function documents, :data:`_valid.DOCUMENTED`) is raised;
2. only ``KpcompareWarning`` subclasses and ``DeprecationWarning`` are warned;
3. an ``aggregate`` result keeps rows_read == rows_counted + rows excluded;
4. no NaN in a ``value``/``lower``/``upper`` column of a result without a non-empty ``note`` on that row.

:func:`check` returns the first property broken as an :class:`Escape` (None: all hold).  ``CASES`` counts
the calls made, for the ``fuzz: N cases`` line of tests/fuzz/conftest.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpcompare.errors import KpcompareError, KpcompareWarning

from _valid import DOCUMENTED, INPUT_TABLES, Call

CASES = {"n": 0}
_ALLOWED_WARNINGS = (KpcompareWarning, DeprecationWarning)
_OUTPUT_NUMBERS = ("value", "lower", "upper")


@dataclass(frozen=True)
class Escape:
    """A broken property: its ``kind`` (exception, warning, count mismatch, silent NaN) and detail."""

    kind: str
    type: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.type}: {self.message[:300]}"


def _close_figures() -> None:
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _result_problem(result: Any, *, estimates: bool = True) -> Escape | None:
    if hasattr(result, "rows_read") and hasattr(result, "exclusions"):
        excluded = int(result.exclusions["rows"].sum()) if len(result.exclusions) else 0
        if result.rows_read != result.rows_counted + excluded:
            return Escape("count mismatch", "count mismatch",
                          f"rows_read {result.rows_read} != rows_counted {result.rows_counted} + excluded {excluded}")
    if isinstance(result, pd.DataFrame) and estimates:
        result = result.loc[:, ~result.columns.duplicated()]  # a returned input may keep a duplicate column
        cols = [c for c in _OUTPUT_NUMBERS if c in result.columns]
        if cols:
            nan_rows = result[cols].apply(pd.to_numeric, errors="coerce").isna().any(axis=1)
            note = result["note"].fillna("").astype(str).str.strip() if "note" in result.columns \
                else pd.Series("", index=result.index)
            silent = nan_rows & note.eq("")
            if silent.any():
                return Escape("silent NaN", "silent NaN", f"{int(silent.sum())} row(s) with NaN in {cols} and no "
                              f"note, e.g. {result[silent].iloc[0].to_dict()}")
    return None


def check(name: str, call: Call) -> Escape | None:
    """Run ``call`` (function ``name``) and return the first property it breaks."""
    CASES["n"] += 1
    documented = DOCUMENTED.get(name, ())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call.run()
        except KpcompareError:
            return None
        except documented:
            return None
        except Exception as err:  # noqa: BLE001 - the property: anything else is an escape
            return Escape("exception", type(err).__name__, str(err))
        finally:
            _close_figures()
    for w in caught:
        if not issubclass(w.category, _ALLOWED_WARNINGS):
            return Escape("warning", w.category.__name__, str(w.message))
    return _result_problem(result, estimates=name not in INPUT_TABLES)
