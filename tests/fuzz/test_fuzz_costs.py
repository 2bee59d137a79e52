"""Fuzz: costs, profiles and concentration, one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.cascade", "kpcompare.compare_assumptions", "kpcompare.costs.sensitivity",
         "kpcompare.age_need_factor", "kpcompare.costs.assumptions", "kpcompare.costs.validate_lines",
         "kpcompare.costs.validate_factors", "kpcompare.costs.toggle", "kpcompare.costs.alternative",
         "kpcompare.costs.exchange_rates", "kpcompare.profiles.profile_table", "kpcompare.profiles.densities",
         "kpcompare.profiles.ratios", "kpcompare.profiles.check_claims", "kpcompare.gini", "kpcompare.lorenz",
         "kpcompare.top_share", "kpcompare.concentration.check_concentration"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
