"""The Ham-style comparison: standardised admissions, stays and bed days between systems.

:func:`compare` takes strata (system x age band [x sex] x cause, with admissions
and bed days) and the populations they arise from, and returns one tidy row per
system x cause x measure with the crude rate, the directly standardised rate
and its interval, and the ratio to a reference system with its interval and
p-value.  Every rate, interval and ratio comes from :mod:`kpcompare.rates`;
this module only arranges the inputs and derives the ALOS interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import (
    as_list,
    check_choice,
    check_confidence,
    check_level,
    check_number,
    check_positive_number,
    require_columns,
)
from .._deprecation import renamed_keywords
from ..errors import InvalidArgumentError, UnknownNameError
from ..rates import compare_rates, crude_rate, dsr
from ..rates.crude import WEIGHTED_NOTE
from ..rates.poisson import z_value
from ._by import comparison_by, run_by
from ._strata import ALL_SELECTED, Prepared, prepare, strata_frame

__all__ = ["compare", "COMPARE_COLUMNS", "MEASURES", "ALL_SELECTED"]

#: the measures :func:`compare` can report
MEASURES = ("admissions", "bed_days", "alos")

#: fixed output columns after ``system, <by>``
COMPARE_COLUMNS = ["measure", "count", "population", "crude", "value", "lower", "upper", "variance",
                   "ratio", "ratio_lower", "ratio_upper", "z", "p_value", "confidence", "method",
                   "statistic", "note"]

#: ALOS interval method by source of the covariance of the two standardised rates
ALOS_METHODS = {
    "zero": "ratio of DSRs; delta method on the log scale, covariance 0",
    "given": "ratio of DSRs; delta method on the log scale, covariance from 'admissions_bed_days_covariance'",
    "compound": "ratio of DSRs; delta method on the log scale, compound-Poisson covariance (bed days of the stays)",
}
#: appended to the DSR method of counts whose variance is not Poisson on the counts themselves
EFFECTIVE_METHOD = " on effective counts X^2/V"

_LABELS = {"admissions": "admissions", "bed_days": "bed days"}


def _check_measures(measures: str | Sequence[str]) -> list[str]:
    chosen = as_list(measures, argument="measures")
    if not chosen:
        raise InvalidArgumentError("argument 'measures': give at least one of 'admissions', 'bed_days', 'alos'.")
    for m in chosen:
        check_choice(m, MEASURES, argument="measures")
    return chosen


def _standard_table(prep: Prepared) -> pd.DataFrame:
    t = prep.table
    first = t[(t["system"] == prep.systems[0]) & (t[prep.by] == prep.levels[0])]
    return pd.DataFrame({"stratum": first["stratum"].to_numpy(), "population": first["weight"].to_numpy()})


def _rate(prep: Prepared, measure: str, *, standard: pd.DataFrame, method: str, levels: list[float],
          multiplier: float, min_count: int) -> pd.DataFrame:
    """DSR of one count (sample counts over pseudo-populations) with estimate totals and crude rate."""
    by = prep.by
    t = prep.table
    data = pd.DataFrame({
        "system": t["system"], by: t[by], "stratum": t["stratum"],
        "count": t[f"{measure}_sample"], "population": t[f"{measure}_pop"],
    })
    fractional = not _whole(data["count"])
    common = dict(standard=standard, age="stratum", by=["system", by], method=method, confidence=levels,
                  multiplier=multiplier, min_count=min_count)
    if measure == "admissions" and prep.frequencies is not None:
        res = dsr(prep.frequencies, count="persons", population="population",
                  event_frequency="event_frequency", **common)
        if not prep.total_by_person:
            total = (res[by] == ALL_SELECTED).to_numpy()
            res["note"] = np.where(total, np.where(res["note"] != "", res["note"] + "; ", "")
                                   + TOTAL_FREQUENCY_NOTE, res["note"])
    else:
        # min_count applies to the sample counts (events), not to effective counts: a better variance changes
        # the interval, not whether a rate is shown
        effective = _effective_systems(prep, measure)
        res = dsr(data, count="count", population="population", weighted=fractional,
                  **{**common, "min_count": 0 if effective else min_count})
        if effective:
            res = _suppress(res, prep, measure, min_count)
    if measure == "admissions" and prep.admission_notes is not None:
        extra = res[["system", by]].merge(prep.admission_notes, on=["system", by], how="left")["admission_note"]
        extra = extra.fillna("").to_numpy(object)
        note = res["note"].astype(str).to_numpy(object)
        res["note"] = np.where((note != "") & (extra != ""), note + "; " + extra, np.where(note != "", note, extra))
    crude = crude_rate(pd.DataFrame({"system": t["system"], by: t[by], "count": t[measure],
                                     "population": t["population"]}),
                       count="count", population="population", by=["system", by],
                       confidence=levels[0], multiplier=multiplier, weighted=not _whole(t[measure]))
    crude = crude[["system", by, "count", "population", "value"]].rename(columns={"value": "crude"})
    res["note"] = _own_notes(res, data, prep, measure)
    effective = _effective_systems(prep, measure) if method not in ("normal", "lognormal") else []
    res["method"] = np.where(res["system"].isin(effective), res["method"].astype(str) + EFFECTIVE_METHOD,
                             res["method"].astype(str))
    res = res.drop(columns=["count", "population"]).merge(crude, on=["system", by], how="left")
    res["measure"] = measure
    res["statistic"] = f"{_LABELS[measure]} per {multiplier:g}, standardised"
    return res


WEIGHTED_SAMPLE_NOTE = ("survey-weighted estimate: variance from the sample counts (Poisson), "
                        "design effect ignored")
FRACTIONAL_NOTE = "fractional (estimated) counts treated as Poisson counts"
GIVEN_VARIANCE_NOTE = "variance of each stratum's total from column '{column}'"
SQUARED_NOTE = ("variance of each stratum's bed days = sum of squared lengths of stay (column 'bed_days_squared'; "
                "stays as a Poisson process)")
SQUARED_WEIGHTED_NOTE = ("survey-weighted estimate: bed-day variance from the sample's sum of squared lengths of "
                         "stay (column 'bed_days_squared'), design effect ignored")
POISSON_DAYS_NOTE = ("bed days treated as Poisson counts (no 'bed_days_variance' or 'bed_days_squared'): days "
                     "cluster within stays, so the interval is too narrow")
ALOS_POISSON_NOTE = ("bed days treated as Poisson counts and their covariance with admissions as 0 (no "
                     "'bed_days_squared' or variance columns): the first narrows the interval, the second widens it")
ALOS_ZERO_COVARIANCE_NOTE = ("covariance of admissions and bed days not given, taken as 0: the interval is too wide "
                             "(give 'admissions_bed_days_covariance')")
TOTAL_FREQUENCY_NOTE = ("repeat-events variance of the total treats a person admitted for two causes as two "
                        "persons (too small)")


def _own_notes(res: pd.DataFrame, data: pd.DataFrame, prep: Prepared, measure: str) -> np.ndarray:
    """Replace the rates core's generic weighted-count note by one saying what the counts are, per system."""
    note = res["note"].astype(str).str.replace(WEIGHTED_NOTE, "", regex=False).str.strip("; ")
    fractional = set(data.loc[_fractional(data["count"]), "system"])
    system = res["system"].to_numpy(object)
    given = list(prep.variance_systems.get(measure, []))
    weighted = np.isin(system, list(prep.weighted_systems))
    # object, not numpy str: numpy 1 (Databricks 15.4/16.4 LTS) cannot add str arrays
    tag = np.where(weighted, WEIGHTED_SAMPLE_NOTE,
                   np.where(np.isin(system, list(fractional)), FRACTIONAL_NOTE, "")).astype(object)
    if measure == "bed_days":
        tag = np.where(tag != "", tag + "; " + POISSON_DAYS_NOTE, POISSON_DAYS_NOTE)
        squared = np.isin(system, list(prep.squared_systems))
        tag = np.where(squared, np.where(weighted, SQUARED_WEIGHTED_NOTE, SQUARED_NOTE), tag)
    tag = np.where(np.isin(system, given), GIVEN_VARIANCE_NOTE.format(column=f"{measure}_variance"), tag)
    note = note.to_numpy(object)
    return np.where((note != "") & (tag != ""), note + "; " + tag, np.where(note != "", note, tag))


