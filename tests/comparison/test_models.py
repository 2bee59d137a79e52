"""rate_model: Poisson and negative-binomial rate ratios between systems.

Reference values: (1) hand-built tables whose rates are exactly log-linear in system, age band
and sex, so the maximum-likelihood rate ratios equal the constructed ones; (2) statsmodels
formula fits (statsmodels 0.15, `smf.glm` with a Poisson family and `smf.negativebinomial`)
on the same data, written independently of kpcompare's design-matrix code.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

import kpcompare
from kpcompare.comparison.models import MODEL_COLUMNS, rate_model
from kpcompare.errors import (
    DuplicateKeyError,
    InvalidArgumentError,
    InvalidValueError,
    MissingColumnError,
    MissingStratumError,
    UnknownNameError,
)

AGES = ["65-69", "70-74", "75-79", "80-84", "85+"]
SYSTEMS = {"NHS": 1.0, "KP": 0.4, "MCA": 0.7}


def _exact_table(irr=SYSTEMS, conditions=("stroke",)):
    """Counts exactly = population x base x age effect x sex effect x IRR (log-linear, no noise)."""
    rows, pops = [], []
    for s, (i, a), x in itertools.product(irr, enumerate(AGES), ["M", "F"]):
        # older bands and men smaller; with SYSTEMS the counts are whole numbers
        pop = 160_000 * (len(AGES) - i) * (2 if x == "F" else 1)
        pops.append({"system": s, "age_band": a, "sex": x, "population": pop})
        for k, c in enumerate(conditions):
            rate = 0.004 * (k + 1) * 1.5 ** i * (1.25 if x == "M" else 1.0) * irr[s]
            rows.append({"system": s, "age_band": a, "sex": x, "condition": c,
                         "admissions": round(pop * rate, 6), "bed_days": round(pop * rate * 8.0, 6)})
    return pd.DataFrame(rows), pd.DataFrame(pops)


def _noisy_table(seed=7, overdispersed=True):
    rng = np.random.default_rng(seed)
    strata, pop = _exact_table()
    mu = strata["admissions"].to_numpy()
    if overdispersed:
        size = 4.0
        strata["admissions"] = rng.negative_binomial(size, size / (size + mu))
    else:
        strata["admissions"] = rng.poisson(mu)
    return strata, pop


def test_exactly_proportional_rates_give_the_constructed_irr():
    strata, pop = _exact_table()
    out = rate_model(strata, population=pop)
    assert list(out.columns) == MODEL_COLUMNS
    assert out["system"].tolist() == ["KP", "MCA"]
    assert out["reference"].tolist() == ["NHS", "NHS"]
    np.testing.assert_allclose(out["value"], [0.4, 0.7], rtol=1e-9)
    np.testing.assert_allclose(out["dispersion"], 0.0, atol=1e-12)   # the model fits exactly
    assert (out["lower"] < out["value"]).all() and (out["value"] < out["upper"]).all()
    assert out["alpha"].isna().all() and (out["n_strata"] == 30).all()
    assert (out["note"] == "the model fits every stratum exactly").all()


def test_exact_table_by_condition_and_bed_days():
    strata, pop = _exact_table(conditions=("stroke", "copd"))
    out = rate_model(strata, population=pop, by="condition", count="bed_days", reference="KP")
    assert out["condition"].tolist() == ["stroke", "stroke", "copd", "copd"]
    assert out["system"].tolist() == ["NHS", "MCA"] * 2
    np.testing.assert_allclose(out["value"], [1 / 0.4, 0.7 / 0.4] * 2, rtol=1e-9)
    assert (out["measure"] == "bed_days").all()


def test_several_confidence_levels_are_rows():
    strata, pop = _noisy_table()
    out = rate_model(strata, population=pop, confidence=[0.9, 0.95, 0.99])
    assert out["confidence"].tolist() == [0.9, 0.9, 0.95, 0.95, 0.99, 0.99]
    kp = out[out["system"] == "KP"]
    assert kp["value"].nunique() == 1
    width = (kp["upper"] - kp["lower"]).to_numpy()
    assert width[0] < width[1] < width[2]


def _formula_data(strata, pop):
    d = strata.groupby(["system", "age_band", "sex"], as_index=False)["admissions"].sum()
    d = d.merge(pop, on=["system", "age_band", "sex"])
    d["logpop"] = np.log(d["population"])
    return d


FORMULA = "admissions ~ C(system, Treatment('NHS')) + C(age_band) + C(sex)"


def test_poisson_matches_statsmodels_formula_fit():
    strata, pop = _noisy_table(overdispersed=False)
    d = _formula_data(strata, pop)
    ref = smf.glm(FORMULA, d, family=sm.families.Poisson(), offset=d["logpop"]).fit()
    out = rate_model(strata, population=pop, confidence=0.95).set_index("system")
    for s in ("KP", "MCA"):
        b = ref.params[f"C(system, Treatment('NHS'))[T.{s}]"]
        lo, hi = ref.conf_int(0.05).loc[f"C(system, Treatment('NHS'))[T.{s}]"]
        assert out.loc[s, "value"] == pytest.approx(np.exp(b), rel=1e-8)
        assert out.loc[s, "lower"] == pytest.approx(np.exp(lo), rel=1e-8)
        assert out.loc[s, "upper"] == pytest.approx(np.exp(hi), rel=1e-8)
        assert out.loc[s, "p_value"] == pytest.approx(ref.pvalues[f"C(system, Treatment('NHS'))[T.{s}]"],
                                                      rel=1e-6, abs=1e-300)
        assert out.loc[s, "z"] == pytest.approx(ref.tvalues[f"C(system, Treatment('NHS'))[T.{s}]"],
                                                        rel=1e-8)
    assert out["dispersion"].iloc[0] == pytest.approx(ref.pearson_chi2 / ref.df_resid, rel=1e-8)
    assert (out["note"] == "").all()


def test_quasi_poisson_scale_matches_statsmodels():
    strata, pop = _noisy_table()
    d = _formula_data(strata, pop)
    ref = smf.glm(FORMULA, d, family=sm.families.Poisson(), offset=d["logpop"]).fit(scale="X2")
    out = rate_model(strata, population=pop, scale="pearson").set_index("system")
    lo, hi = ref.conf_int(0.05).loc["C(system, Treatment('NHS'))[T.KP]"]
    assert out.loc["KP", "lower"] == pytest.approx(np.exp(lo), rel=1e-8)
    assert out.loc["KP", "upper"] == pytest.approx(np.exp(hi), rel=1e-8)
    assert "scaled by Pearson" in out.loc["KP", "method"]


def test_negative_binomial_matches_statsmodels_formula_fit():
    strata, pop = _noisy_table()
    d = _formula_data(strata, pop)
    ref = smf.negativebinomial(FORMULA, d, offset=d["logpop"]).fit(disp=0, maxiter=1000)
    assert ref.mle_retvals["converged"]
    out = rate_model(strata, population=pop, family="negbin").set_index("system")
    for s in ("KP", "MCA"):
        name = f"C(system, Treatment('NHS'))[T.{s}]"
        assert out.loc[s, "value"] == pytest.approx(np.exp(ref.params[name]), rel=1e-4)
        lo, hi = ref.conf_int(0.05).loc[name]
        assert out.loc[s, "lower"] == pytest.approx(np.exp(lo), rel=1e-3)
        assert out.loc[s, "upper"] == pytest.approx(np.exp(hi), rel=1e-3)
    assert out["alpha"].iloc[0] == pytest.approx(ref.params["alpha"], rel=1e-3)
    # overdispersed data: the Poisson Pearson dispersion is far above 1, the NB one near 1
    poisson = rate_model(strata, population=pop)
    assert poisson["dispersion"].iloc[0] > 5
    assert 0.5 < out["dispersion"].iloc[0] < 2


def test_negative_binomial_without_overdispersion_reduces_to_poisson():
    strata, pop = _exact_table()
    out = rate_model(strata, population=pop, family="negbin")
    np.testing.assert_allclose(out["value"], [0.4, 0.7], rtol=1e-9)
    assert (out["alpha"] == 0).all()
    assert out["note"].str.contains("alpha at its boundary 0").all()


def test_missing_sex_column_adjusts_for_age_only():
    strata, pop = _exact_table()
    out = rate_model(strata.drop(columns="sex"), population=pop.groupby(["system", "age_band"],
                                                                           as_index=False)["population"].sum())
    assert out["n_strata"].iloc[0] == 15
    np.testing.assert_allclose(out["value"], [0.4, 0.7], rtol=1e-9)


def test_absent_rows_are_zero_counts_and_zero_population_strata_are_left_out():
    strata, pop = _exact_table()
    strata = strata[~((strata["system"] == "KP") & (strata["age_band"] == "85+"))]
    pop.loc[(pop["system"] == "KP") & (pop["age_band"] == "85+"), "population"] = 0
    out = rate_model(strata, population=pop)
    np.testing.assert_allclose(out["value"], [0.4, 0.7], rtol=1e-9)
    assert (out["n_strata"] == 28).all()
    assert out["note"].str.contains("2 strata with zero population and no events left out").all()


def test_system_without_events_has_no_estimate():
    strata, pop = _exact_table()
    strata.loc[strata["system"] == "MCA", "admissions"] = 0
    out = rate_model(strata, population=pop).set_index("system")
    assert out.loc["KP", "value"] == pytest.approx(0.4)
    assert np.isnan(out.loc["MCA", "value"])
    assert "no admissions in system 'MCA': rate ratio not estimable" in out.loc["MCA", "note"]


def test_reference_without_events():
    strata, pop = _exact_table()
    strata.loc[strata["system"] == "NHS", "admissions"] = 0
    out = rate_model(strata, population=pop)
    assert out["value"].isna().all()
    assert out["note"].str.contains("no admissions in the reference system 'NHS'").all()


def test_weighted_counts_are_noted():
    strata, pop = _exact_table()
    strata["admissions"] = strata["admissions"] * 1.37
    out = rate_model(strata, population=pop)
    np.testing.assert_allclose(out["value"], [0.4, 0.7], rtol=1e-9)
    assert out["note"].str.contains("not whole numbers").all()


def test_public_name():
    assert kpcompare.rate_model is rate_model


# ------------------------------------------------------------------------------ errors
def test_missing_population_stratum_is_named():
    strata, pop = _exact_table()
    pop = pop[~((pop["system"] == "KP") & (pop["age_band"] == "85+") & (pop["sex"] == "F"))]
    with pytest.raises(MissingStratumError, match=r"population: no row for stratum \{'system': 'KP', "
                                                  r"'age_band': '85\+', 'sex': 'F'\} \(1 strata missing\)"):
        rate_model(strata, population=pop)


def test_duplicate_population_rows():
    strata, pop = _exact_table()
    with pytest.raises(DuplicateKeyError, match=r"population: key \(system, age_band, sex\) identifies more "
                                                r"than one row in 2 rows"):
        rate_model(strata, population=pd.concat([pop, pop.iloc[[0]]]))


def test_events_in_zero_population():
    strata, pop = _exact_table()
    pop.loc[0, "population"] = 0
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'positive where events occur' "
                                                r"broken by 1 row"):
        rate_model(strata, population=pop)


def test_unknown_reference():
    strata, pop = _exact_table()
    with pytest.raises(UnknownNameError, match=r"argument 'reference': system 'Kaiser' not found in strata "
                                               r"column 'system' \(systems present: 'NHS', 'KP', 'MCA'\)"):
        rate_model(strata, population=pop, reference="Kaiser")


def test_unknown_family_and_scale():
    strata, pop = _exact_table()
    with pytest.raises(UnknownNameError, match=r"argument 'family': unknown value 'gamma'"):
        rate_model(strata, population=pop, family="gamma")
    with pytest.raises(UnknownNameError, match=r"argument 'scale': unknown value 'deviance'"):
        rate_model(strata, population=pop, scale="deviance")
    with pytest.raises(InvalidArgumentError, match=r"'pearson' applies to family='poisson' only"):
        rate_model(strata, population=pop, family="negbin", scale="pearson")


def test_unknown_level_and_bad_by():
    strata, pop = _exact_table()
    with pytest.raises(UnknownNameError, match=r"argument 'levels': 'angina' not found in strata column "
                                               r"'condition'"):
        rate_model(strata, population=pop, by="condition", levels=["angina"])
    with pytest.raises(InvalidArgumentError, match=r"argument 'by': 'age_band' is already a model term"):
        rate_model(strata, population=pop, by="age_band")


def test_one_system_only():
    strata, pop = _exact_table()
    with pytest.raises(InvalidArgumentError, match=r"needs at least two systems; found only 'NHS'"):
        rate_model(strata[strata["system"] == "NHS"], population=pop)


def test_missing_columns():
    strata, pop = _exact_table()
    with pytest.raises(MissingColumnError, match=r"data: column\(s\) 'bed_dayz' not found"):
        rate_model(strata, population=pop, count="bed_dayz")
    with pytest.raises(MissingColumnError, match=r"population: column\(s\) 'sex' not found"):
        rate_model(strata, population=pop.drop(columns="sex"))


def test_negative_counts():
    strata, pop = _exact_table()
    strata.loc[3, "admissions"] = -1
    with pytest.raises(InvalidValueError, match=r"column 'admissions': rule 'non-negative and finite' broken "
                                                r"by 1 row"):
        rate_model(strata, population=pop)


# ------------------------------------------------------------------------------ properties
@settings(max_examples=25, deadline=None)
@given(st.floats(0.2, 5.0), st.floats(0.2, 5.0), st.integers(0, 2**31 - 1))
def test_irr_of_exact_tables_for_any_ratio(r1, r2, seed):
    strata, pop = _exact_table(irr={"NHS": 1.0, "KP": r1, "MCA": r2})
    rng = np.random.default_rng(seed)
    strata = strata.sample(frac=1.0, random_state=rng.integers(2**31))   # row order is irrelevant
    out = rate_model(strata, population=pop, reference="NHS").set_index("system")
    assert out.loc["KP", "value"] == pytest.approx(r1, rel=1e-7)
    assert out.loc["MCA", "value"] == pytest.approx(r2, rel=1e-7)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_swapping_the_reference_inverts_the_ratio(seed):
    strata, pop = _noisy_table(seed=seed, overdispersed=False)
    a = rate_model(strata, population=pop, reference="NHS").set_index("system")
    b = rate_model(strata, population=pop, reference="KP").set_index("system")
    assert b.loc["NHS", "value"] == pytest.approx(1 / a.loc["KP", "value"], rel=1e-7)
    assert b.loc["NHS", "lower"] == pytest.approx(1 / a.loc["KP", "upper"], rel=1e-7)
