"""Directly standardised rates (DSR) with the confidence-interval methods used by peers.

Groups × age bands are laid out as a dense (groups, bands) matrix built with
``numpy.bincount``, so every method is a handful of array operations whatever
the number of groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, check_number
from ..errors import BandMismatchError, InvalidArgumentError, missing_row, row_problem
from ._prepare import group_label, read_rate_input
from .standard import resolve_standard, strata_keys, stratum_codes, stratum_labels
from ._result import join_notes, statistic_label, tidy_result
from .crude import weighted_notes
from .poisson import gamma_mixture_quantile, gamma_quantile, poisson_limits, z_value

__all__ = ["dsr", "DSR_METHODS"]

#: method name -> label written in the ``method`` column
DSR_METHODS: dict[str, str] = {
    "dobson": "Dobson (Byar)",
    "dobson-exact": "Dobson (exact)",
    "dobson-midp": "Dobson (mid-p)",
    "gamma": "gamma (Fay-Feuer)",
    "gamma-midp": "mid-p gamma (Fay-Kim)",
    "tiwari": "gamma (Tiwari-Clegg-Zou)",
    "normal": "normal",
    "lognormal": "log-normal",
}
_DOBSON_COUNT_METHOD = {"dobson": "byar", "dobson-exact": "exact", "dobson-midp": "midp"}
#: methods that only need the variance (so repeat events can adjust it)
_VARIANCE_METHODS = {"dobson", "dobson-exact", "dobson-midp", "normal", "lognormal"}


def _cells(inp, codes: np.ndarray, labels: list[str], population: str, frequency: np.ndarray | None):
    """Sum counts (and populations) into a dense (groups × bands) layout; check it is complete."""
    g = inp.groups
    n_bands = len(labels)
    cell = g.ids * n_bands + codes
    size = g.n * n_bands
    rows = np.bincount(cell, minlength=size)
    events = inp.count if frequency is None else inp.count * frequency
    x = np.bincount(cell, weights=events, minlength=size)
    if frequency is None:
        n = np.bincount(cell, weights=inp.population, minlength=size)
    else:
        # one population per stratum, repeated on each event-frequency row (PHE layout)
        n = np.bincount(cell, weights=inp.population, minlength=size) / np.maximum(rows, 1)
        spread = np.abs(inp.population - n[cell]) > 1e-9 * np.maximum(1.0, n[cell])
        if spread.any():
            i = int(np.argmax(spread))
            raise row_problem(population, "same population on every event-frequency row of a stratum",
                              int(spread.sum()), f"{group_label(g.keys, int(g.ids[i]))}, row {i}")
    absent = rows.reshape(g.n, n_bands) == 0
    if absent.any():
        bad_groups = np.flatnonzero(absent.any(axis=1))
        first = int(bad_groups[0])
        missing = [labels[i] for i in np.flatnonzero(absent[first])]
        raise BandMismatchError(
            f"{len(bad_groups)} group(s) lack rows for some age bands of the standard "
            f"(e.g. {group_label(g.keys, first)}: missing bands {missing}). "
            "Add rows with count 0 and the stratum population.",
            missing=missing)
    return cell, x.reshape(g.n, n_bands), n.reshape(g.n, n_bands)


def _weights(std, inp, codes, cell, n_bands) -> np.ndarray:
    """Normalised standard weights wᵢ = sᵢ/Σs, shape (bands,) or (groups, bands)."""
    if std.column is None:
        return std.population / std.population.sum()
    raw = inp.data[std.column]
    s = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    for rule, bad in (("no missing values", raw.isna().to_numpy()),
                      ("numeric", np.isnan(s) & raw.notna().to_numpy()),
                      ("non-negative standard population", ~np.isnan(s) & ((s < 0) | np.isinf(s)))):
        if bad.any():
            example = raw[bad].iloc[0]
            example = example.item() if hasattr(example, "item") else example
            if rule == "no missing values":
                example = missing_row(raw.index[bad][0])
            raise row_problem(std.column, rule, int(bad.sum()), example)
    g = inp.groups
    size = g.n * n_bands
    rows = np.maximum(np.bincount(cell, minlength=size), 1)
    s_cell = np.bincount(cell, weights=s, minlength=size) / rows
    spread = np.abs(s - s_cell[cell]) > 1e-9 * np.maximum(1.0, s_cell[cell])
    if spread.any():
        raise row_problem(std.column, "one standard population per age band and group", int(spread.sum()),
                          s[int(np.argmax(spread))].item())
    s_cell = s_cell.reshape(g.n, n_bands)
    total = s_cell.sum(axis=1, keepdims=True)
    if (total <= 0).any():
        raise row_problem(std.column, "standard population summing to more than 0 in each group",
                          int((total <= 0).sum()), group_label(g.keys, int(np.argmax(total.ravel() <= 0))))
    return s_cell / total


def _limits(method: str, level: float, y, v, total, W) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits of the DSR (per person) for one confidence level."""
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in _DOBSON_COUNT_METHOD:
            x_lo, x_hi = poisson_limits(total, level, _DOBSON_COUNT_METHOD[method])
            slope = np.sqrt(v / total)
            return y + slope * (x_lo - total), y + slope * (x_hi - total)
        if method == "normal":
            half = z_value(level) * np.sqrt(v)
            return y - half, y + half
        if method == "lognormal":
            # undefined at y = 0 (noted): lower 0, upper NaN, as the Poisson log-normal limits at O = 0
            factor = np.exp(z_value(level) * np.sqrt(v) / y)
            pos = y > 0
            return np.where(pos, y / factor, 0.0), np.where(pos, y * factor, np.nan)
        # gamma family (Fay & Feuer 1997; Tiwari et al 2006; Fay & Kim 2017)
        if method == "tiwari":
            w_add, w2_add = W.mean(axis=1), (W**2).mean(axis=1)
        else:
            w_add = W.max(axis=1)
            w2_add = w_add**2
        pos = y > 0
        shape_l = np.where(pos, y**2 / np.where(pos, v, 1.0), 0.0)
        scale_l = np.where(pos, v / np.where(pos, y, 1.0), 1.0)
        shape_u = (y + w_add) ** 2 / (v + w2_add)
        scale_u = (v + w2_add) / (y + w_add)
        if method == "gamma-midp":
            lo = gamma_mixture_quantile(alpha / 2.0, shape_l, scale_l, shape_u, scale_u)
            hi = gamma_mixture_quantile(1.0 - alpha / 2.0, shape_l, scale_l, shape_u, scale_u)
            return lo, hi
        return gamma_quantile(alpha / 2.0, shape_l, scale_l), gamma_quantile(1.0 - alpha / 2.0, shape_u, scale_u)


