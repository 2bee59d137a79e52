"""kpcompare.run.output and the shipped configurations: the folder a run writes, byte-identical twice, and the
shipped ham configuration writing the same CSV files as the Ham-style report it replaces in `make demo`."""

from __future__ import annotations

import json
import warnings

import pytest

from kpcompare.report import ham
from kpcompare.run import load_config, run_config, write_bundle
from kpcompare.disclosure import DisclosureOffWarning
from kpcompare.run.provenance import run_date


def _write(name, out, *, date="2026-01-31"):
    config = load_config(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DisclosureOffWarning)
        bundle = run_config(config, date=date)
    opts = config.settings["outputs"]
    return write_bundle(bundle, out, prefix=config.prefix, tables=opts["tables"], figures=opts["figures"],
                        html=opts["html"], digits=opts["digits"])


@pytest.fixture(scope="module")
def ham_runs(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("ham1"), tmp_path_factory.mktemp("ham2")
    return _write("ham", first), _write("ham", second)


def test_two_runs_are_byte_identical(ham_runs):
    first, second = ham_runs
    assert [p.name for p in first] == [p.name for p in second]
    differ = [a.name for a, b in zip(first, second) if a.read_bytes() != b.read_bytes()]
    assert differ == []  # tables, figures (PNG, SVG) and provenance.json with a fixed date


def test_ham_tables_match_the_ham_report(ham_runs, tmp_path):
    """The shipped configuration reproduces kpcompare.report.ham's files (what `make demo` wrote before)."""
    first, _ = ham_runs
    written = {p.name: p for p in first}
    tables = ham.ham_tables()
    for key, table in tables.items():
        expected = tmp_path / f"ham_{key}.csv"
        table.to_csv(expected, index=False)
        assert written[f"ham_{key}.csv"].read_bytes() == expected.read_bytes(), key
    assert {"ham_bed_days_by_cause.png", "ham_ratios_forest.png", "ham_ratios_forest.svg",
            "ham_comparison.md", "ham_comparison.tex", "report.html", "provenance.json"} <= set(written)


def test_provenance_json(ham_runs):
    first, _ = ham_runs
    prov = json.loads(next(p for p in first if p.name == "provenance.json").read_text())
    assert prov["date"] == "2026-01-31"
    assert prov["configuration"]["file"] == "shipped:ham.toml"
    assert prov["disclosure"]["applied"] is False and "record-level" in prov["disclosure"]["reason"]
    paths = {rec["path"] for rec in prov["inputs"]}
    assert "bundled:england/hes_2000-01_primary_diagnosis_4char.csv" in paths
    assert all(len(rec["sha256"]) == 64 for rec in prov["inputs"])


def test_feachem_writes_the_cost_tables(tmp_path):
    """Feachem et al's printed $1,764 per head (BMJ 2002;324:135) is $1,763.39 unrounded (the tutorial's
    value); column_digits shows it to the cent in Markdown, the CSV keeps full precision."""
    names = {p.name for p in _write("feachem", tmp_path)}
    markdown = (tmp_path / "feachem_assumptions.md").read_text()
    assert "| feachem2002 | NHS | Kaiser California | 1,763.39 | 1,951.07 | 187.68 | 0.904 | 0.096 |" in markdown
    assert {"feachem_cascade.csv", "feachem_assumptions.tex", "feachem_sensitivity.md",
            "feachem_tornado.png", "feachem_tornado.svg", "feachem_cascade.png", "report.html",
            "provenance.json"} <= names
    assert "feachem_exclusions.csv" not in names  # no extract, nothing excluded


def test_the_date(monkeypatch):
    assert run_date("2026-02-01") == "2026-02-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert run_date() == "1970-01-02"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH: 'yesterday' is not a number of seconds"):
        run_date()
    with pytest.raises(ValueError, match="option --date: '1/2/2026' is not a date YYYY-MM-DD."):
        run_date("1/2/2026")


@pytest.mark.parametrize("text", ["20260201", "2026-W05-7", "2026-02-30", "2026-2-1"])
def test_the_date_only_in_its_documented_form(text):
    # Python 3.11+ date.fromisoformat also reads 20260201 and week dates; 3.10 does not: the same answer on both
    with pytest.raises(ValueError, match=f"option --date: {text!r} is not a date YYYY-MM-DD."):
        run_date(text)
