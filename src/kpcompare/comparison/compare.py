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

from .._checks import as_list, check_choice, check_confidence, check_positive_number
from ..errors import InvalidArgumentError, UnknownNameError
from ..rates import compare_rates, crude_rate, dsr
from ..rates.crude import WEIGHTED_NOTE
from ..rates.poisson import z_value
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
    chosen = as_list(measures)
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
    tag = np.where(weighted, WEIGHTED_SAMPLE_NOTE, np.where(np.isin(system, list(fractional)), FRACTIONAL_NOTE, ""))
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
    events = prep.table.groupby(keys, sort=False)[f"{measure}_events"].sum().rename("_events").reset_index()
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
    return out.groupby(["system", prep.by], sort=False)["covariance"].sum().reset_index()


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
    for (measure, level), grp in res.groupby(["measure", "confidence"], sort=False):
        cols = ["system", by, "count", "population", "value", "lower", "upper", "variance", "confidence",
                "method", "statistic", "note"]
        cmp = compare_rates(grp[cols], between="system", reference=reference, kind="ratio", confidence=level)
        parts.append(cmp[[by, "system", "value", "lower", "upper", "statistic", "p_value", "method", "note"]]
                     .assign(measure=measure, confidence=level))
    out = pd.concat(parts, ignore_index=True).rename(columns={
        "value": "ratio", "lower": "ratio_lower", "upper": "ratio_upper", "statistic": "z",
        "method": "ratio_method", "note": "ratio_note"})
    return out


