"""kpcompare.plots.decomposition: the gap in bed days split into admissions and length of stay, as bars."""

from __future__ import annotations

import pytest

import kpcompare
from figure_checks import all_texts, bar_textures, legend_labels, textures_differ, visible_tick_labels
from kpcompare import plots
from kpcompare.errors import DuplicateKeyError, MissingColumnError
from report_bundles import ham_data  # tests/_support
from two_systems import POP, STRATA  # tests/_support


def test_the_two_parts_sum_to_the_gap_drawn_as_a_diamond():
    dec = kpcompare.decompose(STRATA, population=POP, standard="A", reference="A", multiplier=1000)
    fig = plots.decomposition_bars(dec)
    ax = fig.axes[0]
    gap = ax.lines[0].get_xdata()
    widths = [[p.get_width() for p in c.patches] for c in ax.containers]
    # B against A: 26.67 - 266.67 = -240 bed days per 1,000 (tests/_support/two_systems.py, by hand)
    assert [round(g, 2) for g in gap[:1]] == [-240.0]
    assert widths[0][0] + widths[1][0] == pytest.approx(-240.0)
    assert legend_labels(fig) == ["Due to admission rate", "Due to length of stay", "Gap (their sum)"]


def test_on_the_ham_decomposition_total_apart_and_greyscale():
    fig = plots.decomposition_bars(ham_data()["decomposition"], source="HES 2000-01; NHDS 2010")
    main, total = fig.axes
    assert len(visible_tick_labels(main, "y")) == 2 * 12 and len(visible_tick_labels(total, "y")) == 2
    assert visible_tick_labels(total, "y")[0] == "All selected causes: US all payers 2010"
    assert textures_differ(bar_textures(fig, main))
    labels = [t for t in all_texts(fig) if "per 1,000" in t]
    assert labels == ["Difference from NHS England 2000-01: bed days per 1,000 population (standardised)"]
    assert "Kitagawa 1955" in fig.kpcompare_notes["caption"]


def test_errors():
    dec = kpcompare.decompose(STRATA, population=POP, standard="A", reference="A", multiplier=1000)
    with pytest.raises(MissingColumnError, match=r"decomposition: column\(s\) 'los_component' not found"):
        plots.decomposition_bars(dec.drop(columns="los_component"))
    bands = dec[dec["age_band"] != "standardised"]
    with pytest.raises(DuplicateKeyError, match="rule \"one row per system and cause"):
        plots.decomposition_bars(bands)
