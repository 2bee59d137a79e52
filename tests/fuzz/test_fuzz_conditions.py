"""Fuzz: condition rules (kpcompare.conditions), one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.conditions.load_condition_rules", "kpcompare.conditions.classify_records"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
