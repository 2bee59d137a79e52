"""kpcompare.plots._style, _labels and _data: the house style every figure shares (log ticks, units, labels,
greyscale series, caption/source/warning strips) and the checks every figure applies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from figure_checks import bar_textures, labels_overlap, textures_differ, visible_tick_labels
from kpcompare.errors import InvalidArgumentError
from kpcompare.plots._data import at_confidence, missing_note, prepare
from kpcompare.plots._labels import human, is_total
from kpcompare.plots._style import finish, log_ticks, new_figure, series, unit_text


@pytest.mark.parametrize(("low", "high"), [(0.01, 5.0), (0.5, 2.0), (0.95, 1.06), (1.001, 1.004), (3, 300)])
def test_log_ticks_at_least_three_readable_labels(low, high):
    fig = new_figure(4, 3)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    log_ticks(ax)
    labels = visible_tick_labels(ax)
    assert len(labels) >= 3, labels
    assert not labels_overlap(fig, ax)
    assert all("10^" not in t and "$" not in t for t in labels)  # plain numbers


def test_unit_text_spells_the_unit_for_people():
    assert unit_text("bed days per 1000, standardised") == "Bed days per 1,000 population, standardised"
    assert unit_text("ALOS days, standardised") == "Average length of stay (days), standardised"
    assert unit_text("dsr per 100000") == "Dsr per 100,000 population"


def test_human_labels():
    assert human("heart_failure") == "Heart failure"
    assert human("bronchitis_copd") == "Bronchitis/COPD"
    assert human("alos") == "Average length of stay"
    assert human("NHS England 2000-01") == "NHS England 2000-01"  # written for people: kept
    assert is_total("all selected") and is_total("All 12 causes") and not is_total("allergy")


def test_series_differ_in_hatch_marker_and_line_style():
    styles = [series(k) for k in range(8)]
    for attribute in ("hatch", "marker", "linestyle", "colour"):
        values = [str(getattr(s, attribute)) for s in styles]
        assert len(set(values)) == 8, attribute


def test_the_greyscale_check_can_fail():
    """Two series drawn alike (same grey, no hatch) are reported as indistinguishable."""
    fig = new_figure(4, 3)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar([0], [1], color="#777777")
    ax.bar([1], [1], color="#777777")
    assert not textures_differ(bar_textures(fig, ax))
    ax.containers[1].patches[0].set_hatch("///")
    assert textures_differ(bar_textures(fig, ax))


def test_finish_keeps_caption_source_and_warnings(tmp_path):
    fig = new_figure(5, 3)
    fig.add_subplot(1, 1, 1).plot([0, 1], [0, 1])
    out = finish(fig, title="T", caption="C", source="S", warnings=["W"], path=tmp_path / "f.svg")
    assert out.kpcompare_notes == {"caption": "C", "source": "S", "warnings": ("W",)}
    assert [t.get_text() for t in fig.texts if t.get_gid()] == ["Source: S", "Warning: W"]
    assert fig._suptitle.get_text() == "T"
    assert (tmp_path / "f.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_prepare_checks_keys_and_numbers():
    table = pd.DataFrame({"system": pd.Categorical(["A", "B"]), "value": pd.array([1, None], dtype="Int64")})
    out = prepare(table, argument="t", keys=["system"], numbers=["value"])
    assert out["system"].tolist() == ["A", "B"] and np.isnan(out["value"].iloc[1])
    assert missing_note(out, ["value"]) == ["1 row with no estimate is not drawn."]
    with pytest.raises(InvalidArgumentError, match="argument 't': expected a pandas DataFrame"):
        prepare([1, 2], argument="t", keys=[], numbers=[])


def test_at_confidence_picks_one_level():
    table = pd.DataFrame({"confidence": [0.9, 0.95, 0.95], "value": [1.0, 2.0, 3.0]})
    assert at_confidence(table, None)["value"].tolist() == [1.0]
    assert at_confidence(table, 0.95)["value"].tolist() == [2.0, 3.0]
    with pytest.raises(InvalidArgumentError, match="argument 'confidence': no rows at confidence 0.99; the table "
                                                   "has 0.9, 0.95"):
        at_confidence(table, 0.99)