def compare(strata: Any, *, population: Any, standard: Any, reference: Any, by: str = "condition",
            age_range: tuple[Any, Any] | None = None,
            measures: str | Sequence[str] = MEASURES, method: str = "dobson",
            confidence: float | Sequence[float] = 0.95, multiplier: float = 1000,
            levels: Sequence[Any] | None = None, min_count: int = 10,
            event_frequency: str | None = None, person: str | None = None) -> pd.DataFrame:
    """Compare standardised admissions, bed days and ALOS between health systems.

    Parameters
    ----------
    strata : pandas.DataFrame, pyarrow.Table or AggregateResult
        The result of :func:`kpcompare.aggregate` (or its ``strata``), or any table with columns
        ``system, age_band, <by>, admissions, bed_days`` and optionally ``sex``.
        Several rows with the same key are summed; strata absent from the table count as
        zero. When ``weighted_admissions`` and ``weighted_bed_days`` are present (survey
        weights, e.g. the NHDS) they are the estimates used for every rate, and the
        unweighted ``admissions``/``bed_days`` (the sample counts) drive the variance
        (see Notes); rows with missing weighted values use the unweighted counts.
        Optional ``admissions_variance`` and ``bed_days_variance``: an estimated variance
        of each row's (weighted) total, e.g. a design-based variance, or the with-replacement
        variance :math:`\\sum_j (w_j y_j)^2` of survey records, or :math:`\\sum_j d_j^2` for
        bed days of independent stays of lengths :math:`d_j`; it replaces the Poisson
        variance of that count (see Notes). Give it for all rows of a system or none.
        Optional ``admissions_bed_days_covariance`` (with both variance columns): the
        covariance of the row's admission and bed-day totals, e.g. the with-replacement
        :math:`\\sum_j w_j^2 d_j`. Optional ``bed_days_squared``: the sum of squared lengths
        of stay :math:`\\sum_j d_j^2` of the row's (sample) stays; without ``bed_days_variance``
        it gives the compound-Poisson bed-day variance and covariance (see Notes).
    population : pandas.DataFrame or pyarrow.Table
        ``system, age_band, [sex], population``: one row per stratum of every system
        compared (a missing stratum is an error naming it). Extra bands are ignored.
    standard : str or pandas.DataFrame
        The standard population: the name of a system in ``population`` (its own
        population by age band [and sex] is the standard, as Ham et al standardised to
        the English population), a registered standard population name (collapsed onto the
        strata's bands with :func:`kpcompare.reband`), or a table ``age_band, [sex],
        population``. A standard without sex makes the standardisation age-only.
    reference : str
        The system every other system is compared with (ratio = system / reference).
    by : str
        Column of causes (default ``"condition"``). The total over the selected causes
        is added as the level ``"all selected"``.
    age_range : (int or None, int or None), optional
        Ages to include, inclusive, on band edges: ``(60, None)`` keeps 60-74 and 75+.
        Default: the ages spanned by the strata's bands (population and standard bands
        outside them are ignored).
    measures : sequence of str
        Any of ``"admissions"``, ``"bed_days"``, ``"alos"``.
    method : str
        DSR interval method, passed to :func:`kpcompare.dsr` (default ``"dobson"``).
    confidence : float or sequence of float
        Confidence level(s); several levels give several rows.
    multiplier : float
        Rates per ``multiplier`` population (default 1000).
    levels : sequence, optional
        Levels of ``by`` to compare (default: every level except ``"other"``).
    min_count : int
        Passed to :func:`kpcompare.dsr`: below this many (sample) events the standardised
        rate is suppressed (NaN, with the reason in ``note``).
    event_frequency : str, optional
        Column of ``strata`` giving the number of admissions f of the persons counted in
        column ``persons`` (one row per stratum and f): admission-rate intervals then use
        the repeat-events variance (see Notes). Not with survey weights.
    person : str, optional
        Column of ``strata`` identifying persons, with one row per person and stratum, as
        ``kpcompare.aggregate(extract, by=(..., "person_id"))`` returns when the extract has
        person ids: admission-rate intervals then use the repeat-events variance, with each
        person's number of admissions per stratum (and, for the total, over all selected
        causes) as f. Rates are unchanged. Not with ``event_frequency`` or survey weights.

    Returns
    -------
    pandas.DataFrame
        One row per system x ``by`` level (causes, then ``"all selected"``) x measure x
        confidence level, columns ``system, <by>, measure, count, population, crude,
        value, lower, upper, variance, ratio, ratio_lower, ratio_upper, z, p_value,
        confidence, method, statistic, note``:

        * ``count`` - admissions or bed days (estimates; for ``alos``: admissions);
          ``population`` - the population summed over the strata;
        * ``crude`` - count / population x multiplier (for ``alos``: bed days / admissions);
        * ``value, lower, upper, variance`` - the standardised rate per ``multiplier``
          (for ``alos``: days) with its interval; ``variance`` on the ``value`` scale;
        * ``ratio, ratio_lower, ratio_upper, z, p_value`` - ratio of ``value`` to the
          reference system's (1 for the reference itself), from
          :func:`kpcompare.compare_rates` (log-ratio method);
        * ``method`` - the interval method (rate; ratio), ``statistic`` - what ``value`` is,
          ``note`` - why a value is missing or unreliable.

    Notes
    -----
    Directly standardised rates (see :func:`kpcompare.dsr`):
    :math:`y = \\sum_i w_i x_i/n_i` with standard weights :math:`w_i = s_i/\\sum s` over
    age bands (x sex), variance :math:`v = \\sum_i (w_i/n_i)^2 x_i`.

    *Bed days.* Bed days are a sum over stays, not a Poisson count: for stays arriving as a
    Poisson process with lengths :math:`d_j`, :math:`\\mathrm{var}(B_i) = \\sum_j d_j^2` and
    :math:`\\mathrm{cov}(A_i, B_i) = \\sum_j d_j = B_i` (compound Poisson). With a
    ``bed_days_squared`` column S_i that is the bed-day variance used; with
    ``bed_days_variance`` the given one; with neither, bed days are treated as Poisson counts
    (variance B_i), which understates the variance by a factor of about
    :math:`E[d^2]/E[d] \\ge` ALOS, and the ``note`` of the bed-day rows says the interval is
    too narrow. A variance V_i other than the Poisson one enters :func:`kpcompare.dsr` as the
    effective count :math:`X_i^2/V_i` over the pseudo-population :math:`n_i X_i/V_i`, so the
    rate keeps its value and gets the variance :math:`V_i/n_i^2`; the interval is then
    Dobson's with the total effective count in place of the total count (``method`` "on
    effective counts X^2/V": the given variance with the skewness of a Poisson count of that
    size; ``method="normal"`` or ``"lognormal"`` use the variance alone).

    *ALOS.* The standardised average length of stay is :math:`L = y_B / y_A`, the
    standardised bed-day rate over the standardised admission rate (METHODS.md section 5).
    Its interval is :math:`L \\exp(\\pm z\\,\\mathrm{SE})` with the delta method on the log scale,
    :math:`\\mathrm{SE}^2 = v_B/y_B^2 + v_A/y_A^2 - 2\\,c/(y_A y_B)`, where the covariance of the two
    DSRs (same standard weights) is :math:`c = \\sum_i (w_i/n_i)^2 C_i` from the strata's
    covariances :math:`C_i`: the ``admissions_bed_days_covariance`` column; with
    ``bed_days_squared`` (and Poisson or repeat-event admissions) the compound-Poisson
    :math:`C_i = B_i`; otherwise 0. For one stratum of stays this is
    :math:`\\sum d^2/B^2 - 1/A`, the delta-method variance of the log of a mean; for survey
    records with the with-replacement terms it is the linearised variance of a weighted mean.
    The ``method`` column names the covariance used. Covariance 0 is the documented fallback:
    with given variances it makes the interval too wide, the true covariance of stays being
    positive (``note`` says so); with Poisson bed days it widens the interval while the Poisson
    bed-day variance narrows it (``note`` says so). Each row's
    covariance matrix is checked to be positive semi-definite, so :math:`\\mathrm{SE}^2 \\ge 0`.
    Ratios between systems (bed days, ALOS) use :func:`kpcompare.compare_rates` on these
    values and variances: the systems are independent, so there is no cross-covariance.

    *Survey weights.* For weighted strata the rate of stratum i is the weighted estimate
    :math:`X_i/n_i`; the data passed to :func:`kpcompare.dsr` are the sample count
    :math:`c_i` over the pseudo-population :math:`n_i c_i/X_i`, which reproduces the rate
    exactly and gives the stratum a relative variance of :math:`1/c_i` (Poisson on the
    sample count). This ignores unequal weights and clustering in the survey design, so
    the intervals are too narrow; a design-based variance needs the design variables.

    With ``bed_days_squared`` but no variance columns, the sample's relative variances are
    kept: :math:`\\mathrm{var}(X_B) = X_B^2 S/c_B^2` and :math:`\\mathrm{cov} = X_A X_B / c_A`
    (design effect ignored).

    *Given variances.* With a ``<count>_variance`` column, the variances :math:`V_i` of the
    stratum totals :math:`X_i` (and covariances, from ``admissions_bed_days_covariance``;
    summed over the rows of a stratum and, for the total, over causes, i.e. assumed
    independent) give the stratum rate the variance :math:`V_i/n_i^2` (effective counts, see
    *Bed days*). For the NHDS demo, :math:`V_i = \\sum_j (w_j y_j)^2` over the records j of the
    stratum (y = 1 for admissions, the stay's bed days for bed days) and
    :math:`C_i = \\sum_j w_j^2 d_j` account for unequal weights, the spread of stay lengths
    and the shared stays, but not for the clustering of records in hospitals and PSUs.

    *Repeat events.* Admissions are not independent (one person can be admitted
    several times). With ``event_frequency`` the strata hold one row per stratum and
    number of admissions f, with ``persons`` = the number of persons admitted exactly f
    times (and ``admissions`` = f x ``persons``); the admission-rate variance is then PHE's
    non-independent-events variance :math:`\\sum_f f^2 \\sum_i p_{i,f} W_i^2` from
    :func:`kpcompare.dsr` (``event_frequency``). For the "all selected" total the
    frequencies are summed over causes, which counts a person admitted for two causes as
    two persons (``note`` says so). With ``person`` (one row per person and stratum, e.g.
    :func:`kpcompare.aggregate` by ``person_id``) the frequencies are tabulated here: f is a
    person's admissions in the stratum, and for the total their admissions over all selected
    causes, so the total's variance is exact. Without either, admissions are treated as
    independent events, which narrows the admission-rate interval; when the strata carry
    :func:`kpcompare.aggregate`'s ``persons`` column and it shows fewer persons than
    admissions, the ``note`` of the admission rows says so.

    References
    ----------
    Ham C, York N, Sutch S, Shaw R. Hospital bed utilisation in the NHS, Kaiser
    Permanente, and the US Medicare programme: analysis of routine data. BMJ
    2003;327:1257. doi:10.1136/bmj.327.7426.1257.
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of
    Poisson parameters. Stat Med 1991;10:457-62. doi:10.1002/sim.4780100317.
    SAS Institute. The STDRATE procedure (log rate ratio). SAS/STAT User's Guide.

    Validated against: hand-computed two-band comparisons (tests/comparison), the
    delta-method variance of a (weighted) mean of stays computed from the stays
    (tests/comparison/test_alos_covariance.py; Cochran 1977, section 6.4) and plain pandas
    re-derivations of the bundled HES and NHDS figures.
    """
    mult = check_positive_number(multiplier, argument="multiplier")
    chosen = _check_measures(measures)
    conf = check_confidence(confidence)
    data_systems = list(dict.fromkeys(_systems_of(strata)))
    if reference not in data_systems:
        raise UnknownNameError(
            f"argument 'reference': system {reference!r} is not in strata column 'system' "
            f"(systems present: {', '.join(map(repr, data_systems))})."
        )
    prep = prepare(strata, population=population, standard=standard, by=by, age_range=age_range,
                   levels=levels, event_frequency=event_frequency, person=person)
    std = _standard_table(prep)
    need_adm = "admissions" in chosen or "alos" in chosen
    need_bed = "bed_days" in chosen or "alos" in chosen
    kw = dict(standard=std, method=method, levels=conf, multiplier=mult, min_count=min_count)
    adm = _rate(prep, "admissions", **kw) if need_adm else None
    bed = _rate(prep, "bed_days", **kw) if need_bed else None
    parts = []
    if "admissions" in chosen:
        parts.append(adm)
    if "bed_days" in chosen:
        parts.append(bed)
    if "alos" in chosen:
        parts.append(_alos(adm, bed, prep, mult))
    res = pd.concat(parts, ignore_index=True)
    ratios = _ratios(res, by=by, reference=reference)
    res = res.merge(ratios, on=["system", by, "measure", "confidence"], how="left")
    res["method"] = res["method"].astype(str) + "; ratio: " + res["ratio_method"].astype(str)
    note = res["note"].fillna("").astype(str).to_numpy(object)
    rnote = res["ratio_note"].fillna("").astype(str).replace("reference level", "").to_numpy(object)
    res["note"] = np.where((rnote != "") & (rnote != note),
                           np.where(note != "", note + "; ", "") + rnote, note)
    if prep.notes:
        extra = "; ".join(prep.notes)
        res["note"] = np.where(res["note"] != "", res["note"] + "; " + extra, extra)
    # order: system, level, measure, confidence
    res["_s"] = pd.Categorical(res["system"], categories=prep.systems, ordered=True)
    res["_l"] = pd.Categorical(res[by], categories=prep.levels, ordered=True)
    res["_m"] = pd.Categorical(res["measure"], categories=chosen, ordered=True)
    res = res.sort_values(["_s", "_l", "_m", "confidence"], kind="stable")
    res = res[["system", by, *COMPARE_COLUMNS]].reset_index(drop=True)
    res["system"] = res["system"].astype(object)
    res[by] = res[by].astype(object)
    return res


def _systems_of(strata: Any) -> list[Any]:
    from .._checks import require_columns

    data = strata_frame(strata)
    require_columns(data, ["system"], argument="strata")
    return list(data["system"].dropna())
