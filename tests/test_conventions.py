"""The vocabulary test: every public signature and output keeps to kpcompare.conventions (docs/conventions.md).

A new public function that strays (a keyword outside the vocabulary, an option that is not keyword-only, a
``statistic`` column holding numbers, a test statistic not called ``z``/``chi2`` ...) fails here; the last
tests show the checks catching a deliberately bad function and a deliberately bad output.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare import conventions as cv
from public_api import public_functions, sample_strata  # tests/_support

DOCS = Path(__file__).resolve().parents[1] / "docs" / "conventions.md"
MODULES = ("costs", "profiles", "concentration", "plots", "figures", "disclosure")


FUNCTIONS = public_functions(MODULES)


def _own_keywords(names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        out.update(cv.FUNCTION_KEYWORDS.get(name, {}))
    return out


def _exception(names: list[str], rule: str) -> str | None:
    for name in names:
        if (name, rule) in cv.EXCEPTIONS:
            return cv.EXCEPTIONS[(name, rule)]
    return None


_TABLE = re.compile(r"DataFrame|Table|AggregateResult")


def _kind_problem(term: cv.Term, param: inspect.Parameter, names: list[str]) -> str | None:
    """Whether ``param`` looks like a value of ``term``'s kind (annotation and default)."""
    ann = str(param.annotation) if param.annotation is not inspect.Parameter.empty else "Any"
    default = param.default
    given = default is not inspect.Parameter.empty and default is not None
    if term.kind == "columns" and not _exception(names, term.name):
        if not re.search(r"Sequence|list|tuple|Any", ann):
            return f"{term.name!r} takes a column name or a sequence of them; annotated {ann!r}"
        if given and not (isinstance(default, str) or (isinstance(default, tuple | list)
                                                        and all(isinstance(x, str) for x in default))):
            return f"{term.name!r} default {default!r} is not column names"
    if term.kind == "column":
        if given and not isinstance(default, str):
            return f"{term.name!r} names a column; default {default!r} is not a name"
        if re.search(r"\bbool\b|\bfloat\b|DataFrame", ann):
            return f"{term.name!r} names a column; annotated {ann!r}"
    if term.kind == "flag" and not (isinstance(default, bool) and "bool" in ann):
        return f"{term.name!r} is a flag (True/False); annotated {ann!r} with default {default!r}"
    if term.kind == "number" and given and (isinstance(default, bool) or not isinstance(default, int | float)):
        return f"{term.name!r} is a number; default {default!r}"
    if term.kind == "confidence" and given and default != 0.95 and not _exception(names, "confidence"):
        return f"'confidence' defaults to 0.95 everywhere; default {default!r}"
    if term.kind in ("level", "levels") and _TABLE.search(ann):
        return f"{term.name!r} is a level (not a table); annotated {ann!r}"
    if term.kind == "choice" and given and not isinstance(default, str | tuple):
        return f"{term.name!r} is a name from a set; default {default!r}"
    if term.kind == "table" and given:
        return f"{term.name!r} is a table; it has a default {default!r}"
    if term.name == "multiplier" and default is not inspect.Parameter.empty \
            and default != cv.DEFAULT_MULTIPLIER and not _exception(names, "multiplier"):
        return f"'multiplier' defaults to {cv.DEFAULT_MULTIPLIER} wherever a rate per population is given; " \
               f"default {default!r}"
    return None


