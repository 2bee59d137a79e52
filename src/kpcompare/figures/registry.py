"""The published-figures registry: declared figures, their meaning as bounds, and checks against computations."""

from __future__ import annotations

import importlib
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_pandas,
    check_distinct,
    check_keys,
    check_name,
    check_no_missing,
    check_number,
    check_path,
    check_values_in,
    require_columns,
    text_or_blank,
)
from .._paths import data_path
from ..errors import DuplicateKeyError, InvalidValueError, SourceReadError, UnknownNameError, row_problem
from ..wording import WORDINGS, Bounds, bounds

__all__ = ["load_registry", "validate_registry", "check", "assert_figure", "register", "computations", "Computed",
           "REGISTRY_COLUMNS", "CHECK_COLUMNS", "STATUSES"]

REGISTRY_COLUMNS = ["id", "statement", "printed", "value", "unit", "wording", "precision", "tolerance", "lower",
                    "upper", "compute", "inputs", "source", "source_file", "status", "note"]
CHECK_COLUMNS = ["id", "published", "computed", "computed_lower", "computed_upper", "lower", "upper", "bounds",
                 "ok", "unit", "source", "status", "note"]
_REQUIRED = ["id", "printed", "value", "wording", "source", "status"]
#: the statuses of the bundled registry.  ``computed from bundled inputs``: recomputed from printed
#: inputs that do not depend on the figure; ``consistency check (input implied by this figure)``:
#: recomputed, but one declared input was itself derived from this figure (e.g. Feachem's exchange
#: rate 1,402 / 876), so agreement shows consistency within rounding, not an independent reproduction.
#: The others are stored, not computed, and say why.  Your own registries may use any status.
STATUSES = ("computed from bundled inputs", "consistency check (input implied by this figure)",
            "input figure (nothing to compute)", "needs data not public", "needs data not bundled",
            "not computable (no numeric basis)", "inconsistent source (not reproduced)")
_COMPUTATIONS: dict[str, Callable[..., Any]] = {}
_BUILTINS = "kpcompare.figures._computations"  # private: `computations` is the function below


@dataclass(frozen=True)
class Computed:
    """A computed figure: the point ``value`` and, when inputs are rounded, the interval they allow."""

    value: float
    lower: float = math.nan
    upper: float = math.nan
    note: str = ""


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering ``fn(context, **inputs) -> float | Computed`` under ``name``.

    ``context`` offers ``context.printed(id)``, ``context.computed(id)`` and ``context.row(id)`` for
    figures computed from other figures.
    """
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _COMPUTATIONS[name] = fn
        return fn

    return deco


def computations() -> list[str]:
    """Names of the registered computations (the bundled ones are loaded on first use)."""
    importlib.import_module(_BUILTINS)
    return sorted(_COMPUTATIONS)


def load_registry(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a figures registry (default: the bundled ``data/figures/registry.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, statement, printed, value, unit, wording, precision, tolerance, lower, upper,
        compute, inputs, source, source_file, status, note`` (missing optional columns are added empty).
    """
    source = data_path("figures", "registry.csv") if path is None else check_path(path, what="registry file")
    try:
        frame = pd.read_csv(source, dtype={"printed": str, "inputs": str, "compute": str})
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceReadError(f"registry file {str(source)!r} cannot be read as CSV: {exc}") from exc
    return validate_registry(frame)


