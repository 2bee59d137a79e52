"""The package itself: public API surface, error hierarchy, packaged data."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kpcompare
from kpcompare import errors

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves():
    missing = []
    for name in kpcompare.__all__:
        try:
            getattr(kpcompare, name)
        except (AttributeError, ImportError) as exc:  # pragma: no cover - reported below
            missing.append(f"{name}: {exc}")
    assert not missing, "public names that do not resolve:\n" + "\n".join(missing)


def test_unknown_attribute_is_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kpcompare.nope  # noqa: B018


def test_error_hierarchy_is_value_error():
    for cls in (errors.KpcompareError, errors.MissingColumnError, errors.InvalidValueError,
                errors.InvalidArgumentError, errors.UnknownNameError, errors.BandMismatchError,
                errors.SourceReadError):
        assert issubclass(cls, ValueError), cls
        assert issubclass(cls, errors.KpcompareError), cls
    assert issubclass(errors.SmallCountWarning, errors.KpcompareWarning)


def test_row_problem_message_shape():
    err = errors.row_problem("pop", "non-negative", 3, -5, hint="Fix the population.")
    assert str(err) == "column 'pop': rule 'non-negative' broken by 3 rows (e.g. -5). Fix the population."
    assert (err.column, err.rule, err.n_rows, err.example) == ("pop", "non-negative", 3, -5)


def test_typed_marker_present():
    assert (Path(kpcompare.__file__).parent / "py.typed").is_file()


def test_wheel_contains_the_bundled_data(tmp_path):
    """A normal (non-editable) install must find the reference data: the wheel carries data/ as kpcompare/_data."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    (wheel,) = tmp_path.glob("kpcompare-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in Path(ROOT, "data").rglob("*"):
        if rel.is_file():
            assert "kpcompare/_data/" + rel.relative_to(ROOT / "data").as_posix() in names, rel
    assert "kpcompare/py.typed" in names
