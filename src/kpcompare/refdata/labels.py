"""Age-band labels and band tables: parsing, labelling and validation (a leaf of :mod:`kpcompare.refdata`).

A *band table* has the columns ``age_band`` (label), ``age_lo`` and ``age_hi`` (inclusive; missing for the
open-ended band).  Labels follow one convention everywhere: ``"0-4"`` (a closed band), ``"90+"`` (the
open-ended band) and ``"0"`` (a single year).  This module imports nothing else from ``refdata``, so both
:mod:`kpcompare.refdata.bands` and :mod:`kpcompare.refdata.standards` can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_no_missing, require_columns
from ..errors import DuplicateKeyError, InvalidArgumentError, row_problem

__all__ = ["band_label", "parse_band_labels", "bands_from_bounds", "validate_band_table", "upper_exclusive"]

_LABEL = re.compile(r"^\s*(\d+)\s*(?:(-)\s*(\d+)|(\+))?\s*$")


def band_label(lo: int, hi: int | None) -> str:
    """The label of the band ``lo..hi`` (``hi=None`` for the open-ended band): "0-4", "90+" or "0"."""
    if hi is None:
        return f"{lo}+"
    return f"{lo}" if hi == lo else f"{lo}-{hi}"


def parse_band_labels(labels: Iterable[Any], *, column: str = "age_band") -> pd.DataFrame:
    """Parse labels such as "0-4", "90+", "0" into a band table (labels kept as given, in input order)."""
    labels = [str(x) for x in labels]
    lo: list[int] = []
    hi: list[Any] = []
    bad = []
    for label in labels:
        m = _LABEL.match(label)
        if m is None:
            bad.append(label)
            continue
        lo.append(int(m.group(1)))
        hi.append(pd.NA if m.group(4) else int(m.group(3) if m.group(2) else m.group(1)))
    if bad:
        raise row_problem(column, "age band label like '0-4', '90+' or '0'", len(bad), bad[0],
                          hint="Give the bands as a band table with age_lo and age_hi columns instead.")
    return pd.DataFrame({"age_band": labels, "age_lo": np.asarray(lo, dtype="int64"),
                         "age_hi": pd.array(hi, dtype="Int64")})


#: the largest lower bound of an age band (years): far beyond any human age, it keeps bounds such as 2**70
#: (an OverflowError in the int64 band table) out while leaving room for made-up bandings
MAX_AGE = 1000


def bands_from_bounds(bounds: Sequence[Any]) -> pd.DataFrame:
    try:
        values = [int(b) for b in bounds]
        exact = all(float(b) == int(b) and not isinstance(b, (bool, np.bool_)) for b in bounds)
    except (TypeError, ValueError, OverflowError):  # text, None, complex; an infinite bound
        raise InvalidArgumentError(
            f"argument 'bands': lower bounds must be whole numbers of years, got {list(bounds)!r}."
        ) from None
    if not values or not exact:
        raise InvalidArgumentError(
            f"argument 'bands': give at least one whole-number lower bound, e.g. [0, 15, 60, 75]; got {list(bounds)!r}."
        )
    if values[0] < 0 or any(b <= a for a, b in zip(values, values[1:])):
        raise InvalidArgumentError(
            f"argument 'bands': lower bounds must be non-negative and strictly increasing; got {values!r}."
        )
    if values[-1] > MAX_AGE:
        raise InvalidArgumentError(
            f"argument 'bands': lower bound {values[-1]!r} is beyond any age (at most {MAX_AGE}); got {values!r}.")
    his: list[Any] = [b - 1 for b in values[1:]] + [None]
    return pd.DataFrame({
        "age_band": [band_label(lo, hi) for lo, hi in zip(values, his)],
        "age_lo": np.asarray(values, dtype="int64"),
        "age_hi": pd.array([pd.NA if h is None else h for h in his], dtype="Int64"),
    })


def validate_band_table(table: pd.DataFrame) -> pd.DataFrame:
    """Check a band table (unique labels, lo <= hi, no overlaps, open band last) and sort it by age."""
    require_columns(table, ["age_band"], argument="bands")
    if "age_lo" not in table.columns or "age_hi" not in table.columns:
        table = parse_band_labels(table["age_band"])
    check_no_missing(table, ["age_band", "age_lo"])
    out = pd.DataFrame({
        "age_band": table["age_band"].astype(str).to_numpy(dtype=object),
        "age_lo": pd.to_numeric(table["age_lo"]).astype("int64").to_numpy(),
        "age_hi": pd.to_numeric(table["age_hi"]).astype("Int64").to_numpy(),
    })
    dup = out["age_band"].duplicated(keep=False).to_numpy()
    if dup.any():
        raise row_problem("age_band", "unique band labels", int(dup.sum()), out["age_band"][dup].iloc[0],
                          cls=DuplicateKeyError)
    lo = out["age_lo"].to_numpy()
    hi = out["age_hi"]
    neg = lo < 0
    if neg.any():
        raise row_problem("age_lo", "non-negative", int(neg.sum()), int(lo[neg][0]))
    inverted = (hi.notna() & (hi < out["age_lo"])).to_numpy(dtype=bool)
    if inverted.any():
        raise row_problem("age_hi", "age_hi >= age_lo", int(inverted.sum()), out["age_band"][inverted].iloc[0])
    out = out.sort_values("age_lo", kind="stable").reset_index(drop=True)
    lo = out["age_lo"].to_numpy()
    upper = upper_exclusive(out)
    overlap = lo[1:] < upper[:-1]
    if overlap.any():
        i = int(np.flatnonzero(overlap)[0])
        raise row_problem("age_band", "bands do not overlap", int(overlap.sum()),
                          f"{out['age_band'][i]} and {out['age_band'][i + 1]}")
    return out


def upper_exclusive(table: pd.DataFrame) -> np.ndarray:
    """First age above each band (inf for the open band), as floats."""
    return table["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf) + 1.0
