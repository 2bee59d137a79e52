"""Progress bars of aggregate (kpcompare.engine.streaming.progress_bar): on request, one per pass."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import kpcompare

FRAME = pd.DataFrame({
    "sex": ["M", "9", "F"], "age": [40.0, 50.0, 130.0],
    "admission_date": [dt.date(2020, 1, 2), dt.date(2020, 1, 2), dt.date(2020, 1, 2)],
    "discharge_date": [dt.date(2020, 1, 3), dt.date(2020, 1, 1), dt.date(2020, 1, 2)],
    "primary_diagnosis": ["J44.1", "J441", "ZZZZ9"], "episode_status": ["finished", "finished", "unfinished"],
})


def test_progress_bar_on_request(capsys):
    frame = FRAME.assign(system="A")
    kpcompare.aggregate(frame, by=("system",), progress=True)
    assert "kpcompare.aggregate" in capsys.readouterr().err
    kpcompare.aggregate(frame, by=("system",), progress=False)
    kpcompare.aggregate(frame, by=("system",))  # stderr is not a terminal under pytest: no bar
    assert capsys.readouterr().err == ""


def test_progress_bar_covers_both_passes_of_a_spell_run(capsys):
    """A spell run partitions rows by person, then forms units partition by partition: one bar each."""
    frame = FRAME.assign(system="A", person_id=["p1", "p2", "p3"], episode_id=[1, 2, 3], spell_id=[1, 1, 1],
                         provider="R1", episode_order=1)
    kpcompare.aggregate(frame, by=("system",), unit="spell", progress=True)
    err = capsys.readouterr().err
    assert "kpcompare.aggregate:" in err.replace("kpcompare.aggregate: units by person", "")
    assert "kpcompare.aggregate: units by person" in err
