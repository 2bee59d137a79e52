"""Fuzz: read_episodes and aggregate on in-memory tables (files: tests/_support/corrupt_files.py), one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.read_episodes", "kpcompare.aggregate", "kpcompare.person_totals", "kpcompare.spell_diagnostics"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
