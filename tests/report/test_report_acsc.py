"""The avoidable-admissions (ACSC) demo section on bundled data: inputs checked against plain recounts."""

from __future__ import annotations

import pytest

from kpcompare import datasets
from kpcompare.report import acsc, demo

# NHS Institute Appendix A codes read in the primary position (J20 needs a secondary diagnosis: left out),
# written out here by hand from data/conditions/SOURCES.md, not taken from the package's files
NHS19_PRIMARY_PREFIXES = [
    "I20", "I240", "I248", "I249", "J45", "J46", "I110", "I50", "J81", "J41", "J42", "J43", "J44", "J47",
    "I10", "I119", "D501", "D508", "D509", "E40", "E41", "E42", "E43", "E550", "E643", "L03", "L04", "L080",
    "L088", "L089", "L88", "L980", "G40", "G41", "R56", "O15", "E86", "K522", "K528", "K529", "A690", "K02",
    "K03", "K04", "K05", "K06", "K08", "K098", "K099", "K12", "K13", "H66", "H67", "J02", "J03", "J06", "J312",
    "N70", "N73", "N74", "N10", "N11", "N12", "N136", "R02", "J10", "J11", "J13", "J14", "J153", "J154", "J157",
    "J159", "J168", "J181", "J188", "A35", "A36", "A37", "A80", "B05", "B06", "B161", "B169", "B180", "B181",
    "B26", "G000", "M014",
    *[f"K2{d}{c}" for d in "5678" for c in "012456"],
    *[f"E1{d}{c}" for d in "01234" for c in "012345678"],
]


@pytest.fixture(scope="module")
def tables():
    return acsc.acsc_tables()


def test_nhs_emergency_admissions_match_a_plain_recount():
    hes = datasets.hes_primary_diagnosis(year="2000-01", level="4char")
    code = hes["code4"].str.replace(".", "", regex=False).str.rstrip("X-")
    hit = code.apply(lambda c: any(c.startswith(p) for p in NHS19_PRIMARY_PREFIXES))
    expected = hes.loc[hit, "emergency"].fillna(0).sum()
    strata, exclusions, _ = acsc.nhs_strata()
    assert strata["admissions"].sum() + exclusions["admissions"].sum() == pytest.approx(expected, rel=1e-12)


def test_us_every_discharge_is_counted_or_excluded():
    strata, exclusions = acsc.us_strata()
    assert strata["admissions"].sum() + exclusions["rows"].sum() == len(datasets.nhds2010())
    reasons = exclusions.set_index("reason")["rows"]
    assert reasons["newborn"] == 14092  # NHDS 2010 newborn records
    assert reasons["filtered_out_by_where"] > 0  # elective and other admission types


def test_tables_compare_the_shared_conditions_and_each_whole_set(tables):
    cmp = tables["comparison"]
    assert set(cmp["system"]) == {acsc.NHS, acsc.US}
    assert "angina" in set(cmp["condition"]) and "gangrene" not in set(cmp["condition"])
    assert tables["totals"]["condition"].unique().tolist() == [acsc.ALL_ACSC]
    lost = tables["applicability"]
    assert not lost.loc[(lost["group"] == "angina") & (lost["rule"] == "exclude_main_procedure"), "applied"].any()
    assert "bed_days" not in tables["strata"].columns  # not compared: HES bed days are not emergency-only


def test_format_report_names_the_rules_not_applied(tables):
    text = acsc.format_report(tables)
    assert "angina: exclude_main_procedure" in text
    assert "US / NHS (95% CI)" in text


def test_acsc_section_is_listed_but_not_run_by_default():
    section = {s.name: s for s in demo.SECTIONS}["acsc"]
    assert section.default is False
    assert [s.name for s in demo.SECTIONS if s.default] == ["ham"]
