"""kpcompare.plots.funnel_plot: a matplotlib Figure readable in greyscale, outliers labelled, axes spelt out."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import kpcompare  # noqa: E402
from kpcompare.errors import InvalidArgumentError, KpcompareError, MissingColumnError  # noqa: E402

# O = 30 at E = 15 is above the 99.8% limit (R: ppois(29, 15, lower.tail = FALSE) = 0.00042), O = 2 at E = 15
# below it (R: ppois(2, 15) = 3.9e-5); the others lie within
TRUSTS = pd.DataFrame({"trust": ["High", "Low", "A", "B", "C"], "deaths": [30, 2, 15, 41, 8],
                       "expected": [15.0, 15.0, 14.2, 40.3, 9.1]})


def _table(**kw) -> pd.DataFrame:
    return kpcompare.funnel(TRUSTS, kind="ratio", by="trust", observed="deaths", expected="expected", **kw)


def _grey(colour) -> bool:
    r, g, b, _ = to_rgba(colour)
    return np.isclose(r, g) and np.isclose(g, b)


def test_returns_a_figure_with_axes_spelt_out_and_a_caption(tmp_path):
    fig = kpcompare.plots.funnel_plot(_table(), by="trust", caption="Source: synthetic trusts",
                                      path=tmp_path / "funnel.png")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Expected count E (events)" and ax.get_ylabel() == "ratio O/E"
    assert "Source: synthetic trusts" in [t.get_text() for t in fig.texts]
    assert (tmp_path / "funnel.png").stat().st_size > 0


def test_readable_in_greyscale_levels_differ_by_line_style():
    fig = kpcompare.plots.funnel_plot(_table(), by="trust")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert {"95% limits", "99.8% limits", "target"} <= set(lines)
    assert lines["95% limits"].get_linestyle() != lines["99.8% limits"].get_linestyle()
    assert all(_grey(line.get_color()) for line in ax.get_lines())
    for points in ax.collections:
        assert all(_grey(c) for c in points.get_facecolors()) and all(_grey(c) for c in points.get_edgecolors())
    markers = {c.get_label() for c in ax.collections}
    assert {"unit above the limits", "unit below the limits", "unit within"} <= markers


def test_outliers_beyond_the_widest_limits_are_labelled():
    table = _table()
    assert table.drop_duplicates("trust").set_index("trust")["position"][["High", "Low"]].tolist() == \
        ["above 99.8%", "below 99.8%"]
    fig = kpcompare.plots.funnel_plot(table, by="trust")
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["High", "Low"]


def test_one_level_and_the_overdispersion_of_the_table():
    table = _table(overdispersion="cqc", confidence=[0.95, 0.998])
    fig = kpcompare.plots.funnel_plot(table, by="trust", confidence=0.95)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "95% limits" in labels and "99.8% limits" not in labels
    assert "CQC" in fig.axes[0].get_title()


def test_proportions_and_rates_have_their_own_x_axis():
    units = pd.DataFrame({"u": ["a", "b", "c"], "o": [10, 30, 12], "n": [100, 120, 90]})
    fig = kpcompare.plots.funnel_plot(kpcompare.funnel(units, kind="proportion", by="u", observed="o",
                                                       denominator="n", multiplier=100), by="u")
    assert fig.axes[0].get_xlabel() == "Denominator (cases)" and fig.axes[0].get_ylabel() == "proportion x 100"
    fig = kpcompare.plots.funnel_plot(kpcompare.funnel(units, kind="rate", by="u", observed="o",
                                                       denominator="n"), by="u")
    assert fig.axes[0].get_xlabel() == "Population (person-years)"


def test_bad_input_is_refused():
    with pytest.raises(MissingColumnError, match="'position'"):
        kpcompare.plots.funnel_plot(_table().drop(columns="position"), by="trust")
    with pytest.raises(InvalidArgumentError, match="argument 'confidence'"):
        kpcompare.plots.funnel_plot(_table(), by="trust", confidence=0.9)
    with pytest.raises(InvalidArgumentError, match="no rows"):
        kpcompare.plots.funnel_plot(_table().iloc[:0], by="trust")
    with pytest.raises(KpcompareError):
        kpcompare.plots.funnel_plot(_table().assign(value="x"), by="trust")
