"""Fault strategies: each breaks ONE thing in a valid :class:`_valid.Call` (docs/contributing.md).

A fault class is a name (the key of :data:`FAULTS`) and a function ``fault(call, draw) -> str | None`` that
changes ``call`` in place, drawing its choices with hypothesis's ``draw``, and returns a description of what
it did (``None``: not applicable to this call, e.g. no table argument).  :func:`applicable` lists the classes
that can apply to a call; the tests draw one class per case.

Classes: ``argument_type`` (one argument replaced by a value of a wrong type or range), ``missing_column``,
``duplicate_column``, ``nan`` / ``inf`` / ``negative`` / ``huge`` (one cell of a numeric column),
``measure_dtype`` (a numeric column held as datetime, timedelta, bool, complex, text or objects),
``null_key`` (a missing value in a text column), ``empty_frame``, ``odd_dtype`` (categorical, all-null
categorical, nullable Int64, pandas string, uint64 above 2**63), ``column_names`` (an integer name or
MultiIndex columns), ``list_cell`` (a list in a cell), ``arrow_table`` (the table as a pyarrow Table: valid
input, so only the output properties apply) and ``element`` (one element of an array argument).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import strategies as st

from _valid import Call

Draw = Callable[[st.SearchStrategy[Any]], Any]

#: values of a wrong type or out of range for any argument (built fresh: some are mutable)
WRONG_VALUES: list[Callable[[], Any]] = [
    lambda: None, lambda: 0, lambda: -1, lambda: 1.5, lambda: math.nan, lambda: math.inf, lambda: True,
    lambda: "x", lambda: "", lambda: b"x", lambda: 1 + 2j, lambda: [], lambda: ["x", "x"], lambda: ("a", None),
    lambda: {}, lambda: {"a": 1}, lambda: object(), lambda: pd.Timestamp("2020-01-01"), lambda: pd.DataFrame(),
    lambda: np.array([1, 2]), lambda: {"x"}, lambda: 10**30, lambda: -1e308, lambda: pd.NA, lambda: pd.NaT,
]

#: values put in one element of an array argument
ELEMENTS: list[Any] = [math.nan, math.inf, -math.inf, -1, 2**70, "x", None, [1], 1 + 2j, pd.Timestamp(0), True]


def _tables(call: Call) -> list[int | str]:
    return [s for s in call.slots() if isinstance(call.get(s), pd.DataFrame)]


def _numeric(frame: pd.DataFrame) -> list[Any]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def _text(frame: pd.DataFrame) -> list[Any]:
    return [c for c in frame.columns if c not in _numeric(frame)]


def _pick_table(call: Call, draw: Draw, columns: Callable[[pd.DataFrame], list[Any]] | None = None,
                rows: bool = False) -> tuple[int | str, pd.DataFrame, Any] | None:
    """A table argument (copied) and, when ``columns`` is given, one of its columns (None: none fits)."""
    slots = [s for s in _tables(call) if (columns is None or columns(call.get(s)))
             and (not rows or len(call.get(s)))]
    if not slots:
        return None
    slot = draw(st.sampled_from(slots))
    frame = call.get(slot).copy()
    col = draw(st.sampled_from(list(columns(frame)))) if columns else None
    return slot, frame, col


def _set_cell(call: Call, draw: Draw, columns: Callable[[pd.DataFrame], list[Any]], value: Any,
              label: str) -> str | None:
    picked = _pick_table(call, draw, columns, rows=True)
    if picked is None:
        return None
    slot, frame, col = picked
    row = draw(st.integers(0, len(frame) - 1))
    values = frame[col]
    if isinstance(value, float) and pd.api.types.is_numeric_dtype(values):
        values = values.astype("float64")
    elif not (isinstance(value, int) and not isinstance(value, bool) and pd.api.types.is_integer_dtype(values)
              and values.dtype.kind == "i" and value < 2**63):
        values = values.astype(object)
    values = values.copy()
    values.iloc[row] = value
    frame[col] = values
    call.set(slot, frame)
    return f"{label} {value!r} in {slot!r}[{col!r}] row {row}"


def argument_type(call: Call, draw: Draw) -> str | None:
    if not call.slots():
        return None
    slot = draw(st.sampled_from(call.slots()))
    value = draw(st.sampled_from(WRONG_VALUES))()
    call.set(slot, value)
    return f"argument {slot!r} = {value!r}"


def missing_column(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw, lambda f: list(f.columns))
    if picked is None:
        return None
    slot, frame, col = picked
    call.set(slot, frame.drop(columns=[col]))
    return f"column {col!r} of {slot!r} dropped"


def duplicate_column(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw, lambda f: list(f.columns))
    if picked is None:
        return None
    slot, frame, col = picked
    call.set(slot, pd.concat([frame, frame[[col]]], axis=1))
    return f"column {col!r} of {slot!r} twice"


def _cell_fault(label: str, values: list[Any]) -> Callable[[Call, Draw], str | None]:
    def fault(call: Call, draw: Draw) -> str | None:
        return _set_cell(call, draw, _numeric, draw(st.sampled_from(values)), label)
    fault.__name__ = label
    return fault


nan = _cell_fault("nan", [math.nan])
inf = _cell_fault("inf", [math.inf, -math.inf])
negative = _cell_fault("negative", [-1, -0.5, -1e9])
huge = _cell_fault("huge", [2**62, 2**63 - 1, 1e300, 1.7e308])


def null_key(call: Call, draw: Draw) -> str | None:
    return _set_cell(call, draw, _text, draw(st.sampled_from([None, math.nan, pd.NA, ""])), "missing key")


def _floats(s: pd.Series) -> pd.Series:
    return pd.Series(pd.to_numeric(s, errors="coerce").astype("float64").fillna(0).to_numpy(), index=s.index)


_MEASURE_DTYPES: dict[str, Callable[[pd.Series], Any]] = {
    "datetime": lambda s: pd.to_datetime(_floats(s).clip(0, 1e5).astype("int64"), unit="D"),
    "timedelta": lambda s: pd.to_timedelta(_floats(s).clip(-1e5, 1e5), unit="D"),
    "bool": lambda s: _floats(s) > 0,
    "complex": lambda s: _floats(s).astype(complex),
    "text": lambda s: s.astype(str),
    "object": lambda s: s.astype(object),
    "period": lambda s: pd.period_range("2020-01", periods=len(s), freq="M"),
}


def measure_dtype(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw, _numeric)
    if picked is None:
        return None
    slot, frame, col = picked
    kind = draw(st.sampled_from(sorted(_MEASURE_DTYPES)))
    frame[col] = _MEASURE_DTYPES[kind](frame[col])
    call.set(slot, frame)
    return f"{slot!r}[{col!r}] as {kind}"


def empty_frame(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw)
    if picked is None:
        return None
    slot, frame, _ = picked
    call.set(slot, frame.iloc[:0])
    return f"{slot!r} empty"


def _all_null_category(s: pd.Series) -> pd.Series:
    cats = pd.unique(s.dropna())
    return pd.Series(pd.Categorical([None] * len(s), categories=cats), index=s.index)


def _hashable(s: pd.Series) -> bool:
    """Whether every cell can be a category (a column of lists, e.g. all diagnoses of a record, cannot)."""
    try:
        pd.unique(s.dropna())
    except TypeError:
        return False
    return True


def _uint64(s: pd.Series) -> pd.Series:
    out = _floats(s).abs().astype("uint64")
    if len(out):
        out.iloc[0] = np.uint64(2**63 + 5)
    return out


_ODD_DTYPES: dict[str, tuple[Callable[[pd.Series], bool], Callable[[pd.Series], Any]]] = {
    "category": (_hashable, lambda s: s.astype("category")),
    "all-null category": (_hashable, _all_null_category),
    "Int64": (lambda s: pd.api.types.is_numeric_dtype(s), lambda s: s.astype("Float64" if s.dtype.kind == "f"
                                                                               else "Int64")),
    "string": (lambda s: not pd.api.types.is_numeric_dtype(s), lambda s: s.astype("string")),
    "uint64": (lambda s: pd.api.types.is_integer_dtype(s), _uint64),
}


def odd_dtype(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw, lambda f: list(f.columns))
    if picked is None:
        return None
    slot, frame, col = picked
    if isinstance(frame[col], pd.DataFrame):
        return None
    kinds = [k for k, (fits, _) in _ODD_DTYPES.items() if fits(frame[col])]
    if not kinds:
        return None
    kind = draw(st.sampled_from(kinds))
    frame[col] = _ODD_DTYPES[kind][1](frame[col])
    call.set(slot, frame)
    return f"{slot!r}[{col!r}] as {kind}"


def column_names(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw, lambda f: list(f.columns))
    if picked is None:
        return None
    slot, frame, col = picked
    if draw(st.booleans()):
        frame = frame.rename(columns={col: 0})
        what = f"column {col!r} named 0"
    else:
        frame.columns = pd.MultiIndex.from_tuples([(c, "") for c in frame.columns])
        what = "MultiIndex columns"
    call.set(slot, frame)
    return f"{slot!r}: {what}"


def list_cell(call: Call, draw: Draw) -> str | None:
    return _set_cell(call, draw, lambda f: list(f.columns), [1, 2], "list")


def arrow_table(call: Call, draw: Draw) -> str | None:
    picked = _pick_table(call, draw)
    if picked is None:
        return None
    slot, frame, _ = picked
    call.set(slot, pa.Table.from_pandas(frame, preserve_index=False))
    return f"{slot!r} as a pyarrow Table"


def element(call: Call, draw: Draw) -> str | None:
    slots = [s for s in call.slots() if isinstance(call.get(s), np.ndarray | list) and len(call.get(s))]
    if not slots:
        return None
    slot = draw(st.sampled_from(slots))
    values = list(call.get(slot))
    i = draw(st.integers(0, len(values) - 1))
    values[i] = draw(st.sampled_from(ELEMENTS))
    original = call.get(slot)
    call.set(slot, np.array(values, dtype=object) if isinstance(original, np.ndarray) else values)
    return f"{slot!r}[{i}] = {values[i]!r}"


FAULTS: dict[str, Callable[[Call, Draw], str | None]] = {
    f.__name__: f for f in (argument_type, missing_column, duplicate_column, nan, inf, negative, huge,
                            measure_dtype, null_key, empty_frame, odd_dtype, column_names, list_cell,
                            arrow_table, element)
}


def applicable(call: Call) -> list[str]:
    """The fault classes that can change ``call`` (a class needing a table or column it lacks is left out)."""
    tables = [call.get(s) for s in _tables(call)]
    arrays = [s for s in call.slots() if isinstance(call.get(s), np.ndarray | list) and len(call.get(s))]
    out = ["argument_type"] if call.slots() else []
    if tables:
        out += ["missing_column", "duplicate_column", "empty_frame", "odd_dtype", "column_names", "list_cell",
                "arrow_table"]
        if any(len(t) and _numeric(t) for t in tables):
            out += ["nan", "inf", "negative", "huge", "measure_dtype"]
        if any(len(t) and _text(t) for t in tables):
            out += ["null_key"]
    if arrays:
        out += ["element"]
    return out
