"""Concentration of use and cost: top-x% shares, Lorenz curves and Gini coefficients with bootstrap intervals.

Every function takes person-level data (one row per person, a ``value`` column such as bed days or
cost) or an aggregated frequency table (``frequency=`` names a column counting the persons who have
that value), optionally by groups; the per-person table of :func:`kpcompare.person_totals` is taken as it
is (read part by part into a frequency table of its ``value``).  Statements such as "15% of patients
account for 70% of expenditure" become :func:`check_concentration` on supplied data.

The bootstrap resamples persons: every unit counted by ``frequency`` is treated as one independently
sampled person.  Integer survey weights (such as the NHDS ``weighting``) may be passed as ``frequency``
for point estimates, but the bootstrap interval is then far too narrow (a design-based interval needs
the survey design); use ``n_boot=0`` for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import (
    as_list,
    as_pandas,
    check_confidence,
    check_column_name,
    check_integer_valued,
    check_keys,
    check_measure,
    check_seed,
    check_whole_number,
    check_no_missing,
    check_not_empty,
    check_number,
    check_positive_number,
    require_columns,
)
from .errors import InvalidArgumentError

__all__ = ["lorenz", "gini", "top_share", "check_concentration", "CONCENTRATION_COLUMNS"]

CONCENTRATION_COLUMNS = ["persons", "total", "value", "lower", "upper", "confidence", "method", "statistic", "note"]
#: note of a result computed without a bootstrap (``lower``, ``upper``, ``confidence`` are NaN)
NO_BOOTSTRAP = "no confidence limits: n_boot=0 (no bootstrap)"
#: most bootstrap replicates accepted (10^6 replicates already give limits to about 3 significant figures)
MAX_BOOTSTRAP = 1_000_000
_MAX_CELLS = 4_000_000  # bootstrap block size (replicates x distinct values)


def _prepare(data: pd.DataFrame, value: str, frequency: str | None, by: list[str]) -> pd.DataFrame:
    if frequency is None and hasattr(data, "frequencies"):  # kpcompare.person_totals: read part by part
        data, frequency = data.frequencies(value), "persons"
    frame = as_pandas(data)
    check_column_name(value, argument="value")
    if frequency is not None:
        check_column_name(frequency, argument="frequency")
    cols = [*by, value] + ([frequency] if frequency else [])
    require_columns(frame, cols)
    check_no_missing(frame, cols)
    check_keys(frame, by)
    check_measure(frame, [value] + ([frequency] if frequency else []))
    if frequency:
        check_integer_valued(frame, [frequency], hint="A frequency counts persons; give whole numbers.")
    out = frame[cols].copy()
    out["_x"] = out[value].astype(float)
    out["_n"] = out[frequency].astype(float) if frequency else 1.0
    # collapse to distinct values per group (sorted): exact for the Lorenz curve and the Gini
    agg = out.groupby([*by, "_x"], sort=True, dropna=False, observed=True)["_n"].sum().reset_index()
    agg = agg.loc[agg["_n"] > 0]
    check_not_empty(agg, argument="data", need="concentration needs at least one person (a frequency > 0).")
    return agg


def _matrix(table: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Groups as rows of two left-padded matrices: distinct values ``x`` (ascending) and their counts."""
    if by:
        codes = table.groupby(by, sort=True, dropna=False, observed=True).ngroup().to_numpy()
        keys = table[by].drop_duplicates().sort_values(by).reset_index(drop=True)
    else:
        codes = np.zeros(len(table), dtype=int)
        keys = pd.DataFrame(index=[0])
    sizes = np.bincount(codes, minlength=len(keys))
    width = int(sizes.max()) if len(sizes) else 0
    # position within the row, right-aligned so that zero-count padding sits at the low end
    order = np.argsort(codes, kind="stable")
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    col = np.arange(len(codes)) - np.repeat(start, sizes) + np.repeat(width - sizes, sizes)
    x = np.zeros((len(keys), width))
    n = np.zeros((len(keys), width))
    x[codes[order], col] = table["_x"].to_numpy()[order]
    n[codes[order], col] = table["_n"].to_numpy()[order]
    return keys, x, n


