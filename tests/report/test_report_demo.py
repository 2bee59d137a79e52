"""kpcompare.report.demo: the sections of `make demo`, and the deprecated kpcompare.demo path.

The demo's numbers are tested in test_report_ham.py (Ham-style comparison, re-derived from the raw CSVs) and
test_report_england_chapters.py (the chapters section).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from kpcompare.report import demo


def test_sections_have_unique_names_and_ham_is_the_default():
    names = [s.name for s in demo.SECTIONS]
    assert len(names) == len(set(names))
    assert [s.name for s in demo.SECTIONS if s.default] == ["ham"]


def test_unknown_section_is_refused_with_the_choices(tmp_path, capsys):
    with pytest.raises(SystemExit):
        demo.main(["--out", str(tmp_path), "--section", "nonsense"])
    err = capsys.readouterr().err
    assert "usage: python -m kpcompare.report.demo" in err
    choices = ["ham", "england_chapters", "acsc", "all"]  # every section (issue 21 added acsc) and 'all'
    assert f"invalid choice: 'nonsense' (choose from {', '.join(choices)})" in err \
        or f"invalid choice: 'nonsense' (choose from {', '.join(map(repr, choices))})" in err


def test_deprecated_module_warns_and_gives_the_same_objects():
    sys.modules.pop("kpcompare.demo", None)
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.demo is deprecated .* use kpcompare\.report\.demo"):
        old = importlib.import_module("kpcompare.demo")
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.demo\.main is deprecated .* "
                                                 r"use kpcompare\.report\.demo\.main instead"):
        assert old.main is demo.main
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.demo\.SECTIONS"):
        assert old.SECTIONS is demo.SECTIONS


def test_deprecated_module_still_runs_as_a_script_and_warns():
    # `python -m kpcompare.demo` keeps working for one release (it runs kpcompare.report.demo.main)
    out = subprocess.run([sys.executable, "-m", "kpcompare.demo", "--help"], capture_output=True, text=True,
                         check=True)
    assert out.stdout.startswith("usage: python -m kpcompare.report.demo")
    assert "DeprecationWarning: kpcompare.demo is deprecated" in out.stderr
    assert "use kpcompare.report.demo instead" in out.stderr
