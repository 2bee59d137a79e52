"""kpcompare.plots: figures draw from a compare(multiplier=1000) result (presentation only)."""

from __future__ import annotations

import pytest

import kpcompare
from kpcompare import plots
from kpcompare.errors import InvalidArgumentError

# System A: 60-74 pop 1000, 10 admissions, 100 bed days; 75+ pop 500, 20 adm, 300 bed days.
# System B: 60-74 pop 2000,  5 admissions,  30 bed days; 75+ pop 800,  8 adm,  40 bed days.
from _two_systems import POP, STRATA


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
