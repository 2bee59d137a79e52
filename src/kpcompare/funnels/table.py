"""Funnel plots as tables: each unit's value, its control limits and position (:func:`funnel`), and the
limits along a grid of expected counts or denominators for drawing (:func:`funnel_limits`).

The formulas are in :mod:`kpcompare.funnels.limits` and :mod:`kpcompare.funnels.overdispersion`; this
module reads and checks the input, sums the rows of each unit, and assembles the tidy tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (as_pandas, check_choice, check_columns_arg, check_confidence, check_keys, check_measure,
                       check_no_total_rows, check_number, check_positive_number, require_columns)
from ..errors import InvalidArgumentError, InvalidValueError, missing_row, row_problem
from .limits import METHODS, positions, scale_limits, value_limits
from .overdispersion import OVERDISPERSION, Dispersion, estimate, scale_of

__all__ = ["funnel", "funnel_limits", "KINDS", "DSR_MIN_EVENTS"]

KINDS = ("ratio", "rate", "proportion")
#: PHE: a directly standardised rate from fewer events is not placed on a funnel
DSR_MIN_EVENTS = 10
_DEFAULT_LEVELS = (0.95, 0.998)


@dataclass
class _Units:
    """One entry per unit: keys, observed count O, precision (E, population or n), notes, and assessable."""

    keys: pd.DataFrame
    observed: np.ndarray
    precision: np.ndarray
    note: np.ndarray
    assessed: np.ndarray
    dsr: bool = False


def _options(kind: Any, method: Any, overdispersion: Any, multiplier: Any, confidence: Any) -> tuple[float, list]:
    check_choice(kind, KINDS, argument="kind")
    check_choice(method, METHODS[kind], argument="method")
    if overdispersion is not None:  # funnel(): a method name (funnel_limits checks its own)
        check_choice(overdispersion, OVERDISPERSION, argument="overdispersion")
        if overdispersion.startswith("shmi") and kind == "proportion":
            raise InvalidArgumentError("argument 'overdispersion': the SHMI method is for ratios and rates; use "
                                       "'spiegelhalter' for proportions.")
    mult = (100_000.0 if kind == "rate" else 1.0) if multiplier is None else \
        check_positive_number(multiplier, argument="multiplier")
    return mult, check_confidence(confidence)


def _columns(data: pd.DataFrame, kind: str, observed: Any, expected: Any, denominator: Any, rate: Any) -> dict:
    """The columns used for this kind: {role: column name}; the wrong one for the kind is refused."""
    wanted = {"ratio": ("expected",), "rate": ("denominator", "rate"), "proportion": ("denominator",)}[kind]
    given = {"observed": observed, "expected": expected, "denominator": denominator, "rate": rate}
    for role, name in given.items():
        if name is not None and role != "observed" and role not in wanted:
            raise InvalidArgumentError(f"argument {role!r}: not used for kind {kind!r}; give "
                                       f"{' or '.join(map(repr, wanted))}.")
    cols = {role: check_columns_arg(name, argument=role, allow_none=False, allow_empty=False)
            for role, name in given.items() if name is not None}
    if any(len(v) != 1 for v in cols.values()):
        raise InvalidArgumentError("arguments 'observed', 'expected', 'denominator', 'rate': one column each.")
    cols = {role: v[0] for role, v in cols.items()}
    if "observed" not in cols or not set(cols) & set(wanted):
        raise InvalidArgumentError(f"kind {kind!r} needs 'observed' and {' or '.join(map(repr, wanted))}.")
    require_columns(data, list(cols.values()))
    check_measure(data, [c for role, c in cols.items() if role != "rate"])
    if "rate" in cols:  # a DSR may be missing where there are no events (PHE)
        check_measure(data, [cols["rate"]], missing="allow")
        events = pd.to_numeric(data[cols["observed"]]).to_numpy(float) > 0
        gap = data[cols["rate"]].isna().to_numpy() & events
        if gap.any():
            raise row_problem(cols["rate"], "present where observed > 0", int(gap.sum()),
                              missing_row(data.index[gap][0]))
    return cols


def _sum_units(data: pd.DataFrame, keys: list[str], cols: dict) -> pd.DataFrame:
    """One row per unit: the sum of each role's column over the unit's rows (keys in order of appearance)."""
    frame = pd.DataFrame({role: pd.to_numeric(data[c]).to_numpy(float, na_value=np.nan) for role, c in cols.items()})
    for k in keys:
        frame[f"_key_{k}"] = data[k].to_numpy()
    names = [f"_key_{k}" for k in keys]
    out = frame.groupby(names, sort=False, dropna=False, observed=True).sum().reset_index()
    return out.rename(columns=dict(zip(names, keys)))


def _dsr_precision(units: pd.DataFrame, multiplier: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PHE's effective population of a DSR, multiplier × O / DSR (where O = 0: the denominator, if given).

    A DSR from fewer than :data:`DSR_MIN_EVENTS` events is not assessed (PHE), so the population of a unit
    with no events is never needed; PHE leaves it out of the pooled target too (see :func:`_target`).
    """
    o, r = units["observed"].to_numpy(float), units["rate"].to_numpy(float)
    bad = (o > 0) & (r <= 0)
    if bad.any():
        raise row_problem("rate", "greater than 0 where observed > 0", int(bad.sum()), float(r[bad][0]))
    given = units["denominator"].to_numpy(float) if "denominator" in units else np.full(len(o), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(o > 0, multiplier * o / r, given)
    few = o < DSR_MIN_EVENTS
    note = np.where(few, f"fewer than {DSR_MIN_EVENTS} events: a DSR is not placed on the funnel (PHE)", "")
    return precision, note.astype(object), ~few


def _units(data: Any, kind: str, by: Any, cols: dict, multiplier: float) -> _Units:
    keys = check_columns_arg(by, argument="by", allow_none=False, allow_empty=False)
    require_columns(data, keys)
    check_keys(data, keys, labels=True)
    check_no_total_rows(data, keys)
    units = _sum_units(data, keys, cols)
    if "rate" in cols and len(units) < len(data):
        raise InvalidArgumentError("argument 'by': give one row per unit with 'rate' (directly standardised rates "
                                   f"are not summed); {len(data)} rows hold {len(units)} units.")
    o = units["observed"].to_numpy(float)
    if "rate" in cols:
        precision, note, assessed = _dsr_precision(units, multiplier)
    else:
        precision = units["expected" if kind == "ratio" else "denominator"].to_numpy(float)
        note, assessed = np.full(len(units), "", dtype=object), np.ones(len(units), dtype=bool)
    if kind == "proportion" and (o > precision).any():
        bad = o > precision
        raise row_problem(cols["observed"], "at most the denominator", int(bad.sum()), float(o[bad][0]),
                          hint="A proportion's numerator cannot exceed its denominator.")
    zero = ~(precision > 0) & ~np.isnan(precision)
    what = "expected count" if kind == "ratio" else "denominator"
    note = np.where(zero & assessed, f"{what} 0: the value and its limits are undefined", note).astype(object)
    return _Units(units[keys], o, precision, note, assessed & ~zero, "rate" in cols)


def _target(kind: str, target: Any, units: _Units, multiplier: float) -> float:
    """The centre line per unit of precision: given (in the value's units) or 1 (ratio) or pooled ΣO/Σn."""
    if target is not None:
        high = multiplier if kind == "proportion" else None
        return check_number(target, argument="target", low=0, high=high, low_open=True,
                            high_open=True) / multiplier
    if kind == "ratio":
        return 1.0
    use = (units.precision > 0) & ((units.observed > 0) | (not units.dsr))  # PHE: a DSR's 0-event units left out
    total = units.precision[use].sum()
    return float(units.observed[use].sum() / total) if total > 0 else float("nan")


def _limits(kind: str, method: str, precision: np.ndarray, target: float, levels: list[float],
            dispersion: Dispersion | None) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """Lower and upper limits of the value (per unit of precision) at each level, and the method label."""
    lower, upper = [], []
    ok = precision > 0
    safe = np.where(ok, precision, 1.0)
    for level in levels:
        if dispersion is None:
            lo, hi = value_limits(kind, method, safe, target, level)
        else:
            lo, hi = scale_limits(dispersion.scale, safe, target, level, dispersion.tau2)
        lower.append(np.where(ok, lo, np.nan))
        upper.append(np.where(ok, hi, np.nan))
    label = METHODS[kind][method] if dispersion is None else f"{OVERDISPERSION[dispersion.method]} limits"
    return lower, upper, label


def _statistic(kind: str, multiplier: float, dsr: bool) -> str:
    per = f"{multiplier:g}" if multiplier < 1e6 else f"{int(multiplier)}"
    if kind == "rate":
        return f"{'directly standardised' if dsr else 'crude'} rate per {per}"
    name = "ratio O/E" if kind == "ratio" else "proportion"
    return name if multiplier == 1 else f"{name} x {per}"


def _dispersion(overdispersion: str | None, kind: str, units: _Units, target: float) -> Dispersion | None:
    if overdispersion is None:
        return None
    precision = units.precision
    if overdispersion == "shmi":  # expected counts as NHS Digital publishes them (FunnelPlotR's default)
        rounded = np.array([round(float(v), 2) for v in precision])  # of the binary value, as R's round()
        precision = np.where(rounded > 0, rounded, precision)
    use = units.assessed & (precision > 0)
    dispersion = estimate(overdispersion, kind, units.observed[use], precision[use], target)
    units.precision = np.where(units.assessed, precision, units.precision)
    return dispersion


def funnel(data: Any, *, kind: str, by: str | Sequence[str], observed: str, expected: str | None = None,
           denominator: str | None = None, rate: str | None = None, target: float | None = None,
           confidence: float | Sequence[float] = _DEFAULT_LEVELS, overdispersion: str | None = None,
           method: str = "exact", multiplier: float | None = None) -> pd.DataFrame:
    """Each unit's value, its funnel-plot control limits at each confidence level, and its position.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        One or more rows per unit; the rows of a unit (a level of ``by``) are summed.
    kind : {"ratio", "rate", "proportion"}
        ``ratio``: O/E (an indirectly standardised ratio, e.g. an SMR or SHMI; ``observed`` and
        ``expected``); ``rate``: events per population (``observed`` and ``denominator``; a directly
        standardised rate: ``observed`` and ``rate``, with ``denominator`` for units with no events);
        ``proportion``: O/n (``observed`` and ``denominator``).
    by : str or list of str
        The unit columns (providers, areas): one result per unit and level.
    observed, expected, denominator, rate : str
        Columns: observed events O; expected count E; population (rate) or cases n (proportion); a
        directly standardised rate per ``multiplier``, whose effective population is
        multiplier × O / rate (PHE's funnel for DSRs).
    target : float, optional
        The centre line, in the units of ``value``: default 1 for ratios (× multiplier), the pooled
        ΣO/Σn for rates and proportions.
    confidence : float or sequence of float, default (0.95, 0.998)
        The levels of the limits (rows), strictly between 0 and 1: 95% and 99.8% are the 2- and
        3-sigma limits of PHE, NHS Digital and FunnelPlotR.
    overdispersion : {None, "shmi", "shmi-unrounded", "cqc", "spiegelhalter"}
        None: the limits of ``method``.  Otherwise φ and τ² are estimated from the units and the limits
        are the normal limits on the method's scale widened by τ² (see docs/funnel.md).
    method : {"exact", "garwood", "wilson"}, default "exact"
        Ratios and rates: ``exact`` Poisson prediction limits (the unit is outside exactly when the exact
        Poisson test rejects; PHE) or ``garwood`` (chi-square limits of a count E; FunnelPlotR).
        Proportions: ``exact`` binomial prediction limits or ``wilson`` score limits (PHE).
    multiplier : float, optional
        Values per ``multiplier``: default 100,000 for rates, 1 for ratios and proportions.

    Returns
    -------
    pandas.DataFrame
        ``<by...>, observed, expected, denominator, value, lower, upper, confidence, target, position,
        method, overdispersion, phi, tau2, statistic, note``.  ``denominator`` is the funnel's x-axis
        (E for ratios), ``expected`` the count expected at the target (target × denominator).
        ``position`` is the unit's, on each of its rows: ``above 99.8%``, ``above 95%``, ``within``,
        ``below 95%``, ``below 99.8%`` (the highest level whose limit the value crosses; on a limit is
        within) or ``not assessed`` (``note`` says why).  ``overdispersion`` is the method applied ('' for
        none) with its ``phi`` and ``tau2``; ``note`` says whether overdispersion was detected.

    Raises
    ------
    kpcompare.errors.KpcompareError
        Missing columns, negative, missing or non-numeric counts, O > n for a proportion, unknown
        ``kind``, ``method`` or ``overdispersion``, a bad confidence level or target.

    References
    ----------
    Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance. Stat Med 24:1185-1202.
    doi:10.1002/sim.1970.  NHS Digital, SHMI methodology (overdispersion, truncation).  Validated against
    PHEindicatormethods 2.1.0 (funnel limits and significance) and FunnelPlotR 0.6.0 (limits, φ, τ²).

    Examples
    --------
    >>> import pandas as pd
    >>> trusts = pd.DataFrame({"trust": ["A", "B", "C"], "deaths": [30, 52, 9], "expected": [28.1, 35.2, 15.3]})
    >>> table = funnel(trusts, kind="ratio", by="trust", observed="deaths", expected="expected")
    """
    multiplier, levels = _options(kind, method, overdispersion, multiplier, confidence)
    frame = as_pandas(data)
    cols = _columns(frame, kind, observed, expected, denominator, rate)
    units = _units(frame, kind, by, cols, multiplier)
    t = _target(kind, target, units, multiplier)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(units.precision > 0, units.observed / units.precision, np.nan)
    dispersion = _dispersion(overdispersion, kind, units, t)
    lower, upper, label = _limits(kind, method, units.precision, t, levels, dispersion)
    return _unit_table(units, value, lower, upper, levels, t, multiplier, label, dispersion,
                       _statistic(kind, multiplier, "rate" in cols))


def _unit_table(units: _Units, value: np.ndarray, lower: list[np.ndarray], upper: list[np.ndarray],
                levels: list[float], t: float, multiplier: float, label: str, dispersion: Dispersion | None,
                statistic: str) -> pd.DataFrame:
    """funnel()'s table: units not assessed get NaN limits; positions; overdispersion columns and note."""
    lower = [np.where(units.assessed, lo, np.nan) for lo in lower]
    upper = [np.where(units.assessed, hi, np.nan) for hi in upper]
    position = positions(np.where(units.assessed, value, np.nan), lower, upper, levels)
    note = units.note
    if dispersion is not None:
        note = np.where(note == "", dispersion.note, note + "; " + dispersion.note).astype(object)
    head = {"observed": units.observed, "expected": t * units.precision, "denominator": units.precision,
            "value": value * multiplier}
    tail = {"target": t * multiplier, "position": position, "method": label,
            "overdispersion": "" if dispersion is None else dispersion.method,
            "phi": np.nan if dispersion is None else dispersion.phi,
            "tau2": np.nan if dispersion is None else dispersion.tau2, "statistic": statistic, "note": note}
    return _table(units.keys, head, [x * multiplier for x in lower], [x * multiplier for x in upper], levels,
                  tail)


def _table(keys: pd.DataFrame, head: dict, lower: list[np.ndarray], upper: list[np.ndarray],
           levels: list[float], tail: dict) -> pd.DataFrame:
    """Tidy rows, one per unit and level: keys, ``head``, value limits, confidence, ``tail``.

    Per-unit arrays in ``head``/``tail`` are repeated over the levels; scalars are broadcast.
    """
    n, k = len(keys), len(levels)
    out = keys.loc[keys.index.repeat(k)].reset_index(drop=True)

    def rows(values: Any) -> Any:
        return np.repeat(values, k) if isinstance(values, np.ndarray) else values

    for name, values in head.items():
        out[name] = rows(values)
    out["lower"] = np.column_stack(lower).reshape(-1) if n else np.zeros(0)
    out["upper"] = np.column_stack(upper).reshape(-1) if n else np.zeros(0)
    out["confidence"] = np.tile(np.asarray(levels, dtype=float), n)
    for name, values in tail.items():
        out[name] = rows(values)
    return out


def _given_dispersion(overdispersion: Any, kind: str) -> Dispersion | None:
    """funnel_limits' ``overdispersion``: None, funnel()'s table, or {"method": ..., "tau2": ...}."""
    if overdispersion is None:
        return None
    if isinstance(overdispersion, pd.DataFrame):
        require_columns(overdispersion, ["overdispersion", "tau2"], argument="overdispersion")
        pairs = overdispersion[["overdispersion", "tau2"]].drop_duplicates()
        if len(pairs) != 1:
            raise InvalidArgumentError("argument 'overdispersion': the table must hold one method and one tau2 "
                                       f"(funnel()'s output); found {len(pairs)} pairs.")
        given = {"method": pairs.iloc[0, 0], "tau2": pairs.iloc[0, 1]}
        if given["method"] == "":
            return None
    elif isinstance(overdispersion, Mapping):
        given = dict(overdispersion)
    else:
        raise InvalidArgumentError("argument 'overdispersion': give funnel()'s output table or "
                                   "{'method': 'shmi', 'tau2': 0.01} (tau2 is estimated from units by funnel()).")
    if set(given) != {"method", "tau2"}:
        raise InvalidArgumentError(f"argument 'overdispersion': keys must be 'method' and 'tau2', got {sorted(map(str, given))}.")
    name = check_choice(given["method"], OVERDISPERSION, argument="overdispersion")
    tau2 = check_number(given["tau2"], argument="overdispersion", low=0)
    scale = scale_of(name, kind)
    return Dispersion(name, scale, float("nan"), tau2, 0, "")


def _precision_array(precision: Any) -> np.ndarray:
    try:
        arr = np.asarray(precision, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"argument 'precision': expected numbers, got {precision!r}.") from None
    if arr.ndim > 1:
        raise InvalidArgumentError(f"argument 'precision': give one number or a list of them, got {arr.ndim} "
                                   "dimensions.")
    arr = arr.reshape(-1)
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any() or not len(arr):
        raise row_problem("precision", "finite and greater than 0", int(bad.sum()),
                          arr[bad][0].item() if bad.any() else "no values", cls=InvalidValueError)
    return arr


def funnel_limits(precision: Any, *, kind: str, target: float | None = None,
                  confidence: float | Sequence[float] = _DEFAULT_LEVELS, overdispersion: Any = None,
                  method: str = "exact", multiplier: float | None = None) -> pd.DataFrame:
    """The funnel's control limits along a grid of expected counts or denominators, for drawing.

    Parameters
    ----------
    precision : array_like
        The x-axis values, each > 0: expected counts E (ratio), populations (rate) or denominators n
        (proportion).
    kind : {"ratio", "rate", "proportion"}
    target : float, optional
        The centre line in the units of the value (per ``multiplier``): default 1 for ratios; required for
        rates and proportions (funnel()'s ``target`` column).
    confidence : float or sequence of float, default (0.95, 0.998)
    overdispersion : None, DataFrame or mapping
        None: the limits of ``method``.  The output of :func:`funnel` (its ``overdispersion`` and ``tau2``)
        or ``{"method": "shmi", "tau2": 0.012}``: the overdispersion-adjusted limits.
    method : {"exact", "garwood", "wilson"}, default "exact"
        As :func:`funnel`.
    multiplier : float, optional
        Default 100,000 for rates, 1 otherwise.

    Returns
    -------
    pandas.DataFrame
        ``denominator, target, lower, upper, confidence, method, overdispersion, tau2, statistic, note``,
        one row per precision and level.

    Notes
    -----
    ``funnel_limits([15, 20, 30], kind="ratio", target=1, method="garwood")`` gives FunnelPlotR 0.6.0's
    Poisson limits (tests/testthat/test-poisson_limits.R: 0.5596924, 0.6108260, 0.6746958 at 95%);
    ``method="exact"`` (the default) gives the exact prediction limits PHEindicatormethods 2.1.0 draws.

    Examples
    --------
    >>> grid = funnel_limits([15, 20, 30], kind="ratio", target=1)
    """
    multiplier, levels = _options(kind, method, None, multiplier, confidence)
    grid = _precision_array(precision)
    if target is None and kind != "ratio":
        raise InvalidArgumentError(f"argument 'target': required for kind {kind!r} (e.g. funnel()'s 'target').")
    t = 1.0 if target is None else check_number(target, argument="target", low=0, low_open=True,
                                                 high=multiplier if kind == "proportion" else None,
                                                 high_open=True) / multiplier
    dispersion = _given_dispersion(overdispersion, kind)
    if dispersion is not None and dispersion.method.startswith("shmi") and kind == "proportion":
        raise InvalidArgumentError("argument 'overdispersion': the SHMI method is for ratios and rates.")
    lower, upper, label = _limits(kind, method, grid, t, levels, dispersion)
    keys = pd.DataFrame(index=pd.RangeIndex(len(grid)))
    head = {"denominator": grid, "target": t * multiplier}
    tail = {"method": label, "overdispersion": "" if dispersion is None else dispersion.method,
            "tau2": np.nan if dispersion is None else dispersion.tau2,
            "statistic": _statistic(kind, multiplier, False), "note": ""}
    out = _table(keys, head, [x * multiplier for x in lower], [x * multiplier for x in upper], levels, tail)
    undefined = out["lower"].isna() | out["upper"].isna()
    out.loc[undefined, "note"] = "limits undefined here"
    return out
