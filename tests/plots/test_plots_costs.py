"""kpcompare.plots.costs: the tornado chart of a cost sensitivity table (presentation only)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare import costs, plots
from kpcompare.errors import MissingColumnError

NHS, KP = "NHS", "Kaiser California"


@pytest.fixture(scope="module")
def sens() -> pd.DataFrame:
    a = costs.assumptions("feachem2002")
    ranges = pd.DataFrame({"system": [NHS, NHS], "item": ["Administrative costs", "age_need"],
                           "low": [0, 0.8], "high": [1900, 1.0]})
    return costs.sensitivity(a.lines, factors=a.factors, assumption_set="feachem2002", system=NHS,
                             reference=KP, ranges=ranges)


def test_tornado_chart_draws_one_bar_per_input(sens):
    fig = plots.tornado_chart(sens, threshold=0.0, title="Feachem 2002")
    ax = fig.axes[0]
    n_inputs = sens[["system", "item"]].drop_duplicates().shape[0]
    assert len(ax.get_yticks()) == n_inputs
    # the label of what was computed: column "statistic" (kpcompare 0.1's sensitivity called it "outcome")
    label = "statistic" if "statistic" in sens.columns else "outcome"
    assert ax.get_xlabel() == sens[label].iloc[0]


def test_tornado_on_given_axes_and_saved(sens, tmp_path):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    assert plots.tornado_chart(sens, ax=ax) is fig
    fig.savefig(tmp_path / "tornado.png")
    assert (tmp_path / "tornado.png").stat().st_size > 1000


def test_tornado_missing_column():
    with pytest.raises(MissingColumnError, match=r"table: column\(s\) 'baseline'"):
        plots.tornado_chart(pd.DataFrame({"system": ["a"], "item": ["b"], "value": [1.0], "statistic": ["o"]}))


def test_tornado_label_from_statistic_or_the_old_outcome_column():
    table = pd.DataFrame({"system": ["NHS", "NHS"], "item": ["x", "x"], "value": [1.0, 3.0], "baseline": [2.0, 2.0],
                          "statistic": ["Kaiser - NHS per head", "Kaiser - NHS per head"]})
    assert plots.tornado_chart(table).axes[0].get_xlabel() == "Kaiser - NHS per head"
    old = table.rename(columns={"statistic": "outcome"})
    assert plots.tornado_chart(old).axes[0].get_xlabel() == "Kaiser - NHS per head"
    with pytest.raises(MissingColumnError, match=r"table: column\(s\) 'statistic'"):
        plots.tornado_chart(table.drop(columns="statistic"))


def test_deprecated_costs_tornado_chart_warns_and_is_the_same_function():
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.costs\.tornado_chart is deprecated .* "
                                                 r"use kpcompare\.plots\.tornado_chart instead"):
        old = costs.tornado_chart
    assert old is plots.tornado_chart


def test_deprecated_costs_tornado_module_warns_and_gives_the_same_function():
    import importlib
    import sys

    sys.modules.pop("kpcompare.costs.tornado", None)
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.costs\.tornado is deprecated .* "
                                                 r"use kpcompare\.plots\.costs instead"):
        module = importlib.import_module("kpcompare.costs.tornado")
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.costs\.tornado\.tornado_chart is deprecated"):
        old = module.tornado_chart
    assert old is plots.tornado_chart

