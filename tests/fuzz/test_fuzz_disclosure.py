"""Fuzz: kpcompare.disclosure, one fault at a time (tests/fuzz/_run.py; docs/contributing.md)."""

from __future__ import annotations

import pytest

from _run import cases, fuzz

NAMES = ["kpcompare.disclosure.suppress", "kpcompare.disclosure.for_release", "kpcompare.disclosure.present",
         "kpcompare.disclosure.strata_for_release"]


@pytest.mark.parametrize(("name", "fault"), cases(NAMES))
def test_only_kpcompare_errors_escape(name, fault):
    fuzz(name, fault)
