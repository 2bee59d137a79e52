"""poisson_ci against PHE (Byar, funnel limits) and R's exact Poisson limits."""

from __future__ import annotations

import numpy as np
import pytest

from kpcompare import poisson_ci
from kpcompare.errors import InvalidArgumentError, InvalidValueError, UnknownNameError


def test_byar_matches_phe_workbook(vector):
    # PHEindicatormethods 2.1.0 testdata_Byars_Wilson.xlsx (asserted by testByars.R)
    rows = vector("phe_byars_limits.json")["inputs_and_expected"]["byars"]
    for row in rows:
        level = 0.95 if row["confidence"] == "95%" else 0.998
        lower, upper = poisson_ci([row["x"]], confidence=level, method="byar")
        assert upper[0] == pytest.approx(row["uppercl"], rel=1e-12)
        if row["lowercl"] is None:
            # PHE returns NA for a negative Byar lower limit (x = 1 at 99.8%); kpcompare truncates at 0
            assert lower[0] == 0.0
        else:
            assert lower[0] == pytest.approx(row["lowercl"], rel=1e-12)


def test_exact_matches_phe_funnel_limits(vector):
    # PHEindicatormethods 2.1.0 testdata_funnel_ratio_outputs.csv: the expected events at which O sits on
    # the 95% / 99.8% funnel limits are the exact Poisson limits of O.  PHE's workbook values are
    # themselves accurate only to 4.7e-5 relative (column max_rel_diff_exp_events), hence rtol 5e-5.
    d = vector("phe_funnel_ratio_limits.csv")
    observed = d["Observed_events"].to_numpy()
    for level, tag in ((0.95, "2s"), (0.998, "3s")):
        lower, upper = poisson_ci(observed, confidence=level, method="exact")
        np.testing.assert_allclose(lower, d[f"upper_{tag}_exp_events"], rtol=5e-5)
        np.testing.assert_allclose(upper, d[f"lower_{tag}_exp_events"], rtol=5e-5)


def test_exact_matches_r_poisson_test():
    # R 4.x: poisson.test(5)$conf.int -> 1.623486 11.668332 ; poisson.test(0)$conf.int -> 0.000000 3.688879
    lower, upper = poisson_ci([5, 0])
    np.testing.assert_allclose(lower, [1.623486, 0.0], atol=5e-7)
    np.testing.assert_allclose(upper, [11.668332, 3.688879], atol=5e-7)


def test_midp_at_zero_is_closed_form():
    # Rothman & Boice mid-p at O = 0: L = 0 and ½·P(X = 0; U) = α/2, i.e. U = -ln(α)
    lower, upper = poisson_ci([0, 0], confidence=0.95, method="midp")
    assert lower.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(upper, -np.log(0.05), rtol=1e-12)


def test_midp_solves_its_defining_equations():
    from scipy.stats import poisson

    counts = np.array([1, 3, 17, 250])
    lower, upper = poisson_ci(counts, method="midp")
    np.testing.assert_allclose(poisson.sf(counts, lower) + 0.5 * poisson.pmf(counts, lower), 0.025, rtol=1e-9)
    np.testing.assert_allclose(poisson.cdf(counts - 1, upper) + 0.5 * poisson.pmf(counts, upper), 0.025, rtol=1e-9)


def test_auto_is_exact_below_10_and_byar_from_10():
    counts = np.array([0, 9, 10, 11])
    lower, upper = poisson_ci(counts, method="auto")
    el, eu = poisson_ci(counts, method="exact")
    bl, bu = poisson_ci(counts, method="byar")
    np.testing.assert_array_equal(lower, np.r_[el[:2], bl[2:]])
    np.testing.assert_array_equal(upper, np.r_[eu[:2], bu[2:]])