def _min_count(min_count: Any) -> float:
    return check_number(min_count, argument="min_count", low=0)


def _check_frequency_method(event_frequency: str | None, method: str) -> None:
    if event_frequency is not None and method not in _VARIANCE_METHODS:
        raise InvalidArgumentError(
            f"argument 'event_frequency': not available with method {method!r}; use one of "
            f"{', '.join(map(repr, sorted(_VARIANCE_METHODS)))} (the gamma methods assume independent events).")


def _strata_layout(inp, std, keys: list[str]) -> tuple[np.ndarray, list[str]]:
    """Stratum code of each row and the strata labels: the standard's (joined by key), or the data's."""
    if std.column is None:
        return stratum_codes(inp.data, std.table, keys), std.labels
    codes, uniques = pd.factorize(pd.Series(stratum_labels(inp.data, keys), dtype=object))
    return codes.astype(np.int64), [str(u) for u in uniques]


def _check_populations(n: np.ndarray, inp, labels: list[str], population: str) -> None:
    zero = n <= 0
    if zero.any():
        gi, bi = np.argwhere(zero)[0]
        raise row_problem(population, "greater than zero in every stratum (a DSR needs every stratum rate)",
                          int(zero.sum()), f"{group_label(inp.groups.keys, int(gi))}, age band {labels[bi]!r}",
                          hint="Merge sparse bands (kpcompare.reband) or drop the group.")


