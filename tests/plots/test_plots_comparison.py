"""kpcompare.plots.comparison: bars of standardised rates and the forest plot of ratios, on the hand-computed
two-system example and on the bundled Ham-style comparison (presentation only).

Hand-computed values (tests/_support/two_systems.py; standard = A's population, weights 2/3 and 1/3):
A's standardised bed days per 1,000 = 2/3 x 100 + 1/3 x 600 = 266.67, B's = 2/3 x 15 + 1/3 x 50 = 26.67;
admissions A = 2/3 x 10 + 1/3 x 40 = 20, B = 2/3 x 2.5 + 1/3 x 10 = 5; so B/A = 0.10 (bed days), 0.25
(admissions) and 0.40 (ALOS, 5.33 / 13.33).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import kpcompare
from figure_checks import (SNAKE, all_texts, bar_textures, labels_overlap, legend_labels, textures_differ,
                           visible_tick_labels, warning_texts)
from kpcompare import plots
from kpcompare.errors import InvalidArgumentError, InvalidValueError, MissingColumnError
from report_bundles import ham_data  # tests/_support
from two_systems import POP, STRATA  # tests/_support: the hand-computed two-system example


@pytest.fixture(scope="module")
def result():
    return kpcompare.compare(STRATA, population=POP, standard="A", reference="A", min_count=0, multiplier=1000)


@pytest.fixture(scope="module")
def ham_cmp():
    from kpcompare.report import ham

    return ham._for_display(ham_data()["comparison"])


def test_bars_one_bar_per_system_and_cause_the_total_apart(result, tmp_path):
    fig = plots.bed_days_bars(result, path=tmp_path / "bars.png")
    main, total = fig.axes
    assert len(main.patches) == 2 and len(total.patches) == 2  # 2 systems x stroke | 2 systems x all selected
    heights = sorted(p.get_height() for p in main.patches)
    assert heights == pytest.approx([2 / 3 * 15 + 1 / 3 * 50, 2 / 3 * 100 + 1 / 3 * 600])
    assert visible_tick_labels(main) == ["Stroke"] and visible_tick_labels(total) == ["All selected causes"]
    assert (tmp_path / "bars.png").stat().st_size > 0


def test_bars_on_the_ham_comparison(ham_cmp):
    fig = plots.bed_days_bars(ham_cmp, source="HES 2000-01; NHDS 2010")
    main, total = fig.axes
    assert len(main.patches) == 3 * 12 and len(total.patches) == 3  # the total does not squash the causes
    assert max(p.get_height() for p in main.patches) < 0.5 * max(p.get_height() for p in total.patches)
    assert legend_labels(fig) == ["NHS England 2000-01", "US all payers 2010", "US Medicare-paid 2010"]
    assert len({p.get_hatch() for p in main.patches}) == 3  # one hatch per system: greyscale
    assert textures_differ(bar_textures(fig, total))  # in a black-and-white print too
    units = [t for t in all_texts(fig) if "per 1,000" in t]
    assert units == ["Bed days per 1,000 population, standardised"]  # the unit, spelt once
    assert not [t for t in all_texts(fig) if SNAKE.match(t)]
    assert fig._suptitle.get_text() == "Bed days by cause and system"
    assert "95% confidence intervals" in fig.kpcompare_notes["caption"]
    assert fig.kpcompare_notes["source"] == "HES 2000-01; NHDS 2010"
    assert any(t == "Source: HES 2000-01; NHDS 2010" for t in all_texts(fig))
    # the NHS bed-day rows' note says their interval is too narrow: the figure says so
    assert any("NHS England 2000-01" in w and "too narrow" in w for w in warning_texts(fig))


def test_bars_the_caller_warning_is_drawn(result):
    fig = plots.bed_days_bars(result, warning="US intervals ignore the survey design.")
    # the notes of B's rows say their bed-day intervals are too narrow (Poisson bed days): that warning first
    assert " ".join(" ".join(warning_texts(fig)).split()) == (
        "Warning: intervals of A, B are known to be too narrow (see the note column and the caveats). US "
        "intervals ignore the survey design.")
    assert plots.bed_days_bars(result, measure="admissions").kpcompare_notes["warnings"] == ()


def test_forest_numbers_beside_the_intervals(result):
    fig = plots.ratio_forest(result)
    texts = all_texts(fig)
    for measure, ratio in (("admissions", "0.25"), ("alos", "0.40"), ("bed_days", "0.10")):
        assert any(re.fullmatch(rf"{ratio} \(\d\.\d\d to \d\.\d\d\)", t) for t in texts), measure
    panels = [ax for ax in fig.axes if ax.get_xscale() == "log"]
    assert len(panels) == 3
    assert visible_tick_labels(panels[0], "y") == ["Stroke", "All selected causes"]
    assert panels[0].get_xlabel() == "Ratio to A (log scale)"  # the unit, spelt once
    assert [ax.get_xlabel() for ax in panels[1:]] == ["", ""]


def test_forest_log_axis_has_readable_tick_labels(ham_cmp):
    fig = plots.ratio_forest(ham_cmp)
    for ax in (a for a in fig.axes if a.get_xscale() == "log"):
        labels = visible_tick_labels(ax)
        assert len(labels) >= 3 and "1" in labels
        assert all(re.fullmatch(r"\d+(\.\d+)?", t) for t in labels)  # plain numbers, not 10^-1
        assert not labels_overlap(fig, ax)


def test_forest_narrow_range_still_has_three_tick_labels(result):
    narrow = result.copy()
    narrow.loc[narrow["system"] == "B", ["ratio", "ratio_lower", "ratio_upper"]] = [1.02, 1.01, 1.03]
    fig = plots.ratio_forest(narrow, measures=("bed_days",))
    ax = next(a for a in fig.axes if a.get_xscale() == "log")
    assert len(visible_tick_labels(ax)) >= 3


def test_forest_systems_told_apart_by_marker(ham_cmp):
    fig = plots.ratio_forest(ham_cmp)
    ax = next(a for a in fig.axes if a.get_xscale() == "log")
    markers = [c.lines[0].get_marker() for c in ax.containers]
    assert len(markers) == 2 and len(set(markers)) == 2
    assert legend_labels(fig) == ["US all payers 2010", "US Medicare-paid 2010"]
    assert fig.kpcompare_notes["caption"].startswith("Ratios to NHS England 2000-01 with 95% confidence")


def test_error_measure_absent(result):
    with pytest.raises(InvalidArgumentError, match="argument 'measure': no rows with measure 'costs'"):
        plots.bed_days_bars(result, measure="costs")
    with pytest.raises(InvalidArgumentError, match=r"argument 'measures': none of \('costs',\)"):
        plots.ratio_forest(result, measures=("costs",))


def test_errors_name_the_column_and_the_rule(result):
    broken = result.assign(value=result["value"].astype(object))
    broken.loc[0, "value"] = "many"
    with pytest.raises(InvalidValueError, match=r"column 'value': rule 'numeric' broken by 1 row \(e.g. 'many'\)"):
        plots.bed_days_bars(broken)
    with pytest.raises(InvalidValueError, match=r"column 'ratio': rule 'finite and at most 1e\+15"):
        plots.ratio_forest(result.assign(ratio=np.inf))
    # a level outside (0, 1) in the table: the fuzz suite found it reached matplotlib as a bare ValueError
    with pytest.raises(InvalidValueError, match=r"column 'confidence': rule 'a confidence level strictly between "
                                                 r"0 and 1' broken by \d+ rows? \(e.g. -0.5\)"):
        plots.ratio_forest(result.assign(confidence=-0.5))
    with pytest.raises(InvalidValueError, match=r"column 'confidence': rule 'a confidence level"):
        plots.bed_days_bars(result.assign(confidence=95.0))
    with pytest.raises(InvalidValueError, match=r"column 'system': rule 'no missing values' broken by 1 row"):
        plots.bed_days_bars(result.assign(system=[None] + list(result["system"].iloc[1:])))
    with pytest.raises(MissingColumnError, match=r"comparison: column\(s\) 'lower' not found"):
        plots.bed_days_bars(result.drop(columns="lower"))
    with pytest.raises(InvalidArgumentError, match="argument 'title': give text"):
        plots.bed_days_bars(result, title=3)
    with pytest.raises(InvalidArgumentError, match="argument 'confidence': give one confidence level"):
        plots.ratio_forest(result, confidence=[0.9, 0.95])
    with pytest.raises(InvalidArgumentError, match="argument 'comparison': the table has no rows"):
        plots.bed_days_bars(result.iloc[:0])


def test_missing_estimates_are_said_not_dropped(result):
    gap = result.copy()
    gap.loc[(gap["system"] == "B") & (gap["measure"] == "bed_days"), ["value", "lower", "upper"]] = np.nan
    fig = plots.bed_days_bars(gap)
    assert "2 rows with no estimate are not drawn." in " ".join(" ".join(warning_texts(fig)).split())


def test_plots_package_loads_matplotlib_only_when_a_figure_is_drawn():
    import subprocess
    import sys

    code = ("import sys, kpcompare.plots as p; assert 'matplotlib' not in sys.modules; "
            "p.tornado_chart; p.bed_days_bars; p.lorenz_curves; p.funnel_plot; print(sorted(p.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names = set(out.stdout.strip().strip("[]").replace("'", "").split(", "))
    assert {"bed_days_bars", "cascade_waterfall", "decomposition_bars", "lorenz_curves", "ratio_forest",
            "tornado_chart", "funnel_plot"} <= names


def test_plots_names_are_the_functions_of_their_modules():
    from kpcompare.plots import comparison, concentration, costs, decomposition

    assert plots.bed_days_bars is comparison.bed_days_bars
    assert plots.ratio_forest is comparison.ratio_forest
    assert plots.tornado_chart is costs.tornado_chart
    assert plots.cascade_waterfall is costs.cascade_waterfall
    assert plots.decomposition_bars is decomposition.decomposition_bars
    assert plots.lorenz_curves is concentration.lorenz_curves
