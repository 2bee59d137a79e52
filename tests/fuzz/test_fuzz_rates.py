"""Fuzz: rates and reference data, one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.poisson_ci", "kpcompare.crude_rate", "kpcompare.dsr", "kpcompare.smr", "kpcompare.isr",
         "kpcompare.compare_rates", "kpcompare.standard_population", "kpcompare.standard_from_population",
         "kpcompare.reband", "kpcompare.age_to_band", "kpcompare.band_table"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
