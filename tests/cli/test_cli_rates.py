"""`kpcompare rates`: crude, DSR, SMR and ISR from a CSV file, as Stata's dstdize/istdize from the shell;
values computed by hand (and the exact Poisson limits of 10 events from published tables)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from kpcompare.cli import cli, main

DATA = "region,age_band,deaths,pop\nN,0-64,10,1000\nN,65+,20,2000\nS,0-64,5,100\nS,65+,10,200\n"
# a standard population (weights 1/4, 3/4) and standard rates (0.01 below 65, 0.02 from 65)
STANDARD_POP = "age_band,population\n0-64,1\n65+,3\n"
STANDARD_RATES = "age_band,count,population\n0-64,10,1000\n65+,40,2000\n"


def _files(tmp_path):
    for name, text in (("d.csv", DATA), ("std.csv", STANDARD_POP), ("rates.csv", STANDARD_RATES)):
        (tmp_path / name).write_text(text)
    return tmp_path / "d.csv"


def _invoke(*args):
    result = CliRunner().invoke(cli, ["rates", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


def test_crude_exact_limits(tmp_path):
    """10 events in 1,000: 1,000 per 100,000, exact 95% limits 4.795 and 18.390 events (Ulm 1990)."""
    (tmp_path / "one.csv").write_text("deaths,pop\n10,1000\n")
    out = _invoke(str(tmp_path / "one.csv"), "--kind", "crude", "--count", "deaths", "--population", "pop",
                  "--method", "exact")
    assert out.loc[0, "value"] == pytest.approx(1000)
    assert out.loc[0, "lower"] == pytest.approx(479.5, abs=0.05)
    assert out.loc[0, "upper"] == pytest.approx(1839.0, abs=0.05)


def test_dsr_with_a_standard_file(tmp_path):
    """Region N: 1/4 x 10/1000 + 3/4 x 20/2000 = 0.01 = 1,000 per 100,000; S: 1/4 x 0.05 + 3/4 x 0.05."""
    data = _files(tmp_path)
    out = _invoke(str(data), "--kind", "dsr", "--count", "deaths", "--population", "pop",
                  "--standard", str(tmp_path / "std.csv"), "--by", "region")
    assert out.set_index("region")["value"].to_dict() == pytest.approx({"N": 1000.0, "S": 5000.0})
    assert set(out.columns) >= {"value", "lower", "upper", "confidence", "method", "statistic", "note"}


def test_smr_and_isr(tmp_path):
    """S: expected 100 x 0.01 + 200 x 0.02 = 5, observed 15, SMR 3; ISR = 3 x (50/3000) x 100,000."""
    data = _files(tmp_path)
    common = [str(data), "--count", "deaths", "--population", "pop", "--standard", str(tmp_path / "rates.csv"),
              "--by", "region"]
    smr = _invoke(*common, "--kind", "smr").set_index("region")
    assert smr.loc["S", "value"] == pytest.approx(3.0) and smr.loc["S", "expected"] == pytest.approx(5.0)
    isr = _invoke(*common, "--kind", "isr").set_index("region")
    assert isr.loc["S", "value"] == pytest.approx(3.0 * 50 / 3000 * 100_000)


def test_several_confidence_levels_and_out_file(tmp_path):
    data = _files(tmp_path)
    out = tmp_path / "r" / "rates.csv"
    code = main(["rates", str(data), "--kind", "crude", "--count", "deaths", "--population", "pop", "--by",
                 "region", "--confidence", "0.9", "--confidence", "0.99", "--out", str(out)])
    assert code == 0
    assert sorted(pd.read_csv(out)["confidence"]) == [0.9, 0.9, 0.99, 0.99]


def test_missing_standard_is_one_paragraph(tmp_path, capsys):
    data = _files(tmp_path)
    assert main(["rates", str(data), "--kind", "smr", "--count", "deaths", "--population", "pop"]) == 2
    assert capsys.readouterr().err == ("kpcompare rates: InvalidArgumentError: option --standard: --kind smr "
                                       "needs a standard (a registered name such as esp2013, or a CSV file).\n")


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["rates", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "--kind dsr --standard esp2013" in result.output
