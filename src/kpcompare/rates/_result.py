"""The fixed-column tidy output shared by every rate function.

Rows are group-major: all confidence levels of the first group, then the next
group.  Several confidence levels are extra rows (column ``confidence``), never
extra columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["RATE_COLUMNS", "RATIO_COLUMNS", "COMPARISON_COLUMNS", "tidy_result", "join_notes",
           "statistic_label"]

#: columns after the group columns, for crude_rate and dsr
RATE_COLUMNS = ["count", "population", "value", "lower", "upper", "variance", "confidence",
                "method", "statistic", "note"]
#: columns after the group columns, for smr and isr
RATIO_COLUMNS = ["observed", "expected", "population", "value", "lower", "upper", "variance", "p_value",
                 "confidence", "method", "statistic", "note"]
#: columns after the group and ``between`` columns, for compare_rates
COMPARISON_COLUMNS = ["value", "lower", "upper", "confidence", "statistic", "z", "p_value", "method", "note"]


def statistic_label(name: str, multiplier: float, *, per: bool = True) -> str:
    """``"dsr per 100000"``; for ratios ``"smr"`` or ``"smr x 100"``."""
    mult = f"{multiplier:g}" if multiplier < 1e6 or multiplier != int(multiplier) else str(int(multiplier))
    if per:
        return f"{name} per {mult}"
    return name if multiplier == 1 else f"{name} x {mult}"


def join_notes(*notes: np.ndarray) -> np.ndarray:
    """Combine per-row note arrays (``""`` = no note) with ``"; "``."""
    out = np.asarray(notes[0], dtype=object).copy()
    for extra in notes[1:]:
        extra = np.asarray(extra, dtype=object)
        both = (out != "") & (extra != "")
        out = np.where(both, out + "; " + extra, np.where(out != "", out, extra)).astype(object)
    return out


def tidy_result(keys: pd.DataFrame, *, head: dict[str, np.ndarray], value: np.ndarray,
                variance: np.ndarray, levels: Sequence[float], lower: Sequence[np.ndarray],
                upper: Sequence[np.ndarray], method: np.ndarray | str, statistic: str,
                note: np.ndarray, p_value: np.ndarray | None = None) -> pd.DataFrame:
    """Assemble the tidy result.

    Parameters
    ----------
    keys : DataFrame
        One row per group (the group columns; no columns when there is no ``by``).
    head : dict
        Per-group columns placed before ``value`` (``count, population`` or
        ``observed, expected, population``).
    value, variance, note : ndarray
        Per group.
    levels : sequence of float
        Confidence levels; ``lower[i]`` and ``upper[i]`` are per-group arrays for ``levels[i]``.
    method : ndarray or str
        Per-group labels, or one label.
    p_value : ndarray, optional
        Per group (smr, isr): placed after ``variance``.
    """
    n_groups = len(keys)
    k = len(levels)
    rows = np.repeat(np.arange(n_groups), k)
    out = keys.iloc[rows].reset_index(drop=True) if len(keys.columns) else pd.DataFrame(index=range(n_groups * k))
    for name, column in head.items():
        out[name] = np.repeat(np.asarray(column), k)
    out["value"] = np.repeat(np.asarray(value, dtype=float), k)
    out["lower"] = np.column_stack(lower).reshape(-1) if n_groups else np.empty(0)
    out["upper"] = np.column_stack(upper).reshape(-1) if n_groups else np.empty(0)
    out["variance"] = np.repeat(np.asarray(variance, dtype=float), k)
    if p_value is not None:
        out["p_value"] = np.repeat(np.asarray(p_value, dtype=float), k)
    out["confidence"] = np.tile(np.asarray(levels, dtype=float), n_groups)
    if isinstance(method, str):
        out["method"] = method
    else:
        out["method"] = np.repeat(np.asarray(method, dtype=object), k)
    out["statistic"] = statistic
    out["note"] = np.repeat(np.asarray(note, dtype=object), k)
    for col in ("method", "statistic", "note"):
        out[col] = out[col].astype(str)
    return out