def validate_registry(registry: pd.DataFrame) -> pd.DataFrame:
    """Check a registry table (required columns, unique ids, known wordings, JSON inputs)."""
    reg = as_pandas(registry, argument="registry").copy()
    require_columns(reg, _REQUIRED, argument="registry")
    check_no_missing(reg, ["id", "printed", "value", "wording", "source", "status"])
    check_keys(reg, ["id", "wording"], labels=True)
    for col in REGISTRY_COLUMNS:
        if col not in reg:
            reg[col] = np.nan if col in ("precision", "tolerance", "lower", "upper") else ""
    for col in ("statement", "unit", "compute", "inputs", "source_file", "note", "printed"):
        reg[col] = text_or_blank(reg[col])
    dup = reg["id"].duplicated(keep=False).to_numpy()
    if dup.any():
        raise row_problem("id", "unique figure id", int(dup.sum()), reg.loc[dup, "id"].iloc[0], cls=DuplicateKeyError)
    check_values_in(reg, "wording", WORDINGS, rule=f"wording is one of {', '.join(WORDINGS)}")
    bad = []
    for fid, text in zip(reg["id"], reg["inputs"]):
        if text.strip():
            try:
                if not isinstance(json.loads(text), dict):
                    bad.append(fid)
            except json.JSONDecodeError:
                bad.append(fid)
    if bad:
        raise row_problem("inputs", "a JSON object such as {\"system\": \"NHS\"}", len(bad), bad[0])
    return reg[REGISTRY_COLUMNS + [c for c in reg.columns if c not in REGISTRY_COLUMNS]].reset_index(drop=True)


def _row_bounds(row: pd.Series) -> Bounds:
    return bounds(row["value"], wording=row["wording"], printed=row["printed"], precision=row["precision"],
                  tolerance=row["tolerance"], lower=row["lower"], upper=row["upper"])


@dataclass
class _Context:
    registry: pd.DataFrame
    _cache: dict[str, Computed] = field(default_factory=dict)
    _stack: list[str] = field(default_factory=list)

    def row(self, figure_id: str) -> pd.Series:
        hit = self.registry.loc[self.registry["id"].eq(figure_id)]
        if hit.empty:
            raise UnknownNameError(f"figure {figure_id!r} is not in the registry.")
        return hit.iloc[0]

    def printed(self, figure_id: str) -> float:
        return float(self.row(figure_id)["value"])

    def printed_bounds(self, figure_id: str) -> Bounds:
        return _row_bounds(self.row(figure_id))

    def computed(self, figure_id: str) -> Computed:
        if figure_id in self._cache:
            return self._cache[figure_id]
        if figure_id in self._stack:
            raise InvalidValueError(f"registry: figure {figure_id!r} is computed from itself "
                                    f"({' -> '.join(self._stack + [figure_id])}).", column="inputs")
        row = self.row(figure_id)
        name = row["compute"].strip()
        if not name:
            raise InvalidValueError(f"registry: figure {figure_id!r} has no computation.", column="compute")
        if name not in _COMPUTATIONS:
            computations()
        if name not in _COMPUTATIONS:
            raise UnknownNameError(f"registry: figure {figure_id!r} names computation {name!r}, which is not "
                                   f"registered; known: {', '.join(sorted(_COMPUTATIONS))}.")
        inputs = json.loads(row["inputs"]) if row["inputs"].strip() else {}
        try:
            inspect.signature(_COMPUTATIONS[name]).bind(self, **inputs)
        except TypeError as exc:
            raise InvalidValueError(f"registry: figure {figure_id!r}: its 'inputs' {row['inputs']!r} do not fit "
                                    f"computation {name!r} ({exc}).", column="inputs") from None
        self._stack.append(figure_id)
        try:
            out = _COMPUTATIONS[name](self, **inputs)
        finally:
            self._stack.pop()
        result = out if isinstance(out, Computed) else Computed(float(out))
        self._cache[figure_id] = result
        return result


def _verdict(b: Bounds, c: Computed) -> tuple[bool, str]:
    if b.contains(c.value):
        return True, c.note
    if b.overlaps(c.lower, c.upper):
        extra = (f"point {c.value:.6g} is outside; holds within the rounding of its inputs "
                 f"[{c.lower:.6g}, {c.upper:.6g}]")
        return True, "; ".join(x for x in (c.note, extra) if x)
    return False, "; ".join(x for x in (c.note, f"computed {c.value:.6g} is outside {b}") if x)


