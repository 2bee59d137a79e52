"""The package itself: public API surface, lazy imports, packaged data (errors: tests/test_errors.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kpcompare

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves():
    missing = []
    for name in kpcompare.__all__:
        try:
            getattr(kpcompare, name)
        except (AttributeError, ImportError) as exc:  # pragma: no cover - reported below
            missing.append(f"{name}: {exc}")
    assert not missing, "public names that do not resolve:\n" + "\n".join(missing)


def test_submodules_are_reachable_as_attributes():
    for name in sorted(kpcompare._SUBMODULES - {"spells", "demo"}):
        assert getattr(kpcompare, name) is importlib.import_module(f"kpcompare.{name}"), name


def test_deprecated_submodules_stay_reachable():
    # kpcompare.spells (moved to kpcompare.engine.spells; its shim is tested in tests/engine) and kpcompare.demo
    # (moved to kpcompare.report.demo): reachable as attributes until 0.3.0; the demo shim warns on first import
    code = ("import warnings; warnings.simplefilter('always'); import kpcompare; "
            "print(kpcompare.spells.__name__, kpcompare.demo.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["kpcompare.spells", "kpcompare.demo"]
    assert "DeprecationWarning: kpcompare.demo is deprecated" in out.stderr
    assert "use kpcompare.report.demo instead" in out.stderr


def test_import_is_light():
    # names resolve lazily: importing kpcompare loads neither matplotlib nor statsmodels nor pandas
    code = "import sys, kpcompare; print(sorted(m for m in ('matplotlib', 'statsmodels', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_attribute_is_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kpcompare.nope  # noqa: B018


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