def _suppress(res: pd.DataFrame, prep: Prepared, measure: str, min_count: float) -> pd.DataFrame:
    """:func:`kpcompare.dsr`'s ``min_count`` rule applied to the sample counts of ``measure`` (events)."""
    keys = ["system", prep.by]
    events = (prep.table.groupby(keys, sort=False, observed=True)[f"{measure}_events"].sum().rename("_events")
              .reset_index())
    low = res[keys].merge(events, on=keys, how="left")["_events"].to_numpy(float) < min_count
    if low.any():
        res.loc[low, ["value", "lower", "upper", "variance"]] = np.nan
        res.loc[low, "note"] = f"suppressed: total count below min_count ({min_count:g})"
    return res


def _effective_systems(prep: Prepared, measure: str) -> list[Any]:
    """Systems whose ``measure`` variance is a given (or compound-Poisson) one, passed as effective counts."""
    systems = list(prep.variance_systems.get(measure, []))
    return systems + list(prep.squared_systems) if measure == "bed_days" else systems


def _dsr_covariance(prep: Prepared, multiplier: float) -> pd.DataFrame:
    """Covariance of the standardised admission and bed-day rates: sum_i (w_i / n_i)^2 C_i x multiplier^2."""
    t = prep.table
    with np.errstate(divide="ignore", invalid="ignore"):
        term = (t["weight"].to_numpy(float) / t["population"].to_numpy(float)) ** 2 * t["covariance"].to_numpy(float)
    term = np.where(t["covariance"].to_numpy(float) != 0, term, 0.0) * multiplier**2
    out = pd.DataFrame({"system": t["system"], prep.by: t[prep.by], "covariance": term})
    return out.groupby(["system", prep.by], sort=False, observed=True)["covariance"].sum().reset_index()


