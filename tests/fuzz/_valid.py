"""One small VALID call per public function: the fuzz suite breaks one thing in it at a time.

``VALID[name]`` is a factory returning a fresh :class:`Call` (new frames each time, so a fault never leaks
into the next case).  ``name`` is one of the function's public names (``kpcompare.dsr``,
``kpcompare.costs.cascade``; see ``public_api.public_functions``).  ``test_fuzz_api.py`` fails when a public
function has no entry here: add one for every new function (docs/contributing.md).

``read_episodes`` and ``aggregate`` are fuzzed on in-memory DataFrames (the file corpus is
``tests/_support/corrupt_files.py``): ``aggregate``'s call reads the frame first, so a fault in the frame
reaches it through ``read_episodes`` as an analyst's would.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kpcompare
from public_api import sample_strata  # tests/_support
from kpcompare import concentration, conditions, costs, figures, plots, profiles, refdata


@dataclass
class Call:
    """A call ``func(*args, **kwargs)``; faults replace one argument or one thing inside a table argument."""

    func: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def run(self) -> Any:
        return self.func(*self.args, **self.kwargs)

    def slots(self) -> list[int | str]:
        """Every argument: positional indices and keyword names."""
        return [*range(len(self.args)), *self.kwargs]

    def get(self, slot: int | str) -> Any:
        return self.args[slot] if isinstance(slot, int) else self.kwargs[slot]

    def set(self, slot: int | str, value: Any) -> None:
        if isinstance(slot, int):
            self.args = (*self.args[:slot], value, *self.args[slot + 1:])
        else:
            self.kwargs = {**self.kwargs, slot: value}


# --- small valid inputs ------------------------------------------------------------------------------------

def _rates() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["0-64", "65+"] * 2,
                         "deaths": [20, 60, 30, 90], "population": [10_000, 2_000, 12_000, 3_000]})
    std = pd.DataFrame({"age_band": ["0-64", "65+"], "population": [80_000, 20_000]})
    return data, std


_strata = sample_strata  # tests/_support/public_api.py


def episodes() -> pd.DataFrame:
    """A canonical episode extract of six rows (two systems, two sexes, three age bands)."""
    day = pd.Timestamp("2020-01-01")
    return pd.DataFrame({
        "person_id": [1, 2, 3, 4, 5, 6], "episode_id": [1, 2, 3, 4, 5, 6],
        "system": ["A", "A", "A", "B", "B", "B"], "sex": ["M", "F", "M", "F", "M", "F"],
        "age": [5.0, 40.0, 70.0, 10.0, 50.0, 80.0],
        "primary_diagnosis": ["J44.1", "I64", "J441", "K35", "I61.9", "J44"],
        "admission_date": [day + pd.Timedelta(days=i) for i in range(6)],
        "discharge_date": [day + pd.Timedelta(days=i + (i % 3)) for i in range(6)],
    })


def aggregate_frame(frame: Any, **kwargs: Any) -> Any:
    """``aggregate(read_episodes(frame), **kwargs)``: the path an analyst takes from a table."""
    return kpcompare.aggregate(kpcompare.read_episodes(frame), **kwargs)


@functools.cache
def _assumptions() -> costs.CostAssumptions:
    return costs.assumptions("feachem2002")



@functools.cache
def _condition_file() -> str:
    path = Path(tempfile.mkdtemp(prefix="kpcompare_fuzz_")) / "mine.csv"
    path.write_text("group,coding,codes,source\nstroke,icd10,I60-I64,WHO\ncopd,icd10,J40-J44,WHO\n",
                    encoding="utf-8")
    return str(path)


@functools.cache
def _comparison() -> pd.DataFrame:
    strata, pop = _strata()
    return kpcompare.compare(strata, population=pop, standard="A", reference="A", min_count=0)


def _people() -> pd.DataFrame:
    return pd.DataFrame({"group": ["x"] * 5 + ["y"] * 5, "cost": [1, 2, 3, 4, 10, 0, 0, 1, 1, 8]})


def _counts() -> pd.DataFrame:
    return pd.DataFrame({"system": ["A", "A", "B", "B"], "measure": ["beds", "members"] * 2,
                         "value": [10, 5000, 30, 9000]})


def _ratios() -> pd.DataFrame:
    return profiles.ratios(profiles.densities(_counts(), population="members"), numerator="B", denominator="A")


def _claims() -> pd.DataFrame:
    return pd.DataFrame({"measure": ["beds"], "statement": ["B has more beds per head"], "claimed": [1.0],
                         "wording": ["more_than"]})


def _registry_path() -> str:
    from kpcompare._paths import data_path

    return str(data_path("figures", "registry.csv"))


@functools.cache
def _registry() -> pd.DataFrame:
    return figures.load_registry()


@functools.cache
def _sensitivity() -> pd.DataFrame:
    a = _assumptions()
    return costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system="NHS",
                             reference="Kaiser California")


def _trusts() -> pd.DataFrame:
    return pd.DataFrame({"trust": ["A", "B", "C", "D"], "deaths": [30, 52, 9, 0], "expected": [28.1, 35.2, 15.3, 2.5]})


def _funnel_table() -> pd.DataFrame:
    return kpcompare.funnel(_trusts(), kind="ratio", by="trust", observed="deaths", expected="expected")


NHS, KP = "NHS", "Kaiser California"


@functools.cache
def _decomposition() -> pd.DataFrame:
    strata, pop = _strata()
    return kpcompare.decompose(strata, population=pop, standard="A", reference="A")


@functools.cache
def _cascade() -> pd.DataFrame:
    a = _assumptions()
    return costs.cascade(a.lines, factors=a.factors)


def _rate(func: Callable[..., Any], **extra: Any) -> Callable[[], Call]:
    def build() -> Call:
        data, std = _rates()
        kw = dict(count="deaths", population="population", by="system")
        if extra.get("standard") == "population":
            kw["standard"] = std
        elif extra.get("standard") == "rates":
            kw["standard"] = std.assign(deaths=[400, 900])
        return Call(func, (data,), kw)
    return build


def _cost(func: Callable[..., Any], **kw: Any) -> Callable[[], Call]:
    def build() -> Call:
        a = _assumptions()
        return Call(func, (a.lines.copy(),), {"factors": a.factors.copy(), **kw})
    return build


def _concentration(func: Callable[..., Any], **kw: Any) -> Callable[[], Call]:
    return lambda: Call(func, (_people(),), {"value": "cost", "by": "group", **kw})


def _need_call() -> Call:
    _, pop = _strata()
    need = pd.DataFrame({"age_band": ["0-64", "65+"], "weight": [1.0, 4.0]})
    return Call(costs.age_need_factor, (pop,), {"need": need, "reference": "A"})


def _alternative_call() -> Call:
    changes = pd.DataFrame({"system": [NHS], "item": ["age_need"], "value": [0.9], "source": ["fuzz"]})
    return Call(costs.alternative, (changes,), {"assumptions": _assumptions(), "base": "feachem2002",
                                                "name": "fuzz_alt"})


def _compare_call(func: Callable[..., Any], **kw: Any) -> Callable[[], Call]:
    def build() -> Call:
        strata, pop = _strata()
        return Call(func, (strata,), {"population": pop, "standard": "A", "reference": "A", **kw})
    return build


def _rate_model_call() -> Call:
    strata, pop = _strata()
    return Call(kpcompare.rate_model, (strata,), {"population": pop, "by": "condition"})


VALID: dict[str, Callable[[], Call]] = {
    "kpcompare.poisson_ci": lambda: Call(kpcompare.poisson_ci, (np.array([0, 3, 10]),), {"confidence": 0.95}),
    "kpcompare.crude_rate": _rate(kpcompare.crude_rate),
    "kpcompare.dsr": _rate(kpcompare.dsr, standard="population"),
    "kpcompare.smr": _rate(kpcompare.smr, standard="rates"),
    "kpcompare.isr": _rate(kpcompare.isr, standard="rates"),
    "kpcompare.compare_rates": lambda: Call(kpcompare.compare_rates, (_rate(kpcompare.dsr, standard="population")()
                                                                      .run(),),
                                            {"between": "system", "reference": "A"}),
    "kpcompare.standard_population": lambda: Call(refdata.standard_population, ("esp2013",)),
    "kpcompare.list_standard_populations": lambda: Call(refdata.list_standard_populations),
    "kpcompare.standard_from_population": lambda: Call(refdata.standard_from_population, (_strata()[1],),
                                                       {"strata": "age_band"}),
    "kpcompare.reband": lambda: Call(refdata.reband, (refdata.standard_population("esp2013"),),
                                     {"bands": [0, 15, 65]}),
    "kpcompare.age_to_band": lambda: Call(refdata.age_to_band, (np.array([5.0, 40.0, 70.0]), [0, 15, 65])),
    "kpcompare.band_table": lambda: Call(refdata.band_table, ([0, 15, 65],)),
    "kpcompare.read_episodes": lambda: Call(kpcompare.read_episodes, (episodes(),)),
    "kpcompare.aggregate": lambda: Call(aggregate_frame, (episodes(),),
                                        {"by": ("system", "sex", "age_band"), "age_bands": [0, 15, 65],
                                         "progress": False}),
    "kpcompare.person_totals": lambda: Call(kpcompare.person_totals, (episodes().assign(provider="P"),),
                                            {"progress": False}),
    "kpcompare.spell_diagnostics": lambda: Call(kpcompare.spell_diagnostics, (episodes().assign(provider="P"),)),
    "kpcompare.condition_set": lambda: Call(conditions.condition_set, ("ham2003_leading_causes",),
                                            {"coding": "icd10"}),
    "kpcompare.load_condition_set": lambda: Call(conditions.load_condition_set, (_condition_file(),),
                                                 {"coding": "icd10"}),
    "kpcompare.list_condition_sets": lambda: Call(conditions.list_condition_sets),
    "kpcompare.conditions.normalise_codes": lambda: Call(conditions.normalise_codes, (["J44.1", "i61.9"],)),
    "kpcompare.compare": _compare_call(kpcompare.compare, min_count=0),
    "kpcompare.decompose": _compare_call(kpcompare.decompose),
    "kpcompare.rate_model": _rate_model_call,
    "kpcompare.cascade": _cost(costs.cascade),
    "kpcompare.compare_assumptions": _cost(costs.compare_assumptions, reference=KP),
    "kpcompare.costs.sensitivity": _cost(costs.sensitivity, assumption_set="feachem2002", system=NHS,
                                         reference=KP),
    "kpcompare.age_need_factor": _need_call,
    "kpcompare.costs.assumptions": lambda: Call(costs.assumptions, ("feachem2002",)),
    "kpcompare.costs.list_assumption_sets": lambda: Call(costs.list_assumption_sets),
    "kpcompare.costs.validate_lines": lambda: Call(costs.validate_lines, (_assumptions().lines.copy(),)),
    "kpcompare.costs.validate_factors": lambda: Call(costs.validate_factors, (_assumptions().factors.copy(),)),
    "kpcompare.costs.toggle": lambda: Call(costs.toggle, (_assumptions().lines.copy(),), {"on": False}),
    "kpcompare.costs.alternative": _alternative_call,
    "kpcompare.costs.exchange_rates": lambda: Call(costs.exchange_rates, (_assumptions().factors.copy(),)),
    "kpcompare.gini": _concentration(concentration.gini, n_boot=20, random_state=1),
    "kpcompare.lorenz": _concentration(concentration.lorenz),
    "kpcompare.top_share": _concentration(concentration.top_share, top=0.2),
    "kpcompare.concentration.check_concentration": _concentration(concentration.check_concentration, top=0.2,
                                                                  claimed=0.5),
    "kpcompare.profiles.profile_table": lambda: Call(profiles.profile_table, ("feachem2002_specialists",)),
    "kpcompare.profiles.densities": lambda: Call(profiles.densities, (_counts(),), {"population": "members"}),
    "kpcompare.profiles.ratios": lambda: Call(profiles.ratios, (profiles.densities(_counts(), population="members"),),
                                              {"numerator": "B", "denominator": "A"}),
    "kpcompare.profiles.check_claims": lambda: Call(profiles.check_claims, (_ratios(), _claims())),
    "kpcompare.plots.bed_days_bars": lambda: Call(plots.bed_days_bars, (_comparison().copy(),)),
    "kpcompare.plots.ratio_forest": lambda: Call(plots.ratio_forest, (_comparison().copy(),)),
    "kpcompare.plots.tornado_chart": lambda: Call(plots.tornado_chart, (_sensitivity().copy(),)),
    "kpcompare.plots.decomposition_bars": lambda: Call(plots.decomposition_bars, (_decomposition().copy(),),
                                                       {"title": "t", "caption": "c", "source": "s", "warning": "w"}),
    "kpcompare.plots.cascade_waterfall": lambda: Call(plots.cascade_waterfall, (_cascade().copy(),),
                                                      {"systems": [NHS, KP]}),
    "kpcompare.plots.lorenz_curves": lambda: Call(plots.lorenz_curves, (concentration.lorenz(
        _people(), value="cost", by="group"),), {"by": "group"}),
    "kpcompare.figures.load_registry": lambda: Call(figures.load_registry, (_registry_path(),)),
    "kpcompare.figures.validate_registry": lambda: Call(figures.validate_registry, (_registry().copy(),)),
    "kpcompare.figures.check": lambda: Call(figures.check, (_registry().copy(),),
                                             {"ids": ["feachem2002.nhs_net_gbp_m"]}),
    "kpcompare.figures.assert_figure": lambda: Call(figures.assert_figure, ("feachem2002.nhs_per_capita_usd",
                                                                            1402.0)),
    "kpcompare.figures.register": lambda: Call(figures.register, ("kpcompare_fuzz_computation",)),
    "kpcompare.figures.computations": lambda: Call(figures.computations),
    "kpcompare.figures.bounds": lambda: Call(figures.bounds, (3.5,), {"wording": "printed", "printed": "3.5 times"}),
    "kpcompare.figures.printed_precision": lambda: Call(figures.printed_precision, ("3.5",)),
    "kpcompare.funnel": lambda: Call(kpcompare.funnel, (_trusts(),), {"kind": "ratio", "by": "trust",
                                                                      "observed": "deaths", "expected": "expected",
                                                                      "overdispersion": "shmi"}),
    "kpcompare.funnel_limits": lambda: Call(kpcompare.funnel_limits, ([15.0, 20.0, 30.0],),
                                            {"kind": "rate", "target": 250.0}),
    "kpcompare.plots.funnel_plot": lambda: Call(plots.funnel_plot, (_funnel_table(),), {"by": "trust"}),
}

#: documented exceptions that are not KpcompareError: function -> exception types it may raise by design
DOCUMENTED: dict[str, tuple[type[BaseException], ...]] = {
    "kpcompare.figures.assert_figure": (AssertionError,),  # "raises an AssertionError" (docs/figures.md)
}

#: functions returning an input or reference table (not estimates): the "no NaN without a note" property does
#: not apply (a registry row without explicit bounds has NaN `lower`/`upper` by design)
INPUT_TABLES = frozenset({"kpcompare.figures.load_registry", "kpcompare.figures.validate_registry"})


# --- issue 20, h20disc: kpcompare.disclosure (appended block) ------------------------------------------------
def _disclosure_calls() -> dict[str, Callable[[], Call]]:
    from kpcompare import disclosure

    counts = {"counts": ["admissions", "bed_days"]}
    return {
        "kpcompare.disclosure.suppress": lambda: Call(disclosure.suppress, (_strata()[0],),
                                                      {**counts, "derived": None, "rule": "hes"}),
        "kpcompare.disclosure.for_release": lambda: Call(disclosure.for_release, (_strata()[0],),
                                                         {**counts, "record_level": True}),
        "kpcompare.disclosure.strata_for_release": lambda: Call(
            disclosure.strata_for_release, (aggregate_frame(episodes(), by=("system", "sex"), progress=False),)),
        "kpcompare.disclosure.present": lambda: Call(disclosure.present,
                                                     (disclosure.suppress(_strata()[0], **counts),)),
    }


VALID.update(_disclosure_calls())


# --- issue 21, h21acsc: condition rules (appended block) ------------------------------------------------------
def _acsc_records() -> pd.DataFrame:
    return pd.DataFrame({"primary_diagnosis": ["I20.9", "I20.9", "J20.9", None],
                         "diagnoses": [["I209"], ["I209"], ["J209", "J441"], []],
                         "procedures": [[], ["K40.1"], [], []],
                         "admission_method": ["21", "21", "22", "21"]})


def _acsc_calls() -> dict[str, Callable[[], Call]]:
    from kpcompare._paths import data_path

    return {
        "kpcompare.conditions.load_condition_rules": lambda: Call(
            conditions.load_condition_rules, (str(data_path("conditions", "acsc_nhs19.toml")),)),
        "kpcompare.conditions.classify_records": lambda: Call(conditions.classify_records, (_acsc_records(),),
                                                              {"conditions": "acsc_nhs19"}),
    }


VALID.update(_acsc_calls())
