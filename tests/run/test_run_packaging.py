"""The shipped configurations travel with the package: the wheel carries kpcompare/run/configs/*.toml, and
`kpcompare --help` starts without loading pandas or matplotlib."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_the_shipped_configurations(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True)
    (wheel,) = tmp_path.glob("kpcompare-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kpcompare/run/configs/ham.toml", "kpcompare/run/configs/feachem.toml"} <= names
    assert "kpcompare/cli/__main__.py" in names


def test_the_command_line_starts_light():
    code = ("import sys, kpcompare.cli; "
            "print(sorted(m for m in ('matplotlib', 'pandas', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]"
