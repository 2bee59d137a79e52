"""Fuzz: figures, plots and condition sets, one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.figures.load_registry", "kpcompare.figures.validate_registry", "kpcompare.figures.check",
         "kpcompare.figures.assert_figure", "kpcompare.figures.register", "kpcompare.figures.bounds",
         "kpcompare.figures.printed_precision", "kpcompare.plots.bed_days_bars", "kpcompare.plots.ratio_forest",
         "kpcompare.plots.tornado_chart", "kpcompare.plots.decomposition_bars", "kpcompare.plots.cascade_waterfall",
         "kpcompare.plots.lorenz_curves", "kpcompare.condition_set", "kpcompare.load_condition_set",
         "kpcompare.conditions.normalise_codes"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
