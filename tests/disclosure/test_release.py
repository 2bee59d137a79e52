"""Disclosure control on by default (kpcompare.disclosure.release): for_release, strata_for_release and the
`kpcompare aggregate` command.  Expected cells follow from the HES rule (0 kept, 1-7 suppressed, others to the
nearest 5) applied by hand to hand-built extracts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.cli import main
from kpcompare.disclosure import DisclosureOffWarning, for_release, strata_for_release
from kpcompare.errors import InvalidArgumentError, KpcompareWarning


def _extract(n_a: int = 12, n_b: int = 3) -> pd.DataFrame:
    """n_a stays of 2 nights in system A and n_b stays of 1 night in system B, all women aged 70."""
    day = pd.Timestamp("2020-01-01")
    n = n_a + n_b
    return pd.DataFrame({
        "person_id": range(1, n + 1), "episode_id": range(1, n + 1),
        "system": ["A"] * n_a + ["B"] * n_b, "sex": ["F"] * n, "age": [70.0] * n,
        "primary_diagnosis": ["I63.9"] * n,
        "admission_date": [day] * n,
        "discharge_date": [day + pd.Timedelta(days=2)] * n_a + [day + pd.Timedelta(days=1)] * n_b,
    })


def test_aggregate_results_say_they_are_record_level():
    result = kpcompare.aggregate(kpcompare.read_episodes(_extract()), by=("system",), progress=False)
    assert result.record_level is True


def test_strata_are_controlled_by_default():
    result = kpcompare.aggregate(kpcompare.read_episodes(_extract()), by=("system",), progress=False)
    out = strata_for_release(result)
    # A: 12 admissions -> 10, 24 bed days -> 25; B: 3 admissions and 3 bed days -> suppressed
    assert out["system"].tolist() == ["A", "B"]
    np.testing.assert_array_equal(out["admissions"].to_numpy(), [10, np.nan])
    np.testing.assert_array_equal(out["bed_days"].to_numpy(), [25, np.nan])
    assert out["admissions_suppressed"].tolist() == ["", "primary"]
    info = out.attrs["disclosure"]
    assert info["applied"] and info["record_level"] and not info["turned_off"] and info["rule"] == "hes"


def test_weighted_totals_follow_the_records_they_rest_on():
    frame = _extract().assign(weight=10.5)
    result = kpcompare.aggregate(kpcompare.read_episodes(frame), by=("system",), weights="weight", progress=False)
    out = strata_for_release(result)
    # survey-weighted estimates are not counts of patients: not rounded, but suppressed with their records
    np.testing.assert_array_equal(out["weighted_admissions"].to_numpy(), [126.0, np.nan])
    assert out["weighted_admissions_suppressed"].tolist() == ["", "derived"]


def test_turning_it_off_warns_and_is_recorded():
    table = pd.DataFrame({"system": ["A", "B"], "admissions": [12, 3]})
    with pytest.warns(DisclosureOffWarning, match="disclosure control turned off"):
        out = for_release(table, rule=False)
    assert out["admissions"].tolist() == [12, 3]
    assert out.attrs["disclosure"] == {"applied": False, "record_level": True, "turned_off": True, "rule": None}
    assert issubclass(DisclosureOffWarning, KpcompareWarning)


def test_tables_not_built_from_record_level_data_pass_unchanged():
    table = pd.DataFrame({"system": ["A", "B"], "admissions": [12, 3]})
    out = for_release(table, record_level=False)
    pd.testing.assert_frame_equal(out, table)
    assert out.attrs["disclosure"]["applied"] is False and out.attrs["disclosure"]["turned_off"] is False


def test_none_means_the_default_rule_and_true_is_refused():
    table = pd.DataFrame({"system": ["A", "B"], "admissions": [12, 3]})
    assert for_release(table, rule=None).attrs["disclosure"]["rule"] == "hes"
    assert for_release(table, rule="midpoint6")["admissions"].tolist() == [9, 3]  # 7-12 -> 9, 1-6 -> 3
    with pytest.raises(InvalidArgumentError, match="True is not a rule"):
        for_release(table, rule=True)
    with pytest.raises(InvalidArgumentError, match="argument 'record_level': expected True or False"):
        for_release(table, record_level="yes")


def test_strata_for_release_needs_an_aggregate_result():
    with pytest.raises(InvalidArgumentError, match="give the result of kpcompare.aggregate"):
        strata_for_release(pd.DataFrame({"admissions": [1]}))


def _write(tmp_path, frame: pd.DataFrame):
    src = tmp_path / "extract.csv"
    frame.to_csv(src, index=False)
    return src


def test_cli_aggregate_applies_hes_by_default(tmp_path, capsys):
    src = _write(tmp_path, _extract())
    out = tmp_path / "strata.csv"
    assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--no-persons"]) == 0
    written = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert written["admissions"].tolist() == ["10", ""]  # whole numbers, the suppressed cell empty
    assert written["admissions_suppressed"].tolist() == ["", "primary"]
    provenance = json.loads(out.with_name("strata.disclosure.json").read_text())
    assert provenance["rule"] == "hes" and provenance["applied"] is True
    assert "disclosure control: rule 'hes' applied" in capsys.readouterr().out


def test_cli_no_disclosure_warns_and_records(tmp_path, capsys):
    src = _write(tmp_path, _extract())
    out = tmp_path / "strata.csv"
    with pytest.warns(DisclosureOffWarning):
        assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--no-persons",
                     "--no-disclosure"]) == 0
    assert pd.read_csv(out)["admissions"].tolist() == [12, 3]
    assert json.loads(out.with_name("strata.disclosure.json").read_text())["turned_off"] is True
    assert "disclosure control: not applied (turned off by --no-disclosure)" in capsys.readouterr().out


def test_cli_other_rule_and_contradiction(tmp_path, capsys):
    src = _write(tmp_path, _extract())
    out = tmp_path / "strata.csv"
    assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--no-persons",
                 "--disclosure", "midpoint6"]) == 0
    assert pd.read_csv(out)["admissions"].tolist() == [9, 3]  # 12 -> 9, 3 -> 3 (OpenSAFELY's table)
    assert main(["aggregate", str(src), "--out", str(out), "--disclosure", "hes", "--no-disclosure"]) == 2
    assert "--disclosure and --no-disclosure contradict each other" in capsys.readouterr().err
    assert main(["aggregate", str(src), "--out", str(out), "--disclosure", "nhs"]) == 2
    assert "unknown rule 'nhs'" in capsys.readouterr().err