def _dsr_notes(method: str, total: np.ndarray, y: np.ndarray) -> np.ndarray:
    note = np.full(len(total), "", dtype=object)
    if method in _DOBSON_COUNT_METHOD:
        note[total <= 0] = "Dobson limits undefined at 0 events"
    if method == "lognormal":
        note[y <= 0] = "log-normal limits undefined at a rate of 0"
    return note


def _standardise(inp, std, codes, labels, *, population: str, freq: np.ndarray | None):
    """y, v, total count, population and W = w/n per group (Notes of :func:`dsr`)."""
    g = inp.groups
    cell, x, n = _cells(inp, codes, labels, population, freq)
    _check_populations(n, inp, labels, population)
    W = _weights(std, inp, codes, cell, len(labels)) / n
    y = (W * x).sum(axis=1)
    if freq is None:
        v = (W**2 * x).sum(axis=1)
    else:
        v = np.bincount(g.ids, weights=freq**2 * inp.count * W.reshape(-1)[cell] ** 2, minlength=g.n)
    return y, v, x.sum(axis=1), n.sum(axis=1), W


def dsr(data: Any, *, count: str, population: str, standard: Any, age: str = "age_band",
        strata: str | Sequence[str] | None = None, by: Any = None, method: str = "dobson",
        confidence: Any = 0.95, multiplier: float = 100_000, min_count: float = 10,
        event_frequency: str | None = None, weighted: bool = False) -> pd.DataFrame:
    """Directly standardised rate per group: y = Σᵢ wᵢ xᵢ/nᵢ over the strata i, weights wᵢ from a standard.

    Age-sex standardisation is the same sum over (age, sex) cells; docs/methods.md (section 3, #standard-populations).

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        One row per group × stratum (rows of a stratum are summed; with ``event_frequency``, per frequency).
    count, population : str
        Columns of events and populations (person-years).
    standard : str or DataFrame
        A registered name (:func:`kpcompare.standard_population`), a table keyed by the ``strata`` columns
        (age column ``age`` or ``age_band``) with ``population``, or a column of ``data`` (per-row standard
        populations; takes precedence over a name).  Joined by key; re-banded onto the data's age bands
        when they nest in the standard's (:func:`kpcompare.reband`), else
        :class:`~kpcompare.errors.BandMismatchError` naming the bands.  A sex-specific standard given to
        age-only strata is summed over sex.
    age : str, default "age_band"
        Column of age-band labels (the key that is re-banded).
    strata : str or list of str, optional
        Standardisation keys, default ``[age]``; e.g. ``["age_band", "sex"]`` with a standard keyed by both
        (``"england2000_sex"``, ``"us2010_sex"``, :func:`kpcompare.standard_from_population`).
    by : str or list of str, optional
        Group columns.
    method : str, default "dobson"
        ``dobson`` (Byar limits of the total count, as PHE), ``dobson-exact``, ``dobson-midp``, ``gamma``
        (Fay & Feuer), ``gamma-midp`` (Fay & Kim), ``tiwari`` (Tiwari, Clegg & Zou), ``normal``, ``lognormal``.
    confidence : float or sequence of float, default 0.95
        One output row per level.
    multiplier : float, default 100000
        Rates per ``multiplier`` population.
    min_count : float, default 10
        Below this total count the value, limits and variance are NaN (noted); 0 turns this off.
    event_frequency : str, optional
        Column f: ``count`` holds persons with exactly f events (PHE's non-independent-events variance).
    weighted : bool, default False
        Counts are weighted and may be fractional (limits approximate; noted).

    Returns
    -------
    pandas.DataFrame
        ``<by...>, count, population, value, lower, upper, variance, confidence, method, statistic, note``.

    Raises
    ------
    kpcompare.errors.BandMismatchError, kpcompare.errors.KeyMismatchError
        Bands differ and do not nest, a group lacks a stratum, or a ``strata`` key is not in the standard.
    kpcompare.errors.InvalidValueError, kpcompare.errors.InvalidArgumentError
        Bad values (negative, missing, a stratum with zero population) or arguments.

    Notes
    -----
    wᵢ = sᵢ/Σs, Wᵢ = wᵢ/nᵢ: y = Σ Wᵢxᵢ, v = Σ Wᵢ²xᵢ, X = Σ xᵢ; Dobson limits y + √(v/X)(X_{L,U} − X).

    References
    ----------
    Dobson AJ et al (1991) Stat Med 10:457-462. doi:10.1002/sim.4780100317.  Fay MP, Feuer EJ (1997) Stat
    Med 16:791-801. doi:10.1002/(SICI)1097-0258(19970415)16:7<791::AID-SIM500>3.0.CO;2-#.  Fay MP, Kim S
    (2017) Biom J 59:377-387. doi:10.1002/bimj.201600111.  Tiwari RC, Clegg LX, Zou Z (2006) Stat Methods
    Med Res 15:547-569. doi:10.1177/0962280206070621.

    Validated against: dsrTest 1.0.0 (all 8 methods), R dsr 0.2.2 / SAS PROC STDRATE (incl. its age × sex
    strata through ``strata``), epiR ``epi.directadj``, PHEindicatormethods, canregtools ``ageadjust``, E. L.
    Frome's ORNL examples (tests/rates/test_rates_peer_more_direct.py, tests/rates/test_rates_standard.py).
    """
    min_count = _min_count(min_count)
    keys = strata_keys(strata, age=age, by=as_list(by))
    inp = read_rate_input(data, count=count, population=population, by=by, confidence=confidence,
                          multiplier=multiplier, weighted=weighted, method=method, methods=DSR_METHODS,
                          strata=keys, frequency=event_frequency)
    _check_frequency_method(event_frequency, method)
    std = resolve_standard(standard, inp.data, age=age, keys=keys)
    codes, labels = _strata_layout(inp, std, keys)
    freq = None if event_frequency is None else pd.to_numeric(inp.data[event_frequency]).to_numpy(dtype=float)
    return _dsr_result(inp, std, codes, labels, population=population, freq=freq, method=method,
                       min_count=min_count, weighted=weighted)


