"""Plain-text presentation of report tables: the only place numbers are rounded.

Shared by the reports' ``format_*`` functions and :mod:`kpcompare.report.demo`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["interval_text", "p_text", "plain_table", "wrapped"]


def _number(x: float, digits: int) -> str:
    return "NA" if pd.isna(x) or not np.isfinite(x) else f"{x:,.{digits}f}"


def interval_text(value: pd.Series, lower: pd.Series, upper: pd.Series, digits: int) -> pd.Series:
    """``"308.1 (306.5 to 309.6)"``; ``"NA"`` where the value is missing (rounding for printing only)."""
    return pd.Series(
        ["NA" if pd.isna(v) or not np.isfinite(v)
         else f"{_number(v, digits)} ({_number(lo, digits)} to {_number(hi, digits)})"
         for v, lo, hi in zip(value, lower, upper)],
        index=value.index, dtype=object)


def p_text(p: pd.Series) -> pd.Series:
    """p-values as printed in a paper: ``<0.001``, else three decimals; ``""`` where missing."""
    return pd.Series(["" if pd.isna(x) else ("<0.001" if x < 0.001 else f"{x:.3f}") for x in p],
                     index=p.index, dtype=object)


def plain_table(frame: pd.DataFrame, *, right: Iterable[str] = ()) -> str:
    """Plain-text table: text columns left-aligned (those in ``right`` right-aligned, for numbers already
    formatted as text), integer counts with thousands separators."""
    right = set(right)
    formatters = {}
    for col in frame.columns:
        if pd.api.types.is_integer_dtype(frame[col]):
            formatters[col] = "{:,}".format
        elif not pd.api.types.is_numeric_dtype(frame[col]):
            width = max(len(str(col)), *(len(str(v)) for v in frame[col])) if len(frame) else len(str(col))
            formatters[col] = ("{:>%d}" % width if col in right else "{:<%d}" % width).format
    return frame.to_string(index=False, formatters=formatters, justify="left")


def wrapped(notes: Iterable[str], *, width: int = 110, bullet: str = "") -> list[str]:
    """Each note filled to ``width`` characters, continuation lines indented."""
    indent = " " * max(len(bullet), 2)
    return [textwrap.fill(bullet + note, width=width, subsequent_indent=indent, break_on_hyphens=False)
            for note in notes]
