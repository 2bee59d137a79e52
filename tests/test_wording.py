"""kpcompare.wording: what a published statement's wording means, as bounds (a leaf module).

Reference values are the printed figures themselves: "$1,402" means [1401.5, 1402.5), "almost twice" [1.8, 2].
"""

from __future__ import annotations

import importlib
import math
import sys

import pytest

from kpcompare import figures, wording
from kpcompare.errors import InvalidArgumentError


@pytest.mark.parametrize("kwargs, inside, outside, text", [
    (dict(value=3.5, wording="printed", printed="3.5 times"), [3.45, 3.549], [3.55, 3.44], "[3.45, 3.55)"),
    (dict(value=1402, wording="printed", printed="$1,402"), [1401.5, 1402.49], [1402.5, 1401.49], "[1401.5, 1402.5)"),
    (dict(value=2, wording="almost"), [1.8, 2.0, 1.95], [2.01, 1.79], "[1.8, 2]"),
    (dict(value=1.5, wording="more_than"), [1.501, 9], [1.5, 1.2], "(1.5, inf)"),
    (dict(value=10, wording="within"), [-10, 0, 10], [10.01, -10.5], "[-10, 10]"),
    (dict(value=2, wording="multiple"), [1.75, 2.25], [2.26, 1.7], "[1.75, 2.25]"),
    (dict(value=0.25, wording="multiple"), [0.22, 0.28], [0.2, 0.3], "[0.21875, 0.28125]"),
    (dict(value=1.45, wording="about", tolerance=0.05), [1.4, 1.5], [1.39, 1.51], "[1.4, 1.5]"),
    (dict(value=5, wording="range", lower=4, upper=6), [4, 6], [3.9, 6.1], "[4, 6]"),
])
def test_bounds_from_wording(kwargs, inside, outside, text):
    b = wording.bounds(**kwargs)
    assert all(b.contains(x) for x in inside)
    assert not any(b.contains(x) for x in outside)
    assert str(b) == text


def test_printed_precision():
    assert wording.printed_precision("$1,402") == 1
    assert wording.printed_precision("0.828") == pytest.approx(0.001)
    assert wording.printed_precision("6.1 million") == pytest.approx(0.1)


def test_error_about_needs_tolerance():
    with pytest.raises(InvalidArgumentError, match=r"wording 'about' needs an explicit 'tolerance'"):
        wording.bounds(1.45, wording="about")


def test_error_printed_without_number():
    with pytest.raises(InvalidArgumentError, match=r"argument 'printed': 'twice' holds no number"):
        wording.bounds(2, wording="printed", printed="twice")


def test_bounds_overlap_and_missing():
    b = wording.bounds(2130, wording="printed", printed="$2,130")
    assert b.overlaps(2128.2, 2131.1) and not b.overlaps(2100, 2129)
    assert not b.contains(math.nan)


def test_figures_re_exports_the_same_objects_without_warning(recwarn):
    for name in wording.__all__:
        assert getattr(figures, name) is getattr(wording, name)
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


def test_deprecated_figures_wording_module_warns_and_gives_the_same_objects():
    sys.modules.pop("kpcompare.figures.wording", None)
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.figures\.wording is deprecated .* "
                                                 r"use kpcompare\.wording instead"):
        old = importlib.import_module("kpcompare.figures.wording")
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.figures\.wording\.bounds is deprecated .* "
                                                 r"use kpcompare\.wording\.bounds instead"):
        assert old.bounds is wording.bounds


def test_wording_is_a_leaf_module():
    # layer 1: it imports nothing of kpcompare but errors and _checks (also enforced by import-linter)
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(wording.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m for m in imported if m not in ("__future__", "math", "re", "dataclasses")} == {"_checks", "errors"}