def signature_problems(func: Callable[..., Any], names: list[str]) -> list[str]:
    """Every way ``func``'s signature departs from the conventions (empty list: none)."""
    label = names[0]
    params = list(inspect.signature(func).parameters.values())
    problems = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not _exception(names, "first") and (not params or params[0].kind not in positional
                                           or params[0].default is not inspect.Parameter.empty):
        problems.append(f"{label}: the first parameter must be the data (a table), positional and required")
    own = _own_keywords(names)
    for i, param in enumerate(params):
        if i == 0 and param.kind in positional:
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL and _exception(names, "first"):
            continue
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            if _exception(names, "keyword-only"):
                continue  # a second operand, listed with its reason
            problems.append(f"{label}: option {param.name!r} must be keyword-only")
        if param.name in cv.RETIRED:
            problems.append(f"{label}: keyword {param.name!r} is retired; use {cv.RETIRED[param.name]}")
            continue
        if param.name in own:
            if param.name in {t.name for t in cv.KEYWORDS}:
                problems.append(f"{label}: {param.name!r} is a vocabulary word; remove it from FUNCTION_KEYWORDS")
            continue
        try:
            term = cv.keyword(param.name)
        except KeyError:
            if param.kind is inspect.Parameter.KEYWORD_ONLY or param.kind in positional:
                problems.append(f"{label}: keyword {param.name!r} is neither in the vocabulary "
                                "(kpcompare.conventions.KEYWORDS) nor listed for this function with a reason "
                                "(FUNCTION_KEYWORDS)")
            continue
        problem = _kind_problem(term, param, names)
        if problem:
            problems.append(f"{label}: {problem}")
    return problems


@pytest.mark.parametrize("func", list(FUNCTIONS), ids=[names[0] for names in FUNCTIONS.values()])
def test_public_signature_keeps_to_the_vocabulary(func):
    assert signature_problems(func, FUNCTIONS[func]) == []


def test_every_public_function_is_checked():
    names = {n for names in FUNCTIONS.values() for n in names}
    for expected in ("kpcompare.dsr", "kpcompare.compare", "kpcompare.rate_model", "kpcompare.costs.sensitivity",
                     "kpcompare.profiles.densities", "kpcompare.concentration.gini", "kpcompare.aggregate"):
        assert expected in names


def test_a_function_only_word_is_used_by_one_function():
    users: dict[str, list[str]] = {}
    for func, kws in cv.FUNCTION_KEYWORDS.items():
        for kw in kws:
            users.setdefault(kw, []).append(func)
    shared = {kw: funcs for kw, funcs in users.items() if len(funcs) > 1}
    assert shared == {}, "a word used by two functions belongs in the vocabulary (one meaning)"
    vocabulary = {t.name for t in cv.KEYWORDS}
    assert not vocabulary & set(users)
    assert not vocabulary & set(cv.RETIRED)


def test_every_listed_function_keyword_is_used():
    """No stale allow-list entry: a listed keyword is a parameter of a public function of that name."""
    by_name = {n: f for f, names in FUNCTIONS.items() for n in names}
    pending = {"kpcompare.read_episodes": {"columns"}}  # added by the extract work of issue 16
    for name, kws in cv.FUNCTION_KEYWORDS.items():
        assert name in by_name, name
        params = set(inspect.signature(by_name[name]).parameters)
        assert set(kws) - params <= pending.get(name, set()), name


def test_docs_show_the_tables():
    text = DOCS.read_text(encoding="utf-8")
    for title, table in cv.markdown_tables().items():
        assert table in text, f"docs/conventions.md must show the {title} table of kpcompare.conventions " \
                              "(print(kpcompare.conventions.markdown_tables()[...]))"


# --- outputs --------------------------------------------------------------------------------------------

_TEST_STATISTIC = re.compile(r"^(stat|statistic_.*|.*_stat|zstat|z_value|z_score|t|t_value|wald|chisq|chi_sq|"
                             r"chi_square|x2)$")
_P_VALUE = re.compile(r"^(p|pval|pvalue|p_val|p-value|prob)$")


def output_problems(frame: pd.DataFrame, name: str, keys: list[str]) -> list[str]:
    """Every way an output departs from the output vocabulary (empty list: none)."""
    problems = []
    if "statistic" in frame.columns:
        values = frame["statistic"]
        if pd.api.types.is_numeric_dtype(values) or not values.map(lambda x: isinstance(x, str)).all():
            problems.append(f"{name}: column 'statistic' must hold the text label of what was computed")
    for col in frame.columns:
        if _TEST_STATISTIC.match(str(col)):
            problems.append(f"{name}: test statistic column {col!r}: call it 'z' or 'chi2'")
        if _P_VALUE.match(str(col)):
            problems.append(f"{name}: p-value column {col!r}: call it 'p_value'")
    allowed = set(cv.OUTPUT_COLUMNS) | set(cv.FUNCTION_OUTPUTS.get(name, ())) | set(keys)
    stray = [c for c in frame.columns if c not in allowed]
    if stray:
        problems.append(f"{name}: columns {stray} are neither in the output vocabulary (OUTPUT_COLUMNS) nor "
                        "listed for this function (FUNCTION_OUTPUTS)")
    return problems


