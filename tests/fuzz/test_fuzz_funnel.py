"""Fuzz: funnel plots (kpcompare.funnel, funnel_limits, plots.funnel_plot), one fault at a time
(tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.funnel", "kpcompare.funnel_limits", "kpcompare.plots.funnel_plot"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
