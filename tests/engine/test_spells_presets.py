"""CIPS presets (``CipsRules.preset``), one hand case per rule that tells them apart.

Sources (cited in kpcompare.engine.spells.CIPS_PRESETS and docs/extracts.md section 5):
* ``nhs_digital``: NHS Digital (HSCIC), "Methodology to create provider and CIP spells from HES APC data"
  (2014): gap <= 3 days; DISDEST 49-53, 84, 87; ADMISORC 49-53, 87; ADMIMETH 2B, 81;
* ``health_foundation``: HFAnalyticsLab/HES_pipeline src/spells.R ``derive_cips``: gap <= 3 days; DISDEST and
  ADMISORC 51-53 only; ADMIMETH 2B (their 67), 81;
* ``epidm``: ukhsa-collaboration/epidm R/continuous_inpatient_spells.R ``cip_spells``: DISDEST 49-53, 84;
  not linked when discharged home (19) and readmitted with ADMISORC 51 and ADMIMETH 21; in effect gap 0.
"""

from __future__ import annotations

import pytest

from kpcompare.engine.spells import CIPS_PRESETS, CipsRules
from kpcompare.errors import InvalidArgumentError, UnknownNameError

from test_spells import agg, ep  # tests/engine is on sys.path (pytest prepend import mode)


def _admissions(rows, preset):
    return int(agg(rows, "cips", cips_rules=CipsRules.preset(preset)).strata["admissions"].sum())


def test_presets_are_listed_and_the_default_is_nhs_digital():
    assert CipsRules.presets() == ("nhs_digital", "health_foundation", "epidm", "che_york")
    assert CipsRules.preset("nhs_digital") == CipsRules()
    assert all(CIPS_PRESETS[name]["source"] for name in CipsRules.presets())


def test_unknown_preset_is_refused_with_the_known_names():
    with pytest.raises(UnknownNameError, match=r"unknown preset 'che'; known: nhs_digital, health_foundation, epidm, "
                                                r"che_york"):
        CipsRules.preset("che")


def test_unlinked_admissions_must_be_pairs_of_codes():
    with pytest.raises(InvalidArgumentError, match=r"'unlinked_admissions': expected \(admission source"):
        CipsRules(unlinked_admissions=("51", "21"))


def test_label_names_the_preset_or_the_changed_fields():
    assert CipsRules().label() == "nhs_digital"
    assert CipsRules.preset("epidm").label() == "epidm"
    assert CipsRules(gap_days=1).label() == "custom(gap_days=1)"


@pytest.mark.parametrize(("preset", "links"), [("nhs_digital", True), ("health_foundation", False),
                                               ("epidm", True)])
def test_rule_C2_destination_49_links_except_in_the_health_foundation_preset(preset, links):
    rows = [ep(1, "P", 0, 2, destination="49"), ep(1, "Q", 2, 5)]
    assert _admissions(rows, preset) == (1 if links else 2)


@pytest.mark.parametrize(("preset", "links"), [("nhs_digital", True), ("health_foundation", False),
                                               ("epidm", False)])
def test_rule_C2_destination_87_links_only_in_the_nhs_digital_preset(preset, links):
    rows = [ep(1, "P", 0, 2, destination="87"), ep(1, "Q", 2, 5)]
    assert _admissions(rows, preset) == (1 if links else 2)


@pytest.mark.parametrize(("preset", "links"), [("nhs_digital", True), ("health_foundation", True),
                                               ("epidm", False)])
def test_rule_C1_a_one_day_gap_links_except_in_the_epidm_preset(preset, links):
    rows = [ep(1, "P", 0, 2, destination="51"), ep(1, "Q", 3, 5)]
    assert _admissions(rows, preset) == (1 if links else 2)


@pytest.mark.parametrize(("preset", "links"), [("nhs_digital", True), ("health_foundation", True),
                                               ("epidm", False)])
def test_rule_C5_home_then_source_51_method_21_does_not_link_in_the_epidm_preset(preset, links):
    rows = [ep(1, "P", 0, 2, destination="19"), ep(1, "Q", 2, 5, source="51", method="21")]
    assert _admissions(rows, preset) == (1 if links else 2)


def test_rule_C5_needs_both_the_destination_and_the_admission_pair():
    rows = [ep(1, "P", 0, 2, destination="19"), ep(1, "Q", 2, 5, source="51", method="81"),  # method 81: links
            ep(2, "P", 0, 2, destination="51"), ep(2, "Q", 2, 5, source="51", method="21")]  # not home: links
    assert _admissions(rows, "epidm") == 2


def test_the_rules_are_recorded_in_the_result():
    rows = [ep(1, "P", 0, 2, destination="51"), ep(1, "Q", 3, 5)]
    custom = agg(rows, "cips", cips_rules=CipsRules(gap_days=0))
    assert custom.cips_rules == custom.strata.attrs["cips_rules"] == "custom(gap_days=0)"
    assert agg(rows, "cips").cips_rules == "nhs_digital"
    assert agg(rows, "spell").cips_rules is None and "cips_rules" not in agg(rows, "spell").strata.attrs
