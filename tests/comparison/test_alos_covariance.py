"""kpcompare.compare: bed-day variance and the covariance of admissions and bed days (ALOS interval).

Every expected value is computed here with numpy from the raw lengths of stay (and survey weights) of each
stratum, by a formula that does not go through compare's standardised totals: the delta-method variance of
the log of a (weighted) mean of stays,

    var(log R) = sum_j a_j^2 (L_j - R)^2 / (sum_j a_j)^2 / R^2,   R = sum_j a_j L_j / sum_j a_j,

where a_j = w_i / n_i (standard weight over population of the stay's stratum), times the survey weight of the
stay. This is the linearisation of a ratio estimator (Cochran 1977, Sampling Techniques, section 6.4; Woodruff
1971, JASA 66:411, doi:10.1080/01621459.1971.10482279) with stays arriving as a Poisson process, i.e. the
compound-Poisson variance sum L^2 of bed days and covariance sum L = bed days with admissions. With one
stratum and no weights it is var(L) / (n mean(L)^2), the variance of the log of a mean (numpy's np.var, ddof 0).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import kpcompare
from kpcompare.comparison.compare import ALOS_METHODS, POISSON_DAYS_NOTE, SQUARED_NOTE

Z = norm.ppf(0.975)


def _strata(stays: dict[tuple[str, str], list[float]], weights: dict | None = None, *,
            squared: bool = True, design: bool = False) -> pd.DataFrame:
    """One row per (system, band) from the stays; with weights the with-replacement design columns."""
    rows = []
    for (system, band), lengths in stays.items():
        L = np.asarray(lengths, float)
        row = {"system": system, "age_band": band, "condition": "stroke", "admissions": len(L),
               "bed_days": L.sum()}
        if squared:
            row["bed_days_squared"] = (L**2).sum()
        if weights is not None:
            w = np.asarray(weights[(system, band)], float)
            row.update(weighted_admissions=w.sum(), weighted_bed_days=(w * L).sum())
            if design:
                row.update(admissions_variance=(w**2).sum(), bed_days_variance=(w**2 * L**2).sum(),
                           admissions_bed_days_covariance=(w**2 * L).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _direct_var_log(stays, pop, std, system, weights=None):
    """var(log ALOS) from the stays: linearised ratio estimator with per-stay weights a_j (see module doc)."""
    a, L = [], []
    total_std = sum(std.values())
    for (s, band), lengths in stays.items():
        if s != system:
            continue
        w = np.ones(len(lengths)) if weights is None else np.asarray(weights[(s, band)], float)
        a.append(w * std[band] / total_std / pop[(s, band)])
        L.append(np.asarray(lengths, float))
    a, L = np.concatenate(a), np.concatenate(L)
    R = (a * L).sum() / a.sum()
    return R, (a**2 * (L - R) ** 2).sum() / a.sum() ** 2 / R**2


def _pop(pop: dict) -> pd.DataFrame:
    return pd.DataFrame([{"system": s, "age_band": b, "population": n} for (s, b), n in pop.items()])


def _row(res, system, measure, condition="stroke"):
    sel = res[(res["system"] == system) & (res["measure"] == measure) & (res["condition"] == condition)]
    assert len(sel) == 1
    return sel.iloc[0]


STAYS_1 = {("A", "65+"): [1, 2, 2, 3, 5, 8, 13, 21, 1, 4, 30, 2]}


def test_one_stratum_alos_interval_is_the_delta_method_interval_of_the_log_mean():
    L = np.asarray(STAYS_1[("A", "65+")], float)
    res = kpcompare.compare(_strata(STAYS_1), population=_pop({("A", "65+"): 5000}), standard="A",
                            reference="A", min_count=0, multiplier=1000)
    alos = _row(res, "A", "alos")
    mean, se = L.mean(), math.sqrt(np.var(L) / (len(L) * L.mean() ** 2))  # var(log mean), ddof 0
    assert alos["value"] == pytest.approx(mean, rel=1e-12)
    assert alos["lower"] == pytest.approx(mean * math.exp(-Z * se), rel=1e-12)
    assert alos["upper"] == pytest.approx(mean * math.exp(Z * se), rel=1e-12)
    assert alos["variance"] == pytest.approx(mean**2 * se**2, rel=1e-12)
    assert alos["method"].startswith(ALOS_METHODS["compound"])
    # the same as sum L^2 / D^2 - 1 / N
    assert se**2 == pytest.approx((L**2).sum() / L.sum() ** 2 - 1 / len(L), rel=1e-12)
    # without bed_days_squared: Poisson days, covariance 0 (the documented fallback): SE^2 = 1/D + 1/N
    poisson = kpcompare.compare(_strata(STAYS_1, squared=False), population=_pop({("A", "65+"): 5000}),
                                standard="A", reference="A", min_count=0, multiplier=1000)
    old = _row(poisson, "A", "alos")
    assert old["upper"] == pytest.approx(mean * math.exp(Z * math.sqrt(1 / L.sum() + 1 / len(L))), rel=1e-12)
    assert old["method"].startswith(ALOS_METHODS["zero"])
    assert "bed days treated as Poisson counts and their covariance with admissions as 0" in old["note"]
    assert POISSON_DAYS_NOTE in _row(poisson, "A", "bed_days")["note"]


STAYS_2 = {
    ("A", "65-74"): [1, 3, 3, 4, 7, 2, 9, 15, 2, 6],
    ("A", "75+"): [4, 10, 22, 3, 8, 8, 40, 5, 6, 12, 1, 19],
    ("B", "65-74"): [2, 2, 3, 1, 1, 4, 2, 5, 3, 2, 2],
    ("B", "75+"): [3, 6, 4, 9, 2, 5, 7, 3, 11, 4],
}
POP_2 = {("A", "65-74"): 1000, ("A", "75+"): 400, ("B", "65-74"): 3000, ("B", "75+"): 900}
# a standard unlike either system's age structure, so the per-stay weights a_j differ between bands
STD_2 = {"65-74": 700, "75+": 300}
STD_2_TABLE = pd.DataFrame({"age_band": list(STD_2), "population": list(STD_2.values())})


def test_two_strata_alos_interval_and_ratio_by_hand():
    res = kpcompare.compare(_strata(STAYS_2), population=_pop(POP_2), standard=STD_2_TABLE, reference="A",
                            min_count=0, multiplier=1000)
    var_log = {}
    for system in ("A", "B"):
        R, var_log[system] = _direct_var_log(STAYS_2, POP_2, STD_2, system)
        alos = _row(res, system, "alos")
        assert alos["value"] == pytest.approx(R, rel=1e-12)
        assert alos["lower"] == pytest.approx(R * math.exp(-Z * math.sqrt(var_log[system])), rel=1e-12)
        assert alos["upper"] == pytest.approx(R * math.exp(Z * math.sqrt(var_log[system])), rel=1e-12)
    # ALOS ratio B / A: independent systems, var(log ratio) = var_log(A) + var_log(B), no cross-covariance
    b = _row(res, "B", "alos")
    se = math.sqrt(var_log["A"] + var_log["B"])
    assert b["ratio_lower"] == pytest.approx(b["ratio"] * math.exp(-Z * se), rel=1e-12)
    assert b["ratio_upper"] == pytest.approx(b["ratio"] * math.exp(Z * se), rel=1e-12)
    # the bed-day ratio uses the compound-Poisson variances sum_i (w_i / n_i)^2 sum L^2 of both systems
    v = {}
    for system in ("A", "B"):
        v[system] = sum((STD_2[band] / 1000 / POP_2[(system, band)] * 1000) ** 2
                        * (np.asarray(STAYS_2[(system, band)], float) ** 2).sum() for band in STD_2)
        assert _row(res, system, "bed_days")["variance"] == pytest.approx(v[system], rel=1e-12)
    bed = _row(res, "B", "bed_days")
    a_bed = _row(res, "A", "bed_days")
    se = math.sqrt(v["A"] / a_bed["value"] ** 2 + v["B"] / bed["value"] ** 2)
    assert bed["ratio_upper"] == pytest.approx(bed["ratio"] * math.exp(Z * se), rel=1e-12)


def test_bed_day_rate_interval_uses_the_sum_of_squared_stays():
    # one stratum: rate y = D / n x 1000, variance S / n^2 x 1e6; Dobson on the effective count T = D^2 / S
    L = np.asarray(STAYS_1[("A", "65+")], float)
    D, S, n = L.sum(), (L**2).sum(), 5000.0
    pop = _pop({("A", "65+"): n})
    res = kpcompare.compare(_strata(STAYS_1), population=pop, standard="A", reference="A", min_count=0, multiplier=1000)
    bed = _row(res, "A", "bed_days")
    y, v = D / n * 1000, S / n**2 * 1e6
    assert bed["value"] == pytest.approx(y) and bed["variance"] == pytest.approx(v)
    T = D**2 / S
    byar_lo = T * (1 - 1 / (9 * T) - Z / (3 * math.sqrt(T))) ** 3  # Byar's approximation (Breslow & Day 1987)
    byar_hi = (T + 1) * (1 - 1 / (9 * (T + 1)) + Z / (3 * math.sqrt(T + 1))) ** 3
    assert bed["lower"] == pytest.approx(y + math.sqrt(v / T) * (byar_lo - T), rel=1e-9)
    assert bed["upper"] == pytest.approx(y + math.sqrt(v / T) * (byar_hi - T), rel=1e-9)
    assert "effective counts" in bed["method"] and SQUARED_NOTE in bed["note"]
    normal = kpcompare.compare(_strata(STAYS_1), population=pop, standard="A", reference="A", min_count=0,
                               method="normal", measures="bed_days", multiplier=1000)
    assert normal["lower"].iloc[0] == pytest.approx(y - Z * math.sqrt(v), rel=1e-12)


def test_min_count_applies_to_the_sample_counts_not_the_effective_count():
    # 12 stays, 92 bed days, sum L^2 = 1566: effective count 92^2 / 1566 = 5.4 < 10, but 92 bed days are not few
    pop = _pop({("A", "65+"): 5000})
    shown = kpcompare.compare(_strata(STAYS_1), population=pop, standard="A", reference="A", multiplier=1000)
    assert _row(shown, "A", "bed_days")["value"] == pytest.approx(92 / 5000 * 1000)
    assert np.isfinite(_row(shown, "A", "alos")["upper"])
    few = kpcompare.compare(_strata({("A", "65+"): [1, 2, 1, 3, 2]}), population=pop, standard="A", reference="A", multiplier=1000)
    assert np.isnan(_row(few, "A", "bed_days")["value"])  # 9 bed days
    assert "suppressed: total count below min_count (10)" in _row(few, "A", "bed_days")["note"]


WEIGHTS_2 = {
    ("A", "65-74"): [120, 80, 100, 300, 90, 110, 250, 60, 75, 100],
    ("A", "75+"): [50, 400, 120, 90, 60, 70, 80, 200, 100, 100, 45, 130],
    ("B", "65-74"): [1000] * 11,
    ("B", "75+"): [900, 1100, 1000, 950, 1050, 800, 1200, 1000, 1000, 1000],
}
POP_W = {("A", "65-74"): 500_000, ("A", "75+"): 200_000, ("B", "65-74"): 3_000_000, ("B", "75+"): 900_000}


def test_survey_weighted_alos_uses_the_with_replacement_covariance():
    strata = _strata(STAYS_2, WEIGHTS_2, squared=False, design=True)
    res = kpcompare.compare(strata, population=_pop(POP_W), standard=STD_2_TABLE, reference="A", min_count=0, multiplier=1000)
    for system in ("A", "B"):
        R, var_log = _direct_var_log(STAYS_2, POP_W, STD_2, system, WEIGHTS_2)
        alos = _row(res, system, "alos")
        assert alos["value"] == pytest.approx(R, rel=1e-12)
        assert alos["lower"] == pytest.approx(R * math.exp(-Z * math.sqrt(var_log)), rel=1e-12)
        assert alos["upper"] == pytest.approx(R * math.exp(Z * math.sqrt(var_log)), rel=1e-12)
        assert alos["method"].startswith(ALOS_METHODS["given"])
    # given variances without the covariance: covariance 0, noted, and a wider interval
    no_cov = kpcompare.compare(strata.drop(columns="admissions_bed_days_covariance"), population=_pop(POP_W),
                               standard=STD_2_TABLE, reference="A", min_count=0, multiplier=1000)
    wide = _row(no_cov, "A", "alos")
    assert wide["upper"] > _row(res, "A", "alos")["upper"]
    assert "covariance of admissions and bed days not given, taken as 0" in wide["note"]


def test_weighted_strata_with_bed_days_squared_scale_the_sample_relative_variance():
    # no design columns: relative variances from the sample, rel var(D) = S / D_s^2, rel cov = 1 / N_s
    strata = _strata({("A", "65+"): STAYS_1[("A", "65+")]}, {("A", "65+"): [100.0] * 6 + [300.0] * 6})
    res = kpcompare.compare(strata, population=_pop({("A", "65+"): 1e6}), standard="A", reference="A",
                            min_count=0, multiplier=1000)
    L = np.asarray(STAYS_1[("A", "65+")], float)
    alos = _row(res, "A", "alos")
    assert alos["variance"] == pytest.approx(alos["value"] ** 2 * ((L**2).sum() / L.sum() ** 2 - 1 / len(L)))
    assert "design effect ignored" in _row(res, "A", "bed_days")["note"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), min_size=1, max_size=25), min_size=1, max_size=3),
       st.lists(st.integers(1, 50), min_size=3, max_size=3))
def test_property_alos_variance_from_stays_is_non_negative_and_direct(bands, std_sizes):
    names = ["60-69", "70-79", "80+"][: len(bands)]
    stays = {("A", b): lengths for b, lengths in zip(names, bands)}
    if sum(map(sum, bands)) == 0:
        return  # ALOS 0: undefined on the log scale
    pop = {("A", b): 1000 * (i + 1) for i, b in enumerate(names)}
    std = dict(zip(names, std_sizes))
    res = kpcompare.compare(_strata(stays), population=_pop(pop),
                            standard=pd.DataFrame({"age_band": names, "population": std_sizes[: len(names)]}),
                            reference="A", min_count=0, measures="alos", multiplier=1000)
    alos = res.iloc[0]
    R, var_log = _direct_var_log(stays, pop, std, "A")
    assert alos["variance"] >= 0
    assert alos["value"] == pytest.approx(R, rel=1e-9)
    assert alos["variance"] == pytest.approx(R**2 * var_log, rel=1e-7, abs=1e-12 * R**2)


def test_errors_for_covariance_and_squared_stays():
    base = _strata(STAYS_2, WEIGHTS_2, squared=False, design=True)
    pop = _pop(POP_W)
    kw = dict(population=pop, standard=STD_2_TABLE, reference="A")
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'admissions_bed_days_covariance': rule 'given only with admissions_variance "
                             "and bed_days_variance' broken by 4 rows"):
        kpcompare.compare(base.drop(columns="admissions_variance"), **kw)
    big = base.assign(admissions_bed_days_covariance=base["admissions_bed_days_covariance"] * [1, 1, 1, 100])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match=r"column 'admissions_bed_days_covariance': rule 'at most sqrt\(admissions_variance x "
                             r"bed_days_variance\) in size' broken by 1 row \(e.g. \{'system': 'B', 'age_band': "
                             r"'75\+'\}\)"):
        kpcompare.compare(big, **kw)
    plain = _strata(STAYS_2)
    short = plain.assign(bed_days_squared=plain["bed_days"])  # as if all stays had length 1
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'bed_days_squared': rule 'at least bed_days\\^2 / admissions"):
        kpcompare.compare(short, **{**kw, "population": _pop(POP_2)})
    partial = plain.assign(bed_days_squared=[10.0, np.nan, 5.0, 8.0])
    with pytest.raises(kpcompare.errors.InvalidValueError,
                       match="column 'bed_days_squared': rule 'given for every row of a system or for none'"):
        kpcompare.compare(partial, **{**kw, "population": _pop(POP_2)})


def test_bed_days_squared_from_an_extract_gives_the_same_alos_interval():
    """aggregate(unit="spell", bed_days_squared=True) -> compare: the stays' compound-Poisson interval, as from
    the hand-made strata above (each person one provider spell of two episodes, the stay = the spell)."""
    L = STAYS_1[("A", "65+")]
    day0 = pd.Timestamp("2020-03-01")
    rows = []
    for person, stay in enumerate(L):
        end = day0 + pd.Timedelta(days=stay)
        middle = day0 + pd.Timedelta(days=stay // 2)
        for order, (start, stop) in enumerate([(day0, middle), (middle, end)], start=1):
            rows.append({"person_id": person, "episode_id": order, "provider": "P1", "system": "A", "sex": "F",
                         "age": 70, "primary_diagnosis": "I63.9", "episode_order": order,
                         "admission_date": day0.date(), "discharge_date": end.date() if order == 2 else None,
                         "episode_start": start.date(), "episode_end": stop.date()})
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("system", "age_band", "condition"), age_bands=[0, 65],
                                 conditions={"stroke": ["I60-I64"]}, unit="spell", bed_days_squared=True,
                                 progress=False)
    got = result.strata.set_index("age_band").loc["65+"]
    assert (got["admissions"], got["bed_days"], got["bed_days_squared"]) == (len(L), sum(L), sum(x * x for x in L))
    res = kpcompare.compare(result, population=_pop({("A", "65+"): 5000, ("A", "0-64"): 5000}), standard="A",
                            reference="A", min_count=0, multiplier=1000)
    want = kpcompare.compare(_strata(STAYS_1), population=_pop({("A", "65+"): 5000}), standard="A",
                             reference="A", min_count=0, multiplier=1000)
    for measure in ("bed_days", "alos"):
        mine, theirs = _row(res, "A", measure), _row(want, "A", measure)
        assert (mine["value"], mine["lower"], mine["upper"]) == pytest.approx(
            (theirs["value"], theirs["lower"], theirs["upper"]), rel=1e-12)
    assert _row(res, "A", "alos")["method"].startswith(ALOS_METHODS["compound"])
    assert SQUARED_NOTE in _row(res, "A", "bed_days")["note"]