_strata = sample_strata  # tests/_support/public_api.py


def _rates_input() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["0-64", "65+"] * 2,
                         "deaths": [20, 60, 30, 90], "population": [10_000, 2_000, 12_000, 3_000]})
    std = pd.DataFrame({"age_band": ["0-64", "65+"], "population": [80_000, 20_000]})
    return data, std


def _standard_keyword(func: Callable[..., Any]) -> str:
    """smr/isr take the standard as ``standard`` (issue 16) or, before it, ``reference``."""
    return "standard" if "standard" in inspect.signature(func).parameters else "reference"


def _outputs() -> list[tuple[str, pd.DataFrame, list[str]]]:
    from kpcompare import concentration, costs, profiles

    data, std = _rates_input()
    rate_kw = dict(count="deaths", population="population", by="system")
    direct = kpcompare.dsr(data, standard=std, **rate_kw)
    rates = std.assign(deaths=[400, 900])  # standard rates for indirect standardisation
    out = [
        ("kpcompare.crude_rate", kpcompare.crude_rate(data, **rate_kw), ["system"]),
        ("kpcompare.dsr", direct, ["system"]),
        ("kpcompare.smr", kpcompare.smr(data, **{_standard_keyword(kpcompare.smr): rates}, **rate_kw), ["system"]),
        ("kpcompare.isr", kpcompare.isr(data, **{_standard_keyword(kpcompare.isr): rates}, **rate_kw), ["system"]),
        ("kpcompare.compare_rates", kpcompare.compare_rates(direct, between="system", reference="A"), ["system"]),
        ("kpcompare.compare_rates",
         kpcompare.compare_rates(direct, between="system", reference="A", kind="difference"), ["system"]),
    ]
    strata, pop = _strata()
    kw = dict(population=pop, standard="A", min_count=0)
    out += [
        ("kpcompare.compare", kpcompare.compare(strata, reference="A", **kw), ["condition"]),
        ("kpcompare.decompose", kpcompare.decompose(strata, reference="A", population=pop, standard="A"),
         ["condition"]),
        ("kpcompare.rate_model", kpcompare.rate_model(strata, population=pop, by="condition"), ["condition"]),
        ("kpcompare.rate_model", kpcompare.rate_model(strata, population=pop, family="negbin"), []),
    ]
    a = costs.assumptions("feachem2002")
    nhs, kp = "NHS", "Kaiser California"
    need = pd.DataFrame({"age_band": ["0-64", "65+"], "weight": [1.0, 4.0]})
    out += [
        ("kpcompare.costs.cascade", costs.cascade(a.lines, factors=a.factors), []),
        ("kpcompare.costs.compare_assumptions", costs.compare_assumptions(a.lines, factors=a.factors, reference=kp),
         []),
        ("kpcompare.costs.sensitivity", costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002",
                                                          system=nhs, reference=kp), []),
        ("kpcompare.costs.age_need_factor", costs.age_need_factor(pop, need=need, reference="A"), []),
    ]
    people = pd.DataFrame({"group": ["x"] * 5 + ["y"] * 5, "cost": [1, 2, 3, 4, 10, 0, 0, 1, 1, 8]})
    ckw = dict(value="cost", by="group")
    out += [
        ("kpcompare.concentration.gini", concentration.gini(people, n_boot=50, random_state=1, **ckw), ["group"]),
        ("kpcompare.concentration.lorenz", concentration.lorenz(people, **ckw), ["group"]),
        ("kpcompare.concentration.top_share", concentration.top_share(people, top=0.2, **ckw), ["group"]),
        ("kpcompare.concentration.check_concentration",
         concentration.check_concentration(people, top=0.2, claimed=0.5, **ckw), ["group"]),
    ]
    counts = pd.DataFrame({"system": ["A", "A", "B", "B"], "measure": ["beds", "members"] * 2,
                           "value": [10, 5000, 30, 9000]})
    dens = profiles.densities(counts, population="members")
    ratios = profiles.ratios(dens, numerator="B", denominator="A")
    claims = pd.DataFrame({"measure": ["beds"], "statement": ["B has more beds per head"], "claimed": [1.0],
                           "wording": ["more_than"]})
    out += [
        ("kpcompare.profiles.densities", dens, []),
        ("kpcompare.profiles.ratios", ratios, []),
        ("kpcompare.profiles.check_claims", profiles.check_claims(ratios, claims), []),
        ("kpcompare.costs.exchange_rates", costs.exchange_rates(a.factors), []),
        ("kpcompare.figures.check", importlib.import_module("kpcompare.figures").check(), []),
    ]
    trusts = pd.DataFrame({"trust": list("ABCDEFGHIJKL"), "deaths": [30, 52, 9, 41, 20, 66, 12, 35, 28, 47, 18, 25],
                           "expected": [28.1, 35.2, 15.3, 40.0, 22.5, 50.1, 13.0, 30.2, 31.9, 45.5, 20.0, 24.4]})
    table = kpcompare.funnel(trusts, kind="ratio", by="trust", observed="deaths", expected="expected",
                             overdispersion="shmi")
    out += [
        ("kpcompare.funnel", table, ["trust"]),
        ("kpcompare.funnel_limits", kpcompare.funnel_limits([15, 20, 30], kind="ratio", overdispersion=table), []),
    ]
    episodes = pd.DataFrame({"person_id": [1, 1], "provider": ["P", "Q"], "system": "A",
                             "admission_date": pd.to_datetime(["2020-01-01"] * 2).date,
                             "discharge_date": pd.to_datetime(["2020-01-01", "2020-01-03"]).date})
    out.append(("kpcompare.spell_diagnostics", kpcompare.spell_diagnostics(episodes), ["kind", "system"]))
    return out