def test_byar_is_phes_formula_not_epitools_half_correction(vector):
    # METHODS.md §1: epitools' pois.byar uses O + 0.5 in both limits; PHE (and Breslow & Day) use O and O + 1.
    # PHEindicatormethods 2.1.0 testdata_Byars_Wilson: x = 1 at 95% -> (0.01307213, 5.563756)
    row = vector("phe_byars_limits.json")["inputs_and_expected"]["byars"][2]
    assert (row["x"], row["confidence"]) == (1, "95%")
    lower, upper = poisson_ci([1], method="byar")
    assert lower[0] == pytest.approx(row["lowercl"], rel=1e-12) and upper[0] == pytest.approx(row["uppercl"], rel=1e-12)
    z = 1.959963984540054
    a = 1.5  # epitools pois.byar: a' = x + 0.5 in both limits -> (0.0907, 4.662), clearly different
    epitools = [a * (1 - 1 / (9 * a) + sign * z / (3 * np.sqrt(a))) ** 3 for sign in (-1, 1)]
    assert abs(lower[0] - epitools[0]) > 0.05 and abs(upper[0] - epitools[1]) > 0.5


def test_normal_is_the_untruncated_wald_interval():
    # epitools pois.approx: x ± z·sqrt(x), not truncated at 0 (as dsrTest's asymptotic DSR interval)
    lower, upper = poisson_ci([0, 1, 100], method="normal")
    np.testing.assert_allclose(lower, [0.0, 1 - 1.959963984540054, 100 - 1.959963984540054 * 10])
    np.testing.assert_allclose(upper, [0.0, 1 + 1.959963984540054, 100 + 1.959963984540054 * 10])


def test_normal_and_lognormal_at_zero():
    lower, upper = poisson_ci([0, 100], method="lognormal")
    assert lower[0] == 0.0 and np.isnan(upper[0])
    assert upper[1] == pytest.approx(100 * np.exp(1.959963984540054 / 10))


def test_shape_is_preserved():
    lower, upper = poisson_ci(np.array([[1, 2], [3, 4]]))
    assert lower.shape == upper.shape == (2, 2)


def test_negative_count_is_refused():
    with pytest.raises(InvalidValueError, match=r"column 'count': rule 'non-negative and finite' broken by 1 row \(e.g. -1.0\)"):
        poisson_ci([3, -1])


def test_infinite_count_is_refused():
    with pytest.raises(InvalidValueError, match=r"column 'count': rule 'non-negative and finite' broken by 1 row \(e.g. inf\)"):
        poisson_ci([3, np.inf])


def test_non_numeric_count_is_refused():
    with pytest.raises(InvalidArgumentError, match=r"argument 'count': expected numbers, got \['a', 'b'\]"):
        poisson_ci(["a", "b"])


def test_missing_count_is_refused():
    with pytest.raises(InvalidValueError, match=r"column 'count': rule 'no missing values' broken by 1 row"):
        poisson_ci([3, np.nan])


def test_confidence_as_percentage_is_refused():
    with pytest.raises(InvalidArgumentError, match=r"must lie strictly between 0 and 1 \(a percentage\? give 0.95"):
        poisson_ci([3], confidence=95)


def test_several_confidence_levels_are_refused():
    with pytest.raises(InvalidArgumentError, match="poisson_ci takes one level"):
        poisson_ci([3], confidence=[0.95, 0.998])


def test_unknown_method_is_refused():
    with pytest.raises(UnknownNameError, match="argument 'method': unknown value 'garwood'"):
        poisson_ci([3], method="garwood")


@pytest.mark.parametrize("p", [0.0005, 0.025, 0.5, 0.975, 0.9995])
def test_gamma_mixture_quantile_solves_its_equation(p):
    # the mid-p solver (Newton with a bracketing fallback) against its defining equation ½F₁(q) + ½F₂(q) = p, over
    # the shapes met in practice (mid-p Poisson: O and O + 1; Fay-Kim: y²/v ≥ 1 and the shifted upper gamma)
    from scipy import special

    from kpcompare.rates.poisson import gamma_mixture_quantile

    rng = np.random.default_rng(7)
    a1 = 10 ** rng.uniform(-1, 6, 2000)
    a2 = a1 * 10 ** rng.uniform(-0.5, 0.5, 2000)
    s1, s2 = 10 ** rng.uniform(-9, 3, 2000), 10 ** rng.uniform(-9, 3, 2000)
    q = gamma_mixture_quantile(p, a1, s1, a2, s2)
    assert np.isfinite(q).all() and (q > 0).all()
    resid = 0.5 * (special.gammainc(a1, q / s1) + special.gammainc(a2, q / s2)) - p
    assert np.abs(resid).max() < 1e-9
