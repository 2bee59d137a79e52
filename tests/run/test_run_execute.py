"""kpcompare.run.execute: a user's declared comparison run into a report bundle; rates checked against values
computed by hand from the six stays of tests/run/_user_config.py."""

from __future__ import annotations

import hashlib
import warnings

import pytest
from _user_config import write_user_config

from kpcompare.report.bundle import ReportBundle
from kpcompare.run import ConfigError, load_config, run_config
from kpcompare.disclosure import DisclosureOffWarning


def _run(tmp_path, **kw):
    config = load_config(write_user_config(tmp_path, **kw))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        bundle = run_config(config, date="2026-01-31")
    return config, bundle, seen


def _section(bundle: ReportBundle, key: str):
    return next(s for s in bundle.sections if s.name == f"two_{key}").table


def test_standardised_rates_by_hand(tmp_path):
    """Standard = A's population (weights 60-74: 1000/1500, 75+: 500/1500), rates per 1,000.

    A stroke: admissions (2/3)(2/1000) = 1.3333, bed days (2/3)(2/1000) = 1.3333;
    B stroke: admissions (2/3)(1/2000) + (1/3)(1/1000) = 0.6667, bed days (2/3)(1/2000) + (1/3)(5/1000) = 2.0;
    ratios B/A: admissions 0.5, bed days 1.5.
    """
    _, bundle, _ = _run(tmp_path)
    cmp = _section(bundle, "comparison").set_index(["system", "condition", "measure"])
    assert cmp.loc[("A", "stroke", "admissions"), "value"] == pytest.approx(4 / 3)
    assert cmp.loc[("A", "stroke", "bed_days"), "value"] == pytest.approx(4 / 3)
    assert cmp.loc[("B", "stroke", "admissions"), "value"] == pytest.approx(2 / 3)
    assert cmp.loc[("B", "stroke", "bed_days"), "value"] == pytest.approx(2.0)
    assert cmp.loc[("B", "stroke", "admissions"), "ratio"] == pytest.approx(0.5)
    assert cmp.loc[("B", "stroke", "bed_days"), "ratio"] == pytest.approx(1.5)


def test_every_row_counted_or_excluded(tmp_path):
    _, bundle, _ = _run(tmp_path)
    strata = _section(bundle, "strata")
    assert strata.groupby("system")[["admissions", "bed_days"]].sum().to_dict("index") == {
        "A": {"admissions": 3, "bed_days": 6}, "B": {"admissions": 2, "bed_days": 6}}
    excl = bundle.exclusions.set_index("reason")["rows"]
    assert excl[excl > 0].to_dict() == {"discharge_before_admission": 1}
    assert list(bundle.exclusions.columns[:2]) == ["extract", "reason"]
    assert "both: rows read 6 = counted 5 + excluded 1." in bundle.summary


def test_within_age_bands_and_decomposition(tmp_path):
    extra = '\n[[comparison.within]]\nage_band = "75+"\nage_min = 75\n'
    _, bundle, _ = _run(tmp_path, comparison_extra=extra)
    band = _section(bundle, "by_age_band")
    assert list(band.columns[:3]) == ["system", "condition", "age_band"] and set(band["age_band"]) == {"75+"}
    # within 75+: B stroke 1 admission per 1,000 people, A none
    row = band[(band["system"] == "B") & (band["condition"] == "stroke") & (band["measure"] == "admissions")]
    assert row["value"].iloc[0] == pytest.approx(1.0)
    dec = _section(bundle, "decomposition")
    std = dec[(dec["condition"] == "stroke") & (dec["age_band"] == "standardised")].iloc[0]
    assert std["gap"] == pytest.approx(2.0 - 4 / 3)  # B's standardised bed days minus A's
    assert std["admission_component"] + std["los_component"] == pytest.approx(std["gap"])


def test_disclosure_off_warns_and_is_recorded(tmp_path):
    _, bundle, seen = _run(tmp_path)
    warned = [w for w in seen if issubclass(w.category, DisclosureOffWarning)]
    assert len(warned) == 1 and "disclosure control is off ([disclosure] apply = false)" in str(warned[0].message)
    record = bundle.provenance["disclosure"]
    assert (record["applied"], record["requested"], record["record_level_extracts"]) == (False, False, ["both"])


