"""kpcompare.plots.concentration: Lorenz curves of the bundled NHDS 2010 stays (bed days by payer)."""

from __future__ import annotations

import pandas as pd
import pytest

from figure_checks import legend_labels
from kpcompare import concentration, datasets, plots
from kpcompare.errors import InvalidArgumentError


@pytest.fixture(scope="module")
def curves() -> pd.DataFrame:
    nhds = datasets.nhds2010()
    stays = nhds.loc[~nhds["newborn"].astype(bool) & nhds["payor_primary"].isin(["Medicare", "Medicaid", "self pay"]),
                     ["care_days", "weighting", "payor_primary"]]
    return concentration.lorenz(stays, value="care_days", frequency="weighting", by="payor_primary")


def test_one_curve_per_group_told_apart_without_colour(curves):
    fig = plots.lorenz_curves(curves, by="payor_primary", source="NHDS 2010 public-use file")
    ax = fig.axes[0]
    groups = ax.lines[1:]
    assert len(groups) == 3
    assert len({line.get_linestyle() for line in groups}) == 3 and len({line.get_marker() for line in groups}) == 3
    assert legend_labels(fig) == ["Line of equality", "Medicaid", "Medicare", "self pay"]
    assert ax.get_xlim() == (0, 100) and ax.get_ylim() == (0, 100)
    assert ax.get_ylabel() == "Cumulative share of the total (%)"


def test_a_hand_computed_curve():
    # values [1, 1, 2]: persons 2/3 hold 2/4 of the total (Lorenz 1905; as tests/concentration)
    points = concentration.lorenz(pd.DataFrame({"x": [1, 1, 2]}), value="x")
    line = plots.lorenz_curves(points).axes[0].lines[1]
    assert list(line.get_xdata()) == pytest.approx([0, 200 / 3, 100])
    assert list(line.get_ydata()) == pytest.approx([0, 50, 100])


def test_shares_outside_0_1_are_refused(curves):
    with pytest.raises(InvalidArgumentError, match="column 'total_share' holds shares between 0 and 1"):
        plots.lorenz_curves(curves.assign(total_share=curves["total_share"] * 100), by="payor_primary")