def _dsr_result(inp, std, codes, labels, *, population: str, freq: np.ndarray | None, method: str,
                min_count: float, weighted: bool) -> pd.DataFrame:
    """Standardise, compute the limits at every level, suppress small counts and tidy the result."""
    y, v, total, pop, W = _standardise(inp, std, codes, labels, population=population, freq=freq)
    mult = inp.multiplier
    limits = [_limits(method, level, y, v, total, W) for level in inp.levels]
    lower = [lo * mult for lo, _ in limits]
    upper = [hi * mult for _, hi in limits]
    value, variance = y * mult, v * mult**2
    note = _dsr_notes(method, total, y)
    suppressed = total < min_count
    if suppressed.any():
        note[suppressed] = f"suppressed: total count below min_count ({min_count:g})"
        value = np.where(suppressed, np.nan, value)
        variance = np.where(suppressed, np.nan, variance)
        lower = [np.where(suppressed, np.nan, lo) for lo in lower]
        upper = [np.where(suppressed, np.nan, hi) for hi in upper]
    label = DSR_METHODS[method] + (" with non-independent events" if freq is not None else "")
    return tidy_result(
        inp.groups.keys,
        head={"count": total if weighted else total.round().astype(np.int64), "population": pop},
        value=value, variance=variance, levels=inp.levels, lower=lower, upper=upper,
        method=label, statistic=statistic_label("dsr", mult),
        note=join_notes(note, weighted_notes(inp.groups.n, weighted)),
    )