#: public functions whose output is not an analysis table sampled above, and why
NOT_SAMPLED = {
    "kpcompare.poisson_ci": "returns two arrays (lower, upper)",
    "kpcompare.standard_population": "a bundled reference table",
    "kpcompare.list_standard_populations": "a registry listing",
    "kpcompare.reband": "returns its input re-banded (the input's columns)",
    "kpcompare.age_to_band": "returns band labels",
    "kpcompare.band_table": "a band definition",
    "kpcompare.read_episodes": "returns an Extract (a lazy reader)",
    "kpcompare.aggregate": "returns the engine's stratum table: the extract's keys and counts (docs/extracts.md)",
    "kpcompare.condition_set": "returns a ConditionSet",
    "kpcompare.load_condition_set": "returns a ConditionSet",
    "kpcompare.list_condition_sets": "a registry listing",
    "kpcompare.costs.assumptions": "returns the declared assumption tables",
    "kpcompare.costs.list_assumption_sets": "a registry listing",
    "kpcompare.costs.validate_lines": "returns its input, checked",
    "kpcompare.costs.validate_factors": "returns its input, checked",
    "kpcompare.costs.toggle": "returns its input with lines switched",
    "kpcompare.costs.alternative": "returns assumption tables",
    "kpcompare.plots.tornado_chart": "a figure",
    "kpcompare.standard_from_population": "a standard population table (its key columns and population)",
    "kpcompare.profiles.profile_table": "a bundled input table",
    "kpcompare.plots.bed_days_bars": "a figure",
    "kpcompare.plots.ratio_forest": "a figure",
    "kpcompare.plots.funnel_plot": "a figure",
    "kpcompare.plots.decomposition_bars": "a figure",
    "kpcompare.plots.cascade_waterfall": "a figure",
    "kpcompare.plots.lorenz_curves": "a figure",
    "kpcompare.figures.load_registry": "the bundled registry (an input table)",
    "kpcompare.figures.validate_registry": "returns its input, checked",
    "kpcompare.figures.assert_figure": "returns None or raises",
    "kpcompare.figures.register": "a decorator",
    "kpcompare.figures.computations": "a list of names",
    "kpcompare.figures.bounds": "returns a Bounds",
    "kpcompare.figures.printed_precision": "returns a number",
    "kpcompare.disclosure.suppress": "returns its input table, counts controlled, with <column>_suppressed reasons",
    "kpcompare.disclosure.for_release": "returns its input table, disclosure-controlled (suppress)",
    "kpcompare.disclosure.strata_for_release": "returns an aggregate's stratum table, disclosure-controlled",
    "kpcompare.disclosure.present": "a presentation (text) of suppress's output",
    "kpcompare.person_totals": "returns a PersonTotals (Parquet files read lazily): a per-person table of counts",
}


