"""System profiles: densities per 100,000 covered persons and ratios between systems.

Profile tables are tidy: ``system, measure, value`` (a count such as physicians or hospitals, or an
already published density).  :func:`profile_table` loads the bundled ones, :func:`densities` divides
counts by the covered population, :func:`ratios` compares two systems measure by measure (with the
interval the printed rounding of the inputs allows) and :func:`check_claims` tests statements such
as "twice the concentration of gynaecologists" against the ratios, saying when they do not hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import (
    as_pandas,
    check_choice,
    check_keys,
    check_level,
    check_measure,
    check_no_missing,
    check_positive_number,
    require_columns,
)
from ._deprecation import renamed_keywords
from .errors import DuplicateKeyError, UnknownNameError, row_problem
from .wording import bounds as wording_bounds

__all__ = ["profile_table", "densities", "ratios", "check_claims", "PROFILE_TABLES", "PROFILE_COLUMNS",
           "DENSITY_COLUMNS", "RATIO_COLUMNS", "CLAIM_COLUMNS"]

PROFILE_COLUMNS = ["system", "measure", "value", "unit", "period", "source"]
DENSITY_COLUMNS = ["system", "measure", "count", "population", "value", "statistic", "note"]
RATIO_COLUMNS = ["measure", "numerator", "denominator", "numerator_value", "denominator_value", "value",
                 "lower", "upper", "statistic", "note"]
CLAIM_COLUMNS = ["measure", "statement", "claimed", "wording", "lower", "upper", "computed", "computed_lower",
                 "computed_upper", "holds", "holds_throughout", "note"]
#: bundled profile tables (see :func:`profile_table`)
PROFILE_TABLES = ("aucoin2013", "feachem2002_specialists")


def profile_table(name: str) -> pd.DataFrame:
    """A bundled system-profile table, tidy: ``system, measure, value, unit, period, source``.

    Parameters
    ----------
    name : {"aucoin2013", "feachem2002_specialists"}
        ``"aucoin2013"``: Intermountain Healthcare and Kaiser Permanente in 2011 (members, hospitals,
        medical clinics, physicians, nurses, employees), from the project's founding documents (Aucoin L,
        Le leadership médical en action, 2013, slides 3 and 5; ``data/published/seed_documents_figures.csv``).
        Intermountain's "insured members" is named ``members`` like Kaiser's; Kaiser's California
        membership is the system ``Kaiser Permanente (California)`` (its only measure).
        ``"feachem2002_specialists"``: specialists per 100,000, NHS and Kaiser California (Feachem et al,
        BMJ 2002;324:135, doi:10.1136/bmj.324.7330.135, as reproduced in Managed Care, June 2002;
        ``data/published/feachem2002_other_measures_secondary.csv``), printed to one decimal.

    Returns
    -------
    pandas.DataFrame
        One row per system and measure, values as printed (floats).
    """
    from .datasets import published

    check_choice(name, PROFILE_TABLES, argument="name")
    if name == "aucoin2013":
        seed = published("seed_documents_figures")
        seed = seed.loc[seed["period"].astype(str).eq("2011")].copy()
        seed["measure"] = seed["measure"].replace({"insured members": "members"})
        slide = np.where(seed["system"].str.startswith("Intermountain"), "slide 3", "slide 5")
        seed["source"] = ("Aucoin L. Le leadership médical en action (colloque, Montérégie, 15 April 2013), "
                          + pd.Series(slide, index=seed.index) + " (data 2011)")
        out = seed.assign(value=pd.to_numeric(seed["value"]).astype(float), period=seed["period"].astype(str))
        return out[PROFILE_COLUMNS].reset_index(drop=True)
    table = published("feachem2002_other_measures_secondary")
    table = table.loc[table["measure"].str.endswith("per 100000")]
    long = table.melt(id_vars=["measure", "source"], value_vars=["nhs", "kaiser_california"], var_name="system")
    long["system"] = long["system"].map({"nhs": "NHS", "kaiser_california": "Kaiser California"})
    long["measure"] = long["measure"].str.replace(" per 100000", "", regex=False)
    long["source"] = ("Feachem et al BMJ 2002;324:135, as reproduced in Managed Care June 2002 ("
                      + long["source"].where(~long["source"].eq("same"), table["source"].iloc[0]) + ")")
    out = long.assign(value=pd.to_numeric(long["value"]).astype(float), unit="per 100,000", period="2000")
    return out[PROFILE_COLUMNS].reset_index(drop=True)


def _profile(table: pd.DataFrame, *, argument: str) -> pd.DataFrame:
    data = as_pandas(table, argument=argument)
    require_columns(data, ["system", "measure", "value"], argument=argument)
    check_no_missing(data, ["system", "measure"])
    check_keys(data, ["system", "measure"], labels=True)
    dup = data.duplicated(["system", "measure"], keep=False).to_numpy()
    if dup.any():
        raise row_problem("measure", "one value per system and measure", int(dup.sum()),
                          tuple(data.loc[dup, ["system", "measure"]].iloc[0]), cls=DuplicateKeyError)
    return data


@renamed_keywords(per="multiplier")
def densities(counts: pd.DataFrame, *, population: pd.DataFrame | str, multiplier: float = 100_000) -> pd.DataFrame:
    """Counts per ``multiplier`` covered persons.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``system, measure, value`` with counts (physicians, nurses, hospitals, clinics, ...).
    population : pandas.DataFrame or str
        ``system, population`` (members or residents), or the name of a measure of ``counts`` holding
        each system's population (e.g. ``"members"``); that measure is not returned as a density.
    multiplier : float, default 100000
        Densities per ``multiplier`` persons (was ``per``, a deprecated keyword).

    Returns
    -------
    pandas.DataFrame
        ``system, measure, count, population, value, statistic, note``; value = count / population × multiplier.
        A system without a population gets a missing value and a note.

    Notes
    -----
    density = count / population × multiplier (per 100,000 by default).

    References
    ----------
    Feachem RGA et al. BMJ 2002;324:135 (specialists per 100,000), doi:10.1136/bmj.324.7330.135.
    Frølich A et al. BMC Health Serv Res 2008;8:252 (physicians per 100,000), doi:10.1186/1472-6963-8-252.

    Validated against: hand calculation of the 2011 Intermountain and Kaiser profiles (Aucoin 2013:
    1,000 physicians / 500,000 members = 200 per 100,000; tests/profiles).
    """
    per = check_positive_number(multiplier, argument="multiplier")
    data = _profile(counts, argument="counts")
    check_measure(data, ["value"])
    if isinstance(population, str):
        pop = data.loc[data["measure"].eq(population), ["system", "value"]].rename(columns={"value": "population"})
        if pop.empty:
            raise UnknownNameError(f"argument 'population': no measure {population!r} in counts.")
        data = data.loc[~data["measure"].eq(population)]
    else:
        pop = as_pandas(population, argument="population")
        require_columns(pop, ["system", "population"], argument="population")
        check_keys(pop, ["system"], labels=True)
        check_measure(pop, ["population"])
        pop = pop[["system", "population"]]
    out = data.rename(columns={"value": "count"}).merge(pop, on="system", how="left")
    out["count"] = out["count"].astype(float)
    out["population"] = out["population"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = np.where(out["population"] > 0, out["count"] / out["population"] * per, np.nan)
    out["statistic"] = f"per {per:g}"
    out["note"] = np.where(out["population"].isna(), "no population for this system",
                           np.where(out["population"] > 0, "", "population is 0"))
    return out[DENSITY_COLUMNS].reset_index(drop=True)


def ratios(table: pd.DataFrame, *, numerator: str, denominator: str, precision: float | None = None) -> pd.DataFrame:
    """Ratio ``numerator / denominator`` of two systems' values, measure by measure.

    Parameters
    ----------
    table : pandas.DataFrame
        ``system, measure, value`` (e.g. the output of :func:`densities`, or published densities).
    numerator, denominator : str
        System names.
    precision : float, optional
        Unit of the last printed digit of the values (0.1 for densities printed to one decimal).  When
        given, ``lower``/``upper`` bound the ratio over every pair of values that rounds to the printed
        ones; otherwise they are missing.

    Returns
    -------
    pandas.DataFrame
        ``measure, numerator, denominator, numerator_value, denominator_value, value, lower, upper,
        statistic, note``; measures held by only one system get a missing ratio and a note (never dropped).

    Notes
    -----
    value = a / b; with printed precision u (half-unit h = u/2), lower = (a - h) / (b + h) and
    upper = (a + h) / (b - h) (missing when b - h <= 0).  A zero denominator gives a missing ratio and
    a note.

    Validated against: Feachem's specialists per 100,000 (8.3 / 4.1 = 2.02 obstetrician/gynaecologists,
    2.4 / 0.8 = 3.0 cardiologists, by hand; tests/profiles).
    """
    data = _profile(table, argument="table")
    half = 0.0 if precision is None else check_positive_number(precision, argument="precision") / 2
    systems = set(data["system"])
    for arg, name in (("numerator", numerator), ("denominator", denominator)):
        if check_level(name, argument=arg) not in systems:
            raise UnknownNameError(f"argument {arg!r}: system {name!r} is not in the table "
                                   f"({', '.join(map(repr, sorted(systems)))}).")
    check_measure(data, ["value"], missing="allow")  # a missing value is noted below
    values = pd.to_numeric(data["value"])
    wide = data.assign(value=values).pivot(index="measure", columns="system", values="value")
    measures = list(dict.fromkeys(data.loc[data["system"].isin([numerator, denominator]), "measure"]))
    wide = wide.reindex(measures)
    num = wide[numerator].to_numpy(dtype=float)
    den = wide[denominator].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / den, np.nan)
        lower = np.where((den > 0) & (precision is not None), np.maximum(num - half, 0) / (den + half), np.nan)
        upper = np.where((den - half > 0) & (precision is not None), (num + half) / (den - half), np.nan)
    note = np.where(np.isnan(num) | np.isnan(den), "value missing for one system",
                    np.where(den > 0, "", "denominator is 0"))
    note = np.where(note == "", f"lower/upper: values printed to {precision:g}" if precision is not None
                    else NO_PRECISION, note)
    return pd.DataFrame({"measure": measures, "numerator": numerator, "denominator": denominator,
                         "numerator_value": num, "denominator_value": den, "value": value, "lower": lower,
                         "upper": upper, "statistic": f"ratio {numerator} / {denominator}",
                         "note": note})[RATIO_COLUMNS]


#: note of a ratio computed without ``precision=`` (its ``lower``/``upper`` are missing)
NO_PRECISION = "lower/upper missing: no precision= given (the unit of the printed values)"


def check_claims(ratio_table: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Check verbal claims about ratios ("twice", "three times", "more than 50% higher").

    Parameters
    ----------
    ratio_table : pandas.DataFrame
        Output of :func:`ratios` (``lower``/``upper``, when present, are the interval the inputs'
        printed rounding allows).
    claims : pandas.DataFrame
        ``measure, statement, claimed, wording`` (+ optional ``tolerance``): ``wording`` as in
        :func:`kpcompare.figures.bounds`; a word multiple such as "twice" is ``claimed=2,
        wording="multiple"`` (true within ±12.5% unless ``tolerance`` says otherwise).

    Returns
    -------
    pandas.DataFrame
        ``measure, statement, claimed, wording, lower, upper, computed, computed_lower, computed_upper,
        holds, holds_throughout, note``: ``lower``/``upper`` are the claim's bounds; ``holds`` says
        whether the computed ratio lies inside them; ``holds_throughout`` whether every ratio the
        inputs' rounding allows does (missing without an interval); ``note`` says why a claim does not
        hold, or holds only at the printed values.

    Notes
    -----
    A claim holds when the computed ratio lies inside the bounds its wording gives
    (:func:`kpcompare.figures.bounds`).  Department of Health (2003) "twice the concentration of
    gynaecologists and three times the concentration of cardiologists" holds on Feachem's table (2.02
    and 3.0), and for every value that rounds to the printed densities ([1.99, 2.06] and [2.76, 3.27]);
    "twice" would not hold for radiologists (1.40) or paediatricians (2.51).
    """
    rt = as_pandas(ratio_table, argument="ratio_table")
    require_columns(rt, ["measure", "value"], argument="ratio_table")
    cl = as_pandas(claims, argument="claims")
    require_columns(cl, ["measure", "statement", "claimed", "wording"], argument="claims")
    check_keys(rt, ["measure"], labels=True)
    check_keys(cl, ["measure"], labels=True)
    check_measure(rt, [c for c in ("value", "lower", "upper") if c in rt.columns], missing="allow")
    check_measure(cl, ["claimed"])
    if "tolerance" in cl.columns:
        check_measure(cl, ["tolerance"], missing="allow")
    missing = sorted(set(cl["measure"]) - set(rt["measure"]))
    if missing:
        raise UnknownNameError(f"claims: measure {missing[0]!r} is not in the ratio table.")
    by_measure = rt.set_index("measure")
    computed = cl["measure"].map(by_measure["value"]).astype(float).to_numpy()
    lo = (cl["measure"].map(by_measure["lower"]).astype(float).to_numpy() if "lower" in rt
          else np.full(len(cl), np.nan))
    hi = (cl["measure"].map(by_measure["upper"]).astype(float).to_numpy() if "upper" in rt
          else np.full(len(cl), np.nan))
    rows = []
    for i, (_, claim) in enumerate(cl.iterrows()):  # a handful of claims: presentation-sized
        b = wording_bounds(claim["claimed"], wording=claim["wording"], tolerance=claim.get("tolerance"),
                           printed=str(claim["claimed"]))
        value = computed[i]
        holds = b.contains(value)
        known = not (np.isnan(lo[i]) or np.isnan(hi[i]))
        throughout = (b.contains(lo[i]) and b.contains(hi[i])) if known else pd.NA
        if not holds:
            note = f"does not hold: computed ratio {value:.3g} is outside {b}"
        elif throughout is False:
            note = (f"holds at the printed values only: the rounding of the inputs allows "
                    f"[{lo[i]:.3g}, {hi[i]:.3g}], not all inside {b}")
        elif throughout is True:
            note = f"holds for every value the rounding of the inputs allows [{lo[i]:.3g}, {hi[i]:.3g}]"
        else:
            note = ""
        rows.append({"measure": claim["measure"], "statement": claim["statement"], "claimed": claim["claimed"],
                     "wording": claim["wording"], "lower": b.lower, "upper": b.upper, "computed": value,
                     "computed_lower": lo[i], "computed_upper": hi[i], "holds": holds,
                     "holds_throughout": throughout, "note": note})
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    out["holds_throughout"] = out["holds_throughout"].astype("boolean")
    return out
