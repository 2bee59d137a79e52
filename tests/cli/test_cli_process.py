"""The command line as a shell runs it (a real subprocess): a closed pipe ends quietly, a user error is one
paragraph without a traceback (``--debug`` shows it), no progress bar when stderr is not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kpcompare

SRC = str(Path(kpcompare.__file__).resolve().parents[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONWARNINGS"] = "ignore::FutureWarning"  # pyspark's notice when pandera imports it
    return env


def _kpcompare(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpcompare.cli", *args], capture_output=True, text=True,
                          env=_env(), timeout=300, **kw)


def test_closed_pipe_ends_quietly(tmp_path):
    """`kpcompare rates big.csv ... | head -1`: the reader goes away after one line of ~20,000."""
    rows = "\n".join(f"g{i},{i % 50},1000" for i in range(20_000))
    (tmp_path / "big.csv").write_text("group,deaths,pop\n" + rows + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "kpcompare.cli", "rates", str(tmp_path / "big.csv"),
                             "--kind", "crude", "--count", "deaths", "--population", "pop", "--by", "group"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert first.startswith(b"group,count,population,value")
    assert proc.returncode == 0 and err == ""


def test_user_error_is_one_paragraph_without_traceback(tmp_path):
    done = _kpcompare("run", str(tmp_path / "mine.toml"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"kpcompare run: InvalidArgumentError: configuration file '{tmp_path / 'mine.toml'}' "
                           "does not exist (shipped configurations: feachem, ham).\n")


def test_bad_toml_and_debug(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n[comparison\n')
    done = _kpcompare("run", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("kpcompare run: ConfigError: bad.toml: not valid TOML: ")
    debug = _kpcompare("--debug", "run", str(path), "--out", str(tmp_path / "out"))
    assert debug.returncode == 2 and "Traceback (most recent call last)" in debug.stderr


def test_no_progress_bar_off_a_terminal(tmp_path):
    (tmp_path / "e.csv").write_text("system,sex,age,admission_date,discharge_date,primary_diagnosis\n"
                                    "A,F,70,2020-01-01,2020-01-03,I63.9\n")
    done = _kpcompare("aggregate", str(tmp_path / "e.csv"), "--out", str(tmp_path / "s.csv"), "--by", "system")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines()[0] == "rows read 1 = counted 1 + excluded 0"


def test_a_warning_is_one_line(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "run"))
    from _user_config import write_user_config

    config = write_user_config(tmp_path)
    done = _kpcompare("run", str(config), "--out", str(tmp_path / "o"), "--quiet")
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr == ("kpcompare: warning: two.toml: disclosure control is off ([disclosure] apply = false): "
                           "tables from the record-level extracts both are written with their exact counts; check "
                           "them before they leave the secure environment.\n")


def test_run_shipped_check():
    done = _kpcompare("run", "feachem", "--check")
    assert done.returncode == 0 and done.stdout.startswith("feachem.toml: valid (Cost per head")
