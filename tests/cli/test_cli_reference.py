"""`kpcompare standards` and `kpcompare figures check` through click's CliRunner."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from kpcompare.cli import cli, main


def test_standards_list_and_one_standard():
    result = CliRunner().invoke(cli, ["standards"], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.split()[:4] == ["name", "edition", "n_bands", "total"]
    one = CliRunner().invoke(cli, ["standards", "esp2013", "--csv"], catch_exceptions=False)
    table = pd.read_csv(io.StringIO(one.output))
    # ESP 2013 (Eurostat 2013): 19 bands, 0-4 = 5,000 ... 90+ = 1,000, total 100,000
    assert len(table) == 19 and table["population"].sum() == 100_000
    assert table["population"].iloc[0] == 5000 and table["population"].iloc[-1] == 1000


def test_unknown_standard_is_one_paragraph(capsys):
    assert main(["standards", "esp2031"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpcompare standards: UnknownNameError: ") and err.count("\n") == 1


def test_figures_check_bundled_registry_ids():
    # Feachem's printed $1,764 per head and "within 10%" (BMJ 2002;324:135) recomputed from data/costs
    result = CliRunner().invoke(cli, ["figures", "check", "--id", "feachem2002.nhs_age_adjusted_usd",
                                      "--id", "feachem2002.within_10pct", "--csv"], catch_exceptions=False)
    assert result.exit_code == 0
    # click < 8.2's CliRunner mixes stderr into stdout: keep the CSV lines
    csv = "\n".join(line for line in result.stdout.splitlines() if "figures reproduced" not in line)
    checked = pd.read_csv(io.StringIO(csv))
    assert list(checked["id"]) == ["feachem2002.nhs_age_adjusted_usd", "feachem2002.within_10pct"]
    assert checked["ok"].tolist() == [True, True]
    assert "2 of 2 figures reproduced; 0 not" in result.output


def test_figures_check_a_failing_registry_exits_1(tmp_path):
    from kpcompare.figures import load_registry

    reg = load_registry()
    row = reg[reg["id"] == "feachem2002.nhs_net_gbp_m"].copy()
    row["printed"], row["value"] = "£52,003m", 52003  # a misprint: Feachem et al printed £52,103m
    path = tmp_path / "mine.csv"
    row.to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["figures", "check", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "0 of 1 figures reproduced; 1 not" in result.output


def test_figures_check_a_missing_registry_is_a_usage_error(tmp_path, capsys):
    assert main(["figures", "check", str(tmp_path / "none.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