def _suppressible_extract(folder) -> None:
    """System A: 12 one-night stroke stays at 70 (12 admissions, 12 bed days); system B: 3 at 80."""
    head = "system,sex,age,admission_date,discharge_date,primary_diagnosis\n"
    rows = ["A,F,70,2020-01-01,2020-01-02,I63.9"] * 12 + ["B,F,80,2020-01-01,2020-01-02,I63.9"] * 3
    (folder / "extract.csv").write_text(head + "\n".join(rows) + "\n")


def test_disclosure_applied_by_default(tmp_path):
    """HES rule (NHS Digital, 2018): 1-7 suppressed, others rounded to the nearest 5; statistics resting on a
    suppressed count suppressed.  12 -> 10; B's 3 stays suppressed, and B's rates with them."""
    path = write_user_config(tmp_path)
    path.write_text(path.read_text().replace("apply = false", "apply = true"))
    _suppressible_extract(tmp_path)
    bundle = run_config(load_config(path), date="2026-01-31")
    strata = _section(bundle, "strata").set_index("system")
    assert strata.loc["A", "admissions"] == 10 and strata.loc["A", "admissions_suppressed"] == ""
    assert strata.loc["B", ["admissions", "bed_days"]].isna().all()
    assert strata.loc["B", "admissions_suppressed"] == "primary"
    cmp = _section(bundle, "comparison")
    b = cmp[(cmp["system"] == "B") & (cmp["condition"] == "stroke")]
    assert b["count"].isna().all() and b["value"].isna().all() and set(b["value_suppressed"]) == {"derived"}
    dec = _section(bundle, "decomposition")
    assert dec.loc[dec["system"] == "B", "gap"].isna().all()
    record = bundle.provenance["disclosure"]
    assert record["applied"] is True and record["rule"] == "hes" and record["tables"]["two_strata"] >= 2
    assert bundle.provenance["rows"] == {"both": {"read": 15, "counted": 15, "excluded": 0}}


def test_an_unknown_rule_names_the_key(tmp_path):
    path = write_user_config(tmp_path)
    path.write_text(path.read_text().replace("apply = false", 'rule = "hez"'))
    with pytest.raises(ConfigError, match=r"line \d+: key 'disclosure.rule': UnknownNameError: argument 'rule': "
                                          "unknown rule 'hez'"):
        run_config(load_config(path))


def test_provenance_records_inputs_versions_and_configuration(tmp_path):
    _, bundle, _ = _run(tmp_path)
    prov = bundle.provenance
    assert prov["date"] == "2026-01-31"
    assert prov["kpcompare"] and prov["dependencies"]["pandas"] and prov["dependencies"]["click"]
    by_path = {rec["path"]: rec for rec in prov["inputs"]}
    for name in ("extract.csv", "population.csv"):
        assert by_path[name]["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    assert prov["configuration"]["resolved"]["comparison"]["reference"] == "A"
    assert prov["configuration"]["resolved"]["extracts"][0]["unit"] == "episode"  # defaults resolved


def test_library_errors_name_the_extract_key(tmp_path):
    path = write_user_config(tmp_path)
    (tmp_path / "extract.csv").write_text("system,sex\nA,F\n")
    with pytest.raises(ConfigError, match=r"^two\.toml, line 4: key 'extracts\[0\]': MissingColumnError: "):
        run_config(load_config(path))


def test_figures_and_caveats_beside_their_table(tmp_path):
    path = write_user_config(tmp_path)
    path.write_text(path.read_text() + '\n[[caveats]]\ntopic = "small"\ntext = "Five stays."\n'
                    'table = "strata"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DisclosureOffWarning)
        bundle = run_config(load_config(path), date="2026-01-31")
    sections = {s.name: s for s in bundle.sections}
    assert sections["two_strata"].caveats == ("small: Five stays.",)
    assert sections["two_comparison"].caveats == ()
    assert [f.name for f in sections["two_comparison"].figures] == ["two_bars"]
    assert list(sections["two_caveats"].table.columns) == ["topic", "caveat"]
    assert [m.name for m in bundle.methods][:2] == ["Aggregation of episode extracts", "Directly standardised rates"]