@pytest.fixture(scope="module")
def outputs() -> list[tuple[str, pd.DataFrame, list[str]]]:
    return _outputs()


def test_outputs_keep_to_the_output_vocabulary(outputs):
    problems = [p for name, frame, keys in outputs for p in output_problems(frame, name, keys)]
    assert problems == []


def test_every_public_function_output_is_sampled_or_excused(outputs):
    """A new public function must add a sample output to _outputs (or say here why its output is not a result)."""
    sampled = {name for name, _, _ in outputs}
    for names in FUNCTIONS.values():
        assert set(names) & (sampled | set(NOT_SAMPLED)), f"{names[0]}: add a sample output to _outputs"


def test_test_statistics_are_z_and_labels_are_text(outputs):
    got = {name: frame for name, frame, _ in outputs}
    for name in ("kpcompare.compare_rates", "kpcompare.rate_model", "kpcompare.compare"):
        assert "z" in got[name].columns and "p_value" in got[name].columns
        assert got[name]["statistic"].map(type).eq(str).all()
    assert set(got["kpcompare.compare_rates"]["statistic"]) == {"rate difference"}  # the last one run
    assert set(got["kpcompare.rate_model"]["statistic"]) == {"rate ratio (negative binomial model)"}


# --- the checks catch a function and an output that stray -------------------------------------------------


def _bad(strata: pd.DataFrame, by: str = "condition", *, per: float = 1000, weight: str = "w",
         multiplier: float = 1000, weighted: str = "weight", reference: pd.DataFrame | None = None,
         flavour: str = "x") -> pd.DataFrame:
    """A deliberately bad public function: every rule broken once."""
    return pd.DataFrame({"statistic": [1.96], "zstat": [1.96], "pval": [0.05], "flavour": ["x"]})


def test_a_function_that_strays_fails():
    problems = signature_problems(_bad, ["kpcompare.bad"])
    expected = [
        "option 'by' must be keyword-only",
        "'by' takes a column name or a sequence of them; annotated 'str'",
        "keyword 'per' is retired; use multiplier",
        "keyword 'weight' is retired; use weights",
        "'multiplier' defaults to 100000",
        "'weighted' is a flag",
        "'reference' is a level (not a table)",
        "keyword 'flavour' is neither in the vocabulary",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) == len(expected)


def test_an_output_that_strays_fails():
    problems = output_problems(_bad(pd.DataFrame()), "kpcompare.bad", [])
    assert any("column 'statistic' must hold the text label" in p for p in problems)
    assert any("test statistic column 'zstat'" in p for p in problems)
    assert any("p-value column 'pval'" in p for p in problems)
    assert any("columns ['zstat', 'pval', 'flavour'] are neither" in p for p in problems)


def test_a_good_function_passes():
    def good(data: pd.DataFrame, *, by: str | list[str] | None = None, multiplier: float = 100_000,
             confidence: float = 0.95, weights: str | None = None) -> pd.DataFrame:
        return data

    assert signature_problems(good, ["kpcompare.good"]) == []
    frame = pd.DataFrame({"g": ["a"], "value": [1.0], "statistic": ["rate per 100000"], "z": [0.0],
                          "p_value": [1.0]})
    assert output_problems(frame, "kpcompare.good", ["g"]) == []


def test_numbers_unchanged_by_the_vocabulary_check(outputs):
    """The compare_rates ratio of A to itself is exactly 1 with z = 0 and p = 1 (SAS PROC STDRATE convention)."""
    got = {name: frame for name, frame, _ in outputs}
    rr = got["kpcompare.compare_rates"].set_index("system").loc["A"]
    assert (rr["value"], rr["z"], rr["p_value"]) == (0.0, 0.0, 1.0)  # difference: A - A
    assert np.isfinite(got["kpcompare.dsr"]["value"]).all()
