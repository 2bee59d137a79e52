"""kpcompare.plots.costs: the tornado chart of a cost sensitivity table (presentation only)."""

from __future__ import annotations

import numpy as np
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
    assert fig._suptitle.get_text() == "Feachem 2002"


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



# --- issue 18: figures fit for a journal ---------------------------------------------------------------------

from figure_checks import (SNAKE, all_texts, bar_textures, legend_labels, textures_differ,  # noqa: E402
                           warning_texts)
from kpcompare.errors import InvalidArgumentError, InvalidValueError  # noqa: E402


@pytest.fixture(scope="module")
def chain() -> pd.DataFrame:
    a = costs.assumptions("feachem2002")
    return costs.cascade(a.lines, factors=a.factors)


def test_tornado_greyscale_legend_and_notes(sens):
    fig = plots.tornado_chart(sens, threshold=0.0, title="Feachem 2002", source="Feachem et al BMJ 2002")
    ax = fig.axes[0]
    assert set(legend_labels(fig)) == {"above baseline", "below baseline", "threshold (0)",
                                       f"baseline ({sens['baseline'].iloc[0]:,.4g})"}
    assert [c.patches[0].get_hatch() for c in ax.containers] == ["///", "\\\\\\"]
    assert textures_differ(bar_textures(fig, ax))
    assert "dashed line the threshold" in fig.kpcompare_notes["caption"]
    assert not [t for t in all_texts(fig) if SNAKE.match(t)]  # 'age_need' is shown as 'Age need'
    assert any(t.endswith(": Age need") for t in all_texts(fig))


def test_tornado_refuses_more_than_one_baseline(sens):
    with pytest.raises(InvalidArgumentError, match="column 'baseline' must hold one value"):
        plots.tornado_chart(sens.assign(baseline=range(len(sens))))
    with pytest.raises(InvalidArgumentError, match="argument 'threshold'"):
        plots.tornado_chart(sens, threshold="high")
    with pytest.raises(InvalidArgumentError, match="argument 'ax': give matplotlib Axes to draw on"):
        plots.tornado_chart(sens, ax="left")


def test_waterfall_one_panel_per_system_running_totals_printed(chain, tmp_path):
    fig = plots.cascade_waterfall(chain, source="Feachem et al BMJ 2002", path=tmp_path / "w.png")
    nhs = next(ax for ax in fig.axes if ax.get_title() == "NHS")
    # Feachem's chain for the NHS, as printed (BMJ 2002;324:135): $1,402 -> $2,130 -> $1,764 (we round 1,763.39)
    printed = [t.get_text().strip() for t in nhs.texts]
    assert {"1,402", "2,130", "1,763"} <= set(printed)
    assert len(nhs.get_yticks()) == (chain["system"] == "NHS").sum()  # one bar per step
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == "Gross expenditures/revenue"
    assert legend_labels(fig) == ["start and subtotal", "increase", "decrease"]
    assert fig.axes[0].get_xlabel() == "Cost per head (USD); the axis starts at 1,000, not 0"
    assert [ax.get_xlabel() for ax in fig.axes[1:]] == [""]  # the unit spelt once
    assert (tmp_path / "w.png").stat().st_size > 10_000


def test_waterfall_increase_and_decrease_differ_in_greyscale(chain):
    fig = plots.cascade_waterfall(chain, systems=["NHS"])
    ax = fig.axes[0]
    hatches = {p.get_hatch() for p in ax.patches if p.get_facecolor()[:3] != (217 / 255,) * 3}
    assert hatches == {"///", "\\\\\\"}  # the NHS cascade has both increases and decreases


def test_waterfall_errors(chain):
    with pytest.raises(InvalidArgumentError, match="argument 'systems': 'Medicare' is not in the cascade"):
        plots.cascade_waterfall(chain, systems=["Medicare"])
    with pytest.raises(InvalidArgumentError, match="argument 'systems': give at least one system"):
        plots.cascade_waterfall(chain, systems=[])
    with pytest.raises(InvalidValueError, match=r"column 'value': rule 'finite and at most 1e\+15"):
        plots.cascade_waterfall(chain.assign(value=1e300))
    gap = chain.copy()
    gap.loc[3, "value"] = np.nan
    assert "1 step with no estimate is not drawn." in " ".join(" ".join(
        warning_texts(plots.cascade_waterfall(gap))).split())
