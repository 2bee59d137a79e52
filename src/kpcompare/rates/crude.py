"""Crude rates with Poisson confidence limits."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import row_problem
from ._prepare import group_label, read_rate_input, zero_population_notes
from ._result import join_notes, statistic_label, tidy_result
from .poisson import POISSON_METHODS, method_labels, scaled_limits, undefined_notes

__all__ = ["crude_rate", "WEIGHTED_NOTE"]

#: note written on every row computed from weighted (possibly fractional) counts
WEIGHTED_NOTE = "weighted counts: limits treat the weighted total as a Poisson count (approximate)"


def weighted_notes(n: int, weighted: bool) -> np.ndarray:
    """Per-group note for weighted input (``""`` otherwise)."""
    return np.full(n, WEIGHTED_NOTE if weighted else "", dtype=object)


def _group_totals(inp, population: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Σ count and Σ population per group, and the notes of rows with events but zero population."""
    g = inp.groups
    total = np.bincount(g.ids, weights=inp.count, minlength=g.n)
    pop = np.bincount(g.ids, weights=inp.population, minlength=g.n)
    zero = pop <= 0
    if zero.any():
        raise row_problem(population, "group total greater than zero", int(zero.sum()),
                          group_label(g.keys, int(np.argmax(zero))),
                          hint="A rate needs a population; drop or fix these groups.")
    orphans = zero_population_notes(inp.count, inp.population, g.ids, g.n, population=population, where="rows",
                                    effect="counted in the numerator", consequence="they are kept in the count, "
                                    "which inflates the rate", stacklevel=4)
    return total, pop, orphans


def crude_rate(data: Any, *, count: str, population: str, by: Any = None, confidence: Any = 0.95,
               multiplier: float = 100_000, method: str = "auto", weighted: bool = False):
    """Crude rate per group with Poisson confidence limits.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        One row per stratum (any number of rows per group; they are summed).
    count, population : str
        Columns holding event counts and populations (person-years).
    by : str or list of str, optional
        Group columns; one output row per group (and per confidence level).
    confidence : float or sequence of float, default 0.95
        Each level strictly between 0 and 1; several levels give several rows.
    multiplier : float, default 100000
        Rates are per ``multiplier`` population.
    method : {"auto", "exact", "byar", "midp", "normal", "lognormal", "ury-wiggins", "vandenbroucke", \
"anscombe"}, default "auto"
        Poisson limits for the total count (see :func:`kpcompare.poisson_ci`);
        ``auto`` is exact below 10 events and Byar from 10 (PHE / Fingertips).
    weighted : bool, default False
        Counts are weighted (e.g. survey weights) and may be fractional; the limits then treat the
        weighted total as a Poisson count, which is approximate, and ``note`` says so.

    Returns
    -------
    pandas.DataFrame
        ``<by...>, count, population, value, lower, upper, variance, confidence,
        method, statistic, note``; ``variance`` = X/N² × multiplier².

    Raises
    ------
    kpcompare.errors.MissingColumnError, InvalidValueError, InvalidArgumentError, UnknownNameError
        Missing columns or keys, negative or non-integer counts, a group whose population sums to 0,
        a bad confidence level or an unknown method; a total row ("Total", "All") among the rows summed.

    Warns
    -----
    kpcompare.errors.ZeroPopulationWarning
        Rows with events but zero population (kept in the count, as :func:`smr` keeps them in O); ``note`` says so.

    Notes
    -----
    With X = Σ count and N = Σ population in a group, rate = X/N × multiplier, limits = (X_L, X_U)/N ×
    multiplier with (X_L, X_U) the Poisson limits of X (docs/methods.md, section 2).

    References
    ----------
    Breslow NE, Day NE (1987) Statistical Methods in Cancer Research, vol II. IARC Sci Publ 82.

    Validated against: epiR 2.0.94 ``epi.directadj`` and ``epi.indirectadj`` crude
    rates (exact limits, 7 significant digits); R dsr 0.2.2 crude rates (SAS PROC
    STDRATE Alaska/Florida example); SAS PROC STDRATE stratum crude rates with
    normal limits (Florida skin-cancer example, incl. strata with 0 events);
    PHEindicatormethods 1.3.2 ``phe_rate`` vignette (Byar, 95% and 99.8%); R
    ``poisson.test`` exact and Wald rate limits (horse-kick example, via lumen).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["A", "B"], "deaths": [65, 1045], "pop": [10_000, 90_000]})
    >>> crude_rate(df, count="deaths", population="pop", by="area")[["area", "value"]]
      area        value
    0    A   650.000000
    1    B  1161.111111
    """
    inp = read_rate_input(data, count=count, population=population, by=by, confidence=confidence,
                          multiplier=multiplier, weighted=weighted, method=method, methods=POISSON_METHODS)
    g = inp.groups
    total, pop, orphans = _group_totals(inp, population)
    scale = inp.multiplier / pop
    lower, upper = scaled_limits(total, inp.levels, method, scale)
    return tidy_result(
        g.keys,
        head={"count": total if weighted else total.round().astype(np.int64), "population": pop},
        value=total * scale, variance=total * scale**2, levels=inp.levels, lower=lower, upper=upper,
        method=method_labels(total, method),
        statistic=statistic_label("crude rate", inp.multiplier),
        note=join_notes(orphans, undefined_notes(total, method), weighted_notes(g.n, weighted)),
    )