def check(registry: pd.DataFrame | None = None, *, ids: list[str] | None = None) -> pd.DataFrame:
    """Compute every computable figure of a registry and compare it with its published bounds.

    Parameters
    ----------
    registry : pandas.DataFrame, optional
        A registry (default: :func:`load_registry`).
    ids : list of str, optional
        Restrict to these figures.

    Returns
    -------
    pandas.DataFrame
        ``id, published, computed, computed_lower, computed_upper, lower, upper, bounds, ok, unit,
        source, status, note``.  ``ok`` is True when the computed value lies within the bounds the
        wording gives (or, for figures built from rounded inputs, when the interval those roundings
        allow meets the bounds; the note then says so), False when it does not, and missing
        (``pd.NA``) for figures that cannot be computed from bundled inputs (their ``status`` says why).
        ``note`` joins the registry's note (provenance), the computation's note and the verdict.

    Notes
    -----
    A figure's ``status`` tells what a True ``ok`` is worth (:data:`STATUSES`): "computed from bundled
    inputs" is a reproduction; "consistency check (input implied by this figure)" only shows that the
    declared inputs and the printed figure agree within rounding.
    """
    full = load_registry() if registry is None else validate_registry(registry)
    reg = full
    if ids is not None:
        ids = [check_name(i, argument="ids", what="figure id") for i in check_distinct(ids, argument="ids")]
        unknown = sorted(set(ids) - set(full["id"]))
        if unknown:
            raise UnknownNameError(f"argument 'ids': figure {unknown[0]!r} is not in the registry.")
        reg = full.loc[full["id"].isin(ids)]
    ctx = _Context(full)  # figures computed from other figures may need rows outside ``ids``
    rows = []
    for _, row in reg.iterrows():  # registries are tens of rows; each row may run a cascade
        b = _row_bounds(row)
        base = {"id": row["id"], "published": row["printed"], "lower": b.lower, "upper": b.upper,
                "bounds": str(b), "unit": row["unit"], "source": row["source"], "status": row["status"]}
        if not row["compute"].strip():
            rows.append({**base, "computed": np.nan, "computed_lower": np.nan, "computed_upper": np.nan,
                         "ok": pd.NA, "note": row["note"]})
            continue
        c = ctx.computed(row["id"])
        ok, verdict = _verdict(b, c)
        # the registry's note (provenance), then what the computation and the verdict add
        note = "; ".join(dict.fromkeys(x for x in (row["note"], verdict) if x))
        rows.append({**base, "computed": c.value, "computed_lower": c.lower, "computed_upper": c.upper,
                     "ok": ok, "note": note})
    out = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    out["ok"] = out["ok"].astype("boolean")
    return out


def assert_figure(figure_id: str, computed: float, *, registry: pd.DataFrame | None = None) -> None:
    """Raise ``AssertionError`` unless ``computed`` lies within the bounds of published figure ``figure_id``.

    The message shows the statement, the figure as printed, its bounds, the computed value and the
    source, e.g. ``figure 'feachem2002.nhs_per_capita_usd' ("$1,402", Feachem et al ...): published
    $1,402 means [1401.5, 1402.5); computed 1398.2 is below by 3.3``.
    """
    __tracebackhide__ = True  # pytest: show the caller's line and this message, not this function
    figure_id = check_name(figure_id, argument="figure_id", what="figure id")
    value = check_number(computed, argument="computed", finite=False)  # NaN and inf are judged below
    reg = load_registry() if registry is None else validate_registry(registry)
    hit = reg.loc[reg["id"].eq(figure_id)]
    if hit.empty:
        raise UnknownNameError(f"figure {figure_id!r} is not in the registry; known ids include "
                               f"{', '.join(map(repr, reg['id'].head(5)))}, ...")
    row = hit.iloc[0]
    b = _row_bounds(row)
    if b.contains(value):
        return
    if math.isnan(value):
        where = "is missing"
    elif value < b.lower or (value == b.lower and not b.lower_closed):
        where = f"is below by {b.lower - value:.6g}"
    else:
        where = f"is above by {value - b.upper:.6g}"
    raise AssertionError(
        f"figure {figure_id!r} ({row['statement'] or row['printed']!r}; {row['source']}): published "
        f"{row['printed']} ({row['wording']}) means {b}; computed {value:.6g} {where}.")
