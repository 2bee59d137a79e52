"""`kpcompare run` and `kpcompare demo`: a declared comparison from the shell (CliRunner and main())."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpcompare.cli import cli, main
from kpcompare.disclosure import DisclosureOffWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "run"))
from _user_config import write_user_config  # noqa: E402 - the hand-built comparison of tests/run


def test_run_list():
    result = CliRunner().invoke(cli, ["run", "--list"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Shipped configurations (kpcompare run NAME --out DIR):"
    assert lines[1].split()[0] == "feachem" and lines[2].split()[0] == "ham"
    assert any(line.split()[:2] == ["extract", "ham_nhs"] for line in lines)


@pytest.mark.filterwarnings("ignore::kpcompare.disclosure.DisclosureOffWarning")
def test_run_a_users_file(tmp_path):
    config = write_user_config(tmp_path)
    out = tmp_path / "appendix"
    result = CliRunner().invoke(cli, ["run", str(config), "--out", str(out), "--date", "2026-01-31"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "both: rows read 6 = counted 5 + excluded 1" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"two_comparison.csv", "two_comparison.md", "two_comparison.tex", "two_exclusions.csv",
            "two_bars.png", "two_bars.svg", "provenance.json"} <= names


def test_disclosure_off_warns_quietly(tmp_path, capsys):
    """(In a real process the warning is one `kpcompare: warning:` line: tests/cli/test_cli_process.py.)"""
    config = write_user_config(tmp_path)
    with pytest.warns(DisclosureOffWarning, match="two.toml: disclosure control is off"):
        assert main(["run", str(config), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_check_only_validates(tmp_path):
    config = write_user_config(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(config), "--check"], catch_exceptions=False)
    assert result.exit_code == 0 and result.output == "two.toml: valid (Two systems, ages 60+)\n"


def test_config_error_is_one_paragraph(tmp_path, capsys):
    config = write_user_config(tmp_path)
    config.write_text(config.read_text().replace('mapping = "canonical"', 'mapping = "canonical"\nunit = 3'))
    assert main(["run", str(config), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err == "kpcompare run: ConfigError: two.toml, line 8: key 'extracts[0].unit': expected a string, got 3.\n"


@pytest.mark.parametrize("args", [["run", "ham"], ["run"]])
def test_usage_errors(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Usage: kpcompare run" in err and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path, capsys):
    assert main(["--debug", "run", str(tmp_path / "missing.toml"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("kpcompare run: InvalidArgumentError: configuration file "
                                 f"'{tmp_path / 'missing.toml'}' does not exist (shipped configurations: "
                                 "feachem, ham).")


def test_demo_without_sections_runs_the_shipped_ham(monkeypatch, tmp_path):
    from kpcompare.cli import run as run_module

    seen = []
    monkeypatch.setattr(run_module, "run_and_print", lambda source, out, **kw: seen.append((source, out, kw)))
    assert main(["demo", "--out", str(tmp_path), "--date", "2026-01-31"]) == 0
    assert seen[0][:2] == ("ham", tmp_path) and seen[0][2]["date"] == "2026-01-31"


def test_help_of_every_command_has_an_example():
    for command in (["run"], ["aggregate"], ["rates"], ["standards"], ["figures", "check"], ["demo"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, command
        assert f"kpcompare {' '.join(command)}" in result.output, command