def _fractional(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(float)
    return np.abs(arr - np.round(arr)) > 1e-9 * np.maximum(1.0, np.abs(arr))


def _whole(values: pd.Series) -> bool:
    return not _fractional(values).any()


def _alos(adm: pd.DataFrame, bed: pd.DataFrame, prep: Prepared, multiplier: float) -> pd.DataFrame:
    """Standardised ALOS = DSR(bed days) / DSR(admissions), delta-method interval on the log scale with the
    covariance of the two DSRs (0 where unknown)."""
    by = prep.by
    keys = ["system", by, "confidence"]
    m = adm.merge(bed, on=keys, suffixes=("_a", "_b")).merge(_dsr_covariance(prep, multiplier),
                                                             on=["system", by], how="left")
    ya, yb = m["value_a"].to_numpy(float), m["value_b"].to_numpy(float)
    va, vb = m["variance_a"].to_numpy(float), m["variance_b"].to_numpy(float)
    cov = m["covariance"].fillna(0.0).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = yb / ya
        # non-negative in exact arithmetic (each stratum's covariance matrix is checked to be PSD)
        var_log = np.maximum(vb / yb**2 + va / ya**2 - 2.0 * cov / (ya * yb), 0.0)
        crude = m["count_b"].to_numpy(float) / m["count_a"].to_numpy(float)
    z = m["confidence"].map({lv: z_value(lv) for lv in m["confidence"].unique()}).to_numpy(float)
    half = z * np.sqrt(var_log)
    ok = np.isfinite(value) & (ya > 0) & (yb > 0)
    system = m["system"].to_numpy(object)
    source = np.array([prep.covariance_sources.get(x, "zero") for x in system], dtype=object)
    known_days = np.isin(system, _effective_systems(prep, "bed_days"))
    cov_note = np.where(source != "zero", "", np.where(known_days, ALOS_ZERO_COVARIANCE_NOTE, ALOS_POISSON_NOTE))
    # what the counts are (weighted, fractional) and which variances were used, then the covariance
    inherited = m["note_a"].astype(str).to_numpy(object)
    days = m["note_b"].astype(str).str.replace(POISSON_DAYS_NOTE, "", regex=False).str.strip("; ").to_numpy(object)
    for extra in (np.where(days != inherited, days, ""), cov_note):
        inherited = np.where((inherited != "") & (extra != ""), inherited + "; " + extra,
                             np.where(inherited != "", inherited, extra))
    note = np.where(ok, inherited, "ALOS undefined: a standardised rate is zero or suppressed")
    for side in ("a", "b"):
        extra = m[f"note_{side}"].astype(str).to_numpy(object)
        note = np.where((extra != "") & ~ok, note + "; " + extra, note)
    return pd.DataFrame({
        "system": m["system"], by: m[by], "measure": "alos",
        "count": m["count_a"], "population": m["population_a"], "crude": crude,
        "value": np.where(ok, value, np.nan),
        "lower": np.where(ok, value * np.exp(-half), np.nan),
        "upper": np.where(ok, value * np.exp(half), np.nan),
        "variance": np.where(ok, value**2 * var_log, np.nan),
        "confidence": m["confidence"], "method": [ALOS_METHODS[x] for x in source],
        "statistic": "ALOS days, standardised", "note": note,
    })


def _ratios(res: pd.DataFrame, *, by: str, reference: Any) -> pd.DataFrame:
    """Ratio of each system to the reference, per cause, measure and confidence level (compare_rates)."""
    parts = []
    for (measure, level), grp in res.groupby(["measure", "confidence"], sort=False, observed=True):
        cols = ["system", by, "count", "population", "value", "lower", "upper", "variance", "confidence",
                "method", "statistic", "note"]
        cmp = compare_rates(grp[cols], between="system", reference=reference, kind="ratio", confidence=level)
        parts.append(cmp[[by, "system", "value", "lower", "upper", "z", "p_value", "method", "note"]]
                     .assign(measure=measure, confidence=level))
    out = pd.concat(parts, ignore_index=True).rename(columns={
        "value": "ratio", "lower": "ratio_lower", "upper": "ratio_upper",
        "method": "ratio_method", "note": "ratio_note"})
    return out


@renamed_keywords(strata="data")
def compare(data: Any, *, population: Any, standard: Any, reference: Any,
            by: str | Sequence[str] = "condition", age_range: tuple[Any, Any] | None = None,
            measures: str | Sequence[str] = MEASURES, method: str = "dobson",
            confidence: float | Sequence[float] = 0.95, multiplier: float = 100_000,
            levels: Sequence[Any] | None = None, min_count: int = 10,
            event_frequency: str | None = None, person: str | None = None) -> pd.DataFrame:
    """Compare standardised admissions, bed days and ALOS between health systems.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or AggregateResult
        Strata: :func:`kpcompare.aggregate`'s result or a table ``system, age_band, [sex], <by>,
        admissions, bed_days`` (rows with one key are summed; absent strata count as zero), with the
        optional columns ``weighted_admissions``/``weighted_bed_days`` (survey weights),
        ``<count>_variance``, ``admissions_bed_days_covariance`` and ``bed_days_squared``
        (docs/comparison.md#input-strata-and-populations).  Was ``strata`` (deprecated keyword).
    population : pandas.DataFrame or pyarrow.Table
        ``system, age_band, [sex], population``: one row per stratum of every system compared.
    standard : str or pandas.DataFrame
        A system of ``population`` (its population is the standard), a registered standard name
        (re-banded onto the strata's bands) or a table ``age_band, [sex], population``.
    reference : str
        The system every other system is compared with (ratio = system / reference).
    by : str or sequence of str
        Column of causes (default ``"condition"``; their total is the level ``"all selected"``);
        further columns split the comparison, one independent comparison per level (as if run on
        that level's rows of ``data``, ``population`` and ``standard``).
    age_range : (int or None, int or None), optional
        Ages to include, inclusive, on band edges, e.g. ``(60, None)``.
    measures : str or sequence of str
        Any of ``"admissions"``, ``"bed_days"``, ``"alos"``.
    method : str
        DSR interval method of :func:`kpcompare.dsr` (default ``"dobson"``).
    confidence : float or sequence of float
        Confidence level(s); several levels give several rows.
    multiplier : float
        Rates per ``multiplier`` population (default 100,000, as every rate function).
    levels : sequence, optional
        Levels of ``by`` (its first column) to compare (default: every level except ``"other"``).
    min_count : int
        Below this many (sample) events a standardised rate is suppressed (NaN, reason in ``note``).
    event_frequency, person : str, optional
        Column of admissions per person (one row per stratum and frequency), or of person ids (one
        row per person and stratum): admission intervals then use the repeat-events variance.

    Returns
    -------
    pandas.DataFrame
        One row per system x ``by`` level(s) (causes, then ``"all selected"``) x measure x confidence
        level: ``system, <by...>, measure, count, population, crude, value, lower, upper, variance,
        ratio, ratio_lower, ratio_upper, z, p_value, confidence, method, statistic, note``.
        ``value`` is the standardised rate per ``multiplier`` (ALOS: days), ``ratio`` its ratio to
        the reference system's with the log-method ``z`` and ``p_value`` of
        :func:`kpcompare.compare_rates`; ``statistic`` labels ``value``.

    Notes
    -----
    :math:`y = \\sum_i w_i x_i/n_i`, standard weights :math:`w_i = s_i/\\sum s`, variance
    :math:`\\sum_i (w_i/n_i)^2 x_i`; ALOS :math:`y_B/y_A` with a delta-method interval using the
    covariance of the two rates.  The method notes (bed-day variance, ALOS, survey weights, given
    variances, repeat events) are in docs/comparison.md#method-notes.

    References
    ----------
    Ham C, York N, Sutch S, Shaw R. BMJ 2003;327:1257. doi:10.1136/bmj.327.7426.1257.
    Dobson AJ et al. Stat Med 1991;10:457-62. doi:10.1002/sim.4780100317.

    Validated against: hand-computed two-band comparisons (tests/comparison), the delta-method
    variance of a mean of stays (Cochran 1977, section 6.4) and pandas re-derivations of the HES and
    NHDS figures.
    """
    cols = comparison_by(by)
    opts = dict(reference=reference, age_range=age_range, measures=measures, method=method,
                confidence=confidence, multiplier=multiplier, levels=levels, min_count=min_count,
                event_frequency=event_frequency, person=person)
    if len(cols) == 1:
        return _compare_one(data, by=cols[0], population=population, standard=standard, **opts)
    res = run_by(data, cols, _compare_one, population=population, standard=standard, **opts)
    return _in_system_order(res, ["system", *cols, *COMPARE_COLUMNS])


def _in_system_order(res: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows of the per-level results grouped by system (first appearance), level order kept."""
    rank = pd.Categorical(res["system"], categories=list(dict.fromkeys(res["system"])), ordered=True)
    res = res.assign(_s=rank).sort_values("_s", kind="stable")
    return res[columns].reset_index(drop=True)


def _compare_one(data: Any, *, by: str, population: Any, standard: Any, reference: Any,
                 age_range: tuple[Any, Any] | None, measures: str | Sequence[str], method: str,
                 confidence: float | Sequence[float], multiplier: float, levels: Sequence[Any] | None,
                 min_count: int, event_frequency: str | None, person: str | None) -> pd.DataFrame:
    """:func:`compare` with one ``by`` column."""
    mult = check_positive_number(multiplier, argument="multiplier")
    chosen = _check_measures(measures)
    conf = check_confidence(confidence)
    check_number(min_count, argument="min_count", low=0)
    check_level(reference, argument="reference")
    prep = prepare(data, population=population, standard=standard, by=by, age_range=age_range,
                   levels=levels, event_frequency=event_frequency, person=person)
    _check_reference(data, reference)
    kw = dict(standard=_standard_table(prep), method=method, levels=conf, multiplier=mult, min_count=min_count)
    adm = _rate(prep, "admissions", **kw) if {"admissions", "alos"} & set(chosen) else None
    bed = _rate(prep, "bed_days", **kw) if {"bed_days", "alos"} & set(chosen) else None
    parts = {"admissions": adm, "bed_days": bed}
    if "alos" in chosen:
        parts["alos"] = _alos(adm, bed, prep, mult)
    res = pd.concat([parts[m] for m in chosen], ignore_index=True)
    res = _with_ratios(res, by=by, reference=reference)
    if prep.notes:
        extra = "; ".join(prep.notes)
        res["note"] = np.where(res["note"] != "", res["note"] + "; " + extra, extra)
    return _ordered(res, prep, chosen)


def _check_reference(data: Any, reference: Any) -> None:
    systems = list(dict.fromkeys(_systems_of(data)))
    if reference not in systems:
        raise UnknownNameError(
            f"argument 'reference': system {reference!r} is not in strata column 'system' "
            f"(systems present: {', '.join(map(repr, systems))})."
        )


def _with_ratios(res: pd.DataFrame, *, by: str, reference: Any) -> pd.DataFrame:
    """Attach the ratio to the reference system; merge the rate and ratio methods and notes."""
    ratios = _ratios(res, by=by, reference=reference)
    res = res.merge(ratios, on=["system", by, "measure", "confidence"], how="left")
    res["method"] = res["method"].astype(str) + "; ratio: " + res["ratio_method"].astype(str)
    note = res["note"].fillna("").astype(str).to_numpy(object)
    rnote = res["ratio_note"].fillna("").astype(str).replace("reference level", "").to_numpy(object)
    res["note"] = np.where((rnote != "") & (rnote != note),
                           np.where(note != "", note + "; ", "") + rnote, note)
    return res


def _ordered(res: pd.DataFrame, prep: Prepared, chosen: list[str]) -> pd.DataFrame:
    """Rows by system, level, measure, confidence; the fixed columns."""
    by = prep.by
    res["_s"] = pd.Categorical(res["system"], categories=prep.systems, ordered=True)
    res["_l"] = pd.Categorical(res[by], categories=prep.levels, ordered=True)
    res["_m"] = pd.Categorical(res["measure"], categories=chosen, ordered=True)
    res = res.sort_values(["_s", "_l", "_m", "confidence"], kind="stable")
    res = res[["system", by, *COMPARE_COLUMNS]].reset_index(drop=True)
    res["system"] = res["system"].astype(object)
    res[by] = res[by].astype(object)
    return res


def _systems_of(strata: Any) -> list[Any]:
    data = strata_frame(strata)
    require_columns(data, ["system"], argument="data")
    return list(data["system"].dropna())