def _gini_rows(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Gini of each row of ``counts`` (rows x distinct values; ``x`` ascending, same shape or one row)."""
    n = counts.sum(axis=1)
    mass = counts * x
    total = mass.sum(axis=1)
    cum = np.cumsum(mass, axis=1)
    prev = cum - mass
    with np.errstate(invalid="ignore", divide="ignore"):
        area = ((counts / n[:, None]) * (cum + prev) / total[:, None]).sum(axis=1)
    return 1.0 - area


def _top_rows(x: np.ndarray, counts: np.ndarray, top: float) -> np.ndarray:
    """Share of the total held by the top ``top`` fraction of persons, per row (Lorenz interpolation)."""
    x = np.broadcast_to(x, counts.shape)
    n = counts.sum(axis=1)
    mass = counts * x
    total = mass.sum(axis=1)
    # descending order: persons with the largest values first
    c_desc, m_desc, x_desc = counts[:, ::-1], mass[:, ::-1], x[:, ::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        cum_p = np.cumsum(c_desc, axis=1) / n[:, None]
    cum_m = np.cumsum(m_desc, axis=1)
    # index of the first distinct value whose cumulative person share reaches ``top``
    k = np.minimum((cum_p < top - 1e-12).sum(axis=1), counts.shape[1] - 1)
    rows = np.arange(counts.shape[0])
    before_p = cum_p[rows, k] - c_desc[rows, k] / n
    before_m = cum_m[rows, k] - m_desc[rows, k]
    # persons taken from the k-th value: (top - before_p) * n, each holding x
    held = before_m + (top - before_p) * n * x_desc[rows, k]
    with np.errstate(invalid="ignore", divide="ignore"):
        return held / total


def _bootstrap(x: np.ndarray, n: np.ndarray, stat, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Nonparametric bootstrap of persons, as multinomial draws of the distinct-value counts (vectorised)."""
    persons = int(round(n.sum()))
    p = n / n.sum()
    block = max(1, _MAX_CELLS // max(1, len(x)))
    out = []
    for start in range(0, n_boot, block):  # blocks bound memory; each block is vectorised
        size = min(block, n_boot - start)
        draws = rng.multinomial(persons, p, size=size).astype(float)
        out.append(stat(x, draws))
    return np.concatenate(out)


def _summarise(data, value, frequency, by, stat, *, confidence, n_boot, random_state, method_label,
               statistic):
    by = as_list(by)
    n_boot = check_whole_number(n_boot, argument="n_boot", high=MAX_BOOTSTRAP)
    levels = check_confidence(confidence) if n_boot else []
    rng = np.random.default_rng(check_seed(random_state))
    keys, x, n = _matrix(_prepare(data, value, frequency, by), by)
    point = stat(x, n)  # vectorised over groups
    total = (x * n).sum(axis=1)
    base = keys.assign(persons=n.sum(axis=1), total=total, value=point,
                       note=np.where(total > 0, "", "total is 0: concentration undefined"))
    if not n_boot:
        out = base.assign(lower=np.nan, upper=np.nan, confidence=np.nan, method=method_label,
                          statistic=statistic, note=np.where(base["note"] == "", NO_BOOTSTRAP,
                                                            base["note"] + "; " + NO_BOOTSTRAP))
        return out[[*by, *CONCENTRATION_COLUMNS]]
    bounds = np.full((len(keys), len(levels), 2), np.nan)
    probs = np.array([[(1 - lv) / 2, 1 - (1 - lv) / 2] for lv in levels])
    for g in range(len(keys)):  # one vectorised bootstrap block per group
        keep = n[g] > 0
        if total[g] > 0:
            reps = _bootstrap(x[g, keep], n[g, keep], stat, n_boot, rng)
            bounds[g] = np.nanquantile(reps, probs.ravel()).reshape(len(levels), 2)
    out = base.loc[base.index.repeat(len(levels))].reset_index(drop=True)
    out["lower"] = bounds[:, :, 0].ravel()
    out["upper"] = bounds[:, :, 1].ravel()
    out["confidence"] = np.tile(levels, len(keys))
    out["method"] = f"{method_label}; percentile bootstrap of persons, {n_boot} replicates"
    out["statistic"] = statistic
    return out[[*by, *CONCENTRATION_COLUMNS]]


def gini(data: pd.DataFrame, *, value: str, frequency: str | None = None, by: str | list[str] | None = None,
         confidence: float | list[float] = 0.95, n_boot: int = 1000, random_state: int | None = None,
         correction: bool = False) -> pd.DataFrame:
    """Gini coefficient of ``value`` over persons, with a percentile bootstrap interval.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        Person-level rows, or a frequency table when ``frequency`` is given.
    value : str
        Column with each person's use or cost (non-negative).
    frequency : str, optional
        Column counting the persons with that value (aggregated input).
    by : str or list of str, optional
        Group columns; one result per group.
    confidence : float or list of float, default 0.95
        Several levels give several rows.
    n_boot : int, default 1000
        Bootstrap replicates; 0 for the point estimate only (``lower``/``upper`` missing).
    random_state : int, optional
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same interval.
    correction : bool, default False
        Multiply by N/(N-1) (the "unbiased" small-sample Gini of DescTools ``Gini(unbiased=TRUE)``).

    Returns
    -------
    pandas.DataFrame
        ``<by...>, persons, total, value, lower, upper, confidence, method, statistic, note``.

    Notes
    -----
    With distinct values x₁ < … < x_k held by n_j persons (N = Σn_j, T = Σn_j x_j), cumulative shares
    F_j = Σ_{i≤j} n_i/N and L_j = Σ_{i≤j} n_i x_i/T, the Gini is one minus twice the area under the
    Lorenz curve (trapezium rule, exact for a discrete distribution):

    .. math:: G = 1 - \\sum_j (F_j - F_{j-1})(L_j + L_{j-1}).

    For person-level data this equals Σ_i (2i - N - 1) x_(i) / (N Σx), R ``ineq::Gini(x)``.  The
    bootstrap resamples persons with replacement (multinomial draws of the n_j), vectorised.

    References
    ----------
    Gini C. Variabilità e mutabilità (1912).  Efron B, Tibshirani RJ. An Introduction to the
    Bootstrap. Chapman & Hall 1993 (percentile interval).  doi:10.1007/978-1-4899-4541-9.

    Validated against: Inequality.jl ``gini([8,5,1,3,5,6,7,6,3]) = 0.2373737373737374`` (package
    docstring) and the closed form for 1..n, G = (n-1)/(3n) (tests/concentration).
    """
    def stat(x, counts):
        g = _gini_rows(x, counts)
        if correction:
            n = counts.sum(axis=1)
            g = g * n / (n - 1)
        return g

    return _summarise(data, value, frequency, by, stat, confidence=confidence, n_boot=n_boot,
                      random_state=random_state, method_label="Lorenz-curve trapezium (ineq::Gini)"
                      + (" x N/(N-1)" if correction else ""), statistic="Gini coefficient")


def top_share(data: pd.DataFrame, *, value: str, top: float = 0.15, frequency: str | None = None,
              by: str | list[str] | None = None, confidence: float | list[float] = 0.95, n_boot: int = 0,
              random_state: int | None = None) -> pd.DataFrame:
    """Share of the total of ``value`` held by the top ``top`` fraction of persons.

    Parameters
    ----------
    top : float, default 0.15
        Fraction of persons (0 < top <= 1), those with the largest values.
    n_boot : int, default 0
        Bootstrap replicates for an interval (0: point estimate only).  The other parameters are as in
        :func:`gini`.

    Returns
    -------
    pandas.DataFrame
        ``<by...>, persons, total, value, lower, upper, confidence, method, statistic, note``.

    Notes
    -----
    S(t) = 1 - L(1 - t), the Lorenz curve read at 1 - t with linear interpolation between its
    points; when t·N is not a whole number the person at the boundary counts fractionally.

    References
    ----------
    Lorenz MO. Methods of measuring the concentration of wealth. J Am Stat Assoc 1905;9:209-19.
    doi:10.2307/2276207.

    Validated against: closed forms (top 15% of 1..100 hold 1395/5050; of 1..10, 14.5/55 with a
    fractional person) and person-level vs frequency-table equality (tests/concentration).
    """
    top = float(check_positive_number(top, argument="top"))
    if top > 1:
        raise InvalidArgumentError(f"argument 'top': {top!r} must be a fraction of persons in (0, 1], e.g. 0.15.")
    return _summarise(data, value, frequency, by, lambda x, c: _top_rows(x, c, top), confidence=confidence,
                      n_boot=n_boot, random_state=random_state, method_label="Lorenz-curve interpolation",
                      statistic=f"share of total held by the top {top:.4g} of persons")


def lorenz(data: pd.DataFrame, *, value: str, frequency: str | None = None,
           by: str | list[str] | None = None) -> pd.DataFrame:
    """Points of the Lorenz curve: ``<by...>, value, persons, person_share, total_share, note``.

    One row per distinct value (ascending) after a (0, 0) start row; ``person_share`` is the cumulative
    share of persons F_j and ``total_share`` the cumulative share of the total L_j.  ``note`` says why a
    value is missing: the start row has no value (:data:`LORENZ_ORIGIN`), and a group whose total is 0 has
    no shares of it.

    Notes
    -----
    F_j = Σ_{i≤j} n_i / N and L_j = Σ_{i≤j} n_i x_i / T over distinct values x_1 < … < x_k (Lorenz 1905,
    doi:10.2307/2276207); vectorised over groups.

    Validated against: hand calculation ([1, 1, 2] gives (2/3, 1/2); tests/concentration).
    """
    by = as_list(by)
    keys = by or ["_all"]
    table = _prepare(data, value, frequency, by)
    if not by:
        table["_all"] = 0
    groups = [table[c] for c in keys]
    mass = table["_x"] * table["_n"]
    tot_m = mass.groupby(groups, sort=False, observed=True).transform("sum")
    points = table[keys].assign(
        value=table["_x"], persons=table["_n"],
        person_share=(table.groupby(keys, sort=False, observed=True)["_n"].cumsum()
                      / table.groupby(keys, sort=False, observed=True)["_n"].transform("sum")),
        total_share=(mass.groupby(groups, sort=False, observed=True).cumsum() / tot_m).where(tot_m > 0), _start=1)
    points["note"] = np.where(tot_m > 0, "", "total is 0: concentration undefined")
    start = table[keys].drop_duplicates().assign(value=np.nan, persons=0.0, person_share=0.0, total_share=0.0,
                                                 _start=0, note=LORENZ_ORIGIN)
    out = pd.concat([start, points], ignore_index=True)
    out = out.sort_values([*keys, "_start"], kind="stable").reset_index(drop=True)
    return out[[*by, "value", "persons", "person_share", "total_share", "note"]]


#: the note of the (0, 0) start row of each Lorenz curve, whose ``value`` is missing (no person there)
LORENZ_ORIGIN = "origin of the curve (0, 0): no person, no value"


def check_concentration(data: pd.DataFrame, *, value: str, top: float, claimed: float, tolerance: float = 0.05,
                        frequency: str | None = None, by: str | list[str] | None = None,
                        confidence: float | list[float] = 0.95, n_boot: int = 0,
                        random_state: int | None = None) -> pd.DataFrame:
    """Check a statement "the top ``top`` of persons account for ``claimed`` of the total" on supplied data.

    Parameters
    ----------
    data : pandas.DataFrame or pyarrow.Table
        Person-level rows (or a frequency table with ``frequency``), as for :func:`top_share`.
    value : str
        Each person's use or cost.
    top, claimed : float
        Fractions: "15% of patients account for 70% of expenditure" is ``top=0.15, claimed=0.70``.
    tolerance : float, default 0.05
        The statement is read as ``claimed ± tolerance`` (wording ``"about"`` of
        :func:`kpcompare.figures.bounds`); 0.05 (five percentage points) suits a round percentage
        such as "70%".  The bundled registry reads the Department of Health's figure the same way
        (``doh2003.top15_share_70pct``).
    frequency, by : optional
        As for :func:`top_share`.
    confidence, n_boot, random_state : optional
        With ``n_boot`` > 0, a percentile bootstrap interval of the computed share (one row per level).

    Returns
    -------
    pandas.DataFrame
        ``<by...>, top, claimed, lower, upper, computed, computed_lower, computed_upper, confidence,
        holds, holds_throughout, method, note``: ``lower``/``upper`` are the statement's bounds,
        ``computed`` the share held by the top ``top`` of persons (:func:`top_share`), ``holds`` whether
        it lies within the bounds, and ``holds_throughout`` whether the whole bootstrap interval does
        (missing without a bootstrap).  ``note`` says when the statement does not hold, or holds only
        at the point estimate.

    Notes
    -----
    S(t) = 1 - L(1 - t) as in :func:`top_share`; the statement holds when
    claimed - tolerance <= S(t) <= claimed + tolerance.

    Validated against: constructed data where the top 15 of 100 persons hold exactly 70% of the total
    (tests/concentration).
    """
    from .wording import bounds

    tol = check_number(tolerance, argument="tolerance", low=0)
    claimed = check_number(claimed, argument="claimed", low=0, high=1)
    b = bounds(claimed, wording="about", tolerance=tol)
    res = top_share(data, value=value, top=top, frequency=frequency, by=by, confidence=confidence,
                    n_boot=n_boot, random_state=random_state)
    share = res["value"].to_numpy(dtype=float)
    holds = np.array([b.contains(v) for v in share], dtype=bool)
    lo, hi = res["lower"].to_numpy(dtype=float), res["upper"].to_numpy(dtype=float)
    known = ~(np.isnan(lo) | np.isnan(hi))
    inside = np.array([b.contains(x) and b.contains(y) for x, y in zip(lo, hi)], dtype=bool)
    throughout = pd.array(np.where(known, inside, False), dtype="boolean")
    throughout[~known] = pd.NA
    note = [  # one row per group and confidence level: presentation-sized
        f"statement does not hold on these data: the top {top:.0%} hold {100 * v:.1f}%" if not ok
        else f"holds at the point estimate, but the bootstrap interval [{100 * x:.1f}%, {100 * y:.1f}%] leaves {b}"
        if k and not i else ""
        for v, ok, k, i, x, y in zip(share, holds, known, inside, lo, hi)]
    out = res[as_list(by)].copy()
    out["top"] = top
    out["claimed"] = claimed
    out["lower"], out["upper"] = b.lower, b.upper
    out["computed"] = share
    out["computed_lower"], out["computed_upper"] = lo, hi
    out["confidence"] = res["confidence"].to_numpy()
    out["holds"] = holds
    out["holds_throughout"] = throughout
    out["method"] = res["method"].to_numpy()
    out["note"] = note
    return out.reset_index(drop=True)
