"""kpcompare.plots: figures draw from a compare(multiplier=1000) result (presentation only)."""

from __future__ import annotations

import pytest

import kpcompare
from kpcompare import plots
from kpcompare.errors import InvalidArgumentError
from two_systems import POP, STRATA  # tests/_support: the hand-computed two-system example


@pytest.fixture(scope="module")
def result():
    return kpcompare.compare(STRATA, population=POP, standard="A", reference="A", min_count=0, multiplier=1000)


def test_bars_one_bar_per_system_and_cause(result, tmp_path):
    fig = plots.bed_days_bars(result, path=tmp_path / "bars.png")
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 2  # 2 systems x (stroke, all selected)
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights[-1] == pytest.approx(2 / 3 * 100 + 1 / 3 * 600)  # A's standardised bed days
    assert (tmp_path / "bars.png").stat().st_size > 0


def test_forest_one_panel_per_measure(result, tmp_path):
    fig = plots.ratio_forest(result, path=tmp_path / "forest.png")
    assert len(fig.axes) == 3
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["stroke | B", "all selected | B"]


def test_error_measure_absent(result):
    with pytest.raises(InvalidArgumentError, match="argument 'measure': no rows with measure 'costs'"):
        plots.bed_days_bars(result, measure="costs")


def test_plots_package_loads_matplotlib_only_when_a_figure_is_drawn():
    import subprocess
    import sys

    code = ("import sys, kpcompare.plots as p; assert 'matplotlib' not in sys.modules; "
            "p.tornado_chart; p.bed_days_bars; p.funnel_plot; print(sorted(p.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['bed_days_bars', 'funnel_plot', 'ratio_forest', 'tornado_chart']"


def test_plots_names_are_the_functions_of_their_modules():
    from kpcompare.plots import comparison, costs

    assert plots.bed_days_bars is comparison.bed_days_bars
    assert plots.ratio_forest is comparison.ratio_forest
    assert plots.tornado_chart is costs.tornado_chart
