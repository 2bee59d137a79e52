"""Indirect standardisation: standardised (admission) ratios and indirectly standardised rates."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, check_choice
from .._deprecation import renamed_keywords
from ._prepare import read_rate_input, zero_population_notes
from .standard import resolve_rates_standard, strata_keys, stratum_codes
from ._result import join_notes, statistic_label, tidy_result
from .crude import weighted_notes
from .poisson import POISSON_METHODS, method_labels, scaled_limits, undefined_notes
from ._significance import DEFAULT_SMR_TEST, SMR_TESTS, smr_p_values

__all__ = ["smr", "isr"]


def _indirect(data: Any, *, count: str, population: str, standard: Any, age: str, strata: Any, by: Any,
              method: str, confidence: Any, multiplier: float, weighted: bool, rate: bool,
              test: str) -> pd.DataFrame:
    check_choice(test, SMR_TESTS, argument="test")
    keys = strata_keys(strata, age=age, by=as_list(by))
    inp = read_rate_input(data, count=count, population=population, by=by, confidence=confidence,
                          multiplier=multiplier, weighted=weighted, method=method, methods=POISSON_METHODS,
                          strata=keys)
    std, ref_count, ref_pop = resolve_rates_standard(standard, inp.data, age=age, keys=keys, count=count,
                                                     population=population)
    codes = stratum_codes(inp.data, std.table, keys)
    g = inp.groups
    ref_rate = ref_count / ref_pop
    observed = np.bincount(g.ids, weights=inp.count, minlength=g.n)
    expected = np.bincount(g.ids, weights=inp.population * ref_rate[codes], minlength=g.n)
    pop = np.bincount(g.ids, weights=inp.population, minlength=g.n)
    note = _orphan_notes(inp, codes, len(ref_rate), population)
    no_expected = expected <= 0
    note[no_expected] = np.where(note[no_expected] == "", "expected count is 0: ratio undefined",
                                 note[no_expected] + "; expected count is 0: ratio undefined")

    scale = multiplier * (ref_count.sum() / ref_pop.sum() if rate else 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(no_expected, np.nan, scale / expected)
    lower, upper = scaled_limits(observed, inp.levels, method, factor)
    p_value, p_note = smr_p_values(observed, expected, test)
    return tidy_result(
        g.keys,
        head={"observed": observed if weighted else observed.round().astype(np.int64),
              "expected": expected, "population": pop},
        value=observed * factor,
        variance=observed * factor**2,
        levels=inp.levels, lower=lower, upper=upper, p_value=p_value,
        method=method_labels(observed, method) + f"; p_value: {SMR_TESTS[test]}",
        statistic=statistic_label("isr", multiplier) if rate else statistic_label("smr", multiplier, per=False),
        note=join_notes(note, undefined_notes(observed, method), weighted_notes(g.n, weighted), p_note),
    )


def _orphan_notes(inp, codes: np.ndarray, n_bands: int, population: str) -> np.ndarray:
    """Notes (and a warning) for strata (group x stratum; rows summed) with events but no population."""
    g = inp.groups
    cell = g.ids * n_bands + codes
    cell_events = np.bincount(cell, weights=inp.count, minlength=g.n * n_bands)
    cell_pop = np.bincount(cell, weights=inp.population, minlength=g.n * n_bands)
    return zero_population_notes(cell_events, cell_pop, np.repeat(np.arange(g.n), n_bands), g.n,
                                 population=population, where="strata",
                                 effect="counted in observed, add nothing to expected",
                                 consequence="they are kept in the observed count and add nothing to the "
                                             "expected count, which inflates the ratio")


_PARAMETERS = """
    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        One row per group × stratum (several rows per stratum are summed).
        A group may lack rows for some strata (they contribute nothing), but
        every stratum of the data must be in the standard and every stratum of
        the standard must occur somewhere in the data.
    count, population : str
        Columns of observed events and populations.
    standard : DataFrame or pyarrow.Table
        Standard (reference) rates: counts and populations keyed by the
        ``strata`` columns (the age column called ``age`` or ``age_band``), one
        row per stratum, joined by key.  The count and population columns have
        the names given by ``count`` and ``population`` or are called ``count``
        and ``population``; counts may be fractional.  Re-banded (counts and
        populations summed) when the data's age bands nest in the standard's.
        A registered standard population (a name) has no rates and is refused.
        Formerly ``reference=`` (deprecated alias, removed in 0.3.0).
    age : str, default "age_band"
        Column of age-band labels (the key that is re-banded).
    strata : str or list of str, optional
        Standardisation key columns, default ``[age]``, e.g. ``["age_band", "sex"]``;
        a key the standard lacks raises :class:`~kpcompare.errors.KeyMismatchError`.
    by : str or list of str, optional
        Group columns (not also in ``strata``).
    method : {"auto", "exact", "byar", "midp", "normal", "lognormal", "ury-wiggins", "vandenbroucke", \
"anscombe"}, default "auto"
        Poisson limits of the observed count O (see :func:`kpcompare.poisson_ci`),
        divided by E.
    confidence : float or sequence of float, default 0.95
        One output row per level.
    weighted : bool, default False
        Observed counts are weighted and may be fractional (noted).
    test : {"exact", "midp", "chisq", "byar"}, default "exact"
        The two-sided test of SMR = 1 (O = E) reported in ``p_value`` and named in ``method``:
        ``exact`` as R ``poisson.test(O, E)`` (valid at any count, hence the default), ``midp``
        (Rothman & Boice), ``chisq`` ((O − E)²/E) and ``byar`` (Breslow & Day), as epiR ``epi.smr``
        defines them (docs/methods.md#smr-significance-tests).  Exact and mid-p need whole O (NaN, noted).
"""


@renamed_keywords(reference="standard")
def smr(data: Any, *, count: str, population: str, standard: Any, age: str = "age_band",
        strata: str | Sequence[str] | None = None, by: Any = None, method: str = "auto", confidence: Any = 0.95,
        multiplier: float = 1, weighted: bool = False,
        test: str = DEFAULT_SMR_TEST) -> pd.DataFrame:
    return _indirect(data, count=count, population=population, standard=standard, age=age, strata=strata, by=by,
                     method=method, confidence=confidence, multiplier=multiplier, weighted=weighted, rate=False,
                     test=test)


smr.__doc__ = """Standardised (admission / mortality) ratio O/E per group.
""" + _PARAMETERS + """    multiplier : float, default 1
        Scales the ratio (e.g. 100).

    Returns
    -------
    pandas.DataFrame
        ``<by...>, observed, expected, population, value, lower, upper, variance,
        p_value, confidence, method, statistic, note``; ``variance`` = O/E² × multiplier²;
        ``p_value`` the two-sided p-value of SMR = 1 by ``test``; ``method`` names the
        interval and, after ``"; p_value: "``, the test.

    Raises
    ------
    kpcompare.errors.BandMismatchError
        Strata of data and standard differ (and the bands do not nest).
    kpcompare.errors.KeyMismatchError
        A key of ``strata`` is not a column of the standard.
    kpcompare.errors.InvalidValueError
        Negative, non-integer or missing values; a standard stratum with zero population.
    kpcompare.errors.InvalidArgumentError, kpcompare.errors.UnknownNameError
        Bad confidence, multiplier or method; a standard population name (no rates).

    Warns
    -----
    kpcompare.errors.ZeroPopulationWarning
        Events in a stratum (group × age band, its rows summed) with zero
        population.  They stay in O (they happened) but add nothing to E, so
        the ratio is inflated; the warning and the ``note`` of the affected
        groups say so.  PHE's tools do this silently.

    Notes
    -----
    Standard rates Rᵢ = x_std,ᵢ/n_std,ᵢ; E = Σ nᵢRᵢ; SMR = O/E × multiplier;
    limits = (O_L, O_U)/E × multiplier with (O_L, O_U) the Poisson limits of O.
    A group with E = 0 has NaN value and limits (noted).  With ``strata=["age_band",
    "sex"]`` the sum runs over (age, sex) cells.  See docs/methods.md#4-indirect-standardisation-smr-isr.

    References
    ----------
    Breslow NE, Day NE (1987) Statistical Methods in Cancer Research, vol II: The
    design and analysis of cohort studies. IARC Sci Publ 82, pp 69-71.

    Validated against: PHEindicatormethods 2.1.0 funnel-plot ratio limits and
    significance (exact below 10, Byar from 10); ``p_value``: R 4.2.2 ``poisson.test``
    and epiR 2.0.57 ``epi.smr`` (tests/rates/test_rates_smr_tests.py); epiR 2.0.94 ``epi.indirectadj``
    (observed, expected and ratio; epiR's limits use Poisson quantiles and are
    not reproduced); SAS PROC STDRATE "Strata SMR Estimates" (normal limits, 4 dp;
    SAS leaves the limits blank at O = 0 where ``normal`` gives 0 and 0); R
    ``poisson.test`` exact SMR (Welsh nickel workers, via lumen); age × sex strata: SAS PROC STDRATE
    expected events per stratum relabelled as (age, sex) cells (tests/rates/test_rates_standard.py).
"""


@renamed_keywords(reference="standard")
def isr(data: Any, *, count: str, population: str, standard: Any, age: str = "age_band",
        strata: str | Sequence[str] | None = None, by: Any = None, method: str = "auto", confidence: Any = 0.95,
        multiplier: float = 100_000, weighted: bool = False,
        test: str = DEFAULT_SMR_TEST) -> pd.DataFrame:
    return _indirect(data, count=count, population=population, standard=standard, age=age, strata=strata, by=by,
                     method=method, confidence=confidence, multiplier=multiplier, weighted=weighted, rate=True,
                     test=test)


isr.__doc__ = """Indirectly standardised rate: SMR × the standard's crude rate × multiplier.
""" + _PARAMETERS + """    multiplier : float, default 100000
        Rates per ``multiplier`` population.

    Returns
    -------
    pandas.DataFrame
        ``<by...>, observed, expected, population, value, lower, upper, variance,
        p_value, confidence, method, statistic, note``; ``variance`` = O/E² × (R × multiplier)²;
        ``p_value`` tests ISR = R × multiplier, i.e. SMR = 1 (as :func:`smr`).

    Raises
    ------
    kpcompare.errors.BandMismatchError, kpcompare.errors.InvalidValueError,
    kpcompare.errors.InvalidArgumentError, kpcompare.errors.UnknownNameError
        As :func:`smr`.

    Warns
    -----
    kpcompare.errors.ZeroPopulationWarning
        As :func:`smr`.

    Notes
    -----
    ISR = O/E × R × multiplier with R = Σx_std/Σn_std the standard's crude rate;
    limits = (O_L, O_U)/E × R × multiplier.

    References
    ----------
    Breslow NE, Day NE (1987) Statistical Methods in Cancer Research, vol II.
    IARC Sci Publ 82.  Public Health England (2018) Technical guide: confidence
    intervals (indirectly standardised rates).

    Validated against: epiR 2.0.94 ``epi.indirectadj`` (adjusted rate);
    PHEindicatormethods 2.1.0 funnel ISR limits.
"""
